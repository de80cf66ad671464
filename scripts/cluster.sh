#!/usr/bin/env bash
# A local Marketgate cluster: N nodes on 127.0.0.1, one shared database, one shared provider simulator.
#
#   scripts/cluster.sh start N     # start nodes 0..N-1 (and the simulator, and an H2 server if needed)
#   scripts/cluster.sh scale N     # start nodes up to N, or stop the highest ones (SIGTERM) down to N
#   scripts/cluster.sh kill I      # SIGKILL node I (no hand-off: the others take over after the SBR downs it)
#   scripts/cluster.sh stop [I]    # SIGTERM node I, or every node, then the simulator and H2 server
#   scripts/cluster.sh status      # each node: pid, alive, ready
#
# Node I listens on HTTP 8080+I, management 7626+I, remoting 17355+I, metrics 9095+I; nodes 0 and
# 1 are the seeds. The database is PostgreSQL when DATABASE_URL is set, else an H2 server on port
# 19092 that every node shares. Provider settings (FMP_API_KEY, …) are passed through; without
# any, every node uses the simulator on port 18089 (one call log and one set of faults for all).
# Remoting runs over mutual TLS: a throwaway CA (data/cluster/tls/ca) issues each node its own key
# and certificate (data/cluster/tls/node-I) on first start, through scripts/dev-certs.sh; set
# MARKETGATE_CLUSTER_TLS_CA to a directory with ca.crt and ca.key to issue them from your own CA.
# Logs and PIDs: data/cluster/ (MARKETGATE_CLUSTER_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=app/target/marketgate.jar
DIR=${MARKETGATE_CLUSTER_DIR:-data/cluster}
SIM_PORT=${MARKETGATE_CLUSTER_SIMULATOR_PORT:-18089}
H2_PORT=${MARKETGATE_CLUSTER_H2_PORT:-19092}
JAVA_OPTS=${MARKETGATE_CLUSTER_JAVA_OPTS:--Xmx512m}
TLS_CA=${MARKETGATE_CLUSTER_TLS_CA:-$DIR/tls/ca}
mkdir -p "$DIR"

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

pid_of() { [ -f "$DIR/$1.pid" ] && cat "$DIR/$1.pid" || true; }
alive() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

wait_for() {
  for _ in $(seq 1 120); do curl -fs -o /dev/null "$1" && return 0; sleep 0.5; done
  echo "not up after 60 s: $1" >&2
  return 1
}

ensure_jar() {
  [ -f "$JAR" ] || mvn -q -B -DskipTests package
}

providers_configured() {
  env | grep -Eq '^(FMP|POLYGON|FRED|NEWS|ALPHA_VANTAGE|TIINGO|IBKR)_(API_KEY|BASE_URL)='
}

start_simulator() {
  providers_configured && return 0
  alive simulator && return 0
  java $JAVA_OPTS -jar "$JAR" simulator "$SIM_PORT" > "$DIR/simulator.log" 2>&1 &
  echo $! > "$DIR/simulator.pid"
  wait_for "http://127.0.0.1:$SIM_PORT/_sim/calls"
  echo "simulator on http://127.0.0.1:$SIM_PORT (pid $(pid_of simulator))"
}

start_h2() {
  [ -n "${DATABASE_URL:-}" ] && return 0
  alive h2 && return 0
  mkdir -p "$DIR/h2"
  java -cp "$JAR" org.h2.tools.Server -tcp -tcpPort "$H2_PORT" -ifNotExists -baseDir "$DIR/h2" > "$DIR/h2.log" 2>&1 &
  echo $! > "$DIR/h2.pid"
  for _ in $(seq 1 60); do (exec 3<>"/dev/tcp/127.0.0.1/$H2_PORT") 2>/dev/null && break; sleep 0.5; done
  echo "H2 server on 127.0.0.1:$H2_PORT (pid $(pid_of h2))"
}

simulated_providers() {
  providers_configured && return 0
  local base="http://127.0.0.1:$SIM_PORT"
  printf '%s\n' \
    "FMP_BASE_URL=$base/fmp/stable" "FMP_API_KEY=local-sim" \
    "POLYGON_BASE_URL=$base/polygon" "POLYGON_API_KEY=local-sim" \
    "FRED_BASE_URL=$base/fred" "FRED_API_KEY=local-sim" \
    "NEWS_BASE_URL=$base/newsapi/v2" "NEWS_API_KEY=local-sim"
}

# The node's key material: issued once by the cluster's CA, kept across restarts.
node_tls() {
  local i=$1
  [ -f "$TLS_CA/ca.crt" ] || scripts/dev-certs.sh ca "$TLS_CA"
  [ -f "$DIR/tls/node-$i/tls.crt" ] || scripts/dev-certs.sh node "$TLS_CA" "$DIR/tls/node-$i" "node-$i"
  echo "$DIR/tls/node-$i"
}

start_node() {
  local i=$1
  if alive "node-$i"; then echo "node $i already runs (pid $(pid_of "node-$i"))"; return 0; fi
  local tls_dir
  tls_dir=$(node_tls "$i")
  local db_url=${DATABASE_URL:-"jdbc:h2:tcp://127.0.0.1:$H2_PORT/marketgate;DATABASE_TO_LOWER=TRUE"}
  local -a sim_env
  mapfile -t sim_env < <(simulated_providers)
  env "${sim_env[@]}" \
    MARKETGATE_HTTP_PORT=$((8080 + i)) MARKETGATE_MANAGEMENT_PORT=$((7626 + i)) \
    MARKETGATE_REMOTE_PORT=$((17355 + i)) MARKETGATE_METRICS_PORT=$((9095 + i)) \
    MARKETGATE_SEED_NODES="127.0.0.1:17355,127.0.0.1:17356" MARKETGATE_DISCOVERY=seeds \
    MARKETGATE_DATA_DIR="$DIR/node-$i" DATABASE_URL="$db_url" MARKETGATE_TLS_DIR="$tls_dir" \
    java $JAVA_OPTS -jar "$JAR" > "$DIR/node-$i.log" 2>&1 &
  echo $! > "$DIR/node-$i.pid"
  echo "node $i: http://127.0.0.1:$((8080 + i)) (pid $!, log $DIR/node-$i.log)"
}

await_ready() {
  local i=$1
  wait_for "http://127.0.0.1:$((7626 + i))/ready" && echo "node $i ready"
}

running_nodes() {
  for f in "$DIR"/node-*.pid; do
    [ -e "$f" ] || continue
    local name; name=$(basename "$f" .pid)
    alive "$name" && echo "${name#node-}"
  done | sort -n
}

stop_node() {
  local i=$1 pid
  pid=$(pid_of "node-$i")
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then rm -f "$DIR/node-$i.pid"; return 0; fi
  kill -TERM "$pid"
  # Graceful: readiness fails, the node drains, hands its shards off and leaves.
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  rm -f "$DIR/node-$i.pid"
  echo "node $i stopped"
}

start() {
  local n=${1:?how many nodes}
  ensure_jar
  start_h2
  start_simulator
  # Seeds first: node 0 forms the cluster, the others join it.
  for ((i = 0; i < n; i++)); do start_node "$i"; [ "$i" -eq 0 ] && await_ready 0; done
  for ((i = 1; i < n; i++)); do await_ready "$i"; done
}

scale() {
  local n=${1:?how many nodes}
  local highest
  while true; do
    highest=$(running_nodes | tail -n 1)
    [ -n "$highest" ] && [ "$highest" -ge "$n" ] || break
    stop_node "$highest"
  done
  start "$n"
}

status() {
  for f in "$DIR"/node-*.pid; do
    [ -e "$f" ] || continue
    local name i state ready
    name=$(basename "$f" .pid); i=${name#node-}
    if alive "$name"; then state=alive; else state=dead; fi
    ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((7626 + i))/ready" || true)
    echo "node $i: pid $(pid_of "$name") $state ready=$ready http://127.0.0.1:$((8080 + i))"
  done
}

case "${1:-}" in
  start) start "${2:-}" ;;
  scale) scale "${2:-}" ;;
  kill)
    i=${2:?which node}
    kill -KILL "$(pid_of "node-$i")" && rm -f "$DIR/node-$i.pid" && echo "node $i killed"
    ;;
  stop)
    if [ -n "${2:-}" ]; then stop_node "$2"; exit 0; fi
    for i in $(running_nodes | sort -rn); do stop_node "$i"; done
    for p in simulator h2; do alive "$p" && kill -TERM "$(pid_of "$p")"; rm -f "$DIR/$p.pid"; done
    ;;
  status) status ;;
  *) usage ;;
esac
