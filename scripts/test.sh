#!/usr/bin/env bash
# The whole test suite, on a fresh Debian 12 machine or a developer's:
#   1. installs what is missing (apt) and the pinned models (scripts/models.sh), checks
#      formatting (clang-format),
#   2. starts a real Kafka broker (scripts/kafka.sh), builds and runs every test (doctest unit
#      tests, storage integration tests against a local S3 server and a signature-checking OCI
#      stand-in, the end-to-end runs, the scale test on the broker) with CTest, then the Helm
#      chart checks (scripts/check-chart.sh), the container image (scripts/image.sh: built with
#      buildah, smoke-run, and the chart's Deployments run on podman against the broker and
#      the S3 server: ctest -L container) and the fuzz targets, briefly (scripts/fuzz.sh),
#   3. builds again with AddressSanitizer + UndefinedBehaviorSanitizer and runs them again
#      (all but the scale test).
# Usage: scripts/test.sh [--no-sanitize]   (skip step 3 for a quicker local run)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/deps.sh"
"$root/scripts/models.sh"  # the neural networks' files, pinned and verified (CTest's fixture too)
# The S3 test server (versitygw, `go install`ed once). CTest's s3server fixture starts it
# before the S3 tests and stops it after them; cleanup also stops it if this script is
# interrupted in between, and stops the Kafka broker if this script started it.
"$root/scripts/s3server.sh" install
started_kafka=0
cleanup() {
  "$root/scripts/s3server.sh" stop "$root/build/s3server" || true
  "$root/scripts/s3server.sh" stop "$root/build-asan/s3server" || true
  if ((started_kafka)); then "$root/scripts/kafka.sh" stop || true; fi
}
trap cleanup EXIT

echo "== formatting" >&2
mapfile -t sources < <(git ls-files --cached --others --exclude-standard -- '*.cpp' '*.hpp')
clang-format --dry-run --Werror "${sources[@]}"

run_suite() {
  ctest --test-dir "$1" --output-on-failure --no-tests=error --timeout 900 -j "$(nproc)" "${@:2}"
}

# The integration tests need a real Kafka broker: start one (unless one already serves) and
# stop it however the run ends.
if ! "$root/scripts/kafka.sh" status >/dev/null; then
  echo "== Kafka broker for the integration tests" >&2
  started_kafka=1
  "$root/scripts/kafka.sh" start >/dev/null
fi

echo "== build and test" >&2
build="$("$root/scripts/build.sh")"  # assigned first, so a failed build stops the script
run_suite "$build" -LE container

echo "== Helm chart and container image checks" >&2
"$root/scripts/check-chart.sh" "$build/bin"
echo "== container image: build, smoke run, the chart's Deployments on podman" >&2
"$root/scripts/image.sh" build
"$root/scripts/image.sh" smoke
run_suite "$build" -L container
echo "== fuzz targets, 15 s each" >&2
"$root/scripts/fuzz.sh" 15

if [[ "${1:-}" != "--no-sanitize" ]]; then
  echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer" >&2
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
  export LSAN_OPTIONS="suppressions=$root/tests/sanitizer/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  build="$("$root/scripts/build.sh" --sanitize)"
  # The scale test (label integration) is left out here: it exercises processes, the broker
  # and delivery, not memory safety, and under the sanitizers it would take several minutes.
  # The container test (label container) runs the image, not this build.
  run_suite "$build" -LE 'integration|container'
fi
