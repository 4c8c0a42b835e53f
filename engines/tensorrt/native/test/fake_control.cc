// Test-only addon: the control interface of the fake CUDA runtime (fake_cudart.cc), loaded in the
// same process as the addon under test so both share the one fake libcudart.
#include <napi.h>

#include <string>

extern "C" {
void fake_reset();
void fake_set_device_count(int count);
void fake_fail_next(const char* op, int count);
long fake_counter(const char* name);
void fake_gate_close();
void fake_gate_open();
int fake_gate_wait_held(int timeout_ms);
}

namespace {

Napi::Value Reset(const Napi::CallbackInfo& info) {
  fake_reset();
  return info.Env().Undefined();
}
Napi::Value SetDeviceCount(const Napi::CallbackInfo& info) {
  fake_set_device_count(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}
Napi::Value FailNext(const Napi::CallbackInfo& info) {
  fake_fail_next(info[0].As<Napi::String>().Utf8Value().c_str(), info.Length() > 1 ? info[1].As<Napi::Number>().Int32Value() : 1);
  return info.Env().Undefined();
}
Napi::Value Counter(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(fake_counter(info[0].As<Napi::String>().Utf8Value().c_str())));
}
Napi::Value GateClose(const Napi::CallbackInfo& info) {
  fake_gate_close();
  return info.Env().Undefined();
}
Napi::Value GateOpen(const Napi::CallbackInfo& info) {
  fake_gate_open();
  return info.Env().Undefined();
}
Napi::Value GateWaitHeld(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), fake_gate_wait_held(info[0].As<Napi::Number>().Int32Value()) == 1);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("reset", Napi::Function::New(env, Reset));
  exports.Set("setDeviceCount", Napi::Function::New(env, SetDeviceCount));
  exports.Set("failNext", Napi::Function::New(env, FailNext));
  exports.Set("counter", Napi::Function::New(env, Counter));
  exports.Set("gateClose", Napi::Function::New(env, GateClose));
  exports.Set("gateOpen", Napi::Function::New(env, GateOpen));
  exports.Set("gateWaitHeld", Napi::Function::New(env, GateWaitHeld));
  return exports;
}

}  // namespace

NODE_API_MODULE(fake_control, Init)
