# Pinned tools shared by the scripts (sourced, not run): installed on first use with
# `go install` into $FOTOGAL_TOOLS (default ~/.cache/fotogal/tools), outside the repository.
# shellcheck shell=bash

helm_version=v3.21.4
kube_version=1.33.0  # the Kubernetes version charts are rendered and validated against
# Prometheus 3.x: its Go module versions are v0.3xx (API only; the web UI assets are not built)
prometheus_version=v0.316.0

tools="${FOTOGAL_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/fotogal/tools}"
export PATH="$PATH:/usr/local/go/bin"  # where the official Go toolchain installs

# go_tool NAME MODULE VERSION -> path of the binary, installed if missing ($go_tool_tags: build
# tags for it)
go_tool() {
    local dir="$tools/$1-$3"
    if [[ ! -x "$dir/$1" ]]; then
        command -v go >/dev/null || {
            echo "Go 1.26+ is needed to install $1 ($2@$3)" >&2
            exit 1
        }
        echo "installing $2@$3" >&2
        GOBIN="$dir" GOFLAGS="-buildvcs=false${go_tool_tags:+ -tags=$go_tool_tags}" \
            go install "$2@$3" >&2
    fi
    echo "$dir/$1"
}

helm_tool() { go_tool helm helm.sh/helm/v3/cmd/helm "$helm_version"; }
# Without the cloud service discoveries (remove_all_sd; file and static targets stay): the
# tests scrape fixed loopback targets, and the build takes a fraction of the time.
prometheus_tool() {
    go_tool_tags=remove_all_sd go_tool prometheus \
        github.com/prometheus/prometheus/cmd/prometheus "$prometheus_version"
}
promtool_tool() {
    go_tool_tags=remove_all_sd go_tool promtool \
        github.com/prometheus/prometheus/cmd/promtool "$prometheus_version"
}
