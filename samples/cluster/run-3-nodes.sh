#!/usr/bin/env bash
# A local cluster to look at: a throwaway PostgreSQL and three CostOrchestrator nodes on 127.0.0.1:8081-8083,
# all seeded from silo-config/postgres.json. It submits a sample pipeline to node 1, reads the run back from
# node 3, lists the members, and keeps the cluster up until Ctrl-C (everything is stopped and removed then).
# Run as root on Debian (PostgreSQL refuses to run as root, so it runs as the postgres user).
set -euo pipefail
cd "$(dirname "$0")/../.."
export COSTORCH_ADMIN_TOKEN=${COSTORCH_ADMIN_TOKEN:-cluster-demo-admin-token}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PGBIN" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); fi
PGDIR=$(mktemp -d /tmp/costorch-cluster.XXXXXX); chown postgres "$PGDIR"; PGPORT=55499
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap cleanup EXIT INT TERM
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1" -l "$PGDIR/log" -w start >/dev/null
export COSTORCH_POSTGRES="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
echo "PostgreSQL on 127.0.0.1:$PGPORT"

dotnet build src/CostOrchestrator.Server -c Release -nologo -v q >/dev/null
for i in 1 2 3; do
  dotnet src/CostOrchestrator.Server/bin/Release/net10.0/CostOrchestrator.Server.dll \
    --urls "http://127.0.0.1:808$i" --config silo-config/postgres.json --node-id "node-$i" --data-dir "$PGDIR/node-$i" \
    >"$PGDIR/node-$i.log" 2>&1 &
  PIDS+=($!)
done
for i in 1 2 3; do
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:808$i/readyz" >/dev/null && break; sleep 0.5; done
  echo "node-$i: $(curl -s "http://127.0.0.1:808$i/readyz")"
done

AUTH=(-H "Authorization: Bearer $COSTORCH_ADMIN_TOKEN" -H "content-type: application/json")
RUN=$(curl -s "${AUTH[@]}" -d "{\"input\": $(cat samples/inputs/render-weekly-summary.json), \"wait\": true}" http://127.0.0.1:8081/v1/pipelines/render-weekly-summary/runs)
RUN_ID=$(echo "$RUN" | python3 -c 'import json,sys; print(json.load(sys.stdin)["run_id"])')
echo "submitted $RUN_ID to node-1; node-3 reads it:"
curl -s "${AUTH[@]}" "http://127.0.0.1:8083/v1/runs/$RUN_ID" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["status"], r["total_cost_cents"], "cents", r["cost_by_step"])'
echo "members (from node-2):"
curl -s "${AUTH[@]}" http://127.0.0.1:8082/v1/cluster/nodes | python3 -c 'import json,sys; [print(" ", n["node_id"], n["status"], n["last_heartbeat_at"]) for n in json.load(sys.stdin)["nodes"]]'
echo "global budget (from node-3):"
curl -s "${AUTH[@]}" http://127.0.0.1:8083/v1/budgets/global | python3 -c 'import json,sys; b=json.load(sys.stdin); [print(" ", w["window"], w["spent_cents"], "of", w["limit_cents"], w["status"]) for w in b["windows"]]'
echo "Nodes: http://127.0.0.1:8081 8082 8083 (admin token: $COSTORCH_ADMIN_TOKEN). Ctrl-C stops everything."
wait
