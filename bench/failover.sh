#!/usr/bin/env bash
# Fail-over of a local 3-node cluster started with scripts/cluster.sh (the shaded jar), measured
# from outside: SIGKILL of the node that hosts symbol X, then `Cache-Control: no-cache` requests
# for X to a survivor every 100 ms until one is answered fresh (not stale) by X's entity.
#
#   bench/failover.sh [rounds]      # default 3; prints each round and the median
#
# Uses the H2 server of scripts/cluster.sh, or PostgreSQL when DATABASE_URL is set (each round in
# a fresh cluster directory; with PostgreSQL set DATABASE_URL to an empty database or schema).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
ADMIN_KEY=failover-bench-admin-0001
export MARKETGATE_CLIENTS="$ADMIN_KEY=admin" MARKETGATE_ANONYMOUS_PROFILE=premium MARKETGATE_RATE_LIMIT_PREMIUM=0
now_ms() { date +%s%3N; }
# Pekko's HashCodeMessageExtractor: |String.hashCode % shards|.
shard_of() {
  python3 -c 'import sys
h=0
for ch in sys.argv[1]: h=(31*h+ord(ch)) & 0xFFFFFFFF
h = h-(1<<32) if h >= (1<<31) else h
print(abs(int(__import__("math").fmod(h, int(sys.argv[2])))))' "$1" "$2"
}

results=()
for ((r = 1; r <= rounds; r++)); do
  export MARKETGATE_CLUSTER_DIR
  MARKETGATE_CLUSTER_DIR=$(mktemp -d /tmp/marketgate-failover.XXXX)
  scripts/cluster.sh start 3 > "$MARKETGATE_CLUSTER_DIR/start.log"
  shards=$(curl -s -H "X-API-Key: $ADMIN_KEY" localhost:8080/api/v1/cluster | python3 -c 'import json,sys; print(json.load(sys.stdin)["settings"]["number_of_shards"])')
  for i in $(seq -w 0 29); do curl -s -o /dev/null "localhost:$((8080 + 10#$i % 3))/api/v1/quotes/FO$i"; done
  sleep 2 # the write-behind store keeps each value as last good (flushed every 0.5 s)
  cluster=$(curl -s -H "X-API-Key: $ADMIN_KEY" localhost:8080/api/v1/cluster)
  victim_shards=$(python3 -c 'import json,sys
for m in json.loads(sys.argv[1])["members"]:
  if m["address"].endswith(":17357"): print(" ".join(m["shards"]["symbol"]["shard_ids"]))' "$cluster")
  symbol=""
  for i in $(seq -w 0 29); do
    if [[ " $victim_shards " == *" $(shard_of "FO$i" "$shards") "* ]]; then symbol="FO$i"; break; fi
  done
  [ -n "$symbol" ] || { echo "round $r: no warm symbol on node 2"; scripts/cluster.sh stop > /dev/null; continue; }
  killed=$(now_ms)
  scripts/cluster.sh kill 2 > /dev/null
  stale=0 failed=0
  while true; do
    body=$(curl -s -m 5 -w ' %{http_code}' -H 'Cache-Control: no-cache' "localhost:8080/api/v1/quotes/$symbol" || true)
    code=${body##* }
    if [ "$code" = 200 ] && [[ "$body" == *'"stale":false'* ]]; then break; fi
    if [ "$code" = 200 ]; then stale=$((stale + 1)); else failed=$((failed + 1)); fi
    [ $(( $(now_ms) - killed )) -lt 90000 ] || { echo "round $r: no fresh answer within 90 s"; break; }
    sleep 0.1
  done
  took=$(( $(now_ms) - killed ))
  results+=("$took")
  echo "round $r: $symbol (shard $(shard_of "$symbol" "$shards")) fresh after ${took} ms; meanwhile $stale stale answers, $failed failed"
  scripts/cluster.sh stop > /dev/null
done
printf '%s\n' "${results[@]}" | sort -n | awk '{a[NR]=$1} END {if (NR) printf "median %d ms over %d rounds\n", a[int((NR+1)/2)], NR}'
