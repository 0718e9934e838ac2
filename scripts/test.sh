#!/usr/bin/env bash
# The whole test suite, on a fresh Debian 12 machine or a developer's:
#   1. installs what is missing (apt), checks formatting (clang-format),
#   2. builds and runs every test (doctest unit tests + the end-to-end corpus run) with CTest,
#      then the Helm chart checks (scripts/check-chart.sh) and the fuzz targets, briefly
#      (scripts/fuzz.sh),
#   3. builds again with AddressSanitizer + UndefinedBehaviorSanitizer and runs them again.
# Usage: scripts/test.sh [--no-sanitize]   (skip step 3 for a quicker local run)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/deps.sh"

echo "== formatting" >&2
mapfile -t sources < <(git ls-files --cached --others --exclude-standard -- '*.cpp' '*.hpp')
clang-format --dry-run --Werror "${sources[@]}"

run_suite() {
  ctest --test-dir "$1" --output-on-failure --no-tests=error --timeout 900 -j "$(nproc)"
}

echo "== build and test" >&2
build="$("$root/scripts/build.sh")"  # assigned first, so a failed build stops the script
run_suite "$build"

echo "== Helm chart and container image checks" >&2
"$root/scripts/check-chart.sh" "$build/bin"
echo "== fuzz targets, 15 s each" >&2
"$root/scripts/fuzz.sh" 15

if [[ "${1:-}" != "--no-sanitize" ]]; then
  echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer" >&2
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
  export LSAN_OPTIONS="suppressions=$root/tests/sanitizer/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  build="$("$root/scripts/build.sh" --sanitize)"
  run_suite "$build"
fi
