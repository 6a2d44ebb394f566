#!/usr/bin/env bash
# Reproduces docs/benchmarks.md. Installs what it needs (wrk and PostgreSQL from Debian, Portkey's gateway from npm),
# starts a throwaway PostgreSQL (fsync on, synchronous_commit on) on 127.0.0.1:55498, and runs, each bounded in time:
#   1. bench/CostOrchestrator.Bench (Release): the governor (reserve + commit; one hot scope and 1,000 scopes; 1, 8 and
#      64 callers; embedded and PostgreSQL) beside pgbench's hot-row conditional update on the same server, pipelines
#      (1 silo embedded, 1 and 3 silos on PostgreSQL), one invocation's overhead;
#   2. bench/gateway/run.sh: direct, ours (embedded, PostgreSQL 1 and 3 silos) and Portkey behind wrk at 1, 32, 256.
# Every figure ends with a ledger check (nothing overspent, the ledger equals the governors' totals); a failed check
# fails this script, and docs/benchmarks.md is then left as it was. The hand-written "## Reading these numbers"
# section of docs/benchmarks.md is kept.
#   bench/run.sh [seconds-per-figure] [--before GIT-REF]
# With --before, the bench of GIT-REF (an earlier commit) is built in a temporary worktree and run first, against the
# same PostgreSQL on the same machine in the same session, so before and after compare within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
COMMAND="bench/run.sh $*"
SECONDS_PER=5; BEFORE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --before) BEFORE=$2; shift 2 ;;
    *) SECONDS_PER=$1; shift ;;
  esac
done
[[ "$SECONDS_PER" =~ ^[1-9][0-9]*$ ]] || { echo "bench/run.sh: seconds-per-figure must be a whole number of seconds, not '$SECONDS_PER'" >&2; exit 2; }

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
MEMORY=$(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
load() { cut -d' ' -f1 /proc/loadavg; }
LOAD_START=$(load)
echo "machine: $(nproc) cores, $CPU, $MEMORY; load average $LOAD_START" >&2
echo "command: $COMMAND at $(git log --oneline -1 HEAD | cut -c1-80)" >&2

D=$(mktemp -d /tmp/costorch-bench.XXXXXX); chown postgres "$D"
cleanup() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$D/data" -m fast -w stop >/dev/null 2>&1 || true
  [ -d "$D/before" ] && git worktree remove --force "$D/before" >/dev/null 2>&1 || true
  rm -rf "$D"
}
trap cleanup EXIT
runuser -u postgres -- "$PGBIN/initdb" -D "$D/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Durable settings (fsync on, synchronous_commit on: the defaults), as production would run.
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$D/data" -o "-p 55498 -k $D -c listen_addresses=127.0.0.1 -c max_connections=300" -l "$D/log" -w start >/dev/null
PG="Host=127.0.0.1;Port=55498;Username=postgres;Database=postgres"

# Bounds: far above what a figure takes, so only a hang reaches them.
BENCH_BOUND=$(( 40 * SECONDS_PER + 1200 ))
GATEWAY_BOUND=$(( 15 * (2 * SECONDS_PER + 40) + 900 ))
if [ -n "$BEFORE" ]; then
  git worktree add --detach "$D/before" "$BEFORE" >/dev/null 2>&1
  echo "before: $(git -C "$D/before" log --oneline -1)" >&2
  timeout --kill-after=30 "$BENCH_BOUND" dotnet run -c Release --project "$D/before/bench/CostOrchestrator.Bench" -- --postgres "$PG" --seconds "$SECONDS_PER" --out "$D/before.md" >&2
fi
dotnet build bench/CostOrchestrator.Bench -c Release -nologo -v q >&2
timeout --kill-after=30 "$BENCH_BOUND" dotnet bench/CostOrchestrator.Bench/bin/Release/net10.0/CostOrchestrator.Bench.dll \
  --postgres "$PG" --pgbench "$PGBIN/pgbench" --seconds "$SECONDS_PER" --out "$D/after.md" >&2
if ! timeout --kill-after=30 "$GATEWAY_BOUND" bench/gateway/run.sh "$(( SECONDS_PER * 2 ))" --postgres "$PG" > "$D/gateway.md"; then
  cat "$D/gateway.md" >&2
  echo "bench/run.sh: the gateway benchmark failed" >&2
  exit 1
fi
# The gateway of the earlier commit too, right after, so both gateway tables come from one session.
if [ -n "$BEFORE" ] && [ -x "$D/before/bench/gateway/run.sh" ]; then
  "$D/before/bench/gateway/run.sh" "$(( SECONDS_PER * 2 ))" > "$D/gateway-before.md"
fi
LOAD_END=$(load)
{
  echo "# Benchmarks"
  echo
  echo "Reproduce with \`bench/run.sh${BEFORE:+ --before $BEFORE}\` (a throwaway PostgreSQL with fsync on; SQLite with synchronous=FULL)."
  echo "Figures are ratios against a baseline measured in the same run; the machine is shared, so run it twice."
  echo
  echo "Machine: $(nproc) cores, $CPU, $MEMORY; load average $LOAD_START at the start, $LOAD_END at the end (other work on the machine counts)."
  echo "Command: \`$COMMAND\` at \`$(git log --oneline -1 HEAD | cut -c1-80)\`."
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
  echo "Measured $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, wrk, $(( SECONDS_PER * 2 )) s per figure after a 2 s warm-up; CPU from /proc of the gateway process(es)."
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
