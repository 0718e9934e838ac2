#!/usr/bin/env bash
# A real Apache Kafka broker (one KRaft node, broker + controller) on 127.0.0.1 for development
# and the integration tests. Installs Java 17 and Maven from apt when missing, fetches Kafka's
# jars from Maven Central with scripts/kafka/pom.xml (cached between runs), formats the data
# folder once and keeps it across stop/start.
#
#   scripts/kafka.sh start [--fresh]     start (wiping the data first with --fresh), wait until it
#                                        serves, create the project's topics
#   scripts/kafka.sh stop                controlled shutdown (SIGTERM, SIGKILL after 60 s); keeps data
#   scripts/kafka.sh status              exit 0 and print the address when it serves, 1 otherwise
#   scripts/kafka.sh topics [--partitions N] [TOPIC...]
#                                        create missing topics (default: the project's four) and
#                                        print "topic partitions" per line
#   scripts/kafka.sh offsets GROUP TOPIC JSON with each partition's end and committed offset
#   scripts/kafka.sh delete-topics TOPIC...
#
# Environment (all optional):
#   FOTOGAL_KAFKA_PORT             client port (default 19092)
#   FOTOGAL_KAFKA_CONTROLLER_PORT  KRaft controller port (default client port + 1)
#   FOTOGAL_KAFKA_DATA             data and log folder (default ${TMPDIR:-/tmp}/fotogal-kafka-PORT)
#   FOTOGAL_KAFKA_PARTITIONS       partitions of newly created topics (default 6)
#   FOTOGAL_KAFKA_CACHE            where the jars are cached (default ~/.cache/fotogal/kafka)
#   FOTOGAL_KAFKA_HEAP             broker heap (default 512m)
#   FOTOGAL_TOPIC_UPLOADS, _REPROCESS, _RESULTS, _DLQ   the project's topic names
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/scripts/kafka"

port="${FOTOGAL_KAFKA_PORT:-19092}"
controller_port="${FOTOGAL_KAFKA_CONTROLLER_PORT:-$((port + 1))}"
data="${FOTOGAL_KAFKA_DATA:-${TMPDIR:-/tmp}/fotogal-kafka-$port}"
partitions="${FOTOGAL_KAFKA_PARTITIONS:-6}"
cache_root="${FOTOGAL_KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fotogal/kafka}"
bootstrap="127.0.0.1:$port"
project_topics=(
  "${FOTOGAL_TOPIC_UPLOADS:-fotogal.uploads}" "${FOTOGAL_TOPIC_REPROCESS:-fotogal.reprocess}"
  "${FOTOGAL_TOPIC_RESULTS:-fotogal.results}" "${FOTOGAL_TOPIC_DLQ:-fotogal.dlq}"
)

say() { echo "kafka.sh: $*" >&2; }
die() {
  say "$*"
  exit 1
}

# Java 17+ (with javac, for the admin helper) and Maven, from apt only when missing.
ensure_tools() {
  local missing=()
  if ! command -v javac >/dev/null || ! javac -version 2>&1 | grep -qE 'javac (1[7-9]|[2-9][0-9])'; then
    missing+=(openjdk-17-jdk-headless)
  fi
  command -v mvn >/dev/null || missing+=(maven)
  [[ ${#missing[@]} -eq 0 ]] || "$root/scripts/deps.sh" --packages "${missing[@]}"
}

# The jars, fetched once per version of pom.xml (the folder name carries a hash of the pom, so
# a version bump fetches afresh instead of mixing jars); the admin helper is compiled beside
# them, once per version of its source.
libs=""
classes=""
ensure_jars() {
  ensure_tools
  local key dir
  key="$(sha256sum <"$here/pom.xml" | cut -c1-16)"
  dir="$cache_root/$key"
  libs="$dir/libs"
  if [[ ! -f "$dir/complete" ]]; then
    say "fetching Apache Kafka jars from Maven Central into $dir"
    rm -rf "$dir"
    mkdir -p "$libs"
    if ! mvn -B -q -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$libs" >"$dir/mvn.log" 2>&1; then
      cat "$dir/mvn.log" >&2
      die "Maven could not fetch the Kafka jars"
    fi
    touch "$dir/complete"
  fi
  classes="$dir/classes-$(sha256sum <"$here/TopicAdmin.java" | cut -c1-16)"
  if [[ ! -f "$classes/TopicAdmin.class" ]]; then
    mkdir -p "$classes.tmp"
    javac -nowarn -d "$classes.tmp" -cp "$libs/*" "$here/TopicAdmin.java" >&2
    rm -rf "$classes" && mv "$classes.tmp" "$classes"
  fi
}

java_opts() {
  echo "-Djava.awt.headless=true -Dlog4j2.configurationFile=file:$here/log4j2.properties" \
    "-Dkafka.logs.dir=$data/logs"
}

admin() {
  # shellcheck disable=SC2046
  java -Xmx256m -XX:TieredStopAtLevel=1 $(java_opts) -Dfotogal.kafka.loglevel=WARN \
    -cp "$classes:$libs/*" TopicAdmin \
    "$bootstrap" "$@"
}

broker_pid() {
  [[ -f "$data/broker.pid" ]] || return 1
  local pid
  pid="$(cat "$data/broker.pid")"
  # the pid must still be our broker, not a process that reused the number
  grep -qa "kafka.Kafka" "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

write_config() {
  cat >"$data/server.properties" <<EOF
# Written by scripts/kafka.sh: a single combined KRaft node on loopback.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data/kraft
num.partitions=$partitions
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests start consumers one after another; do not hold the first rebalance back 3 s.
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
EOF
}

cmd_start() {
  [[ "${1:-}" == "--fresh" ]] && fresh=1 || fresh=0
  ensure_jars
  if pid="$(broker_pid)"; then
    say "already running (pid $pid) on $bootstrap"
    ((fresh)) && die "--fresh asked while it runs; stop it first"
  else
    ((fresh)) && rm -rf "$data"
    port_open && die "port $port is taken by another process; set FOTOGAL_KAFKA_PORT"
    mkdir -p "$data/logs"
    write_config
    if [[ ! -f "$data/kraft/meta.properties" ]]; then
      local cluster_id
      # base64url of 16 random bytes, as Kafka's own ids; one that starts with "-" would be
      # read as an option by the format tool, so draw again
      cluster_id="-"
      while [[ "$cluster_id" == -* ]]; do
        cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
      done
      # shellcheck disable=SC2046
      java -Xmx256m $(java_opts) -Dfotogal.kafka.loglevel=WARN -cp "$libs/*" \
        kafka.tools.StorageTool format -t "$cluster_id" -c "$data/server.properties" -g >&2
    fi
    # the readiness check reads this run's log only
    [[ -f "$data/broker.log" ]] && mv "$data/broker.log" "$data/broker.previous.log"
    say "starting on $bootstrap (data in $data, log in $data/broker.log)"
    # setsid: the broker outlives this script and ignores the caller's Ctrl-C.
    # shellcheck disable=SC2046
    setsid java -Xms256m -Xmx"${FOTOGAL_KAFKA_HEAP:-512m}" -XX:+UseG1GC $(java_opts) \
      -cp "$libs/*" kafka.Kafka "$data/server.properties" \
      >>"$data/broker.log" 2>&1 </dev/null &
    local started=$!
    echo "$started" >"$data/broker.pid"
    local deadline=$((SECONDS + 120))
    until grep -q "Kafka Server started" "$data/broker.log" 2>/dev/null && port_open; do
      # kill -0 on the child, not broker_pid: until the child has exec'd java its command line
      # is still this script's, which broker_pid would take for a dead broker
      if ! kill -0 "$started" 2>/dev/null; then
        tail -n 30 "$data/broker.log" >&2 || true
        die "broker exited during start-up; see $data/broker.log"
      fi
      ((SECONDS < deadline)) || die "broker not serving after 120 s; see $data/broker.log"
      sleep 0.2
    done
  fi
  cmd_topics # waits until the broker answers, then creates the topics
}

cmd_stop() {
  local pid
  if ! pid="$(broker_pid)"; then
    say "not running"
    rm -f "$data/broker.pid"
    return 0
  fi
  kill -TERM "$pid"
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "no controlled shutdown within 60 s; killing"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.1
  done
  rm -f "$data/broker.pid"
  say "stopped"
}

cmd_status() {
  if pid="$(broker_pid)" && port_open; then
    echo "running pid=$pid bootstrap=$bootstrap data=$data"
  else
    echo "not running (bootstrap $bootstrap, data $data)"
    return 1
  fi
}

cmd_topics() {
  local n="$partitions" topics=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
    --partitions) n="$2" && shift 2 ;;
    *) topics+=("$1") && shift ;;
    esac
  done
  [[ ${#topics[@]} -eq 0 ]] && topics=("${project_topics[@]}")
  ensure_jars
  admin create "$n" "${topics[@]}"
}

case "${1:-}" in
start) shift && cmd_start "$@" ;;
stop) cmd_stop ;;
status) cmd_status ;;
topics) shift && cmd_topics "$@" ;;
offsets) shift && [[ $# -eq 2 ]] && ensure_jars && admin offsets "$1" "$2" ;;
delete-topics) shift && ensure_jars && admin delete "$@" ;;
*)
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
  ;;
esac
