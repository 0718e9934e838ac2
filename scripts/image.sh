#!/usr/bin/env bash
# The container image: built from the project's Dockerfile with buildah, run with podman.
#
#   scripts/image.sh build    build fotogal:<version>-<git revision> and fotogal:dev, then
#                             write its facts (SBOM, size, biggest packages) to build/image/
#   scripts/image.sh bases    make sure the Debian 12 base images exist: pulled from a
#                             registry when one answers, else made locally with debootstrap
#                             from the Debian mirror apt already uses, and kept in podman's
#                             storage (so later builds reuse them and their layers)
#   scripts/image.sh facts    the facts of the built image only (SBOM, size, packages);
#                             FOTOGAL_SYFT=1 adds an SPDX SBOM made by syft (installed once)
#   scripts/image.sh smoke    every binary from the image as the chart runs it (uid 10001,
#                             read-only root, no capabilities): --help, and fotogal-process
#                             on a photo
#   scripts/image.sh e2e      the container end-to-end test (tests/container/): needs the Kafka
#                             broker (scripts/kafka.sh) and the S3 server (scripts/s3server.sh)
#   scripts/image.sh bench    worker start-up from the image vs the same binary on the host
#                             (bench/container_startup.py; needs the broker)
#   scripts/image.sh tag      print the image's versioned tag
#   scripts/image.sh podman ARGS...   podman with the options this host needs (see below)
#
# Environment (all optional):
#   FOTOGAL_IMAGE             image name (default fotogal)
#   FOTOGAL_PODMAN_FLAGS      global podman options; default "--runtime runc
#                             --cgroup-manager=cgroupfs" (runc only when installed): crun
#                             refuses hybrid cgroups in some sandboxes, and cgroupfs needs no
#                             systemd; both are ordinary choices on any host
#   CONTAINERS_CONF           podman's containers.conf; when unset, one with
#                             `default_ulimits = []` is used, because raising RLIMIT_NPROC
#                             fails where CAP_SYS_RESOURCE is missing
#   FOTOGAL_IMAGE_OUT         where the build's facts go (default build/image)
# Docker users build the Dockerfile directly (docs/container-image.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
name="${FOTOGAL_IMAGE:-fotogal}"
out="${FOTOGAL_IMAGE_OUT:-$root/build/image}"
# shellcheck source=scripts/tools.sh
source "$root/scripts/tools.sh"  # $tools, helm_tool, kube_version

say() { echo "image.sh: $*" >&2; }
die() {
  say "$*"
  exit 1
}

# --- engine setup -------------------------------------------------------------------------

ensure_engine() {
  # catatonit: the pause process of the pods `podman kube play` makes (podman only recommends it)
  "$root/scripts/deps.sh" --packages buildah podman runc uidmap slirp4netns debootstrap catatonit
  if [[ -z "${CONTAINERS_CONF:-}" ]]; then
    mkdir -p "$out"
    printf '[containers]\ndefault_ulimits = []\n' >"$out/containers.conf"
    export CONTAINERS_CONF="$out/containers.conf"
  fi
}

podman_flags=()
if [[ -n "${FOTOGAL_PODMAN_FLAGS+set}" ]]; then
  read -r -a podman_flags <<<"$FOTOGAL_PODMAN_FLAGS"
else
  command -v runc >/dev/null && podman_flags+=(--runtime runc)
  podman_flags+=(--cgroup-manager=cgroupfs)
fi
pm() { podman "${podman_flags[@]}" "$@"; }

version() { sed -n 's/^project(fotogal VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt"; }
revision() {
  local rev
  rev="$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null)" || rev=unknown
  # a tree with uncommitted changes must not pass for the commit
  [[ -z "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]] || rev="$rev-dirty"
  echo "$rev"
}
tag() { echo "$name:$(version)-$(revision)"; }

# --- base images --------------------------------------------------------------------------

base_build=docker.io/library/debian:12
base_runtime=docker.io/library/debian:12-slim

# The first URIs of the bookworm archive apt is configured with (deb822 or one-line format).
debian_mirror() {
  local f uri
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    uri="$(awk '/^URIs:/ { u = $2 } /^Suites:/ && / bookworm( |$)/ && u { print u; exit }' "$f")"
    [[ -n "$uri" ]] && { echo "$uri"; return 0; }
  done
  uri="$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)"
  [[ -n "$uri" ]] || die "no Debian bookworm mirror in /etc/apt/sources.list(.d)"
  echo "$uri"
}

make_bases() {
  local mirror
  mirror="$(debian_mirror)"
  rootfs="$(mktemp -d /var/tmp/fotogal-rootfs.XXXXXX)"
  trap 'rm -rf "$rootfs"' EXIT
  say "no registry answers: making $base_build and $base_runtime with debootstrap from $mirror"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$out/debootstrap.log" 2>&1 ||
    { tail -20 "$out/debootstrap.log" >&2; die "debootstrap failed (log: $out/debootstrap.log)"; }
  # apt inside the image uses the same archive (and security suite) as this host.
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    cp /etc/apt/sources.list.d/debian.sources "$rootfs/etc/apt/sources.list.d/"
    rm -f "$rootfs/etc/apt/sources.list"
  fi
  printf 'APT::Install-Recommends "false";\n' >"$rootfs/etc/apt/apt.conf.d/90fotogal-no-recommends"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log
  local changes=(--change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    --change 'LABEL org.fotogal.base=debootstrap')
  tar -C "$rootfs" -c . | pm import "${changes[@]}" - "$base_build" >/dev/null
  # The slim one, as Debian's: no documentation, manual pages or translations.
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  find "$rootfs/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  tar -C "$rootfs" -c . | pm import "${changes[@]}" - "$base_runtime" >/dev/null
  rm -rf "$rootfs"
}

cmd_bases() {
  ensure_engine
  mkdir -p "$out"
  if pm image exists "$base_build" && pm image exists "$base_runtime"; then return 0; fi
  if timeout 300 pm pull -q "$base_build" >/dev/null 2>&1 &&
    timeout 300 pm pull -q "$base_runtime" >/dev/null 2>&1; then
    say "pulled $base_build and $base_runtime"
    return 0
  fi
  make_bases
}

# --- build and facts ----------------------------------------------------------------------

cmd_build() {
  cmd_bases
  local t start
  t="$(tag)"
  start=$SECONDS
  say "building $t (buildah bud, cached layers reused)"
  # The models step runs pip in the build container, whose CA roots are Debian's own: a host
  # that reaches PyPI through a TLS-inspecting proxy trusts that proxy in its own bundle, so
  # the build gets the host's bundle (read-only) for pip, and nothing of it stays in the image.
  local ca="${PIP_CERT:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}" ca_args=()
  [[ -f "$ca" ]] && ca_args=(--volume "$ca:/run/host-ca.pem:ro" --build-arg PIP_CERT=/run/host-ca.pem)
  # The host's compiler cache, when there is one: after scripts/build.sh has compiled this
  # checkout, the build stage finds most objects there instead of compiling them again.
  local cache cache_args=()
  cache="$(ccache --get-config cache_dir 2>/dev/null || true)"
  if [[ -n "$cache" ]]; then
    mkdir -p "$cache"
    cache_args=(--volume "$cache:/run/host-ccache" --build-arg CCACHE_DIR=/run/host-ccache)
  fi
  # --isolation chroot: works without a container runtime's namespaces, in CI sandboxes too.
  buildah bud --isolation chroot --pull=never --layers "${ca_args[@]}" "${cache_args[@]}" \
    --label "org.opencontainers.image.version=$(version)" \
    --label "org.opencontainers.image.revision=$(revision)" \
    --label "org.opencontainers.image.source=fotogal" \
    -t "$t" -t "$name:dev" -f "$root/Dockerfile" "$root" >"$out/build.log" 2>&1 ||
    { tail -40 "$out/build.log" >&2; die "build failed (log: $out/build.log)"; }
  echo "$((SECONDS - start))" >"$out/build-seconds"
  echo "$t" >"$out/tag"
  say "built $t and $name:dev in $((SECONDS - start)) s"
  cmd_facts
}

cmd_facts() {
  ensure_engine
  mkdir -p "$out"
  local image="$name:dev"
  pm image exists "$image" || die "no image $image; run scripts/image.sh build first"
  # dpkg's own view of the image: package, version, architecture, installed size (KiB).
  pm run --rm --network none --user 0 "$image" dpkg-query -W \
    -f='${Package}\t${Version}\t${Architecture}\t${Installed-Size}\t${Source}\n' >"$out/packages.tsv"
  local size
  size="$(pm image inspect --format '{{.Size}}' "$image")"
  python3 "$root/scripts/image_facts.py" --packages "$out/packages.tsv" --size "$size" \
    --image "$(cat "$out/tag" 2>/dev/null || tag)" --out "$out"
  sbom_with_syft "$image" || true
}

# syft (pinned) writes a second SBOM, SPDX, from the image itself; the dpkg-made CycloneDX file
# above does not depend on it. Used when installed; FOTOGAL_SYFT=1 installs it with
# `go install` (several minutes of compiling, so not by default in the test suite).
syft_version=v1.57.1
sbom_with_syft() {
  local syft="$tools/syft-$syft_version/syft"
  if [[ ! -x "$syft" ]]; then
    [[ "${FOTOGAL_SYFT:-0}" == 1 ]] || return 0
    command -v go >/dev/null || { say "no Go toolchain: SBOM from dpkg only"; return 1; }
    say "installing github.com/anchore/syft/cmd/syft@$syft_version"
    GOBIN="$(dirname "$syft")" GOFLAGS=-buildvcs=false go install \
      "github.com/anchore/syft/cmd/syft@$syft_version" >"$out/syft-install.log" 2>&1 ||
      { say "syft did not install (log: $out/syft-install.log): SBOM from dpkg only"; return 1; }
  fi
  local archive="$out/image.oci.tar"
  rm -f "$archive"
  pm save --format oci-archive -o "$archive" "$name:dev" >/dev/null
  SYFT_CHECK_FOR_APP_UPDATE=false "$syft" scan "oci-archive:$archive" -q \
    -o "spdx-json=$out/sbom.spdx.json" || { rm -f "$archive"; return 1; }
  rm -f "$archive"
  say "SBOM (syft $syft_version, SPDX): $out/sbom.spdx.json"
}

# --- running ------------------------------------------------------------------------------

# As the chart runs a container: its user, a read-only root, no capabilities.
chart_like=(--user 10001:10001 --read-only --tmpfs /tmp --cap-drop ALL
  --security-opt no-new-privileges --network none)

cmd_smoke() {
  ensure_engine
  local image="$name:dev" b photo work
  pm image exists "$image" || die "no image $image; run scripts/image.sh build first"
  for b in fotogal-ingest fotogal-worker fotogal-replay fotogal-process fotogal-devbroker; do
    pm run --rm "${chart_like[@]}" "$image" "$b" --help >/dev/null ||
      die "$b --help failed in the image"
  done
  # fotogal-process on one real photo: decoding, face cascades, encoders, all from the image.
  photo="${FOTOGAL_CORPUS:-$root/../shared/corpus}/photos/exif_jolla.jpg"
  [[ -f "$photo" ]] || die "no $photo (set FOTOGAL_CORPUS)"
  work="$(mktemp -d)"
  chmod 0777 "$work"
  pm run --rm "${chart_like[@]}" -v "$photo:/in/photo.jpg:ro" -v "$work:/out" "$image" \
    fotogal-process --out /out /in/photo.jpg >"$work/process.log" 2>&1 ||
    { cat "$work/process.log" >&2; rm -rf "$work"; die "fotogal-process failed in the image"; }
  local made
  made="$(find "$work" -type f ! -name process.log | wc -l)"
  rm -rf "$work"
  ((made > 0)) || die "fotogal-process wrote nothing"
  say "smoke: every binary starts as uid 10001 on a read-only root; fotogal-process wrote $made files"
}

# The container test's Python packages, pinned, in a venv beside the other tools.
test_venv() {
  local venv="$tools/container-test-kafka-python-3.0.12-pyyaml-6.0.3"
  if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import kafka, yaml' 2>/dev/null; then
    say "installing kafka-python 3.0.12 and PyYAML 6.0.3 into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q kafka-python==3.0.12 PyYAML==6.0.3 >&2
  fi
  echo "$venv/bin/python"
}

cmd_e2e() {
  ensure_engine
  local helm python
  helm="$(helm_tool)"
  python="$(test_venv)"
  pm image exists "$name:dev" || die "no image $name:dev; run scripts/image.sh build first"
  exec "$python" "$root/tests/container/container_e2e.py" --image "$name:dev" \
    --podman "podman ${podman_flags[*]}" --helm "$helm" --kube-version "$kube_version" "$@"
}

cmd_bench() {
  ensure_engine
  pm image exists "$name:dev" || die "no image $name:dev; run scripts/image.sh build first"
  exec python3 "$root/bench/container_startup.py" --image "$name:dev" \
    --podman "podman ${podman_flags[*]}" "$@"
}

main() {
  case "${1:-}" in
  build) cmd_build ;;
  bases) cmd_bases ;;
  facts) cmd_facts ;;
  smoke) cmd_smoke ;;
  e2e) shift && cmd_e2e "$@" ;;
  bench) shift && cmd_bench "$@" ;;
  tag) tag ;;
  podman) shift && ensure_engine && pm "$@" ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
  esac
}
# On one line, so that bash has read all it runs before running it (the script may be edited
# while a long build runs).
main "$@"; exit
