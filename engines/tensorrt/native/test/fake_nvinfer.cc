// FAKE of TensorRT's libnvinfer, for tests only: it implements the few entry points the Modelport
// addon uses on top of the real public headers (the classes in NvInferImpl.h; every other method
// is a generated stub that aborts). A "plan" is text the tests write:
//
//   FAKEPLAN <label>
//   input <name> <dtype> <d0,d1,...> [host]
//   profile <index> <name> <min> <opt> <max>
//   output <name> <dtype> <d0,d1,...>
//   plugin <plugin name>      (deserialising fails unless initLibNvInferPlugins ran)
//
// An output's -1 dimensions take the first input's dimensions; float32 outputs are 2 x the first
// input, others zero. The builder turns a network (made by the fake ONNX parser) into such a plan.
#include <NvInfer.h>
#include <cuda_runtime_api.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "fake_stubs.h"

#define FAKE_EXPORT extern "C" __attribute__((visibility("default")))

extern "C" int fake_should_fail(const char* op);
extern "C" void fake_stream_touch(void* stream);
extern "C" int fake_is_device_memory(const void* ptr, size_t size);
extern "C" void fake_gate_pass();

using namespace nvinfer1;

namespace {

bool g_plugins_registered = false;
std::mutex g_plugin_mutex;

struct FakeTensorSpec {
  std::string name;
  bool input = false;
  bool host = false;
  DataType type = DataType::kFLOAT;
  Dims dims{};
};

struct FakeProfile {
  Dims min{}, opt{}, max{};
};

struct FakePlan {
  std::string label;
  std::vector<FakeTensorSpec> tensors;
  std::vector<std::map<std::string, FakeProfile>> profiles;
  std::vector<std::string> plugins;
};

bool ParseType(const std::string& text, DataType& type) {
  static const std::map<std::string, DataType> types = {
      {"float32", DataType::kFLOAT}, {"float16", DataType::kHALF}, {"int8", DataType::kINT8}, {"int32", DataType::kINT32},
      {"int64", DataType::kINT64}, {"bool", DataType::kBOOL}, {"uint8", DataType::kUINT8}, {"bfloat16", DataType::kBF16},
      {"fp8", DataType::kFP8}, {"int4", DataType::kINT4}};
  auto it = types.find(text);
  if (it == types.end()) return false;
  type = it->second;
  return true;
}

std::string TypeText(DataType type) {
  switch (type) {
    case DataType::kFLOAT: return "float32";
    case DataType::kHALF: return "float16";
    case DataType::kINT8: return "int8";
    case DataType::kINT32: return "int32";
    case DataType::kINT64: return "int64";
    case DataType::kBOOL: return "bool";
    case DataType::kUINT8: return "uint8";
    case DataType::kBF16: return "bfloat16";
    case DataType::kFP8: return "fp8";
    default: return "int4";
  }
}

Dims ParseDims(const std::string& text) {
  Dims dims{};
  dims.nbDims = 0;
  if (text == "scalar") return dims;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, ',') && dims.nbDims < Dims::MAX_DIMS) dims.d[dims.nbDims++] = std::atoll(part.c_str());
  return dims;
}

std::string DimsText(const Dims& dims) {
  if (dims.nbDims == 0) return "scalar";
  std::string text;
  for (int32_t i = 0; i < dims.nbDims; ++i) text += (i ? "," : "") + std::to_string(dims.d[i]);
  return text;
}

bool ParsePlan(const std::string& text, FakePlan& plan) {
  std::stringstream lines(text);
  std::string line;
  if (!std::getline(lines, line) || line.rfind("FAKEPLAN", 0) != 0) return false;
  plan.label = line.size() > 9 ? line.substr(9) : "plan";
  while (std::getline(lines, line)) {
    std::stringstream words(line);
    std::string kind;
    words >> kind;
    if (kind == "input" || kind == "output") {
      FakeTensorSpec tensor;
      std::string type, dims, flag;
      words >> tensor.name >> type >> dims >> flag;
      if (!ParseType(type, tensor.type)) return false;
      tensor.input = kind == "input";
      tensor.dims = ParseDims(dims);
      tensor.host = flag == "host";
      plan.tensors.push_back(tensor);
    } else if (kind == "profile") {
      size_t index = 0;
      std::string name, min, opt, max;
      words >> index >> name >> min >> opt >> max;
      if (plan.profiles.size() <= index) plan.profiles.resize(index + 1);
      plan.profiles[index][name] = FakeProfile{ParseDims(min), ParseDims(opt), ParseDims(max)};
    } else if (kind == "plugin") {
      std::string name;
      words >> name;
      plan.plugins.push_back(name);
    }
  }
  return true;
}

size_t ElementSize(DataType type) {
  switch (type) {
    case DataType::kFLOAT: case DataType::kINT32: return 4;
    case DataType::kHALF: case DataType::kBF16: return 2;
    case DataType::kINT64: return 8;
    default: return 1;
  }
}

size_t Volume(const Dims& dims) {
  size_t count = 1;
  for (int32_t i = 0; i < dims.nbDims; ++i) count *= static_cast<size_t>(dims.d[i] < 0 ? 0 : dims.d[i]);
  return count;
}

// ---- Runtime side ----

class FakeEngine;

class FakeContextImpl : public apiv::StubVExecutionContext {
 public:
  FakeContextImpl(IExecutionContext* owner, const FakePlan& plan, ILogger* logger) : owner_(owner), plan_(plan), logger_(logger) {}

  IExecutionContext* getPImpl() noexcept override { return owner_; }

  bool setInputShape(char const* name, Dims const& dims) noexcept override {
    const FakeTensorSpec* spec = Find(name);
    if (!spec || !spec->input) return Error(std::string("setInputShape: no input named ") + name);
    bool ok = dims.nbDims == spec->dims.nbDims;
    for (int32_t d = 0; ok && d < dims.nbDims; ++d) ok = spec->dims.d[d] < 0 || spec->dims.d[d] == dims.d[d];
    if (ok && !plan_.profiles.empty() && plan_.profiles[0].count(name)) {
      const FakeProfile& profile = plan_.profiles[0].at(name);
      for (int32_t d = 0; ok && d < dims.nbDims; ++d) ok = dims.d[d] >= profile.min.d[d] && dims.d[d] <= profile.max.d[d];
    }
    if (!ok) return Error("IExecutionContext::setInputShape: Error Code 3: API Usage Error (" + std::string(name) + " [" + DimsText(dims) + "] is outside profile 0 of " + plan_.label + ")");
    shapes_[name] = dims;
    return true;
  }

  Dims getTensorShape(char const* name) const noexcept override {
    const FakeTensorSpec* spec = Find(name);
    if (!spec) return Dims{-1, {}};
    if (spec->input) {
      auto it = shapes_.find(name);
      return it == shapes_.end() ? spec->dims : it->second;
    }
    Dims dims = spec->dims;
    Dims first = FirstInputShape();
    for (int32_t d = 0; d < dims.nbDims; ++d) {
      if (dims.d[d] < 0) dims.d[d] = d < first.nbDims ? first.d[d] : 1;
    }
    return dims;
  }

  bool setTensorAddress(char const* name, void* data) noexcept override {
    if (!Find(name)) return Error(std::string("setTensorAddress: no tensor named ") + name);
    addresses_[name] = data;
    return true;
  }

  bool enqueueV3(cudaStream_t stream) noexcept override {
    if (fake_should_fail("enqueueV3")) return Error("enqueueV3: fake kernel failure in " + plan_.label);
    if (fake_should_fail("enqueueV3:silent")) return false;
    for (const FakeTensorSpec& spec : plan_.tensors) {
      if (!addresses_.count(spec.name)) return Error("enqueueV3: no address for " + spec.name);
      if (spec.input && !shapes_.count(spec.name)) return Error("enqueueV3: no shape for " + spec.name);
      size_t bytes = Volume(getTensorShape(spec.name.c_str())) * ElementSize(spec.type);
      if (!fake_is_device_memory(addresses_[spec.name], bytes)) return Error("enqueueV3: " + spec.name + " is not in device memory of the right size");
    }
    fake_gate_pass();
    const FakeTensorSpec* first = nullptr;
    for (const FakeTensorSpec& spec : plan_.tensors) {
      if (spec.input) { first = &spec; break; }
    }
    for (const FakeTensorSpec& spec : plan_.tensors) {
      if (spec.input) continue;
      size_t count = Volume(getTensorShape(spec.name.c_str()));
      void* out = addresses_[spec.name];
      std::memset(out, 0, count * ElementSize(spec.type));
      if (first && spec.type == DataType::kFLOAT && first->type == DataType::kFLOAT && count == Volume(shapes_[first->name])) {
        const float* x = static_cast<const float*>(addresses_[first->name]);
        float* y = static_cast<float*>(out);
        for (size_t i = 0; i < count; ++i) y[i] = x[i] * 2.0f;
      }
    }
    fake_stream_touch(stream);
    return true;
  }

 private:
  const FakeTensorSpec* Find(const char* name) const {
    for (const FakeTensorSpec& spec : plan_.tensors) {
      if (spec.name == name) return &spec;
    }
    return nullptr;
  }
  Dims FirstInputShape() const {
    for (const FakeTensorSpec& spec : plan_.tensors) {
      if (spec.input) {
        auto it = shapes_.find(spec.name);
        return it == shapes_.end() ? spec.dims : it->second;
      }
    }
    return Dims{0, {}};
  }
  bool Error(const std::string& message) const {
    logger_->log(ILogger::Severity::kERROR, message.c_str());
    return false;
  }

  IExecutionContext* owner_;
  const FakePlan& plan_;
  ILogger* logger_;
  std::map<std::string, Dims> shapes_;
  std::map<std::string, void*> addresses_;
};

class FakeContext : public IExecutionContext {
 public:
  FakeContext(const FakePlan& plan, ILogger* logger) : impl_(this, plan, logger) { mImpl = &impl_; }

 private:
  FakeContextImpl impl_;
};

class FakeEngineImpl : public apiv::StubVCudaEngine {
 public:
  FakeEngineImpl(ICudaEngine* owner, FakePlan plan, ILogger* logger) : owner_(owner), plan_(std::move(plan)), logger_(logger) {}

  ICudaEngine* getPImpl() noexcept override { return owner_; }
  int32_t getNbIOTensors() const noexcept override { return static_cast<int32_t>(plan_.tensors.size()); }
  char const* getIOTensorName(int32_t index) const noexcept override {
    return index >= 0 && index < getNbIOTensors() ? plan_.tensors[index].name.c_str() : nullptr;
  }
  TensorIOMode getTensorIOMode(char const* name) const noexcept override {
    const FakeTensorSpec* spec = Find(name);
    return !spec ? TensorIOMode::kNONE : spec->input ? TensorIOMode::kINPUT : TensorIOMode::kOUTPUT;
  }
  DataType getTensorDataType(char const* name) const noexcept override {
    const FakeTensorSpec* spec = Find(name);
    return spec ? spec->type : DataType::kFLOAT;
  }
  Dims getTensorShape(char const* name) const noexcept override {
    const FakeTensorSpec* spec = Find(name);
    return spec ? spec->dims : Dims{-1, {}};
  }
  TensorLocation getTensorLocation(char const* name) const noexcept override {
    const FakeTensorSpec* spec = Find(name);
    return spec && spec->host ? TensorLocation::kHOST : TensorLocation::kDEVICE;
  }
  bool isShapeInferenceIO(char const* name) const noexcept override {
    const FakeTensorSpec* spec = Find(name);
    return spec && spec->host;
  }
  int32_t getNbOptimizationProfiles() const noexcept override { return static_cast<int32_t>(plan_.profiles.size()); }
  Dims getProfileShape(char const* name, int32_t index, OptProfileSelector select) const noexcept override {
    if (index < 0 || index >= getNbOptimizationProfiles() || !plan_.profiles[index].count(name)) return Dims{-1, {}};
    const FakeProfile& profile = plan_.profiles[index].at(name);
    return select == OptProfileSelector::kMIN ? profile.min : select == OptProfileSelector::kOPT ? profile.opt : profile.max;
  }
  IExecutionContext* createExecutionContext(ExecutionContextAllocationStrategy) noexcept override {
    if (fake_should_fail("createExecutionContext")) {
      logger_->log(ILogger::Severity::kERROR, "createExecutionContext: fake failure");
      return nullptr;
    }
    return new FakeContext(plan_, logger_);
  }

 private:
  const FakeTensorSpec* Find(const char* name) const {
    for (const FakeTensorSpec& spec : plan_.tensors) {
      if (name && spec.name == name) return &spec;
    }
    return nullptr;
  }
  ICudaEngine* owner_;
  FakePlan plan_;
  ILogger* logger_;
};

class FakeEngine : public ICudaEngine {
 public:
  FakeEngine(FakePlan plan, ILogger* logger) : impl_(this, std::move(plan), logger) { mImpl = &impl_; }

 private:
  FakeEngineImpl impl_;
};

class FakeRuntimeImpl : public apiv::StubVRuntime {
 public:
  FakeRuntimeImpl(IRuntime* owner, ILogger* logger) : owner_(owner), logger_(logger) {}
  IRuntime* getPImpl() noexcept override { return owner_; }
  ILogger* getLogger() const noexcept override { return logger_; }
  ICudaEngine* deserializeCudaEngine(void const* blob, std::size_t size) noexcept override {
    FakePlan plan;
    if (!blob || !ParsePlan(std::string(static_cast<const char*>(blob), size), plan)) {
      logger_->log(ILogger::Severity::kERROR, "IRuntime::deserializeCudaEngine: Error Code 1: Serialization (Serialization assertion magicTagRead == kMAGIC_TAG failed.Magic tag does not match)");
      return nullptr;
    }
    {
      std::lock_guard<std::mutex> lock(g_plugin_mutex);
      if (!plan.plugins.empty() && !g_plugins_registered) {
        logger_->log(ILogger::Severity::kERROR, ("IPluginRegistry::getCreator: Error Code 4: Cannot find plugin: " + plan.plugins[0] + ", version: 1").c_str());
        return nullptr;
      }
    }
    return new FakeEngine(std::move(plan), logger_);
  }

 private:
  IRuntime* owner_;
  ILogger* logger_;
};

class FakeRuntime : public IRuntime {
 public:
  explicit FakeRuntime(ILogger* logger) : impl_(this, logger) { mImpl = &impl_; }

 private:
  FakeRuntimeImpl impl_;
};

// ---- Builder side ----

class FakeTensorImpl : public apiv::StubVTensor {
 public:
  FakeTensorImpl(std::string name, DataType type, Dims dims) : name_(std::move(name)), type_(type), dims_(dims) {}
  char const* getName() const noexcept override { return name_.c_str(); }
  void setName(char const* name) noexcept override { name_ = name; }
  Dims getDimensions() const noexcept override { return dims_; }
  void setDimensions(Dims const& dims) noexcept override { dims_ = dims; }
  DataType getType() const noexcept override { return type_; }

 private:
  std::string name_;
  DataType type_;
  Dims dims_;
};

class FakeTensor : public ITensor {
 public:
  FakeTensor(std::string name, DataType type, Dims dims) : impl_(std::move(name), type, dims) { mImpl = &impl_; }
  ~FakeTensor() noexcept override = default;

 private:
  FakeTensorImpl impl_;
};

class FakeNetworkImpl : public apiv::StubVNetworkDefinition {
 public:
  ITensor* addInput(char const* name, DataType type, Dims const& dims) noexcept override {
    tensors_.push_back(std::make_unique<FakeTensor>(name, type, dims));
    inputs_.push_back(tensors_.back().get());
    return tensors_.back().get();
  }
  void markOutput(ITensor& tensor) noexcept override { outputs_.push_back(&tensor); }
  int32_t getNbInputs() const noexcept override { return static_cast<int32_t>(inputs_.size()); }
  ITensor* getInput(int32_t index) const noexcept override { return index >= 0 && index < getNbInputs() ? inputs_[index] : nullptr; }
  int32_t getNbOutputs() const noexcept override { return static_cast<int32_t>(outputs_.size()); }
  ITensor* getOutput(int32_t index) const noexcept override { return index >= 0 && index < getNbOutputs() ? outputs_[index] : nullptr; }
  // The fake parser's way to declare an output tensor without layers.
  ITensor* AddTensor(char const* name, DataType type, Dims const& dims) {
    tensors_.push_back(std::make_unique<FakeTensor>(name, type, dims));
    return tensors_.back().get();
  }

 private:
  std::vector<std::unique_ptr<FakeTensor>> tensors_;
  std::vector<ITensor*> inputs_;
  std::vector<ITensor*> outputs_;
};

class FakeNetwork : public INetworkDefinition {
 public:
  FakeNetwork() { mImpl = &impl_; }
  FakeNetworkImpl impl_;
};

class FakeProfileImpl : public apiv::StubVOptimizationProfile {
 public:
  bool setDimensions(char const* name, OptProfileSelector select, Dims const& dims) noexcept override {
    FakeProfile& profile = shapes[name];
    (select == OptProfileSelector::kMIN ? profile.min : select == OptProfileSelector::kOPT ? profile.opt : profile.max) = dims;
    return true;
  }
  Dims getDimensions(char const* name, OptProfileSelector select) const noexcept override {
    auto it = shapes.find(name);
    if (it == shapes.end()) return Dims{-1, {}};
    return select == OptProfileSelector::kMIN ? it->second.min : select == OptProfileSelector::kOPT ? it->second.opt : it->second.max;
  }
  std::map<std::string, FakeProfile> shapes;
};

class FakeOptimizationProfile : public IOptimizationProfile {
 public:
  FakeOptimizationProfile() { mImpl = &impl_; }
  FakeProfileImpl impl_;
};

class FakeConfigImpl : public apiv::StubVBuilderConfig {
 public:
  void setFlag(BuilderFlag flag) noexcept override { flags |= 1u << static_cast<int>(flag); }
  bool getFlag(BuilderFlag flag) const noexcept override { return flags & (1u << static_cast<int>(flag)); }
  void setMemoryPoolLimit(MemoryPoolType, std::size_t size) noexcept override { workspace = size; }
  void setBuilderOptimizationLevel(int32_t level) noexcept override { optimization_level = level; }
  int32_t addOptimizationProfile(IOptimizationProfile const* profile) noexcept override {
    profiles.push_back(static_cast<const FakeOptimizationProfile*>(profile)->impl_.shapes);
    return static_cast<int32_t>(profiles.size()) - 1;
  }
  void setProgressMonitor(IProgressMonitor* value) noexcept override { monitor = value; }
  IProgressMonitor* getProgressMonitor() const noexcept override { return monitor; }

  uint32_t flags = 0;
  size_t workspace = 0;
  int32_t optimization_level = -1;
  std::vector<std::map<std::string, FakeProfile>> profiles;
  IProgressMonitor* monitor = nullptr;
};

class FakeConfig : public IBuilderConfig {
 public:
  FakeConfig() { mImpl = &impl_; }
  FakeConfigImpl impl_;
};

class FakeHostMemoryImpl : public apiv::StubVHostMemory {
 public:
  explicit FakeHostMemoryImpl(std::string bytes) : bytes_(std::move(bytes)) {}
  void* data() const noexcept override { return const_cast<char*>(bytes_.data()); }
  std::size_t size() const noexcept override { return bytes_.size(); }
  DataType type() const noexcept override { return DataType::kUINT8; }

 private:
  std::string bytes_;
};

class FakeHostMemory : public IHostMemory {
 public:
  explicit FakeHostMemory(std::string bytes) : impl_(std::move(bytes)) { mImpl = &impl_; }

 private:
  FakeHostMemoryImpl impl_;
};

class FakeBuilderImpl : public apiv::StubVBuilder {
 public:
  explicit FakeBuilderImpl(ILogger* logger) : logger_(logger) {}
  IBuilderConfig* createBuilderConfig() noexcept override { return new FakeConfig(); }
  INetworkDefinition* createNetworkV2(NetworkDefinitionCreationFlags) noexcept override { return new FakeNetwork(); }
  IOptimizationProfile* createOptimizationProfile() noexcept override {
    profiles_.push_back(std::make_unique<FakeOptimizationProfile>());
    return profiles_.back().get();
  }
  ILogger* getLogger() const noexcept override { return logger_; }

  IHostMemory* buildSerializedNetwork(INetworkDefinition& network, IBuilderConfig& config) noexcept override {
    FakeConfigImpl& settings = static_cast<FakeConfig&>(config).impl_;
    IProgressMonitor* monitor = settings.monitor;
    if (monitor) monitor->phaseStart("Building engine", nullptr, 2);
    if (fake_should_fail("buildSerializedNetwork")) {
      logger_->log(ILogger::Severity::kERROR, "IBuilder::buildSerializedNetwork: Error Code 10: Internal Error (fake builder failure)");
      return nullptr;
    }
    std::string plan = "FAKEPLAN built\n";
    for (int32_t i = 0; i < network.getNbInputs(); ++i) {
      ITensor* input = network.getInput(i);
      Dims dims = input->getDimensions();
      bool dynamic = false;
      for (int32_t d = 0; d < dims.nbDims; ++d) dynamic = dynamic || dims.d[d] < 0;
      plan += std::string("input ") + input->getName() + " " + TypeText(input->getType()) + " " + DimsText(dims) + "\n";
      bool profiled = !settings.profiles.empty() && settings.profiles[0].count(input->getName());
      if (dynamic && !profiled) {
        logger_->log(ILogger::Severity::kERROR, "IBuilder::buildSerializedNetwork: Error Code 4: API Usage Error (Network has dynamic or shape inputs, but no optimization profile has been defined.)");
        return nullptr;
      }
      if (profiled) {
        const FakeProfile& profile = settings.profiles[0].at(input->getName());
        plan += std::string("profile 0 ") + input->getName() + " " + DimsText(profile.min) + " " + DimsText(profile.opt) + " " + DimsText(profile.max) + "\n";
      }
    }
    if (monitor) monitor->stepComplete("Building engine", 0);
    for (int32_t i = 0; i < network.getNbOutputs(); ++i) {
      ITensor* output = network.getOutput(i);
      plan += std::string("output ") + output->getName() + " " + TypeText(output->getType()) + " " + DimsText(output->getDimensions()) + "\n";
    }
    plan += "# fp16 " + std::string(settings.flags & 1u ? "on" : "off") + ", workspace " + std::to_string(settings.workspace) + ", level " + std::to_string(settings.optimization_level) + "\n";
    logger_->log(ILogger::Severity::kWARNING, "fake builder: tactics were not timed (this is a fake)");
    if (monitor) {
      monitor->stepComplete("Building engine", 1);
      monitor->phaseFinish("Building engine");
    }
    return new FakeHostMemory(plan);
  }

 private:
  ILogger* logger_;
  std::vector<std::unique_ptr<FakeOptimizationProfile>> profiles_;
};

class FakeBuilder : public IBuilder {
 public:
  explicit FakeBuilder(ILogger* logger) : impl_(logger) { mImpl = &impl_; }

 private:
  FakeBuilderImpl impl_;
};

}  // namespace

FAKE_EXPORT void fake_nvinfer_register_plugins() {
  std::lock_guard<std::mutex> lock(g_plugin_mutex);
  g_plugins_registered = true;
}

// For the fake parser: declares a network output without layers.
FAKE_EXPORT ITensor* fake_network_add_output(INetworkDefinition* network, const char* name, int type, const Dims* dims) {
  auto* fake = static_cast<FakeNetwork*>(network);
  ITensor* tensor = fake->impl_.AddTensor(name, static_cast<DataType>(type), *dims);
  network->markOutput(*tensor);
  return tensor;
}

extern "C" {

TENSORRTAPI int32_t getInferLibVersion() noexcept { return NV_TENSORRT_VERSION; }

TENSORRTAPI void* createInferRuntime_INTERNAL(void* logger, int32_t) noexcept {
  return static_cast<IRuntime*>(new FakeRuntime(static_cast<ILogger*>(logger)));
}

TENSORRTAPI void* createInferBuilder_INTERNAL(void* logger, int32_t) noexcept {
  return static_cast<IBuilder*>(new FakeBuilder(static_cast<ILogger*>(logger)));
}

}  // extern "C"
