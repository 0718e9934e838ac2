#!/usr/bin/env bash
# The whole test suite, on a fresh Debian 12 machine or a developer's:
#   1. installs what is missing (apt), checks formatting (clang-format),
#   2. builds and runs every test (doctest unit tests + the end-to-end corpus run) with CTest,
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
  local build="$1"
  ctest --test-dir "$build" --output-on-failure --timeout 900 -j "$(nproc)"
}

echo "== build and test" >&2
run_suite "$("$root/scripts/build.sh")"

if [[ "${1:-}" != "--no-sanitize" ]]; then
  echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer" >&2
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
  export LSAN_OPTIONS="suppressions=$root/tests/sanitizer/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  run_suite "$("$root/scripts/build.sh" --sanitize)"
fi
