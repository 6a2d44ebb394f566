#!/usr/bin/env bash
# Reproduces docs/benchmarks.md: starts a throwaway PostgreSQL (fsync on), runs the bench in Release, then the gateway
# benchmark (bench/gateway/run.sh: direct upstream, ours, Portkey, with wrk), and writes the tables.
#   bench/run.sh [seconds-per-figure] [--before GIT-REF]
# With --before, the bench of GIT-REF (an earlier commit) is built in a temporary worktree and run first, against the
# same PostgreSQL on the same machine in the same session, so before and after compare within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER=5; BEFORE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --before) BEFORE=$2; shift 2 ;;
    *) SECONDS_PER=$1; shift ;;
  esac
done
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
D=$(mktemp -d /tmp/costorch-bench.XXXXXX); chown postgres "$D"
cleanup() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$D/data" -m fast -w stop >/dev/null 2>&1 || true
  [ -d "$D/before" ] && git worktree remove --force "$D/before" >/dev/null 2>&1 || true
  rm -rf "$D"
}
trap cleanup EXIT
runuser -u postgres -- "$PGBIN/initdb" -D "$D/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Durable settings (fsync on), as production would run.
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$D/data" -o "-p 55498 -k $D -c listen_addresses=127.0.0.1 -c max_connections=300" -l "$D/log" -w start >/dev/null
PG="Host=127.0.0.1;Port=55498;Username=postgres;Database=postgres"

if [ -n "$BEFORE" ]; then
  git worktree add --detach "$D/before" "$BEFORE" >/dev/null 2>&1
  echo "before: $(git -C "$D/before" log --oneline -1)" >&2
  dotnet run -c Release --project "$D/before/bench/CostOrchestrator.Bench" -- --postgres "$PG" --seconds "$SECONDS_PER" --out "$D/before.md" >&2
fi
dotnet run -c Release --project bench/CostOrchestrator.Bench -- --postgres "$PG" --seconds "$SECONDS_PER" --out "$D/after.md" >&2
bench/gateway/run.sh "$(( SECONDS_PER * 2 ))" > "$D/gateway.md"
# The gateway of the earlier commit too, right after, so both gateway tables come from one session.
if [ -n "$BEFORE" ] && [ -x "$D/before/bench/gateway/run.sh" ]; then
  "$D/before/bench/gateway/run.sh" "$(( SECONDS_PER * 2 ))" > "$D/gateway-before.md"
fi
{
  echo "# Benchmarks"
  echo
  echo "Reproduce with \`bench/run.sh${BEFORE:+ --before $BEFORE}\` (a throwaway PostgreSQL with fsync on; SQLite with synchronous=FULL)."
  echo "Figures are ratios against a baseline measured in the same run; the machine is shared, so run it twice."
  echo
  if [ -n "$BEFORE" ]; then
    echo "## Before: \`$(git log --oneline -1 "$BEFORE")\`"
    echo
    cat "$D/before.md"
    echo
    echo "## After: \`$(git log --oneline -1 HEAD)\`"
    echo
  fi
  cat "$D/after.md"
  echo
  echo "## Gateway: the same mock upstream, direct, through ours and through Portkey's (\`bench/gateway/run.sh\`)"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, wrk, $(( SECONDS_PER * 2 )) s per figure after a 2 s warm-up; CPU from /proc of the gateway process."
  echo
  if [ -f "$D/gateway-before.md" ]; then
    echo "### After: \`$(git log --oneline -1 HEAD)\`"
    echo
    cat "$D/gateway.md"
    echo
    echo "### Before: \`$(git log --oneline -1 "$BEFORE")\` (measured right after, same session)"
    echo
    cat "$D/gateway-before.md"
  else
    cat "$D/gateway.md"
  fi
} > "$D/table.md"
# Hand-written notes below the generated tables are kept.
if [ -f docs/benchmarks.md ] && grep -q '^## Reading these numbers' docs/benchmarks.md; then
  { echo; sed -n '/^## Reading these numbers/,$p' docs/benchmarks.md; } >> "$D/table.md"
fi
cp "$D/table.md" docs/benchmarks.md
cat docs/benchmarks.md
