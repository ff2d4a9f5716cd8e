#!/usr/bin/env bash
# `make bench`: guard speed, then hub overhead against a freshly started product.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m kuanxian.safety.bench
export KUANXIAN_PORT="${KUANXIAN_BENCH_PORT:-8100}" KUANXIAN_RASA_PORT=5105 KUANXIAN_ACTIONS_PORT=5155
export KUANXIAN_DATABASE_URL="sqlite+aiosqlite:///$PWD/var/bench.db" KUANXIAN_SCHEDULER=false
rm -f var/bench.db*
.venv/bin/python -m kuanxian.run > var/bench-stack.log 2>&1 &
stack=$!
trap 'kill $stack 2>/dev/null; wait $stack 2>/dev/null' EXIT
for _ in $(seq 1 240); do
  if curl -fs "http://127.0.0.1:$KUANXIAN_PORT/api/health" >/dev/null; then break; fi
  sleep 1
done
curl -fs "http://127.0.0.1:$KUANXIAN_PORT/api/health" >/dev/null || { tail -40 var/bench-stack.log; exit 1; }
.venv/bin/python -m kuanxian.hub.bench --hub "http://127.0.0.1:$KUANXIAN_PORT" --rasa "http://127.0.0.1:$KUANXIAN_RASA_PORT" "$@"
