// FAKE of the CUDA runtime (libcudart), for tests only. It never touches a GPU: "device memory" is
// host memory, copies happen at once, and a stream only counts the work queued on it until it is
// synchronised. It records what a real GPU cannot show a test: frees while a stream still has work
// queued, releases under the wrong device, and allocations left behind. The fake_* functions
// are its control interface (used by the fake TensorRT libraries and the fake control addon).
#include <cuda_runtime_api.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>

#define FAKE_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

struct Allocation {
  int device;
  size_t size;
};
struct Stream {
  int device;
  long pending = 0;
};

std::mutex g_mutex;
std::condition_variable g_gate_cv;
bool g_gate_closed = false;
int g_gate_waiting = 0;
int g_device_count = 1;
std::map<void*, Allocation> g_allocations;
std::set<Stream*> g_streams;
std::map<std::string, int> g_failures;
std::map<std::string, long> g_counters;
thread_local int t_device = 0;

bool ShouldFail(const std::string& op) {
  auto it = g_failures.find(op);
  if (it == g_failures.end() || it->second == 0) return false;
  if (it->second > 0) it->second -= 1;
  return true;
}

long PendingTotal() {
  long total = 0;
  for (Stream* stream : g_streams) total += stream->pending;
  return total;
}

}  // namespace

FAKE_EXPORT void fake_reset() {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_failures.clear();
  g_counters.clear();
  g_device_count = 1;
  g_gate_closed = false;
}

FAKE_EXPORT void fake_set_device_count(int count) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_device_count = count;
}

// The next `count` calls of `op` fail (count < 0: every call).
FAKE_EXPORT void fake_fail_next(const char* op, int count) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_failures[op] = count;
}

FAKE_EXPORT int fake_should_fail(const char* op) {
  std::lock_guard<std::mutex> lock(g_mutex);
  return ShouldFail(op) ? 1 : 0;
}

FAKE_EXPORT long fake_counter(const char* name) {
  std::lock_guard<std::mutex> lock(g_mutex);
  std::string key = name;
  if (key == "live_allocations") return static_cast<long>(g_allocations.size());
  if (key == "live_streams") return static_cast<long>(g_streams.size());
  if (key == "pending") return PendingTotal();
  if (key == "current_device") return t_device;
  return g_counters[key];
}

FAKE_EXPORT void fake_stream_touch(void* stream) {
  std::lock_guard<std::mutex> lock(g_mutex);
  auto* s = static_cast<Stream*>(stream);
  if (g_streams.count(s)) s->pending += 1;
}

// Checks that `ptr` is live fake device memory with at least `size` bytes.
FAKE_EXPORT int fake_is_device_memory(const void* ptr, size_t size) {
  std::lock_guard<std::mutex> lock(g_mutex);
  auto it = g_allocations.find(const_cast<void*>(ptr));
  return it != g_allocations.end() && it->second.size >= size ? 1 : 0;
}

// A closed gate holds every enqueue (a "kernel still running") until it is opened.
FAKE_EXPORT void fake_gate_close() {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_gate_closed = true;
}
FAKE_EXPORT void fake_gate_open() {
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_gate_closed = false;
  }
  g_gate_cv.notify_all();
}
FAKE_EXPORT void fake_gate_pass() {
  std::unique_lock<std::mutex> lock(g_mutex);
  g_gate_waiting += 1;
  g_gate_cv.notify_all();
  g_gate_cv.wait(lock, [] { return !g_gate_closed; });
  g_gate_waiting -= 1;
}
// Waits (up to timeout_ms) until some enqueue is held at the gate; returns 1 when one is.
FAKE_EXPORT int fake_gate_wait_held(int timeout_ms) {
  std::unique_lock<std::mutex> lock(g_mutex);
  return g_gate_cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), [] { return g_gate_waiting > 0; }) ? 1 : 0;
}

extern "C" {

const char* cudaGetErrorString(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInvalidDevice: return "invalid device ordinal";
    case cudaErrorLaunchFailure: return "unspecified launch failure";
    default: return "fake CUDA error";
  }
}

cudaError_t cudaGetDeviceCount(int* count) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (ShouldFail("cudaGetDeviceCount")) return cudaErrorNoDevice;
  *count = g_device_count;
  return cudaSuccess;
}

cudaError_t cudaGetDevice(int* device) {
  *device = t_device;
  return cudaSuccess;
}

cudaError_t cudaSetDevice(int device) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (device < 0 || device >= g_device_count || ShouldFail("cudaSetDevice")) return cudaErrorInvalidDevice;
  t_device = device;
  return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int* value, enum cudaDeviceAttr attr, int device) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (device < 0 || device >= g_device_count) return cudaErrorInvalidDevice;
  if (attr == cudaDevAttrComputeCapabilityMajor) *value = 8;
  else if (attr == cudaDevAttrComputeCapabilityMinor) *value = 6;
  else *value = 0;
  return cudaSuccess;
}

cudaError_t cudaMalloc(void** ptr, size_t size) {
  std::lock_guard<std::mutex> lock(g_mutex);
  *ptr = nullptr;
  if (ShouldFail("cudaMalloc")) return cudaErrorMemoryAllocation;
  void* memory = std::malloc(size == 0 ? 1 : size);
  if (!memory) return cudaErrorMemoryAllocation;
  g_allocations[memory] = Allocation{t_device, size};
  g_counters["mallocs"] += 1;
  *ptr = memory;
  return cudaSuccess;
}

cudaError_t cudaFree(void* ptr) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (!ptr) return cudaSuccess;
  auto it = g_allocations.find(ptr);
  if (it == g_allocations.end()) return cudaErrorInvalidValue;
  if (it->second.device != t_device) g_counters["wrong_device_releases"] += 1;
  if (PendingTotal() > 0) g_counters["frees_with_pending_work"] += 1;
  g_allocations.erase(it);
  std::free(ptr);
  g_counters["frees"] += 1;
  return cudaSuccess;
}

cudaError_t cudaStreamCreate(cudaStream_t* stream) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (ShouldFail("cudaStreamCreate")) return cudaErrorInvalidValue;
  auto* s = new Stream{t_device};
  g_streams.insert(s);
  *stream = reinterpret_cast<cudaStream_t>(s);
  return cudaSuccess;
}

cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  std::lock_guard<std::mutex> lock(g_mutex);
  auto* s = reinterpret_cast<Stream*>(stream);
  if (!g_streams.count(s)) return cudaErrorInvalidValue;
  if (s->device != t_device) g_counters["wrong_device_releases"] += 1;
  if (s->pending > 0) g_counters["frees_with_pending_work"] += 1;
  g_streams.erase(s);
  delete s;
  return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  std::lock_guard<std::mutex> lock(g_mutex);
  auto* s = reinterpret_cast<Stream*>(stream);
  if (!g_streams.count(s)) return cudaErrorInvalidValue;
  g_counters["syncs"] += 1;
  if (ShouldFail("cudaStreamSynchronize")) {
    s->pending = 0;
    return cudaErrorLaunchFailure;
  }
  s->pending = 0;
  return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t count, enum cudaMemcpyKind kind, cudaStream_t stream) {
  std::lock_guard<std::mutex> lock(g_mutex);
  auto* s = reinterpret_cast<Stream*>(stream);
  if (!g_streams.count(s)) return cudaErrorInvalidValue;
  const void* device_side = kind == cudaMemcpyHostToDevice ? dst : src;
  auto it = g_allocations.find(const_cast<void*>(device_side));
  if (!dst || !src || it == g_allocations.end() || it->second.size < count) return cudaErrorInvalidValue;
  if (ShouldFail(kind == cudaMemcpyHostToDevice ? "cudaMemcpyAsync:h2d" : "cudaMemcpyAsync:d2h")) return cudaErrorLaunchFailure;
  std::memcpy(dst, src, count);
  s->pending += 1;
  return cudaSuccess;
}

}  // extern "C"
