# Builds modelport_tensorrt.node against TensorRT 10 or 11 and CUDA. Run `npm run build:tensorrt` with
# TENSORRT_ROOT (the directory holding include/NvInfer.h and lib/libnvinfer.so, e.g. /usr for the
# Debian packages or an unpacked TensorRT tarball) and CUDA_HOME (e.g. /usr/local/cuda) set.
# Never built at install time. scripts/compile-check.sh compiles it against header-only trees.
{
  "variables": {
    "tensorrt_root%": "<!(node -p \"process.env.TENSORRT_ROOT || '/usr'\")",
    "cuda_home%": "<!(node -p \"process.env.CUDA_HOME || '/usr/local/cuda'\")",
    "test_hooks%": "<!(node -p \"process.env.MODELPORT_TRT_TEST_HOOKS === '1' ? 1 : 0\")"
  },
  "targets": [
    {
      "target_name": "modelport_tensorrt",
      "sources": ["src/modelport_tensorrt.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<(tensorrt_root)/include",
        "<(cuda_home)/include"
      ],
      "libraries": [
        "-L<(tensorrt_root)/lib",
        "-L<(cuda_home)/lib64",
        "-lnvinfer",
        "-lnvinfer_plugin",
        "-lnvonnxparser",
        "-lcudart",
        "-Wl,-rpath,<(tensorrt_root)/lib",
        "-Wl,-rpath,<(cuda_home)/lib64"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "conditions": [
        ["test_hooks==1", { "defines": ["MODELPORT_TRT_TEST_HOOKS"] }]
      ]
    }
  ]
}
