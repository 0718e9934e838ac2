#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs, only those missing; uses sudo when not
# root. Usage: scripts/deps.sh [--quickstart | --shipped | --packages NAME...]
#   --quickstart  adds the sample images
#   --shipped     only what building the shipped binaries needs (the container image's build
#                 stage: scripts/build.sh --shipped), without the test, fuzz and format tools
#   --packages    only the packages named (what another script needs for itself: the container
#                 engine for scripts/image.sh, Java and Maven for scripts/kafka.sh)
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config make
  libopencv-core-dev libopencv-imgproc-dev libopencv-objdetect-dev opencv-data
  libopencv-dnn-dev python3-pip
  libopencv-imgcodecs-dev
  librdkafka-dev libssl-dev libcurl4-openssl-dev libexif-dev
  libjpeg62-turbo-dev libpng-dev libwebp-dev libtiff-dev libopenjp2-7-dev libzbar-dev
  liblcms2-dev libheif-dev libgif-dev zlib1g-dev libvips-tools
  nlohmann-json3-dev libcpp-httplib-dev doctest-dev
  clang-format python3 curl ca-certificates
  clang-14 libclang-rt-14-dev python3-venv python3-cryptography python3-yaml
  chromium chromium-driver python3-selenium kcat
  ccache  # the compiler cache; scripts/image.sh lends it to the image's build stage
)
[[ "${1:-}" == "--quickstart" ]] && packages+=(sway-backgrounds)
[[ "${1:-}" == "--packages" ]] && packages=("${@:2}")
if [[ "${1:-}" == "--shipped" ]]; then
  tests_only=" doctest-dev libcpp-httplib-dev libvips-tools clang-format clang-14 libclang-rt-14-dev python3-venv python3-cryptography python3-yaml chromium chromium-driver python3-selenium kcat "
  for i in "${!packages[@]}"; do
    [[ "$tests_only" == *" ${packages[$i]} "* ]] && unset "packages[$i]"
  done
  packages+=(binutils)  # readelf for runtime-packages.sh
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >&2
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
