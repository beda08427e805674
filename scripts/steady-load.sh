#!/usr/bin/env bash
# A steady, low background load on every service so no dashboard panel is empty.
# In compose: `docker compose --profile load up -d` runs it in the `load` service.
# Against ./cluster: scripts/steady-load.sh   (the defaults are the local cluster's ports)
#
#   NODES            "service=url service=url ..." (compose sets every node of the topology)
#   RATE_PER_SECOND  rounds per second over all nodes (default 5)
#   DURATION_SECONDS stop after this long (default: run until killed)
set -uo pipefail

NODES="${NODES:-id-generator=http://127.0.0.1:8101 id-generator=http://127.0.0.1:8102 rate-limiter=http://127.0.0.1:8201 rate-limiter=http://127.0.0.1:8202 kv-store=http://127.0.0.1:8301 kv-store=http://127.0.0.1:8302 kv-store=http://127.0.0.1:8303 kv-store=http://127.0.0.1:8304 kv-store=http://127.0.0.1:8305}"
RATE_PER_SECOND="${RATE_PER_SECOND:-5}"
DURATION_SECONDS="${DURATION_SECONDS:-0}"
read -r -a targets <<< "$NODES"
pause=$(awk -v r="$RATE_PER_SECOND" 'BEGIN { printf "%.3f", (r > 0 ? 1 / r : 1) }')
call() { curl -s -o /dev/null -m 2 -w '%{http_code}' "$@" || true; }

# One request a service answers with 2xx in normal operation, sometimes one it refuses.
request() {
  local service=$1 url=$2 round=$3
  case "$service" in
    id-generator) call -X POST "$url/ids?count=10" ;;
    rate-limiter) call -X POST "$url/limits/default/load-$((round % 20))/acquire"
                  [ $((round % 10)) -eq 0 ] && call -X POST "$url/limits/login/load/acquire" ;;   # denials after 5
    kv-store)     call -X PUT -H 'Content-Type: text/plain' --data-binary "v$round" "$url/kv/load-$((round % 50))"
                  call "$url/kv/load-$(((round + 25) % 50))" ;;
    payments)     call "$url/accounts/merch_$((round % 10 + 1))" ;;
    gateway)      call -X POST "$url/ids?count=1" ;;
    *)            call "$url/actuator/health/readiness" ;;
  esac
}

echo "steady load: ${#targets[@]} nodes, $RATE_PER_SECOND rounds/s"
start=$SECONDS round=0
while [ "$DURATION_SECONDS" -eq 0 ] || [ $((SECONDS - start)) -lt "$DURATION_SECONDS" ]; do
  entry=${targets[$((round % ${#targets[@]}))]}
  request "${entry%%=*}" "${entry#*=}" "$round" >/dev/null
  round=$((round + 1))
  [ $((round % 500)) -eq 0 ] && echo "steady load: $round requests"
  sleep "$pause"
done
