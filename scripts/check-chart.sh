#!/usr/bin/env bash
# Checks the Kubernetes packaging without a cluster or a container engine:
#   1. helm lint --strict, with every values file of charts/fotogal/ci/;
#   2. helm template with each of them, the output validated offline against the Kubernetes
#      JSON schemas (kubernetes-validate, strict: unknown fields are errors);
#   3. the helm-unittest tests in charts/fotogal/tests/;
#   4. the alerts (templates/prometheus-rule.yaml, default values): promtool check rules, and
#      promtool test rules with the synthetic series of charts/fotogal/tests/alerts/;
#   5. the container image's runtime package list, computed from the built binaries exactly
#      as the Dockerfile does it.
# Tools are pinned and installed on first use (go install, pip in a venv) into
# $FOTOGAL_TOOLS (default ~/.cache/fotogal/tools), outside the repository.
# Usage: scripts/check-chart.sh [BIN_DIR]   (BIN_DIR: built binaries, default build/bin)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
chart="$root/charts/fotogal"
bin_dir="${1:-$root/build/bin}"

# shellcheck source=scripts/tools.sh
source "$root/scripts/tools.sh"  # helm's pinned version, go_tool
helm_unittest_version=v1.1.2
kubernetes_validate_version=1.37.0

helm="$(helm_tool)"
promtool="$(promtool_tool)"

# helm-unittest's go.mod has a replace directive, which `go install mod@version` refuses; so
# its module is fetched from the Go proxy (checksum-verified) and built as the main module.
unittest="$tools/helm-unittest-$helm_unittest_version/helm-unittest"
if [[ ! -x "$unittest" ]]; then
    echo "installing github.com/helm-unittest/helm-unittest@$helm_unittest_version" >&2
    module="$(cd /tmp && go mod download -json \
        "github.com/helm-unittest/helm-unittest@$helm_unittest_version" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
    src="$(mktemp -d)"
    cp -r "$module/." "$src" && chmod -R u+w "$src"
    (cd "$src" && GOFLAGS=-buildvcs=false go build -o "$unittest" ./cmd/helm-unittest) >&2
    rm -rf "$src"
fi
venv="$tools/kubernetes-validate-$kubernetes_validate_version"
if [[ ! -x "$venv/bin/kubernetes-validate" ]]; then
    echo "installing kubernetes-validate==$kubernetes_validate_version" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "kubernetes-validate==$kubernetes_validate_version" >&2
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# A values file that needs optional APIs in the cluster (KEDA's, the Prometheus Operator's)
# names them in a comment line "# check-chart-args: --api-versions GROUP/VERSION ...": the
# chart refuses those objects unless the cluster (here: the flag) has the API. `helm lint`
# has no such flag, so a line "# check-chart-lint-args: --set ..." turns them off for lint
# only (template + validate and the unit tests still render them).
extra_args() {  # extra_args VALUES_FILE [lint] -> the flags of its check-chart(-lint)-args line
    sed -n "s/^# check-chart${2:+-$2}-args: //p" "$1"
}

echo "== chart: helm lint --strict" >&2
values_files=("$chart"/ci/*.yaml)
for values in "${values_files[@]}"; do
    # shellcheck disable=SC2046  # the flags are words on purpose
    "$helm" lint "$chart" --strict --kube-version "$kube_version" $(extra_args "$values" lint) \
        -f "$values" >"$out/lint.log" || { cat "$out/lint.log" >&2; exit 1; }
done

echo "== chart: helm template + kubernetes-validate (Kubernetes $kube_version)" >&2
for values in "${values_files[@]}"; do
    name="$(basename "$values" .yaml)"
    # shellcheck disable=SC2046
    "$helm" template fotogal "$chart" --kube-version "$kube_version" $(extra_args "$values") \
        -f "$values" >"$out/$name.yaml"
    # KEDA's and the Prometheus Operator's kinds have no schema here (the unit tests check
    # those); any other warning shows.
    "$venv/bin/kubernetes-validate" --strict --quiet -k "$kube_version" "$out/$name.yaml" \
        >"$out/validate.log" 2>&1 || { cat "$out/validate.log" >&2; exit 1; }
    grep -vE "find schema for kind (ScaledObject|TriggerAuthentication|PodMonitor|ServiceMonitor|PrometheusRule) with api version (keda.sh|monitoring.coreos.com)/" \
        "$out/validate.log" >&2 || true
    # The chart only references Secrets: it never renders one, never sets a password as a
    # variable, and every credential variable comes from a secretKeyRef.
    awk '/^kind: Secret$/ || /name: FOTOGAL_KAFKA_SASL_PASSWORD$/ { bad = 1 }
         /name: (AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|FOTOGAL_KAFKA_SASL_USERNAME)$/ {
             getline next_line; if (next_line !~ /valueFrom:/) bad = 1 }
         END { exit bad }' "$out/$name.yaml" ||
        { echo "check-chart: $name renders a secret value instead of a reference" >&2; exit 1; }
    echo "   $name: $(grep -c '^kind:' "$out/$name.yaml") objects valid" >&2
done

echo "== chart: helm-unittest" >&2
"$unittest" --color=false --strict "$chart" >&2

echo "== alerts: promtool check rules + promtool test rules" >&2
"$helm" template fotogal "$chart" --kube-version "$kube_version" \
    --api-versions monitoring.coreos.com/v1 --show-only templates/prometheus-rule.yaml \
    --set metrics.prometheusRule.enabled=true -f "$chart/ci/default-values.yaml" \
    >"$out/prometheus-rule.yaml"
python3 "$root/scripts/rule_file.py" "$out/prometheus-rule.yaml" "$out/rules.yaml"
"$promtool" check rules "$out/rules.yaml" >&2
cp "$chart/tests/alerts/alerts_test.yaml" "$out/"
"$promtool" test rules "$out/alerts_test.yaml" >&2

echo "== image: runtime packages of the built binaries" >&2
[[ -x "$bin_dir/fotogal-worker" ]] || {
    echo "check-chart: no binaries in $bin_dir; run scripts/build.sh first" >&2
    exit 1
}
packages="$("$root/scripts/runtime-packages.sh" "$bin_dir")"
for needed in librdkafka1 libexif12 libssl3; do
    grep -qx "$needed" <<<"$packages" ||
        { echo "check-chart: $needed missing from the runtime packages: $packages" >&2; exit 1; }
done
echo "   $(wc -l <<<"$packages") packages: $(tr '\n' ' ' <<<"$packages")" >&2
