#!/usr/bin/env bash
# Prints the Debian packages whose shared libraries the shipped binaries load, one per line.
# The Dockerfile's runtime stage installs exactly these, so the image follows whatever
# libraries the build links (scripts/check-chart.sh runs this on every test run).
# Usage: scripts/runtime-packages.sh BIN_DIR
set -euo pipefail
bin_dir="${1:?usage: runtime-packages.sh BIN_DIR}"
shipped=(fotogal-ingest fotogal-worker fotogal-replay fotogal-process fotogal-devbroker)

# Only the libraries a binary names itself (DT_NEEDED); apt brings in what those depend on.
libs=()
for name in "${shipped[@]}"; do
    [[ -x "$bin_dir/$name" ]] || continue
    needed="$(readelf -d "$bin_dir/$name" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')"
    while read -r lib; do libs+=("$lib"); done < <(ldd "$bin_dir/$name" |
        awk -v needed="$needed" 'BEGIN { split(needed, n, "\n"); for (i in n) want[n[i]] = 1 }
                                 $3 ~ /^\// && ($1 in want) { print $3 }')
done
[[ ${#libs[@]} -gt 0 ]] || { echo "runtime-packages: no binaries in $bin_dir" >&2; exit 1; }

for lib in $(printf '%s\n' "${libs[@]}" | sort -u); do
    # Debian 12 merged /lib into /usr/lib, but dpkg knows each file by one of the two names.
    real="$(realpath "$lib")"
    for candidate in "$lib" "$real" "/usr$lib" "/usr$real" "${real#/usr}" "${lib#/usr}"; do
        if owner="$(dpkg-query -S "$candidate" 2>/dev/null)"; then
            echo "${owner%%:*}"
            continue 2
        fi
    done
    echo "runtime-packages: no Debian package owns $lib" >&2
    exit 1
done | sort -u
