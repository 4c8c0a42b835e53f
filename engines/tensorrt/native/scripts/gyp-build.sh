#!/usr/bin/env bash
# Builds the TensorRT addon offline with node-gyp's own flags (node-gyp configure --nodedir=<Node's
# install prefix>, so no header download), -Wall -Wextra -Werror on the addon's code, and the
# third-party headers (TensorRT, CUDA, Node, node-addon-api) as system includes so their warnings
# do not count.
#
#   gyp-build.sh check
#       Compiles the addon's sources (no link) against every TensorRT header set in
#       ../shared/third-party/tensorrt/{10.16,11.1}/include (relative to the repository root) and
#       $CUDA_HOME/include (default /usr/local/cuda). Exit 0 when all compiled, 77 with one line
#       "gyp-build: skipped: <why>" when headers, CUDA, Node headers or a compiler are absent.
#   gyp-build.sh link <tensorrt_root> <cuda_home> <out_dir>
#       Compiles and links the addon (with the test hooks) against the libraries in
#       <tensorrt_root>/lib and <cuda_home>/lib64; writes <out_dir>/modelport_tensorrt.node.
set -euo pipefail

native=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$native/../../.." && pwd)
cxx=${CXX:-g++}

skip() {
  echo "gyp-build: skipped: $1"
  exit 77
}

prerequisites() {
  command -v "$cxx" >/dev/null 2>&1 || skip "no C++ compiler ($cxx)"
  command -v make >/dev/null 2>&1 || skip "no make"
  nodedir=$(node -p "require('path').resolve(process.execPath, '..', '..')")
  [ -f "$nodedir/include/node/node_api.h" ] || skip "no Node headers at $nodedir/include/node"
  node_gyp="$repo/node_modules/node-gyp/bin/node-gyp.js"
  [ -f "$node_gyp" ] || skip "node-gyp is not installed (npm install)"
  addon_api=$(cd "$repo" && node -p "require('node-addon-api').include_dir")
  addon_api=$(cd "$repo" && cd "$addon_api" && pwd)
}

# configure_and_make <work_dir> <tensorrt_root> <cuda_home> <make_target> [extra env...]
configure_and_make() {
  local dir=$1 root=$2 cuda=$3 target=$4
  mkdir -p "$dir"
  cp "$native/binding.gyp" "$dir/binding.gyp"
  ln -sfn "$native/src" "$dir/src"
  (cd "$dir" && NODE_PATH="$repo/node_modules" TENSORRT_ROOT="$root" CUDA_HOME="$cuda" \
    node "$node_gyp" configure --nodedir="$nodedir" --loglevel=error >/dev/null)
  local flags="-Wall -Wextra -Werror -isystem $root/include -isystem $cuda/include -isystem $nodedir/include/node -isystem $addon_api"
  make -s -C "$dir/build" CXXFLAGS="$flags" "$target"
}

mode=${1:-check}
case "$mode" in
  check)
    headers=${MODELPORT_TRT_HEADERS:-$repo/../shared/third-party/tensorrt}
    cuda=${CUDA_HOME:-/usr/local/cuda}
    versions=${MODELPORT_TRT_VERSIONS:-10.16 11.1}
    [ -d "$headers" ] || skip "no TensorRT headers at $headers"
    for version in $versions; do
      [ -f "$headers/$version/include/NvInfer.h" ] || skip "no TensorRT $version headers at $headers/$version/include"
    done
    [ -f "$cuda/include/cuda_runtime_api.h" ] || skip "no CUDA headers at $cuda/include"
    prerequisites
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    for version in $versions; do
      configure_and_make "$work/$version" "$headers/$version" "$cuda" Release/obj.target/modelport_tensorrt/src/modelport_tensorrt.o
      echo "gyp-build: compiled against TensorRT $version ($headers/$version/include) and $cuda/include: ok"
    done
    ;;
  link)
    [ $# -eq 4 ] || { echo "usage: gyp-build.sh link <tensorrt_root> <cuda_home> <out_dir>" >&2; exit 2; }
    prerequisites
    out=$4
    MODELPORT_TRT_TEST_HOOKS=1 configure_and_make "$out/gyp" "$2" "$3" modelport_tensorrt
    cp "$out/gyp/build/Release/modelport_tensorrt.node" "$out/modelport_tensorrt.node"
    echo "gyp-build: linked $out/modelport_tensorrt.node"
    ;;
  *)
    echo "usage: gyp-build.sh check | link <tensorrt_root> <cuda_home> <out_dir>" >&2
    exit 2
    ;;
esac
