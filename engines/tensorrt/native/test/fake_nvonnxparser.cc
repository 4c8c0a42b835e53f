// FAKE of TensorRT's ONNX parser (libnvonnxparser), for tests only. It does not read ONNX: a
// "model" is text the tests write,
//
//   FAKEONNX
//   input <name> <dtype> <d0,d1,...>
//   output <name> <dtype> <d0,d1,...>
//
// and anything else is refused the way the real parser reports a bad protobuf.
#include <NvInfer.h>
#include <NvOnnxParser.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "fake_stubs.h"

extern "C" nvinfer1::ITensor* fake_network_add_output(nvinfer1::INetworkDefinition* network, const char* name, int type, const nvinfer1::Dims* dims);

namespace {

using nvinfer1::DataType;

class FakeParserError : public nvonnxparser::StubIParserError {
 public:
  explicit FakeParserError(std::string message) : message_(std::move(message)) {}
  nvonnxparser::ErrorCode code() const override { return nvonnxparser::ErrorCode::kMODEL_DESERIALIZE_FAILED; }
  char const* desc() const override { return message_.c_str(); }
  char const* nodeName() const override { return ""; }

 private:
  std::string message_;
};

nvinfer1::Dims ParseDims(const std::string& text) {
  nvinfer1::Dims dims{};
  dims.nbDims = 0;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, ',') && dims.nbDims < nvinfer1::Dims::MAX_DIMS) dims.d[dims.nbDims++] = std::atoll(part.c_str());
  return dims;
}

DataType ParseType(const std::string& text) {
  if (text == "float16") return DataType::kHALF;
  if (text == "int32") return DataType::kINT32;
  if (text == "int64") return DataType::kINT64;
  if (text == "uint8") return DataType::kUINT8;
  return DataType::kFLOAT;
}

class FakeParser : public nvonnxparser::StubIParser {
 public:
  FakeParser(nvinfer1::INetworkDefinition* network, nvinfer1::ILogger* logger) : network_(network), logger_(logger) {}

  bool parse(void const* data, size_t size, const char* = nullptr) noexcept override {
    std::string text(static_cast<const char*>(data), size);
    if (text.rfind("FAKEONNX", 0) != 0) {
      errors_.emplace_back("ModelImporter.cpp:1: Failed to parse ONNX model from file (the protobuf could not be read)");
      logger_->log(nvinfer1::ILogger::Severity::kERROR, errors_.back().desc());
      return false;
    }
    std::stringstream lines(text);
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
      std::stringstream words(line);
      std::string kind, name, type, dims;
      words >> kind >> name >> type >> dims;
      nvinfer1::Dims shape = ParseDims(dims);
      if (kind == "input") network_->addInput(name.c_str(), ParseType(type), shape);
      else if (kind == "output") fake_network_add_output(network_, name.c_str(), static_cast<int>(ParseType(type)), &shape);
    }
    return true;
  }
  int getNbErrors() const noexcept override { return static_cast<int>(errors_.size()); }
  nvonnxparser::IParserError const* getError(int index) const noexcept override { return index >= 0 && index < getNbErrors() ? &errors_[index] : nullptr; }
  void clearErrors() noexcept override { errors_.clear(); }

 private:
  nvinfer1::INetworkDefinition* network_;
  nvinfer1::ILogger* logger_;
  std::vector<FakeParserError> errors_;
};

}  // namespace

extern "C" TENSORRTAPI void* createNvOnnxParser_INTERNAL(void* network, void* logger, int) noexcept {
  return static_cast<nvonnxparser::IParser*>(new FakeParser(static_cast<nvinfer1::INetworkDefinition*>(network), static_cast<nvinfer1::ILogger*>(logger)));
}
