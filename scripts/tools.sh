# Pinned tools shared by the scripts (sourced, not run): installed on first use with
# `go install` into $FOTOGAL_TOOLS (default ~/.cache/fotogal/tools), outside the repository.
# shellcheck shell=bash

helm_version=v3.21.4
kube_version=1.33.0  # the Kubernetes version charts are rendered and validated against
# Prometheus 3.x: its Go module versions are v0.3xx (API only; the web UI assets are not built)
prometheus_version=v0.316.0

tools="${FOTOGAL_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/fotogal/tools}"
export PATH="$PATH:/usr/local/go/bin"  # where the official Go toolchain installs

go_tool() {  # go_tool NAME MODULE VERSION -> path of the binary, installed if missing
    local dir="$tools/$1-$3"
    if [[ ! -x "$dir/$1" ]]; then
        command -v go >/dev/null || {
            echo "Go 1.26+ is needed to install $1 ($2@$3)" >&2
            exit 1
        }
        echo "installing $2@$3" >&2
        GOBIN="$dir" GOFLAGS=-buildvcs=false go install "$2@$3" >&2
    fi
    echo "$dir/$1"
}

helm_tool() { go_tool helm helm.sh/helm/v3/cmd/helm "$helm_version"; }
prometheus_tool() { go_tool prometheus github.com/prometheus/prometheus/cmd/prometheus "$prometheus_version"; }
promtool_tool() { go_tool promtool github.com/prometheus/prometheus/cmd/promtool "$prometheus_version"; }
