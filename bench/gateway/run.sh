#!/usr/bin/env bash
# The gateway benchmark: the same mock upstream, the same wrk settings, in one run, at concurrency 1, 32 and 256 —
#   direct (the floor); our gateway with enforcement (reserve + commit on a chain of 3 limited scopes, cache off)
#   embedded (SQLite), on PostgreSQL with 1 silo and with 3 silos (three server processes forming one cluster); and
#   Portkey's open-source gateway (npm @portkey-ai/gateway).
# Each target is started before its figures and stopped after them, so idle processes do not share the 2 cores.
# After each of our figures, the node's HTTP API must show spent <= limit and the ledger equal to every budget's spent
# (check-ledger.py); a mismatch fails the script. Everything listens on 127.0.0.1.
# Prints markdown (the figures, the goal, the checks) on stdout.
#   bench/gateway/run.sh [seconds-per-figure] [--postgres CONNECTION-STRING]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER=10; POSTGRES=""
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) POSTGRES=$2; shift 2 ;;
    *) SECONDS_PER=$1; shift ;;
  esac
done
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }; }
D=$(mktemp -d /tmp/costorch-gateway.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$D"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 240); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done; echo "gateway bench: $1 did not come up" >&2; return 1; }
cpu_ticks() { local sum=0 p; for p in "$@"; do sum=$(( sum + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done; echo "$sum"; }
# Waits (at most 15 s) until the processes use less than a sixth of a core: requests wrk abandoned at its deadline are
# still being served, and would otherwise load the next figure.
quiesce() {
  [ $# -eq 0 ] && return 0
  local before after
  for _ in $(seq 1 30); do
    before=$(cpu_ticks "$@"); sleep 0.5; after=$(cpu_ticks "$@")
    [ $(( (after - before) * 100 / $(getconf CLK_TCK) )) -lt 8 ] && return 0
  done
  echo "gateway bench: $* still busy 15 s after the load stopped" >&2
}
stop_pids() { local p; for p in "$@"; do kill "$p" 2>/dev/null || true; done; for p in "$@"; do wait "$p" 2>/dev/null || true; done; }
ADMIN=bench-admin-token-0123456789

MOCK=$(free_port)
node bench/gateway/mock-upstream.mjs "$MOCK" & PIDS+=($!)

# Our node: one openai-compatible provider on the mock; total-window limits on global, team:bench and
# capability:llm-chat, so each request reserves and commits on a chain of three limited scopes, and no calendar
# boundary can roll a window between a figure and its check.
cat > "$D/registry.json" <<JSON
{ "providers": [ { "provider_id": "mock-gpt", "capability": "llm-chat", "kind": "openai-compatible", "tier": 3, "quality": 3,
  "endpoint": "http://127.0.0.1:$MOCK/v1", "model": "gpt-bench", "api_key_env": "BENCH_UPSTREAM_KEY",
  "cost_model": { "kind": "per-token", "input_cents_per_million_tokens": 15, "output_cents_per_million_tokens": 60 } } ] }
JSON
cat > "$D/budgets.json" <<'JSON'
{ "time_zone": "UTC",
  "scopes": { "global": { "windows": [{ "window": "total", "limit_cents": 100000000 }] },
              "capability:llm-chat": { "windows": [{ "window": "total", "limit_cents": 100000000 }] },
              "team:bench": { "windows": [{ "window": "total", "limit_cents": 100000000 }] } } }
JSON
echo '{ "storage": "sqlite", "registry": "registry.json", "budgets": "budgets.json" }' > "$D/sqlite.json"
echo '{ "storage": "postgres", "registry": "registry.json", "budgets": "budgets.json" }' > "$D/postgres.json"
dotnet build src/CostOrchestrator.Server -c Release -nologo -v q >/dev/null

# start_ours NAME SILOS PROFILE [POSTGRES] -> OURS_PORTS, OURS_PIDS, KEY (silos of one cluster, on a fresh schema)
start_ours() {
  local name=$1 silos=$2 profile=$3 pg=${4:-} i port
  OURS_PORTS=(); OURS_PIDS=()
  for i in $(seq 1 "$silos"); do
    port=$(free_port)
    local extra=()
    [ -n "$pg" ] && extra=(--postgres "$pg" --cluster-id "$name")
    COSTORCH_ADMIN_TOKEN=$ADMIN BENCH_UPSTREAM_KEY=sk-mock dotnet src/CostOrchestrator.Server/bin/Release/net10.0/CostOrchestrator.Server.dll \
      --urls "http://127.0.0.1:$port" --data-dir "$D/$name-$i" --node-id "$name-$i" --config "$D/$profile" "${extra[@]}" >"$D/$name-$i.log" 2>&1 &
    OURS_PIDS+=($!); PIDS+=($!); OURS_PORTS+=("$port")
  done
  for port in "${OURS_PORTS[@]}"; do wait_http "http://127.0.0.1:$port/readyz"; done
  if [ "$silos" -gt 1 ]; then
    for _ in $(seq 1 120); do
      [ "$(curl -s -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:${OURS_PORTS[0]}/v1/cluster/nodes" \
        | python3 -c 'import json,sys; print(sum(n["status"] == "live" for n in json.load(sys.stdin)["nodes"]))')" = "$silos" ] && break
      sleep 0.5
    done
  fi
  KEY=$(curl -s -X POST "http://127.0.0.1:${OURS_PORTS[0]}/v1/keys" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    -d '{"name":"bench","scopes":["team:bench"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
}

# run NAME "PORT..." "PID..." TOKEN HEADERS CONCURRENCY [PATH] -> a table row. Several ports: one wrk, its threads spread
# over them (chat.lua), connections rounded to a multiple of the ports; concurrency 1 goes to the first port only.
RPS_OF=()
run() {
  local name=$1 ports=($2) pids=($3) token=$4 headers=$5 c=$6 path=${7:-/v1/chat/completions}
  local threads=$(( c < 2 ? 1 : 2 )) conns=$c shown=$c spread=""
  if [ "${#ports[@]}" -gt 1 ] && [ "$c" -gt 1 ]; then
    threads=${#ports[@]}; conns=$(( (c + threads / 2) / threads * threads )); spread=$(IFS=,; echo "${ports[*]}")
    shown="$conns ($(( conns / threads )) per silo)"
  fi
  local url="http://127.0.0.1:${ports[0]}$path" out before after requests
  export BENCH_TOKEN=$token BENCH_MODEL=gpt-bench BENCH_HEADERS=$headers BENCH_PORTS=$spread
  timeout 60 wrk -t"$threads" -c"$conns" -d2s --timeout 10s -s bench/gateway/chat.lua "$url" >/dev/null   # warm-up
  quiesce "${pids[@]}"
  before=$( [ "${#pids[@]}" -eq 0 ] && echo 0 || cpu_ticks "${pids[@]}")
  out=$(timeout $(( SECONDS_PER + 60 )) wrk -t"$threads" -c"$conns" -d"${SECONDS_PER}s" --timeout 10s --latency -s bench/gateway/chat.lua "$url")
  after=$( [ "${#pids[@]}" -eq 0 ] && echo 0 || cpu_ticks "${pids[@]}")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  local non2xx errors rps p50 p99 cpu
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}'); non2xx=${non2xx:-0}
  errors=$(echo "$out" | awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}'); errors=${errors:-0}
  rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}'); p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  # No request answered within the figure (each took longer than the figure lasted): no percentiles to show.
  if [ "${requests:-0}" -eq 0 ]; then p50="—"; p99="—"; fi
  cpu=$( [ "${#pids[@]}" -eq 0 ] && echo "—" || python3 -c "print(f'{($after-$before)*1000/$(getconf CLK_TCK)/max($requests,1):.2f}')")
  RPS_OF+=("$name@$c=$rps")
  echo "| $name | $shown | $rps | $p50 | $p99 | $cpu | $non2xx | $errors |" >> "$D/table.md"
  echo "gateway: $name, c=$shown: $rps requests/s, p50 $p50, p99 $p99" >&2
  quiesce "${pids[@]}"
}
rps_of() { local entry; for entry in "${RPS_OF[@]}"; do if [ "${entry%%=*}" = "$1@$2" ]; then echo "${entry#*=}"; fi; done; }
# A failed check is recorded and the figures go on, so the output shows everything; the script exits 1 at the end.
FAILED=0
check() { python3 bench/gateway/check-ledger.py "http://127.0.0.1:${OURS_PORTS[0]}" "$ADMIN" "$1" >> "$D/checks.md" || FAILED=1; }

CONCURRENCY=(1 32 256)
for c in "${CONCURRENCY[@]}"; do run "mock upstream, direct (floor)" "$MOCK" "" sk-mock "" "$c" /v1/chat/completions; done

EMBEDDED="ours: enforcement, chain of 3, SQLite, 1 silo"
start_ours gw-sqlite 1 sqlite.json
for c in "${CONCURRENCY[@]}"; do run "$EMBEDDED" "${OURS_PORTS[*]}" "${OURS_PIDS[*]}" "$KEY" "X-Cache: off" "$c"; check "gateway, $EMBEDDED, concurrency $c"; done
stop_pids "${OURS_PIDS[@]}"

# Portkey's gateway from npm, installed once into the bench's cache directory; production mode, no console UI: the
# peer as one would deploy it. Right after ours embedded, since the goal compares the two.
PK_DIR=${COSTORCH_BENCH_CACHE:-/tmp/costorch-bench-cache}/portkey
[ -x "$PK_DIR/node_modules/.bin/portkey-gateway" ] || npm install --silent --prefix "$PK_DIR" @portkey-ai/gateway@1.15.2 >/dev/null 2>&1
PORTKEY=$(free_port)
(cd "$D" && NODE_ENV=production exec node "$PK_DIR/node_modules/@portkey-ai/gateway/build/start-server.js" --port="$PORTKEY" --headless >"$D/portkey.log" 2>&1) & PK_PID=$!; PIDS+=($PK_PID)
wait_http "http://127.0.0.1:$PORTKEY/"
PORTKEY_NAME="Portkey gateway 1.15.2"
for c in "${CONCURRENCY[@]}"; do
  run "$PORTKEY_NAME" "$PORTKEY" "$PK_PID" sk-mock "x-portkey-provider: openai;x-portkey-custom-host: http://127.0.0.1:$MOCK/v1" "$c"
done
stop_pids "$PK_PID"

if [ -n "$POSTGRES" ]; then
  for silos in 1 3; do
    schema="gw_pg${silos}_$(date +%s)"
    NAME="ours: enforcement, chain of 3, PostgreSQL, $silos silo"; [ "$silos" -gt 1 ] && NAME+="s"
    start_ours "$schema" "$silos" postgres.json "$POSTGRES;Search Path=$schema"
    for c in "${CONCURRENCY[@]}"; do run "$NAME" "${OURS_PORTS[*]}" "${OURS_PIDS[*]}" "$KEY" "X-Cache: off" "$c"; check "gateway, $NAME, concurrency $c"; done
    stop_pids "${OURS_PIDS[@]}"
  done
fi

echo "| target | concurrency | requests/s | p50 | p99 | gateway CPU ms/request | non-2xx | socket errors |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
cat "$D/table.md"
echo
ours=$(rps_of "$EMBEDDED" 32); theirs=$(rps_of "$PORTKEY_NAME" 32)
python3 - "$ours" "$theirs" <<'PY'
import sys
ours, theirs = float(sys.argv[1] or 0), float(sys.argv[2] or 0)
ratio = ours / theirs if theirs else float("nan")
print(f"Goal, embedded ≥ 10× Portkey at concurrency 32: measured {ours:.0f} / {theirs:.0f} = {ratio:.2f}×: **{'met' if ratio >= 10 else 'not met'}**.")
PY
echo
echo "PostgreSQL, 3 silos: one wrk with 3 threads, each thread's connections on one silo (bench/gateway/chat.lua, BENCH_PORTS), so"
echo "requests/s and the latency percentiles cover all three; connections are rounded to a multiple of 3, and concurrency 1"
echo "goes to the first silo only. CPU is the three server processes' together. Other targets: wrk -t2 (-t1 at concurrency 1)."
echo
echo "Ledger check after each of our figures, through the node's HTTP API (GET /v1/budgets with the admin token; GET"
echo "/v1/reports/spend?group_by=scope for the ledger, summed in 5-second spans): every limited scope's spent equals its ledger total and spent (and"
echo "spent + reserved) ≤ limit; a mismatch fails the bench. Sums are over the scopes; the checks are cumulative over a node's"
echo "figures. \"reserved\" is what is still held 5 s after wrk stopped: budget slices' leases until their slices end (2 s), and"
echo "reservations of requests wrk cut off at its deadline until they are released."
echo
echo "| figure | limited scopes | ledger entries | governors' spent ¢ | ledger ¢ | reserved ¢ | highest spent / limit | result |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
cat "$D/checks.md"
if [ "$FAILED" -ne 0 ]; then echo "gateway bench FAILED: a ledger check failed (see the checks table)" >&2; exit 1; fi
