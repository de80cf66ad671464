#!/usr/bin/env bash
# Runs benchmark scenarios against a freshly started gateway, beside its ceilings (a bare Pekko
# HTTP route, and nginx proxy_cache when nginx is installed), all on this machine.
#
#   bench/run.sh                       # hot, herd, outage-503, outage-hang, outage-429, recovery, fixed-rate
#   bench/run.sh hot,herd              # chosen scenarios
#   bench/run.sh memory                # heap per cached quote with 100,000 cached symbols
#   bench/run.sh failover [--rounds 5] # SIGKILL of one node of a 3-node scripts/cluster.sh cluster
#   bench/run.sh remoting [--rounds 3] # an ask between two nodes: Artery over TCP vs mutual TLS
#   bench/run.sh ingest [--rows 1000000] # pipelines' write coordinator into PostgreSQL vs psql \copy
#                                      # (needs DATABASE_URL=jdbc:postgresql://…)
#
# Extra options after the scenario list go to BenchMain (e.g. --hot-seconds 30 --threads 2).
# Results: a table on stdout and in bench/results/<time>.md; logs in bench/results/<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
scenarios="${1:-all}"
shift || true

APP_JAR=${APP_JAR:-app/target/marketgate.jar}
BENCH_JAR=bench/target/marketgate-bench.jar
if [ ! -f "$APP_JAR" ] || [ ! -f "$BENCH_JAR" ] || [ -n "${BENCH_BUILD:-}" ]; then
  mvn -q -B -DskipTests package
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
if [ "$scenarios" = failover ]; then
  # Separate JVMs of the shaded jar through scripts/cluster.sh (ports 8080-8082, 18089).
  exec java -Xmx512m -cp "$BENCH_JAR" io.marketgate.bench.FailoverBench \
    --markdown "bench/results/$stamp-failover.md" "$@"
fi

if [ "$scenarios" = remoting ]; then
  # Two actor systems in one JVM; throwaway certificates from scripts/dev-certs.sh.
  tls="bench/results/$stamp-remoting-tls"
  scripts/dev-certs.sh ca "$tls/ca" && scripts/dev-certs.sh node "$tls/ca" "$tls/node" bench-node
  exec java -Xmx1g -cp "$BENCH_JAR" io.marketgate.bench.RemotingBench --tls-dir "$tls/node" \
    --markdown "bench/results/$stamp-remoting.md" "$@"
fi

if [ "$scenarios" = ingest ]; then
  exec java -Xmx2g -cp "$BENCH_JAR" io.marketgate.bench.IngestBench \
    --markdown "bench/results/$stamp-ingest.md" "$@"
fi

SIM_PORT=18089 GW_PORT=18080 BARE_PORT=18090 NGINX_HOT_PORT=18091 NGINX_OUTAGE_PORT=18092
JVM_OPTS=${BENCH_JVM_OPTS:--Xms1g -Xmx2g}
# Callers as production runs them: keyed (anonymous refused), a premium client without a rate limit.
BENCH_KEY=bench-premium-client-key-01 BENCH_ADMIN_KEY=bench-admin-client-key-0001
out=bench/results/$stamp
mkdir -p "$out"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$out/nginx/nginx.pid" ] && kill "$(cat "$out/nginx/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_for() {
  for _ in $(seq 1 120); do curl -fs -o /dev/null "$1" && return 0; sleep 0.5; done
  echo "not up: $1" >&2; exit 1
}

java $JVM_OPTS -jar "$APP_JAR" simulator "$SIM_PORT" > "$out/simulator.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$SIM_PORT/_sim/calls"

MARKETGATE_HTTP_PORT=$GW_PORT MARKETGATE_MANAGEMENT_PORT=17626 MARKETGATE_METRICS_PORT=19095 \
MARKETGATE_REMOTE_PORT=17356 MARKETGATE_DATA_DIR="$out/data" \
MARKETGATE_MAX_ACTIVE_SYMBOLS=300000 MARKETGATE_NEAR_CACHE_MAX_ENTRIES=300000 \
MARKETGATE_CLIENTS="$BENCH_KEY=premium,$BENCH_ADMIN_KEY=admin" MARKETGATE_ANONYMOUS_PROFILE=none \
MARKETGATE_RATE_LIMIT_PREMIUM=0 \
FMP_BASE_URL=http://127.0.0.1:$SIM_PORT/fmp/stable FMP_API_KEY=bench-fmp-key \
POLYGON_BASE_URL=http://127.0.0.1:$SIM_PORT/polygon POLYGON_API_KEY=bench-polygon-key \
  java $JVM_OPTS -jar "$APP_JAR" > "$out/gateway.log" 2>&1 &
gateway_pid=$!
pids+=($gateway_pid)
wait_for "http://127.0.0.1:17626/ready"

java $JVM_OPTS -cp "$BENCH_JAR" io.marketgate.bench.BareServer "$BARE_PORT" > "$out/bare.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$BARE_PORT/"

nginx_args=()
if command -v nginx >/dev/null 2>&1; then
  mkdir -p "$out/nginx/cache" "$out/nginx/logs"
  sed -e "s#@PREFIX@#$(pwd)/$out/nginx#g" -e "s#@SIM@#127.0.0.1:$SIM_PORT#g" \
      -e "s#@HOT_PORT@#$NGINX_HOT_PORT#g" -e "s#@OUTAGE_PORT@#$NGINX_OUTAGE_PORT#g" \
      bench/nginx/nginx.conf.template > "$out/nginx/nginx.conf"
  nginx -p "$(pwd)/$out/nginx" -c "$(pwd)/$out/nginx/nginx.conf"
  wait_for "http://127.0.0.1:$NGINX_HOT_PORT/health"
  nginx_args=(--nginx "http://127.0.0.1:$NGINX_HOT_PORT" --nginx-outage "http://127.0.0.1:$NGINX_OUTAGE_PORT")
else
  echo "nginx is not installed (apt-get install -y nginx): its ceiling is left out"
fi

java -Xmx1g -cp "$BENCH_JAR" io.marketgate.bench.BenchMain \
  --gateway "http://127.0.0.1:$GW_PORT" --simulator "http://127.0.0.1:$SIM_PORT" \
  --bare "http://127.0.0.1:$BARE_PORT" "${nginx_args[@]}" --gateway-pid "$gateway_pid" \
  --api-key "$BENCH_KEY" --admin-key "$BENCH_ADMIN_KEY" \
  --scenarios "$scenarios" --markdown "bench/results/$stamp.md" "$@" | tee "$out/bench.log"
