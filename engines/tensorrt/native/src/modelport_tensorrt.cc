// TensorRT 10 binding for Modelport. Exports version(), deviceCount() and loadEngine(plan, device),
// which returns an object with ioTensors(), infer(inputs) -> Promise and destroy().
// The TypeScript description of these exports lives in engines/tensorrt/binding.ts.
//
// Threading: JS buffers are copied on the main thread; the CUDA work (H2D copy, enqueueV3, D2H
// copy, stream sync) runs in a Napi::AsyncWorker on the libuv pool. The host never calls infer
// concurrently on one engine; a second call while one is running is rejected.

#include <napi.h>
#include <NvInfer.h>
#include <cuda_runtime_api.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

class CapturingLogger : public nvinfer1::ILogger {
 public:
  void log(Severity severity, const char* message) noexcept override {
    if (severity <= Severity::kERROR) {
      std::lock_guard<std::mutex> lock(mutex_);
      last_error_ = message;
    }
  }
  std::string LastError() {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_error_.empty() ? std::string("unknown TensorRT error") : last_error_;
  }

 private:
  std::mutex mutex_;
  std::string last_error_;
};

CapturingLogger g_logger;

const char* DTypeName(nvinfer1::DataType type) {
  switch (type) {
    case nvinfer1::DataType::kFLOAT: return "float32";
    case nvinfer1::DataType::kHALF: return "float16";
    case nvinfer1::DataType::kINT8: return "int8";
    case nvinfer1::DataType::kINT32: return "int32";
    case nvinfer1::DataType::kINT64: return "int64";
    case nvinfer1::DataType::kBOOL: return "bool";
    case nvinfer1::DataType::kUINT8: return "uint8";
    case nvinfer1::DataType::kBF16: return "bfloat16";
    case nvinfer1::DataType::kFP8: return "fp8";
    default: return "unsupported";
  }
}

size_t DTypeSize(nvinfer1::DataType type) {
  switch (type) {
    case nvinfer1::DataType::kFLOAT: case nvinfer1::DataType::kINT32: return 4;
    case nvinfer1::DataType::kHALF: case nvinfer1::DataType::kBF16: return 2;
    case nvinfer1::DataType::kINT64: return 8;
    default: return 1;
  }
}

Napi::Array DimsToArray(Napi::Env env, const nvinfer1::Dims& dims) {
  Napi::Array array = Napi::Array::New(env, dims.nbDims);
  for (int32_t i = 0; i < dims.nbDims; ++i) array.Set(i, Napi::Number::New(env, static_cast<double>(dims.d[i])));
  return array;
}

void CheckCuda(cudaError_t status, const char* what) {
  if (status != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(status));
}

struct DeviceBuffer {
  void* ptr = nullptr;
  size_t capacity = 0;
};

struct HostTensor {
  std::string name;
  nvinfer1::Dims dims{};
  std::vector<uint8_t> bytes;
};

class TrtEngine : public Napi::ObjectWrap<TrtEngine> {
 public:
  static Napi::FunctionReference constructor;

  static void Init(Napi::Env env) {
    Napi::Function fn = DefineClass(env, "TrtEngine", {
      InstanceMethod("ioTensors", &TrtEngine::IoTensors),
      InstanceMethod("infer", &TrtEngine::Infer),
      InstanceMethod("destroy", &TrtEngine::Destroy),
    });
    constructor = Napi::Persistent(fn);
    constructor.SuppressDestruct();
  }

  explicit TrtEngine(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TrtEngine>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsNumber()) {
      throw Napi::TypeError::New(env, "loadEngine(plan: Uint8Array, device: number)");
    }
    Napi::Uint8Array plan = info[0].As<Napi::Uint8Array>();
    device_ = info[1].As<Napi::Number>().Int32Value();
    try {
      CheckCuda(cudaSetDevice(device_), "cudaSetDevice");
      runtime_.reset(nvinfer1::createInferRuntime(g_logger));
      if (!runtime_) throw std::runtime_error("createInferRuntime failed: " + g_logger.LastError());
      engine_.reset(runtime_->deserializeCudaEngine(plan.Data(), plan.ByteLength()));
      if (!engine_) throw std::runtime_error(g_logger.LastError());
      context_.reset(engine_->createExecutionContext());
      if (!context_) throw std::runtime_error("createExecutionContext failed: " + g_logger.LastError());
      CheckCuda(cudaStreamCreate(&stream_), "cudaStreamCreate");
    } catch (const std::exception& error) {
      Release();
      throw Napi::Error::New(env, error.what());
    }
  }

  ~TrtEngine() override { Release(); }

  // Runs on the worker thread.
  std::vector<HostTensor> Run(const std::vector<HostTensor>& inputs) {
    CheckCuda(cudaSetDevice(device_), "cudaSetDevice");
    for (const HostTensor& input : inputs) {
      const char* name = input.name.c_str();
      if (!context_->setInputShape(name, input.dims)) throw std::runtime_error("setInputShape failed for " + input.name + ": " + g_logger.LastError());
      void* ptr = Reserve(input.name, input.bytes.size());
      CheckCuda(cudaMemcpyAsync(ptr, input.bytes.data(), input.bytes.size(), cudaMemcpyHostToDevice, stream_), "cudaMemcpyAsync (input)");
      if (!context_->setTensorAddress(name, ptr)) throw std::runtime_error("setTensorAddress failed for " + input.name);
    }
    std::vector<HostTensor> outputs;
    for (int32_t i = 0; i < engine_->getNbIOTensors(); ++i) {
      const char* name = engine_->getIOTensorName(i);
      if (engine_->getTensorIOMode(name) != nvinfer1::TensorIOMode::kOUTPUT) continue;
      HostTensor output;
      output.name = name;
      output.dims = context_->getTensorShape(name);
      size_t count = 1;
      for (int32_t d = 0; d < output.dims.nbDims; ++d) {
        if (output.dims.d[d] < 0) throw std::runtime_error(std::string("output ") + name + " has a data-dependent shape, which this addon does not support");
        count *= static_cast<size_t>(output.dims.d[d]);
      }
      output.bytes.resize(count * DTypeSize(engine_->getTensorDataType(name)));
      void* ptr = Reserve(output.name, output.bytes.size());
      if (!context_->setTensorAddress(name, ptr)) throw std::runtime_error(std::string("setTensorAddress failed for ") + name);
      outputs.push_back(std::move(output));
    }
    if (!context_->enqueueV3(stream_)) throw std::runtime_error("enqueueV3 failed: " + g_logger.LastError());
    for (HostTensor& output : outputs) {
      CheckCuda(cudaMemcpyAsync(output.bytes.data(), buffers_[output.name].ptr, output.bytes.size(), cudaMemcpyDeviceToHost, stream_), "cudaMemcpyAsync (output)");
    }
    CheckCuda(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
    return outputs;
  }

  void Finished() {
    busy_ = false;
    if (destroy_requested_) Release();
  }

 private:
  Napi::Value IoTensors(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!engine_) throw Napi::Error::New(env, "engine destroyed");
    int32_t count = engine_->getNbIOTensors();
    Napi::Array result = Napi::Array::New(env, count);
    for (int32_t i = 0; i < count; ++i) {
      const char* name = engine_->getIOTensorName(i);
      bool is_input = engine_->getTensorIOMode(name) == nvinfer1::TensorIOMode::kINPUT;
      Napi::Object tensor = Napi::Object::New(env);
      tensor.Set("name", name);
      tensor.Set("mode", is_input ? "input" : "output");
      tensor.Set("dtype", DTypeName(engine_->getTensorDataType(name)));
      nvinfer1::Dims shape = engine_->getTensorShape(name);
      tensor.Set("shape", DimsToArray(env, shape));
      bool dynamic = false;
      for (int32_t d = 0; d < shape.nbDims; ++d) dynamic = dynamic || shape.d[d] < 0;
      if (is_input && dynamic && engine_->getNbOptimizationProfiles() > 0) {
        tensor.Set("maxShape", DimsToArray(env, engine_->getProfileShape(name, 0, nvinfer1::OptProfileSelector::kMAX)));
      }
      result.Set(i, tensor);
    }
    return result;
  }

  Napi::Value Infer(const Napi::CallbackInfo& info);

  Napi::Value Destroy(const Napi::CallbackInfo& info) {
    if (busy_) destroy_requested_ = true;
    else Release();
    return info.Env().Undefined();
  }

  void* Reserve(const std::string& name, size_t bytes) {
    DeviceBuffer& buffer = buffers_[name];
    if (buffer.capacity < bytes) {
      if (buffer.ptr) cudaFree(buffer.ptr);
      buffer.ptr = nullptr;
      CheckCuda(cudaMalloc(&buffer.ptr, bytes == 0 ? 1 : bytes), "cudaMalloc");
      buffer.capacity = bytes;
    }
    return buffer.ptr;
  }

  void Release() {
    for (auto& entry : buffers_) if (entry.second.ptr) cudaFree(entry.second.ptr);
    buffers_.clear();
    if (stream_) cudaStreamDestroy(stream_);
    stream_ = nullptr;
    context_.reset();
    engine_.reset();
    runtime_.reset();
  }

  friend class InferWorker;
  int32_t device_ = 0;
  bool busy_ = false;
  bool destroy_requested_ = false;
  std::unique_ptr<nvinfer1::IRuntime> runtime_;
  std::unique_ptr<nvinfer1::ICudaEngine> engine_;
  std::unique_ptr<nvinfer1::IExecutionContext> context_;
  cudaStream_t stream_ = nullptr;
  std::unordered_map<std::string, DeviceBuffer> buffers_;
};

Napi::FunctionReference TrtEngine::constructor;

class InferWorker : public Napi::AsyncWorker {
 public:
  InferWorker(Napi::Env env, TrtEngine* engine, Napi::Object owner, std::vector<HostTensor> inputs)
      : Napi::AsyncWorker(env), engine_(engine), owner_(Napi::Persistent(owner)), inputs_(std::move(inputs)), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      outputs_ = engine_->Run(inputs_);
    } catch (const std::exception& error) {
      SetError(error.what());
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    engine_->Finished();
    Napi::Array result = Napi::Array::New(env, outputs_.size());
    for (size_t i = 0; i < outputs_.size(); ++i) {
      Napi::Object output = Napi::Object::New(env);
      output.Set("name", outputs_[i].name);
      output.Set("shape", DimsToArray(env, outputs_[i].dims));
      Napi::ArrayBuffer data = Napi::ArrayBuffer::New(env, outputs_[i].bytes.size());
      if (!outputs_[i].bytes.empty()) std::memcpy(data.Data(), outputs_[i].bytes.data(), outputs_[i].bytes.size());
      output.Set("data", data);
      result.Set(static_cast<uint32_t>(i), output);
    }
    deferred_.Resolve(result);
  }

  void OnError(const Napi::Error& error) override {
    engine_->Finished();
    deferred_.Reject(error.Value());
  }

 private:
  TrtEngine* engine_;
  Napi::ObjectReference owner_;  // keeps the JS wrapper (and so the engine) alive while running
  std::vector<HostTensor> inputs_;
  std::vector<HostTensor> outputs_;
  Napi::Promise::Deferred deferred_;
};

Napi::Value TrtEngine::Infer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!engine_) throw Napi::Error::New(env, "engine destroyed");
  if (busy_) throw Napi::Error::New(env, "infer already running on this engine");
  if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "infer(inputs: {name, shape, data}[])");
  Napi::Array list = info[0].As<Napi::Array>();
  std::vector<HostTensor> inputs;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Object item = list.Get(i).As<Napi::Object>();
    HostTensor tensor;
    tensor.name = item.Get("name").As<Napi::String>().Utf8Value();
    Napi::Array shape = item.Get("shape").As<Napi::Array>();
    if (shape.Length() > static_cast<uint32_t>(nvinfer1::Dims::MAX_DIMS)) throw Napi::RangeError::New(env, "too many dimensions for " + tensor.name);
    tensor.dims.nbDims = static_cast<int32_t>(shape.Length());
    for (uint32_t d = 0; d < shape.Length(); ++d) tensor.dims.d[d] = shape.Get(d).As<Napi::Number>().Int64Value();
    Napi::TypedArray data = item.Get("data").As<Napi::TypedArray>();
    const uint8_t* bytes = static_cast<const uint8_t*>(data.ArrayBuffer().Data()) + data.ByteOffset();
    tensor.bytes.assign(bytes, bytes + data.ByteLength());
    inputs.push_back(std::move(tensor));
  }
  busy_ = true;
  auto* worker = new InferWorker(env, this, info.This().As<Napi::Object>(), std::move(inputs));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value Version(const Napi::CallbackInfo& info) {
  int32_t version = getInferLibVersion();
  std::string text = std::to_string(version / 10000) + "." + std::to_string((version / 100) % 100) + "." + std::to_string(version % 100);
  return Napi::String::New(info.Env(), text);
}

Napi::Value DeviceCount(const Napi::CallbackInfo& info) {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) count = 0;
  return Napi::Number::New(info.Env(), count);
}

Napi::Value LoadEngine(const Napi::CallbackInfo& info) {
  std::vector<napi_value> args(info.Length());
  for (size_t i = 0; i < info.Length(); ++i) args[i] = info[i];
  return TrtEngine::constructor.New(args);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  TrtEngine::Init(env);
  exports.Set("version", Napi::Function::New(env, Version));
  exports.Set("deviceCount", Napi::Function::New(env, DeviceCount));
  exports.Set("loadEngine", Napi::Function::New(env, LoadEngine));
  return exports;
}

}  // namespace

NODE_API_MODULE(modelport_tensorrt, Init)
