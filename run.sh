#!/usr/bin/env bash
# The main job: an embedded node (SQLite under ./data) seeded with the sample registry, budgets and
# pipelines runs every sample pipeline twice — the second pass is served from cache — and prints
# cost per step, cache savings and the budgets afterwards.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v espeak-ng >/dev/null || ! command -v ffmpeg >/dev/null; then
  echo "Installing the local free providers (espeak-ng, ffmpeg)..." >&2
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng ffmpeg) >&2 \
      || echo "Could not install espeak-ng/ffmpeg; their providers will be marked down and routing falls through." >&2
  else
    echo "Not root: skipping; their providers will be marked down and routing falls through." >&2
  fi
fi
exec dotnet run --project src/CostOrchestrator.Cli -c Release -- demo --data-dir "${COSTORCH_DATA_DIR:-data}" "$@"
