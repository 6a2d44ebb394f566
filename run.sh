#!/usr/bin/env bash
# The main job: an embedded node (SQLite under ./data) seeded with the sample registry, budgets and
# pipelines runs every sample pipeline twice — the second pass is served from cache — and prints
# cost per step, cache savings and the budgets afterwards.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v espeak-ng >/dev/null || ! command -v ffmpeg >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing espeak-ng and ffmpeg from Debian for the local free providers (once; a minute or two; log: /tmp/costorch-install.log)..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng ffmpeg) > /tmp/costorch-install.log 2>&1 \
      || echo "Could not install espeak-ng/ffmpeg (see /tmp/costorch-install.log); their providers will be marked down and routing falls through." >&2
  else
    echo "Not root: not installing espeak-ng/ffmpeg; their providers will be marked down and routing falls through." >&2
  fi
fi
DATA="${COSTORCH_DATA_DIR:-data}"
if [ -d "$DATA" ]; then
  echo "Using $DATA from an earlier run: results it cached are served from cache at no cost (rm -rf $DATA for a fresh start)." >&2
fi
exec ./costorch demo --data-dir "$DATA" "$@"
