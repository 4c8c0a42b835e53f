// TensorRT binding for Modelport (TensorRT 10 and 11). Exports:
//   version(), deviceCount(), deviceInfo(device),
//   loadEngine(plan, device) -> Promise<engine>, with engine.ioTensors(), engine.infer(inputs) -> Promise
//   and engine.destroy(),
//   buildPlan(onnx, options, onProgress?) -> Promise<{plan, log, fp16}>.
// The TypeScript description of these exports lives in engines/tensorrt/binding.ts.
//
// Threading: deserialising a plan, building a plan and the CUDA work of a run (H2D copy, enqueueV3,
// D2H copy, stream sync) run in Napi::AsyncWorkers on the libuv pool; every one of them selects the
// engine's CUDA device for its duration and restores the thread's previous device afterwards. JS
// inputs are checked and copied on the JS thread. One run at a time per engine; a second call while
// one is running is rejected; destroy() during a run frees the engine when the run has finished.
//
// Errors: every JS-facing function maps C++ exceptions (std::bad_alloc included) to JS errors (the
// promise-returning ones reject), and a failing completion callback rejects its promise instead of
// leaving it pending.

#include <napi.h>
#include <NvInfer.h>
#include <NvInferPlugin.h>
#include <NvOnnxParser.h>
#include <cuda_runtime_api.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace {

constexpr size_t kMaxLogLines = 500;

// One logger per engine or build, so that an error message always belongs to the call that failed.
class CapturingLogger : public nvinfer1::ILogger {
 public:
  explicit CapturingLogger(bool keep_lines = false) : keep_lines_(keep_lines) {}

  void log(Severity severity, const char* message) noexcept override {
    try {
      std::lock_guard<std::mutex> lock(mutex_);
      const std::string text = message ? message : "";
      if (severity <= Severity::kERROR) last_error_ = text;
      if (keep_lines_ && severity <= Severity::kINFO && lines_.size() < kMaxLogLines) lines_.push_back(std::string(SeverityName(severity)) + ": " + text);
    } catch (...) {
      // Logging must never throw into TensorRT.
    }
  }

  void ClearError() {
    std::lock_guard<std::mutex> lock(mutex_);
    last_error_.clear();
  }

  // The error TensorRT logged since the last ClearError, or `fallback`.
  std::string ErrorOr(const std::string& fallback) {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_error_.empty() ? fallback : last_error_;
  }

  std::vector<std::string> TakeLines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::move(lines_);
  }

 private:
  static const char* SeverityName(Severity severity) {
    switch (severity) {
      case Severity::kINTERNAL_ERROR: return "internal error";
      case Severity::kERROR: return "error";
      case Severity::kWARNING: return "warning";
      case Severity::kINFO: return "info";
      default: return "verbose";
    }
  }

  bool keep_lines_;
  std::mutex mutex_;
  std::string last_error_;
  std::vector<std::string> lines_;
};

// The standard plugins (EfficientNMS and the like) register once per process.
struct PluginState {
  std::once_flag once;
  bool ok = false;
  CapturingLogger* logger = new CapturingLogger();  // never freed: TensorRT may log through it until exit
};

PluginState& Plugins() {
  static PluginState* state = new PluginState();
  return *state;
}

void InitPlugins() {
  PluginState& state = Plugins();
  std::call_once(state.once, [&state] { state.ok = initLibNvInferPlugins(state.logger, ""); });
}

std::string PluginNote() {
  PluginState& state = Plugins();
  return state.ok ? std::string() : " (the TensorRT plugin library did not initialise: " + state.logger->ErrorOr("no reason given") + ")";
}

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

// Bytes per element; 0 for types this addon cannot marshal (sub-byte and block formats).
size_t DTypeSize(nvinfer1::DataType type) {
  switch (type) {
    case nvinfer1::DataType::kFLOAT: case nvinfer1::DataType::kINT32: return 4;
    case nvinfer1::DataType::kHALF: case nvinfer1::DataType::kBF16: return 2;
    case nvinfer1::DataType::kINT64: return 8;
    case nvinfer1::DataType::kINT8: case nvinfer1::DataType::kUINT8: case nvinfer1::DataType::kBOOL: case nvinfer1::DataType::kFP8: return 1;
    default: return 0;
  }
}

// The JS typed array that carries each dtype (float16/bfloat16 as raw Uint16, fp8/bool as Uint8).
napi_typedarray_type ArrayTypeFor(nvinfer1::DataType type) {
  switch (type) {
    case nvinfer1::DataType::kFLOAT: return napi_float32_array;
    case nvinfer1::DataType::kHALF: case nvinfer1::DataType::kBF16: return napi_uint16_array;
    case nvinfer1::DataType::kINT8: return napi_int8_array;
    case nvinfer1::DataType::kINT32: return napi_int32_array;
    case nvinfer1::DataType::kINT64: return napi_bigint64_array;
    default: return napi_uint8_array;
  }
}

const char* ArrayTypeName(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
    default: return "an unknown typed array";
  }
}

std::string DimsText(const nvinfer1::Dims& dims) {
  std::string text = "[";
  for (int32_t i = 0; i < dims.nbDims; ++i) text += (i ? "," : "") + std::to_string(dims.d[i]);
  return text + "]";
}

Napi::Array DimsToArray(Napi::Env env, const nvinfer1::Dims& dims) {
  Napi::Array array = Napi::Array::New(env, dims.nbDims);
  for (int32_t i = 0; i < dims.nbDims; ++i) array.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(dims.d[i])));
  return array;
}

void CheckCuda(cudaError_t status, const char* what) {
  if (status != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(status));
}

// Selects a CUDA device for a scope and restores the thread's previous device on the way out.
class DeviceScope {
 public:
  explicit DeviceScope(int32_t device) {
    if (cudaGetDevice(&previous_) != cudaSuccess) previous_ = -1;
    CheckCuda(cudaSetDevice(device), "cudaSetDevice");
  }
  DeviceScope(int32_t device, std::nothrow_t) {
    if (cudaGetDevice(&previous_) != cudaSuccess) previous_ = -1;
    cudaSetDevice(device);
  }
  ~DeviceScope() {
    if (previous_ >= 0) cudaSetDevice(previous_);
  }
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;

 private:
  int previous_ = -1;
};

// Runs `body` and turns any C++ exception into a pending JS exception (never std::terminate).
template <typename Body>
Napi::Value Guarded(Napi::Env env, Body body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "out of host memory");
  } catch (const std::exception& error) {
    throw Napi::Error::New(env, error.what());
  } catch (...) {
    throw Napi::Error::New(env, "unknown native error");
  }
}

// Like Guarded, for functions that return a promise: a refusal rejects the promise instead of throwing.
template <typename Body>
Napi::Value Rejecting(Napi::Env env, Body body) {
  try {
    return Guarded(env, body);
  } catch (const Napi::Error& error) {
    Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(error.Value());
    return deferred.Promise();
  }
}

// Runs worker-thread work; the message of any C++ exception it throws, or nothing.
template <typename Body>
std::optional<std::string> ErrorOf(Body body) {
  try {
    body();
    return std::nullopt;
  } catch (const std::bad_alloc&) {
    return std::string("out of host memory");
  } catch (const std::exception& error) {
    return std::string(error.what());
  } catch (...) {
    return std::string("unknown native error");
  }
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

struct ProfileShapes {
  nvinfer1::Dims min{}, opt{}, max{};
};

struct TensorInfo {
  std::string name;
  bool input = false;
  bool host = false;  // a shape tensor read on the host: not supported as an input here
  nvinfer1::DataType type = nvinfer1::DataType::kFLOAT;
  nvinfer1::Dims shape{};
  std::vector<ProfileShapes> profiles;  // inputs only, one per optimisation profile
};

// Everything a loaded plan owns. Destroyed on the engine's device, after its stream has drained.
struct EngineState {
  int32_t device = 0;
  CapturingLogger logger;  // declared first: outlives the runtime that logs through it
  std::unique_ptr<nvinfer1::IRuntime> runtime;
  std::unique_ptr<nvinfer1::ICudaEngine> engine;
  std::unique_ptr<nvinfer1::IExecutionContext> context;
  cudaStream_t stream = nullptr;
  std::vector<TensorInfo> tensors;
  std::unordered_map<std::string, DeviceBuffer> buffers;

  ~EngineState() { Release(); }

  void Release() noexcept {
    DeviceScope scope(device, std::nothrow);
    if (stream) cudaStreamSynchronize(stream);
    for (auto& entry : buffers) {
      if (entry.second.ptr) cudaFree(entry.second.ptr);
    }
    buffers.clear();
    if (stream) cudaStreamDestroy(stream);
    stream = nullptr;
    context.reset();
    engine.reset();
    runtime.reset();
  }

  const TensorInfo* Find(const std::string& name) const {
    for (const TensorInfo& tensor : tensors) {
      if (tensor.name == name) return &tensor;
    }
    return nullptr;
  }

  void* Reserve(const std::string& name, size_t bytes) {
    DeviceBuffer& buffer = buffers[name];
    if (buffer.capacity < bytes || !buffer.ptr) {
      if (buffer.ptr) cudaFree(buffer.ptr);
      // Forget the old capacity first: if the allocation fails, the next call must allocate again.
      buffer.ptr = nullptr;
      buffer.capacity = 0;
      CheckCuda(cudaMalloc(&buffer.ptr, bytes == 0 ? 1 : bytes), "cudaMalloc");
      buffer.capacity = bytes;
    }
    return buffer.ptr;
  }

  std::vector<HostTensor> Run(const std::vector<HostTensor>& inputs) {
    DeviceScope scope(device);
    logger.ClearError();
    try {
      for (const HostTensor& input : inputs) {
        const char* name = input.name.c_str();
        if (!context->setInputShape(name, input.dims)) {
          throw std::runtime_error("input " + input.name + ": shape " + DimsText(input.dims) + " was refused: " + logger.ErrorOr("outside the optimisation profile"));
        }
        void* ptr = Reserve(input.name, input.bytes.size());
        CheckCuda(cudaMemcpyAsync(ptr, input.bytes.data(), input.bytes.size(), cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync (input)");
        if (!context->setTensorAddress(name, ptr)) throw std::runtime_error("setTensorAddress failed for " + input.name + ": " + logger.ErrorOr("no reason given"));
      }
      std::vector<HostTensor> outputs;
      for (const TensorInfo& tensor : tensors) {
        if (tensor.input) continue;
        const char* name = tensor.name.c_str();
        HostTensor output;
        output.name = tensor.name;
        output.dims = context->getTensorShape(name);
        size_t element = DTypeSize(tensor.type);
        if (element == 0) throw std::runtime_error("output " + tensor.name + " has dtype " + DTypeName(tensor.type) + ", which this addon cannot copy");
        size_t count = 1;
        for (int32_t d = 0; d < output.dims.nbDims; ++d) {
          if (output.dims.d[d] < 0) throw std::runtime_error("output " + tensor.name + " has a data-dependent shape, which this addon does not support");
          count *= static_cast<size_t>(output.dims.d[d]);
        }
        output.bytes.resize(count * element);
        void* ptr = Reserve(output.name, output.bytes.size());
        if (!context->setTensorAddress(name, ptr)) throw std::runtime_error("setTensorAddress failed for " + tensor.name + ": " + logger.ErrorOr("no reason given"));
        outputs.push_back(std::move(output));
      }
      if (!context->enqueueV3(stream)) throw std::runtime_error("enqueueV3 failed: " + logger.ErrorOr("no reason given"));
      for (HostTensor& output : outputs) {
        CheckCuda(cudaMemcpyAsync(output.bytes.data(), buffers[output.name].ptr, output.bytes.size(), cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync (output)");
      }
      CheckCuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
      return outputs;
    } catch (...) {
      // Work queued before the failure may still read or write these buffers: drain it before anyone
      // can reuse or free them.
      cudaStreamSynchronize(stream);
      throw;
    }
  }
};

std::vector<TensorInfo> ReadTensors(nvinfer1::ICudaEngine& engine) {
  std::vector<TensorInfo> tensors;
  const int32_t count = engine.getNbIOTensors();
  const int32_t profiles = engine.getNbOptimizationProfiles();
  for (int32_t i = 0; i < count; ++i) {
    TensorInfo tensor;
    const char* name = engine.getIOTensorName(i);
    tensor.name = name ? name : "";
    tensor.input = engine.getTensorIOMode(name) == nvinfer1::TensorIOMode::kINPUT;
    tensor.type = engine.getTensorDataType(name);
    tensor.shape = engine.getTensorShape(name);
    tensor.host = engine.getTensorLocation(name) == nvinfer1::TensorLocation::kHOST || engine.isShapeInferenceIO(name);
    if (tensor.input) {
      for (int32_t p = 0; p < profiles; ++p) {
        ProfileShapes shapes;
        shapes.min = engine.getProfileShape(name, p, nvinfer1::OptProfileSelector::kMIN);
        shapes.opt = engine.getProfileShape(name, p, nvinfer1::OptProfileSelector::kOPT);
        shapes.max = engine.getProfileShape(name, p, nvinfer1::OptProfileSelector::kMAX);
        tensor.profiles.push_back(shapes);
      }
    }
    tensors.push_back(std::move(tensor));
  }
  return tensors;
}

std::unique_ptr<EngineState> LoadState(const uint8_t* plan, size_t size, int32_t device) {
  InitPlugins();
  auto state = std::make_unique<EngineState>();
  state->device = device;
  DeviceScope scope(device);
  state->runtime.reset(nvinfer1::createInferRuntime(state->logger));
  if (!state->runtime) throw std::runtime_error("createInferRuntime failed: " + state->logger.ErrorOr("no reason given"));
  state->engine.reset(state->runtime->deserializeCudaEngine(plan, size));
  if (!state->engine) throw std::runtime_error(state->logger.ErrorOr("deserializeCudaEngine failed") + PluginNote());
  state->context.reset(state->engine->createExecutionContext());
  if (!state->context) throw std::runtime_error("createExecutionContext failed: " + state->logger.ErrorOr("no reason given"));
  CheckCuda(cudaStreamCreate(&state->stream), "cudaStreamCreate");
  state->tensors = ReadTensors(*state->engine);
  return state;
}

class TrtEngine : public Napi::ObjectWrap<TrtEngine> {
 public:
  static Napi::FunctionReference* constructor;

  static void Init(Napi::Env env) {
    Napi::Function fn = DefineClass(env, "TrtEngine", {
      InstanceMethod("ioTensors", &TrtEngine::IoTensors),
      InstanceMethod("infer", &TrtEngine::Infer),
      InstanceMethod("destroy", &TrtEngine::Destroy),
    });
    constructor = new Napi::FunctionReference(Napi::Persistent(fn));
  }

  // Only LoadWorker creates engines: it passes the loaded state as an External.
  explicit TrtEngine(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TrtEngine>(info) {
    if (info.Length() != 1 || !info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "use loadEngine(plan, device)");
    state_.reset(info[0].As<Napi::External<EngineState>>().Data());
  }

  ~TrtEngine() override { state_.reset(); }

  EngineState* State() { return state_.get(); }

  void Finished() {
    busy_ = false;
    if (destroy_requested_) state_.reset();
  }

 private:
  Napi::Value IoTensors(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return Guarded(env, [&]() -> Napi::Value {
      if (!state_ || destroy_requested_) throw Napi::Error::New(env, "engine destroyed");
      Napi::Array result = Napi::Array::New(env, state_->tensors.size());
      uint32_t index = 0;
      for (const TensorInfo& tensor : state_->tensors) {
        Napi::Object item = Napi::Object::New(env);
        item.Set("name", tensor.name);
        item.Set("mode", tensor.input ? "input" : "output");
        item.Set("dtype", DTypeName(tensor.type));
        item.Set("shape", DimsToArray(env, tensor.shape));
        if (tensor.input) {
          item.Set("location", tensor.host ? "host" : "device");
          Napi::Array profiles = Napi::Array::New(env, tensor.profiles.size());
          for (size_t p = 0; p < tensor.profiles.size(); ++p) {
            Napi::Object shapes = Napi::Object::New(env);
            shapes.Set("min", DimsToArray(env, tensor.profiles[p].min));
            shapes.Set("opt", DimsToArray(env, tensor.profiles[p].opt));
            shapes.Set("max", DimsToArray(env, tensor.profiles[p].max));
            profiles.Set(static_cast<uint32_t>(p), shapes);
          }
          item.Set("profiles", profiles);
          if (!tensor.profiles.empty()) item.Set("maxShape", DimsToArray(env, tensor.profiles[0].max));
        }
        result.Set(index++, item);
      }
      return result;
    });
  }

  Napi::Value Infer(const Napi::CallbackInfo& info);

  Napi::Value Destroy(const Napi::CallbackInfo& info) {
    return Guarded(info.Env(), [&]() -> Napi::Value {
      if (busy_) destroy_requested_ = true;
      else state_.reset();
      return info.Env().Undefined();
    });
  }

  std::vector<HostTensor> ReadInputs(Napi::Env env, const Napi::CallbackInfo& info);

  friend class InferWorker;
  std::unique_ptr<EngineState> state_;
  bool busy_ = false;
  bool destroy_requested_ = false;
};

Napi::FunctionReference* TrtEngine::constructor = nullptr;

// Settles a deferred from a completion callback; if building the result throws, rejects instead.
template <typename Build>
void Settle(Napi::Env env, Napi::Promise::Deferred& deferred, Build build) {
  try {
    Napi::Value value = build();
    deferred.Resolve(value);
  } catch (const Napi::Error& error) {
    deferred.Reject(error.Value());
  } catch (const std::exception& error) {
    deferred.Reject(Napi::Error::New(env, error.what()).Value());
  } catch (...) {
    deferred.Reject(Napi::Error::New(env, "unknown native error").Value());
  }
}

class InferWorker : public Napi::AsyncWorker {
 public:
  InferWorker(Napi::Env env, TrtEngine* engine, Napi::Object owner, std::vector<HostTensor> inputs)
      : Napi::AsyncWorker(env), engine_(engine), owner_(Napi::Persistent(owner)), inputs_(std::move(inputs)), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    if (std::optional<std::string> error = ErrorOf([&] { outputs_ = engine_->State()->Run(inputs_); })) SetError(*error);
  }

  void OnOK() override {
    Napi::Env env = Env();
    engine_->Finished();
    Settle(env, deferred_, [&]() -> Napi::Value {
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
      return result;
    });
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

// Checks every input against the engine before anything is copied: names (no unknown, missing or
// duplicate input), host-located shape tensors, rank and fixed dimensions, the typed array's type
// against the dtype, and the byte length against volume x element size.
std::vector<HostTensor> TrtEngine::ReadInputs(Napi::Env env, const Napi::CallbackInfo& info) {
  const char* usage = "infer(inputs: {name: string, shape: number[], data: TypedArray}[])";
  if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, usage);
  Napi::Array list = info[0].As<Napi::Array>();
  size_t expected_inputs = 0;
  for (const TensorInfo& tensor : state_->tensors) expected_inputs += tensor.input ? 1 : 0;
  if (list.Length() > expected_inputs) throw Napi::RangeError::New(env, "infer got " + std::to_string(list.Length()) + " inputs; the engine has " + std::to_string(expected_inputs));
  std::vector<HostTensor> inputs;
  std::unordered_set<std::string> seen;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Value value = list.Get(i);
    if (!value.IsObject()) throw Napi::TypeError::New(env, usage);
    Napi::Object item = value.As<Napi::Object>();
    Napi::Value name_value = item.Get("name");
    if (!name_value.IsString()) throw Napi::TypeError::New(env, "input " + std::to_string(i) + ": name must be a string");
    HostTensor tensor;
    tensor.name = name_value.As<Napi::String>().Utf8Value();
    const TensorInfo* spec = state_->Find(tensor.name);
    if (!spec || !spec->input) throw Napi::Error::New(env, "unknown input " + tensor.name);
    if (!seen.insert(tensor.name).second) throw Napi::Error::New(env, "input " + tensor.name + " given twice");
    if (spec->host) throw Napi::Error::New(env, "input " + tensor.name + " is a shape tensor read on the host, which this addon does not support");
    Napi::Value shape_value = item.Get("shape");
    if (!shape_value.IsArray()) throw Napi::TypeError::New(env, "input " + tensor.name + ": shape must be an array");
    Napi::Array shape = shape_value.As<Napi::Array>();
    if (shape.Length() != static_cast<uint32_t>(spec->shape.nbDims)) {
      throw Napi::RangeError::New(env, "input " + tensor.name + ": rank " + std::to_string(shape.Length()) + ", expected " + std::to_string(spec->shape.nbDims));
    }
    tensor.dims.nbDims = static_cast<int32_t>(shape.Length());
    uint64_t volume = 1;
    for (uint32_t d = 0; d < shape.Length(); ++d) {
      Napi::Value dim_value = shape.Get(d);
      double dim = dim_value.IsNumber() ? dim_value.As<Napi::Number>().DoubleValue() : -1;
      if (!(dim >= 0) || dim != std::floor(dim) || dim > static_cast<double>(std::numeric_limits<int32_t>::max())) {
        throw Napi::RangeError::New(env, "input " + tensor.name + ": dimension " + std::to_string(d) + " must be a non-negative integer");
      }
      const int64_t fixed = spec->shape.d[d];
      if (fixed >= 0 && fixed != static_cast<int64_t>(dim)) {
        throw Napi::RangeError::New(env, "input " + tensor.name + ": dimension " + std::to_string(d) + " is " + std::to_string(static_cast<int64_t>(dim)) + ", expected " + std::to_string(fixed));
      }
      tensor.dims.d[d] = static_cast<int64_t>(dim);
      volume *= static_cast<uint64_t>(dim);
      if (volume > (uint64_t{1} << 40)) throw Napi::RangeError::New(env, "input " + tensor.name + " is too large");
    }
    Napi::Value data_value = item.Get("data");
    if (!data_value.IsTypedArray()) throw Napi::TypeError::New(env, "input " + tensor.name + ": data must be a TypedArray (not a DataView or an ArrayBuffer)");
    Napi::TypedArray data = data_value.As<Napi::TypedArray>();
    const size_t element = DTypeSize(spec->type);
    if (element == 0) throw Napi::TypeError::New(env, "input " + tensor.name + " has dtype " + DTypeName(spec->type) + ", which this addon cannot copy");
    const napi_typedarray_type wanted = ArrayTypeFor(spec->type);
    const bool uint8_ok = wanted == napi_uint8_array && data.TypedArrayType() == napi_uint8_clamped_array;
    if (data.TypedArrayType() != wanted && !uint8_ok) {
      throw Napi::TypeError::New(env, "input " + tensor.name + " is " + DTypeName(spec->type) + " and needs " + ArrayTypeName(wanted) + ", got " + ArrayTypeName(data.TypedArrayType()));
    }
    const uint64_t expected_bytes = volume * element;
    if (data.ByteLength() != expected_bytes) {
      throw Napi::RangeError::New(env, "input " + tensor.name + ": " + std::to_string(data.ByteLength()) + " bytes of data for shape " + DimsText(tensor.dims) + ", expected " + std::to_string(expected_bytes));
    }
    const uint8_t* bytes = static_cast<const uint8_t*>(data.ArrayBuffer().Data()) + data.ByteOffset();
    tensor.bytes.assign(bytes, bytes + data.ByteLength());
    inputs.push_back(std::move(tensor));
  }
  for (const TensorInfo& tensor : state_->tensors) {
    if (tensor.input && !seen.count(tensor.name)) throw Napi::Error::New(env, "missing input " + tensor.name);
  }
  return inputs;
}

Napi::Value TrtEngine::Infer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Rejecting(env, [&]() -> Napi::Value {
    if (!state_ || destroy_requested_) throw Napi::Error::New(env, "engine destroyed");
    if (busy_) throw Napi::Error::New(env, "infer already running on this engine");
    std::vector<HostTensor> inputs = ReadInputs(env, info);
    auto* worker = new InferWorker(env, this, info.This().As<Napi::Object>(), std::move(inputs));
    busy_ = true;
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  });
}

class LoadWorker : public Napi::AsyncWorker {
 public:
  LoadWorker(Napi::Env env, Napi::Uint8Array plan, int32_t device)
      : Napi::AsyncWorker(env), plan_ref_(Napi::Persistent(plan)), plan_(plan.Data()), size_(plan.ByteLength()), device_(device), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    if (std::optional<std::string> error = ErrorOf([&] { state_ = LoadState(plan_, size_, device_); })) SetError(*error);
  }

  void OnOK() override {
    Napi::Env env = Env();
    Settle(env, deferred_, [&]() -> Napi::Value {
      Napi::Value external = Napi::External<EngineState>::New(env, state_.get());
      Napi::Object engine = TrtEngine::constructor->New({external});
      state_.release();  // now owned by the engine object
      return engine;
    });
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Reference<Napi::Uint8Array> plan_ref_;  // keeps the plan's memory alive while it is read
  const uint8_t* plan_;
  size_t size_;
  int32_t device_;
  std::unique_ptr<EngineState> state_;
  Napi::Promise::Deferred deferred_;
};

int32_t DeviceArgument(Napi::Env env, const Napi::Value& value, const char* usage) {
  if (!value.IsNumber()) throw Napi::TypeError::New(env, usage);
  double device = value.As<Napi::Number>().DoubleValue();
  if (!(device >= 0) || device != std::floor(device) || device > 1024) throw Napi::RangeError::New(env, "device must be a CUDA device index");
  return static_cast<int32_t>(device);
}

Napi::Value LoadEngine(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Rejecting(env, [&]() -> Napi::Value {
    const char* usage = "loadEngine(plan: Uint8Array, device: number)";
    if (info.Length() < 2 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) throw Napi::TypeError::New(env, usage);
    int32_t device = DeviceArgument(env, info[1], usage);
    Napi::Uint8Array plan = info[0].As<Napi::Uint8Array>();
    if (plan.ByteLength() == 0) throw Napi::RangeError::New(env, "the plan is empty");
    auto* worker = new LoadWorker(env, plan, device);
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  });
}

// ---- Building plans from ONNX ----

struct BuildOptions {
  int32_t device = 0;
  bool fp16 = true;
  double workspace_bytes = 0;      // 0: TensorRT's default
  int32_t optimization_level = -1; // -1: TensorRT's default
  int64_t max_batch = 8;
  int64_t dynamic_min = 32, dynamic_opt = 224, dynamic_max = 1024;  // dynamic dimensions other than the batch
  std::map<std::string, ProfileShapes> shapes;  // explicit per-input profiles
};

struct BuildProgress {
  std::string phase;
  std::string parent;
  int32_t step = 0;
  int32_t steps = 0;
  bool finished = false;
};

using BuildReporter = Napi::AsyncProgressQueueWorker<BuildProgress>::ExecutionProgress;

class ProgressMonitor : public nvinfer1::IProgressMonitor {
 public:
  explicit ProgressMonitor(const BuildReporter& reporter) : reporter_(reporter) {}
  void phaseStart(const char* phase, const char* parent, int32_t steps) noexcept override {
    Send(BuildProgress{phase ? phase : "", parent ? parent : "", 0, steps, false});
  }
  bool stepComplete(const char* phase, int32_t step) noexcept override {
    Send(BuildProgress{phase ? phase : "", "", step + 1, 0, false});
    return true;
  }
  void phaseFinish(const char* phase) noexcept override { Send(BuildProgress{phase ? phase : "", "", 0, 0, true}); }

 private:
  void Send(const BuildProgress& event) noexcept {
    try {
      reporter_.Send(&event, 1);
    } catch (...) {
    }
  }
  const BuildReporter& reporter_;
};

bool FastFp16(int32_t device) {
  int major = 0, minor = 0;
  if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device) != cudaSuccess) return false;
  if (cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device) != cudaSuccess) return false;
  return major * 10 + minor >= 53;
}

nvinfer1::Dims Resolve(const nvinfer1::Dims& dims, int64_t batch, int64_t other) {
  nvinfer1::Dims out = dims;
  for (int32_t d = 0; d < dims.nbDims; ++d) {
    if (dims.d[d] < 0) out.d[d] = d == 0 ? batch : other;
  }
  return out;
}

struct BuildResult {
  std::vector<uint8_t> plan;
  std::vector<std::string> log;
  bool fp16 = false;
};

BuildResult BuildPlan(const uint8_t* onnx, size_t size, const BuildOptions& options, const BuildReporter& reporter) {
  InitPlugins();
  DeviceScope scope(options.device);
  CapturingLogger logger(true);
  BuildResult result;
  std::unique_ptr<nvinfer1::IBuilder> builder(nvinfer1::createInferBuilder(logger));
  if (!builder) throw std::runtime_error("createInferBuilder failed: " + logger.ErrorOr("no reason given"));
  std::unique_ptr<nvinfer1::INetworkDefinition> network(builder->createNetworkV2(0));
  if (!network) throw std::runtime_error("createNetworkV2 failed: " + logger.ErrorOr("no reason given"));
  std::unique_ptr<nvonnxparser::IParser> parser(nvonnxparser::createParser(*network, logger));
  if (!parser) throw std::runtime_error("the ONNX parser could not be created: " + logger.ErrorOr("no reason given"));
  if (!parser->parse(onnx, size)) {
    std::string message = "the ONNX parser refused the model:";
    for (int32_t i = 0; i < parser->getNbErrors() && i < 5; ++i) {
      const nvonnxparser::IParserError* error = parser->getError(i);
      message += std::string(" ") + (error->nodeName() && *error->nodeName() ? std::string("[") + error->nodeName() + "] " : std::string()) + error->desc() + ";";
    }
    throw std::runtime_error(message);
  }
  std::unique_ptr<nvinfer1::IBuilderConfig> config(builder->createBuilderConfig());
  if (!config) throw std::runtime_error("createBuilderConfig failed: " + logger.ErrorOr("no reason given"));
  if (options.workspace_bytes > 0) config->setMemoryPoolLimit(nvinfer1::MemoryPoolType::kWORKSPACE, static_cast<size_t>(options.workspace_bytes));
  if (options.optimization_level >= 0) config->setBuilderOptimizationLevel(options.optimization_level);
#if NV_TENSORRT_MAJOR < 11
  if (options.fp16 && FastFp16(options.device)) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    config->setFlag(nvinfer1::BuilderFlag::kFP16);
#pragma GCC diagnostic pop
    result.fp16 = true;
  }
#else
  // TensorRT 11 networks are strongly typed: precision follows the ONNX model's own types.
  if (options.fp16) result.log.push_back("info: TensorRT 11 builds strongly typed networks; precision follows the ONNX model's types");
#endif
  nvinfer1::IOptimizationProfile* profile = nullptr;
  for (int32_t i = 0; i < network->getNbInputs(); ++i) {
    nvinfer1::ITensor* input = network->getInput(i);
    const std::string name = input->getName();
    const nvinfer1::Dims dims = input->getDimensions();
    bool dynamic = false;
    for (int32_t d = 0; d < dims.nbDims; ++d) dynamic = dynamic || dims.d[d] < 0;
    auto explicit_shape = options.shapes.find(name);
    if (!dynamic && explicit_shape == options.shapes.end()) continue;
    if (!profile) profile = builder->createOptimizationProfile();
    if (!profile) throw std::runtime_error("createOptimizationProfile failed: " + logger.ErrorOr("no reason given"));
    ProfileShapes shapes;
    if (explicit_shape != options.shapes.end()) {
      shapes = explicit_shape->second;
    } else {
      shapes.min = Resolve(dims, 1, options.dynamic_min);
      shapes.opt = Resolve(dims, 1, options.dynamic_opt);
      shapes.max = Resolve(dims, options.max_batch, options.dynamic_max);
    }
    bool ok = profile->setDimensions(name.c_str(), nvinfer1::OptProfileSelector::kMIN, shapes.min) &&
              profile->setDimensions(name.c_str(), nvinfer1::OptProfileSelector::kOPT, shapes.opt) &&
              profile->setDimensions(name.c_str(), nvinfer1::OptProfileSelector::kMAX, shapes.max);
    if (!ok) throw std::runtime_error("input " + name + ": the profile " + DimsText(shapes.min) + " / " + DimsText(shapes.opt) + " / " + DimsText(shapes.max) + " was refused: " + logger.ErrorOr("no reason given"));
  }
  if (profile && config->addOptimizationProfile(profile) < 0) throw std::runtime_error("addOptimizationProfile failed: " + logger.ErrorOr("no reason given"));
  ProgressMonitor monitor(reporter);
  config->setProgressMonitor(&monitor);
  std::unique_ptr<nvinfer1::IHostMemory> plan(builder->buildSerializedNetwork(*network, *config));
  config->setProgressMonitor(nullptr);
  if (!plan || plan->size() == 0) throw std::runtime_error("the TensorRT builder failed: " + logger.ErrorOr("no reason given"));
  const uint8_t* bytes = static_cast<const uint8_t*>(plan->data());
  result.plan.assign(bytes, bytes + plan->size());
  std::vector<std::string> lines = logger.TakeLines();
  result.log.insert(result.log.end(), lines.begin(), lines.end());
  return result;
}

class BuildWorker : public Napi::AsyncProgressQueueWorker<BuildProgress> {
 public:
  BuildWorker(Napi::Env env, Napi::Uint8Array onnx, BuildOptions options, Napi::Function on_progress)
      : Napi::AsyncProgressQueueWorker<BuildProgress>(env), onnx_ref_(Napi::Persistent(onnx)), onnx_(onnx.Data()), size_(onnx.ByteLength()),
        options_(std::move(options)), deferred_(Napi::Promise::Deferred::New(env)) {
    if (!on_progress.IsEmpty()) progress_ = Napi::Persistent(on_progress);
  }

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& progress) override {
    if (std::optional<std::string> error = ErrorOf([&] { result_ = BuildPlan(onnx_, size_, options_, progress); })) SetError(*error);
  }

  void OnProgress(const BuildProgress* events, size_t count) override {
    if (progress_.IsEmpty()) return;
    Napi::Env env = Env();
    for (size_t i = 0; i < count; ++i) {
      try {
        Napi::Object event = Napi::Object::New(env);
        event.Set("phase", events[i].phase);
        if (!events[i].parent.empty()) event.Set("parent", events[i].parent);
        event.Set("step", events[i].step);
        event.Set("steps", events[i].steps);
        event.Set("finished", events[i].finished);
        progress_.Call({event});
      } catch (...) {
        // A throwing progress callback must not stop the build or crash the process.
      }
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Settle(env, deferred_, [&]() -> Napi::Value {
      Napi::Object out = Napi::Object::New(env);
      Napi::ArrayBuffer plan = Napi::ArrayBuffer::New(env, result_.plan.size());
      if (!result_.plan.empty()) std::memcpy(plan.Data(), result_.plan.data(), result_.plan.size());
      out.Set("plan", plan);
      Napi::Array log = Napi::Array::New(env, result_.log.size());
      for (size_t i = 0; i < result_.log.size(); ++i) log.Set(static_cast<uint32_t>(i), result_.log[i]);
      out.Set("log", log);
      out.Set("fp16", result_.fp16);
      return out;
    });
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Reference<Napi::Uint8Array> onnx_ref_;
  const uint8_t* onnx_;
  size_t size_;
  BuildOptions options_;
  BuildResult result_;
  Napi::FunctionReference progress_;
  Napi::Promise::Deferred deferred_;
};

nvinfer1::Dims DimsArgument(Napi::Env env, const Napi::Value& value, const std::string& what) {
  if (!value.IsArray()) throw Napi::TypeError::New(env, what + " must be an array of dimensions");
  Napi::Array array = value.As<Napi::Array>();
  if (array.Length() > static_cast<uint32_t>(nvinfer1::Dims::MAX_DIMS)) throw Napi::RangeError::New(env, what + " has too many dimensions");
  nvinfer1::Dims dims{};
  dims.nbDims = static_cast<int32_t>(array.Length());
  for (uint32_t d = 0; d < array.Length(); ++d) {
    Napi::Value dim_value = array.Get(d);
    double dim = dim_value.IsNumber() ? dim_value.As<Napi::Number>().DoubleValue() : -1;
    if (!(dim >= 1) || dim != std::floor(dim) || dim > 1e9) throw Napi::RangeError::New(env, what + ": dimensions must be positive integers");
    dims.d[d] = static_cast<int64_t>(dim);
  }
  return dims;
}

double NumberOption(Napi::Env env, Napi::Object object, const char* key, double fallback, double min, double max) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined()) return fallback;
  if (!value.IsNumber()) throw Napi::TypeError::New(env, std::string("buildPlan: ") + key + " must be a number");
  double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= min && number <= max) || number != std::floor(number)) throw Napi::RangeError::New(env, std::string("buildPlan: ") + key + " is out of range");
  return number;
}

Napi::Value BuildPlanJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Rejecting(env, [&]() -> Napi::Value {
    const char* usage = "buildPlan(onnx: Uint8Array, options: object, onProgress?: function)";
    if (info.Length() < 2 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array || !info[1].IsObject()) throw Napi::TypeError::New(env, usage);
    Napi::Uint8Array onnx = info[0].As<Napi::Uint8Array>();
    if (onnx.ByteLength() == 0) throw Napi::RangeError::New(env, "the ONNX model is empty");
    Napi::Object object = info[1].As<Napi::Object>();
    BuildOptions options;
    options.device = static_cast<int32_t>(NumberOption(env, object, "device", 0, 0, 1024));
    Napi::Value fp16 = object.Get("fp16");
    if (!fp16.IsUndefined() && !fp16.IsBoolean()) throw Napi::TypeError::New(env, "buildPlan: fp16 must be a boolean");
    options.fp16 = fp16.IsUndefined() ? true : fp16.As<Napi::Boolean>().Value();
    options.workspace_bytes = NumberOption(env, object, "workspaceBytes", 0, 0, 1e15);
    options.optimization_level = static_cast<int32_t>(NumberOption(env, object, "optimizationLevel", -1, -1, 5));
    options.max_batch = static_cast<int64_t>(NumberOption(env, object, "maxBatchSize", 8, 1, 4096));
    options.dynamic_min = static_cast<int64_t>(NumberOption(env, object, "dynamicMin", 32, 1, 1e6));
    options.dynamic_opt = static_cast<int64_t>(NumberOption(env, object, "dynamicOpt", 224, 1, 1e6));
    options.dynamic_max = static_cast<int64_t>(NumberOption(env, object, "dynamicMax", 1024, 1, 1e6));
    if (!(options.dynamic_min <= options.dynamic_opt && options.dynamic_opt <= options.dynamic_max)) throw Napi::RangeError::New(env, "buildPlan: dynamicMin <= dynamicOpt <= dynamicMax");
    Napi::Value shapes = object.Get("shapes");
    if (!shapes.IsUndefined()) {
      if (!shapes.IsObject()) throw Napi::TypeError::New(env, "buildPlan: shapes must be an object");
      Napi::Object map = shapes.As<Napi::Object>();
      Napi::Array names = map.GetPropertyNames();
      for (uint32_t i = 0; i < names.Length(); ++i) {
        std::string name = names.Get(i).ToString().Utf8Value();
        Napi::Value entry = map.Get(name);
        if (!entry.IsObject()) throw Napi::TypeError::New(env, "buildPlan: shapes." + name + " must be {min, opt, max}");
        Napi::Object shape = entry.As<Napi::Object>();
        ProfileShapes profile;
        profile.min = DimsArgument(env, shape.Get("min"), "shapes." + name + ".min");
        profile.opt = DimsArgument(env, shape.Get("opt"), "shapes." + name + ".opt");
        profile.max = DimsArgument(env, shape.Get("max"), "shapes." + name + ".max");
        options.shapes[name] = profile;
      }
    }
    Napi::Function on_progress;
    if (info.Length() > 2 && !info[2].IsUndefined()) {
      if (!info[2].IsFunction()) throw Napi::TypeError::New(env, usage);
      on_progress = info[2].As<Napi::Function>();
    }
    auto* worker = new BuildWorker(env, onnx, std::move(options), on_progress);
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  });
}

// ---- Module ----

Napi::Value Version(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
    int32_t version = getInferLibVersion();
    std::string text = std::to_string(version / 10000) + "." + std::to_string((version / 100) % 100) + "." + std::to_string(version % 100);
    return Napi::String::New(info.Env(), text);
  });
}

Napi::Value DeviceCount(const Napi::CallbackInfo& info) {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) count = 0;
  return Napi::Number::New(info.Env(), count);
}

Napi::Value DeviceInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guarded(env, [&]() -> Napi::Value {
    int32_t device = DeviceArgument(env, info.Length() > 0 ? info[0] : env.Undefined(), "deviceInfo(device: number)");
    int major = 0, minor = 0;
    CheckCuda(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device), "cudaDeviceGetAttribute");
    CheckCuda(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device), "cudaDeviceGetAttribute");
    Napi::Object out = Napi::Object::New(env);
    out.Set("computeCapability", std::to_string(major) + "." + std::to_string(minor));
    out.Set("fastFp16", FastFp16(device));
    return out;
  });
}

#ifdef MODELPORT_TRT_TEST_HOOKS
// Test builds only: throws a C++ exception of the given kind on the JS thread through the same guard
// as every export, so a test can prove the process survives it.
Napi::Value ThrowForTest(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
    std::string kind = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
    if (kind == "bad_alloc") throw std::bad_alloc();
    if (kind == "runtime_error") throw std::runtime_error("runtime_error from the addon");
    throw 42;
  });
}
#endif

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  TrtEngine::Init(env);
  exports.Set("version", Napi::Function::New(env, Version));
  exports.Set("deviceCount", Napi::Function::New(env, DeviceCount));
  exports.Set("deviceInfo", Napi::Function::New(env, DeviceInfo));
  exports.Set("loadEngine", Napi::Function::New(env, LoadEngine));
  exports.Set("buildPlan", Napi::Function::New(env, BuildPlanJs));
#ifdef MODELPORT_TRT_TEST_HOOKS
  exports.Set("throwForTest", Napi::Function::New(env, ThrowForTest));
#endif
  return exports;
}

}  // namespace

NODE_API_MODULE(modelport_tensorrt, Init)
