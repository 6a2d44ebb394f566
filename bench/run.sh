#!/usr/bin/env bash
# Reproduces docs/benchmarks.md: starts a throwaway PostgreSQL, runs the bench in Release, writes the table.
#   bench/run.sh [seconds-per-figure]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER=${1:-5}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
D=$(mktemp -d /tmp/costorch-bench.XXXXXX); chown postgres "$D"
trap 'runuser -u postgres -- "$PGBIN/pg_ctl" -D "$D/data" -m fast -w stop >/dev/null 2>&1; rm -rf "$D"' EXIT
runuser -u postgres -- "$PGBIN/initdb" -D "$D/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Durable settings (fsync on), as production would run.
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$D/data" -o "-p 55498 -k $D -c listen_addresses=127.0.0.1 -c max_connections=300" -l "$D/log" -w start >/dev/null
dotnet run -c Release --project bench/CostOrchestrator.Bench -- --postgres "Host=127.0.0.1;Port=55498;Username=postgres;Database=postgres" \
  --seconds "$SECONDS_PER" --out /tmp/costorch-bench-table.md
{
  echo "# Benchmarks"
  echo
  echo "Reproduce with \`bench/run.sh\` (a throwaway PostgreSQL with fsync on; SQLite with synchronous=FULL)."
  echo "Figures are ratios against a baseline measured in the same run; the machine is shared, so run it twice."
  echo
  cat /tmp/costorch-bench-table.md
} > docs/benchmarks.md
cat docs/benchmarks.md
