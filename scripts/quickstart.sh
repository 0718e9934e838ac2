#!/usr/bin/env bash
# The main job on embedded defaults: installs what is missing, builds, starts the embedded
# broker, ingest and N workers on loopback, uploads images, waits for every manifest,
# prints a table, stops everything.
#   scripts/quickstart.sh [--images DIR] [--workers N] [--json FILE]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/deps.sh" --quickstart
"$root/scripts/models.sh"  # the face detector's model (and the other taggers'), verified
build="$("$root/scripts/build.sh")"
exec python3 "$root/scripts/quickstart.py" --bin "$build/bin" "$@"
