#!/usr/bin/env bash
# The gateway benchmark: the same mock upstream, the same wrk settings, in one run —
#   direct (the floor), our gateway with enforcement (reserve + commit on a chain of 3 limited scopes, embedded
#   SQLite, cache off), and Portkey's open-source gateway (npm @portkey-ai/gateway) — at concurrency 1 and 32.
# Prints a markdown table (requests/s, p50, p99, CPU ms per request of the gateway process) on stdout.
#   bench/gateway/run.sh [seconds-per-figure]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER=${1:-10}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }; }
D=$(mktemp -d /tmp/costorch-gateway.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$D"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 240); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; echo "gateway bench: $1 did not come up" >&2; return 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

MOCK=$(free_port); OURS=$(free_port); PORTKEY=$(free_port)
node bench/gateway/mock-upstream.mjs "$MOCK" & PIDS+=($!)

# Our node: one openai-compatible provider on the mock; limits on global, team:bench and capability:llm-chat, so each
# request reserves and commits on a chain of three limited scopes.
cat > "$D/registry.json" <<JSON
{ "providers": [ { "provider_id": "mock-gpt", "capability": "llm-chat", "kind": "openai-compatible", "tier": 3, "quality": 3,
  "endpoint": "http://127.0.0.1:$MOCK/v1", "model": "gpt-bench", "api_key_env": "BENCH_UPSTREAM_KEY",
  "cost_model": { "kind": "per-token", "input_cents_per_million_tokens": 15, "output_cents_per_million_tokens": 60 } } ] }
JSON
cat > "$D/budgets.json" <<'JSON'
{ "time_zone": "UTC", "global": { "daily_limit_cents": 100000000 },
  "capabilities": { "llm-chat": { "daily_limit_cents": 100000000 } },
  "scopes": { "team:bench": { "windows": [{ "window": "day", "limit_cents": 100000000 }] } } }
JSON
echo '{ "storage": "sqlite", "registry": "registry.json", "budgets": "budgets.json" }' > "$D/profile.json"
dotnet build src/CostOrchestrator.Server -c Release -nologo -v q >/dev/null
ADMIN=bench-admin-token-0123456789
COSTORCH_ADMIN_TOKEN=$ADMIN BENCH_UPSTREAM_KEY=sk-mock dotnet src/CostOrchestrator.Server/bin/Release/net10.0/CostOrchestrator.Server.dll \
  --urls "http://127.0.0.1:$OURS" --data-dir "$D/node" --config "$D/profile.json" >"$D/node.log" 2>&1 & OURS_PID=$!; PIDS+=($OURS_PID)
# Portkey's gateway from npm, installed once into the bench's cache directory.
PK_DIR=${COSTORCH_BENCH_CACHE:-/tmp/costorch-bench-cache}/portkey
[ -x "$PK_DIR/node_modules/.bin/portkey-gateway" ] || npm install --silent --prefix "$PK_DIR" @portkey-ai/gateway@1.15.2 >/dev/null 2>&1
# Production mode, no console UI: the peer as one would deploy it.
(cd "$D" && NODE_ENV=production exec node "$PK_DIR/node_modules/@portkey-ai/gateway/build/start-server.js" --port="$PORTKEY" --headless >"$D/portkey.log" 2>&1) & PK_PID=$!; PIDS+=($PK_PID)
wait_http "http://127.0.0.1:$OURS/healthz"; wait_http "http://127.0.0.1:$PORTKEY/"

KEY=$(curl -s -X POST "http://127.0.0.1:$OURS/v1/keys" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d '{"name":"bench","scopes":["team:bench"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')

# run NAME URL PID TOKEN MODEL HEADERS CONCURRENCY -> a table row
run() {
  local name=$1 url=$2 pid=$3 token=$4 model=$5 headers=$6 c=$7 out before after requests
  export BENCH_TOKEN=$token BENCH_MODEL=$model BENCH_HEADERS=$headers
  wrk -t1 -c"$c" -d2s -s bench/gateway/chat.lua "$url" >/dev/null   # warm-up
  before=$( [ "$pid" = - ] && echo 0 || cpu_ticks "$pid")
  out=$(wrk -t"$(( c < 2 ? 1 : 2 ))" -c"$c" -d"${SECONDS_PER}s" --latency -s bench/gateway/chat.lua "$url")
  after=$( [ "$pid" = - ] && echo 0 || cpu_ticks "$pid")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  local non2xx; non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}'); non2xx=${non2xx:-0}
  local rps p50 p99 cpu
  rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}'); p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  cpu=$( [ "$pid" = - ] && echo "—" || python3 -c "print(f'{($after-$before)*1000/$(getconf CLK_TCK)/max($requests,1):.2f}')")
  echo "| $name | $c | $rps | $p50 | $p99 | $cpu | $non2xx |"
}
echo "| target | concurrency | requests/s | p50 | p99 | gateway CPU ms/request | non-2xx |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for c in 1 32; do
  run "mock upstream, direct (floor)" "http://127.0.0.1:$MOCK/v1/chat/completions" - sk-mock gpt-bench "" "$c"
  run "ours: enforcement, chain of 3, SQLite" "http://127.0.0.1:$OURS/v1/chat/completions" "$OURS_PID" "$KEY" gpt-bench "X-Cache: off" "$c"
  run "Portkey gateway 1.15.2" "http://127.0.0.1:$PORTKEY/v1/chat/completions" "$PK_PID" sk-mock gpt-bench \
    "x-portkey-provider: openai;x-portkey-custom-host: http://127.0.0.1:$MOCK/v1" "$c"
done
