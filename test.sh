#!/usr/bin/env bash
# Runs every test. Installs what the tests need when it is missing (PostgreSQL, espeak-ng, ffmpeg),
# starts a throwaway PostgreSQL on 127.0.0.1 for the run, and ends with one line:
#   N passed, N failed, N skipped
# Exit status is non-zero if any test failed or none ran.
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
RESULTS="$ROOT/test-output/results"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"

need_apt=()
command -v espeak-ng >/dev/null || need_apt+=(espeak-ng)
command -v ffmpeg >/dev/null || need_apt+=(ffmpeg)
command -v chromium >/dev/null || need_apt+=(chromium)   # the dashboard's browser tests (Debian's build; no browser download)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "test.sh: installing ${need_apt[*]}" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >&2 || echo "test.sh: apt-get install failed" >&2
  else
    sudo -n apt-get update -qq >&2 && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >&2 || echo "test.sh: cannot install ${need_apt[*]} (not root)" >&2
  fi
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
fi

# Throwaway PostgreSQL servers for the tests: a shared one (unless the caller gave COSTORCH_TEST_PG), and an
# isolated one that the cluster suite restarts under load without disturbing every other test.
PGDIRS=()
if [ "$(id -u)" = 0 ]; then RUN=(runuser -u postgres --); else RUN=(); fi
stop_pg() {
  for d in "${PGDIRS[@]}"; do
    "${RUN[@]}" "$PGBIN/pg_ctl" -D "$d/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$d"
  done
}
trap stop_pg EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# start_pg VAR: starts a server and sets VAR to its data directory and PG_PORT to its port.
start_pg() {
  local dir port
  dir=$(mktemp -d /tmp/costorch-pg.XXXXXX); port=$(free_port)
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  PGDIRS+=("$dir")
  if "${RUN[@]}" "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
     && "${RUN[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" -l "$dir/log" -w start >/dev/null; then
    printf -v "$1" '%s' "$dir"; PG_PORT=$port
    return 0
  fi
  echo "test.sh: could not start PostgreSQL in $dir" >&2; cat "$dir/initdb.log" "$dir/log" >&2 2>/dev/null || true
  return 1
}
if [ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ]; then
  if [ -z "${COSTORCH_TEST_PG:-}" ] && start_pg SHARED_DIR; then
    export COSTORCH_TEST_PG="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
    echo "test.sh: PostgreSQL on 127.0.0.1:$PG_PORT" >&2
  fi
  if start_pg ISOLATED_DIR; then
    export COSTORCH_TEST_PG_ISOLATED="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
    # pg_ctl restart reuses the options the server was started with.
    export COSTORCH_TEST_PG_ISOLATED_RESTART="${RUN[*]} $PGBIN/pg_ctl -D $ISOLATED_DIR/data -l $ISOLATED_DIR/log -m immediate -w restart"
    echo "test.sh: isolated PostgreSQL (restarted by the cluster suite) on 127.0.0.1:$PG_PORT" >&2
  fi
fi

dotnet build CostOrchestrator.sln -c Release -nologo -v q 2>&1 | tail -5
if [ "${PIPESTATUS[0]}" != 0 ]; then
  echo "0 passed, 1 failed"
  exit 1
fi

# Browser tests need node modules (playwright-core drives Debian's chromium); installed when present.
if [ -f tests/CostOrchestrator.Dashboard.Tests/browser/package.json ] && [ ! -d tests/CostOrchestrator.Dashboard.Tests/browser/node_modules ]; then
  (cd tests/CostOrchestrator.Dashboard.Tests/browser && npm ci --no-audit --no-fund --silent) >&2 || echo "test.sh: npm ci failed" >&2
fi

dotnet test CostOrchestrator.sln -c Release --no-build -nologo --logger "trx" --results-directory "$RESULTS" 2>&1 | tee "$RESULTS/console.log" | grep -E "^(Passed!|Failed!)|\[FAIL\]|error" || true

# The engine suite again with every node on PostgreSQL: whatever holds on one embedded node must hold there.
if [ -n "${COSTORCH_TEST_PG:-}" ] || [ -n "${CI:-}" ]; then
  COSTORCH_TEST_BACKEND=postgres dotnet test tests/CostOrchestrator.Grains.Tests -c Release --no-build -nologo --logger "trx" --results-directory "$RESULTS/postgres" 2>&1 \
    | tee "$RESULTS/console-postgres.log" | grep -E "^(Passed!|Failed!)|\[FAIL\]|error" | sed 's/^/[postgres] /' || true
fi

# CI reads one plain line; sum every assembly's TRX counters.
python3 - "$RESULTS" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
files = glob.glob(sys.argv[1] + "/**/*.trx", recursive=True)
for f in files:
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    skipped += int(c.get("notExecuted", 0))
open(sys.argv[1] + "/summary", "w").write(f"{passed} {failed} {skipped}")
PY
read -r PASSED FAILED SKIPPED < "$RESULTS/summary"
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ]
