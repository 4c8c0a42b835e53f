// FAKE of TensorRT's libnvinfer_plugin, for tests only: initLibNvInferPlugins marks the standard
// plugins as registered in the fake libnvinfer, so plans that name a plugin deserialise.
#include <NvInferPlugin.h>

extern "C" void fake_nvinfer_register_plugins();

extern "C" TENSORRTAPI bool initLibNvInferPlugins(void*, char const*) {
  fake_nvinfer_register_plugins();
  return true;
}
