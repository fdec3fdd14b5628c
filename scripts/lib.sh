# Shared by scripts/run and scripts/test: run set-up when something is missing, and build.
# scripts/test builds three trees: build/wasm (Emscripten), build/asan (clang with ASan + UBSan:
# everything native and the fuzzers), then build/native, whose ctest also runs the WASM suite and
# the sanitizer tree's tests. scripts/run builds only what running needs (build_for_run).
# shellcheck shell=bash

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export NODE_PATH=/usr/share/nodejs  # Debian's emcc runs tools with node; they live here

ensure_setup() {
  local missing=0
  for tool in cmake ninja em++ node g++ clang++ llvm-symbolizer chromium sqlite3 gzip xgettext msgfmt msgmerge msgcmp; do
    command -v "$tool" >/dev/null 2>&1 || missing=1
  done
  for header in /usr/include/nlohmann/json.hpp /usr/include/boost/beast.hpp /usr/include/sqlite3.h /usr/include/CLI/CLI.hpp \
                /usr/include/sodium.h /usr/include/gtest/gtest.h "$root/third_party/imgui-1.86/imgui.cpp" \
                /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a \
                /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf \
                /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf /usr/bin/pyftsubset /usr/sbin/ejabberdctl \
                /usr/share/zoneinfo/Europe/Rome /usr/include/postgresql/libpq-fe.h /usr/sbin/runuser \
                /usr/share/postgresql/15/extension/pg_trgm.control /usr/lib/postgresql/15/bin/initdb; do
    [ -e "$header" ] || missing=1
  done
  if [ -f "$root/tests/e2e/package-lock.json" ] && [ ! -d "$root/tests/e2e/node_modules" ]; then missing=1; fi
  if [ "$missing" = 1 ]; then
    echo "== set-up: installing what is missing" >&2
    "$root/scripts/setup"
  fi
}

configure_wasm() {
  emcmake cmake -S "$root" -B "$root/build/wasm" -G Ninja -DCMAKE_BUILD_TYPE="${LIVECHAT_BUILD_TYPE:-Release}" >/dev/null
}

configure_native() {  # $1: the sanitizer tree whose tests ctest runs too, or empty
  cmake -S "$root" -B "$root/build/native" -G Ninja -DCMAKE_BUILD_TYPE="${LIVECHAT_BUILD_TYPE:-Release}" \
        -DLIVECHAT_WASM_DIR="$root/build/wasm" -DLIVECHAT_ASAN_DIR="$1" >/dev/null
}

# What scripts/run needs: the widget's and the dashboard's published files, and the server (which
# copies them into build/native/web). No tests, no sanitizer tree.
build_for_run() {
  echo "== building the widget and the dashboard (build/wasm, Emscripten)" >&2
  configure_wasm
  cmake --build "$root/build/wasm" --target livechat_widget_web agent_ui_web
  echo "== building the server (build/native)" >&2
  configure_native ""
  cmake --build "$root/build/native" --target livechat-server
}

# Everything scripts/test runs.
build_all() {
  echo "== building build/wasm (Emscripten)" >&2
  configure_wasm
  cmake --build "$root/build/wasm"
  echo "== building build/asan (clang, ASan + UBSan, libFuzzer)" >&2
  CC=clang CXX=clang++ cmake -S "$root" -B "$root/build/asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DLIVECHAT_SANITIZE=ON >/dev/null
  cmake --build "$root/build/asan"
  echo "== building build/native" >&2
  configure_native "$root/build/asan"
  cmake --build "$root/build/native"
}
