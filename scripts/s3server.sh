#!/usr/bin/env bash
# A real S3-compatible server on loopback for the storage tests: versitygw (posix backend,
# checks SigV4 signatures), installed with `go install` at a pinned version.
#   scripts/s3server.sh install           build versitygw into .tools/bin (once)
#   scripts/s3server.sh start [DIR] [--event-kafka-url HOST:PORT --event-kafka-topic TOPIC]
#                                         start on FOTOGAL_S3_PORT (default 21070), data in DIR;
#                                         with the two event settings (or FOTOGAL_S3_EVENT_KAFKA_URL
#                                         and FOTOGAL_S3_EVENT_KAFKA_TOPIC), every object write in
#                                         every bucket is published to TOPIC as an S3 event
#                                         notification (AWS `Records[].s3` format)
#   scripts/s3server.sh stop [DIR]        stop the server started with the same DIR
#   scripts/s3server.sh env               print the settings a client needs (eval-able)
# Credentials: access key FOTOGAL_S3_ACCESS_KEY (default "fotogal"), secret
# FOTOGAL_S3_SECRET_KEY (default "fotogal-test-secret"); region us-east-1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$PATH:/usr/local/go/bin"  # where the official Go toolchain installs
version="v1.7.0"
tools="$root/.tools"
bin="$tools/bin/versitygw"
port="${FOTOGAL_S3_PORT:-21070}"
access="${FOTOGAL_S3_ACCESS_KEY:-fotogal}"
secret="${FOTOGAL_S3_SECRET_KEY:-fotogal-test-secret}"
event_url="${FOTOGAL_S3_EVENT_KAFKA_URL:-}"
event_topic="${FOTOGAL_S3_EVENT_KAFKA_TOPIC:-}"
command="${1:-}"
(($#)) && shift
dir_arg=""
while (($#)); do
  case "$1" in
    --event-kafka-url) event_url="${2:?--event-kafka-url needs HOST:PORT}"; shift 2 ;;
    --event-kafka-topic) event_topic="${2:?--event-kafka-topic needs a topic}"; shift 2 ;;
    *) dir_arg="$1"; shift ;;
  esac
done
dir="$(realpath -m "${dir_arg:-$root/build/s3server}")"

install() {
  if [[ -x "$bin" && "$(cat "$tools/versitygw.version" 2>/dev/null)" == "$version" ]]; then
    return 0
  fi
  command -v go >/dev/null || { echo "s3server: 'go' is needed to build versitygw" >&2; exit 1; }
  echo "s3server: go install github.com/versity/versitygw/cmd/versitygw@$version" >&2
  mkdir -p "$tools/bin"
  GOBIN="$tools/bin" GOFLAGS=-buildvcs=false go install \
    "github.com/versity/versitygw/cmd/versitygw@$version" >&2
  echo "$version" >"$tools/versitygw.version"
}

up() {
  # An S3 call without credentials gets a signed-request error back: proof of life.
  curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null | grep -q '^[2-5]'
}

start() {
  install
  if [[ -f "$dir/pid" ]] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    echo "s3server: already running (pid $(cat "$dir/pid"))" >&2
    return 0
  fi
  mkdir -p "$dir/root" "$dir/sidecar"
  local events=()
  if [[ -n "$event_url" || -n "$event_topic" ]]; then
    [[ -n "$event_url" && -n "$event_topic" ]] ||
      { echo "s3server: bucket events need both a Kafka address and a topic" >&2; exit 2; }
    # versitygw publishes one S3 event notification per object write, in every bucket (no
    # bucket configuration needed), plus one s3:TestEvent record when it starts.
    events=(--event-kafka-url "$event_url" --event-kafka-topic "$event_topic")
  fi
  # --sidecar keeps metadata out of xattrs, which not every filesystem offers.
  ROOT_ACCESS_KEY="$access" ROOT_SECRET_KEY="$secret" \
    setsid "$bin" --port "127.0.0.1:$port" --region us-east-1 "${events[@]}" \
    posix --sidecar "$dir/sidecar" "$dir/root" >"$dir/server.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
  local deadline=$((SECONDS + 30))
  until up; do
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      echo "s3server: versitygw exited; log:" >&2
      cat "$dir/server.log" >&2
      exit 1
    fi
    if ((SECONDS > deadline)); then
      echo "s3server: not answering on 127.0.0.1:$port after 30 s" >&2
      stop
      exit 1
    fi
    sleep 0.1
  done
  echo "s3server: versitygw $version on http://127.0.0.1:$port (data in $dir/root)${event_topic:+, events to $event_topic on $event_url}" >&2
}

stop() {
  [[ -f "$dir/pid" ]] || return 0
  local pid
  pid="$(cat "$dir/pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    local deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$dir/pid"
}

case "$command" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  env)
    echo "export FOTOGAL_S3_ENDPOINT=http://127.0.0.1:$port"
    echo "export AWS_ACCESS_KEY_ID=$access AWS_SECRET_ACCESS_KEY=$secret AWS_REGION=us-east-1"
    ;;
  *) echo "usage: $0 install|start [DIR] [--event-kafka-url HOST:PORT --event-kafka-topic TOPIC]|stop [DIR]|env" >&2; exit 2 ;;
esac
