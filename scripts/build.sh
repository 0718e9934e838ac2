#!/usr/bin/env bash
# Configures and builds. Usage: scripts/build.sh [--sanitize]
#   default     -> build/      (binaries in build/bin/)
#   --sanitize  -> build-asan/ (AddressSanitizer + UndefinedBehaviorSanitizer)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/build"
flags=()
if [[ "${1:-}" == "--sanitize" ]]; then
  dir="$root/build-asan"
  flags+=(-DFOTOGAL_SANITIZE=ON)
fi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# A compiler cache, when one is installed, makes rebuilds of unchanged files free.
command -v ccache >/dev/null && flags+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [[ ! -f "$dir/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${flags[@]}" >&2
fi
cmake --build "$dir" -j "$(nproc)" >&2
echo "$dir"
