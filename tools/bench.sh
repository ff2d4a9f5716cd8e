#!/usr/bin/env bash
# `make bench`: guard and detector speed, webhook throughput, then hub overhead against a fresh product.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m kuanxian.safety.bench
.venv/bin/python -m kuanxian.hub.bench_webhooks 1000
KUANXIAN_STACK_BASE_PORT="${KUANXIAN_BENCH_PORT:-8100}" bash tools/with-stack.sh bench \
  sh -c '.venv/bin/python -m kuanxian.hub.bench --hub "$KUANXIAN_TEST_HUB" --rasa "http://127.0.0.1:$KUANXIAN_RASA_PORT" '"$*"
