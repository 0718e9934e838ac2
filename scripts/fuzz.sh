#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang-14, AddressSanitizer and
# UndefinedBehaviorSanitizer in build-fuzz/, replays every saved regression input, then fuzzes
# each target for a bounded time starting from its seeds (the shared image corpus for the
# image parsers, tests/fuzz/seeds/ for the JSON ones and the raster decoders). New inputs found
# along the way are kept in build-fuzz/corpus/ for the next run; a crash leaves its input in
# build-fuzz/artifacts/ and makes the script fail.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 60 s, every target)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
shift || true
dir="$root/build-fuzz"
corpus="${FOTOGAL_CORPUS:-$root/../shared/corpus}"
[[ -d "$corpus" ]] || { echo "fuzz: no image corpus at $corpus (set FOTOGAL_CORPUS)" >&2; exit 1; }

command -v clang++-14 >/dev/null || { echo "fuzz: clang-14 is missing (scripts/deps.sh)" >&2; exit 1; }
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [[ ! -f "$dir/CMakeCache.txt" ]]; then
    cmake -S "$root" -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
        -DFOTOGAL_FUZZ=ON -DFOTOGAL_TESTS=OFF >&2
fi
cmake --build "$dir" --target fuzz-targets -j "$(nproc)" >&2

# Seeds per target: image bytes or JSON documents.
declare -A seeds=(
    [fuzz_image_header]="$corpus"
    [fuzz_exif]="$corpus"
    [fuzz_upload_validation]="$corpus"
    [fuzz_jpeg_completeness]="$corpus"
    [fuzz_raster_decoders]="$root/tests/fuzz/seeds/raster"
    [fuzz_decode_image]="$corpus"
    [fuzz_cloudevent]="$root/tests/fuzz/seeds/cloudevent"
    [fuzz_recipe]="$root/tests/fuzz/seeds/recipe"
    [fuzz_http_request]="$root/tests/fuzz/seeds/http"
    [fuzz_http_conditionals]="$root/tests/fuzz/seeds/http_conditionals"
    [fuzz_upload_url]="$root/tests/fuzz/seeds/upload_url"
)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(fuzz_image_header fuzz_exif fuzz_upload_validation
    fuzz_jpeg_completeness fuzz_raster_decoders fuzz_decode_image fuzz_cloudevent fuzz_recipe
    fuzz_http_request fuzz_http_conditionals fuzz_upload_url)

export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizer/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
mkdir -p "$dir/artifacts"
failed=()
for target in "${targets[@]}"; do
    binary="$dir/fuzz/$target"
    [[ -n "${seeds[$target]:-}" && -x "$binary" ]] || { echo "fuzz: no target $target" >&2; exit 1; }
    log="$dir/artifacts/$target.log"
    # Inputs that once crashed a parser, replayed one by one before fuzzing.
    regressions="$root/tests/fuzz/regressions/$target"
    if [[ -d "$regressions" ]] && compgen -G "$regressions/*" >/dev/null; then
        if ! "$binary" "$regressions"/* >"$log" 2>&1; then
            echo "fuzz: $target fails on a saved regression input; see $log" >&2
            failed+=("$target")
            continue
        fi
    fi
    work="$dir/corpus/$target"
    mkdir -p "$work"
    dict=()
    [[ "$target" == fuzz_cloudevent || "$target" == fuzz_recipe ]] &&
        dict=(-dict="$root/tests/fuzz/json.dict")
    # Image headers sit at the front of a file: 128 KiB per input keeps the runs fast.
    if "$binary" "$work" "${seeds[$target]}" "${dict[@]}" -max_total_time="$seconds" \
        -max_len=131072 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$dir/artifacts/$target-" >"$log" 2>&1; then
        echo "fuzz: $target ok, $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
            grep -o '[0-9]*$') runs in ${seconds} s, corpus $(ls "$work" | wc -l) inputs" >&2
    else
        echo "fuzz: $target FAILED; input in $dir/artifacts/$target-*, log $log" >&2
        tail -40 "$log" >&2
        failed+=("$target")
    fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz: failures in ${failed[*]}" >&2
    exit 1
fi
