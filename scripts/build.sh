#!/usr/bin/env bash
# Configures and builds. Usage: scripts/build.sh [--sanitize | --shipped]
#   default     -> build/         (binaries in build/bin/)
#   --sanitize  -> build-asan/    (AddressSanitizer + UndefinedBehaviorSanitizer)
#   --shipped   -> build-shipped/ (no tests: only the binaries the container image ships)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/build"
flags=()
targets=()
if [[ "${1:-}" == "--sanitize" ]]; then
  dir="$root/build-asan"
  flags+=(-DFOTOGAL_SANITIZE=ON)
elif [[ "${1:-}" == "--shipped" ]]; then
  dir="$root/build-shipped"
  flags+=(-DFOTOGAL_TESTS=OFF)
  targets=(--target fotogal-ingest fotogal-worker fotogal-replay fotogal-process fotogal-devbroker)
fi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# A compiler cache, when one is installed, makes rebuilds of unchanged files free. Paths are
# hashed relative to the checkout and the build directory's own path not at all, so another
# checkout, a worktree or the container image's build stage (/src) hits the same entries.
command -v ccache >/dev/null && flags+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
if [[ ! -f "$dir/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${flags[@]}" >&2
fi
# The locale is part of the cache key (it changes the compiler's messages): one fixed locale,
# so a build from any shell, CI or the image's build stage finds the same entries.
env -u LC_ALL -u LC_CTYPE -u LC_MESSAGES LANG=C.UTF-8 \
  cmake --build "$dir" -j "$(nproc)" "${targets[@]}" >&2
echo "$dir"
