#!/usr/bin/env bash
# Start the whole product (Rasa, actions, hub) on its own ports and a fresh SQLite database,
# run the given command with KUANXIAN_TEST_HUB set to the hub's URL, then stop everything.
#   tools/with-stack.sh NAME COMMAND...
set -euo pipefail
cd "$(dirname "$0")/.."
name="$1"; shift
base="${KUANXIAN_STACK_BASE_PORT:-8300}"
export KUANXIAN_PORT="$base" KUANXIAN_RASA_PORT=$((base + 1)) KUANXIAN_ACTIONS_PORT=$((base + 2))
export KUANXIAN_DATABASE_URL="sqlite+aiosqlite:///$PWD/var/$name.db" KUANXIAN_SCHEDULER="${KUANXIAN_SCHEDULER:-false}"
mkdir -p var
rm -f "var/$name.db"*
.venv/bin/python -m kuanxian.run > "var/$name-stack.log" 2>&1 &
stack=$!
trap 'kill $stack 2>/dev/null; wait $stack 2>/dev/null' EXIT
for _ in $(seq 1 300); do
  if curl -fs "http://127.0.0.1:$KUANXIAN_PORT/api/health" >/dev/null; then break; fi
  if ! kill -0 $stack 2>/dev/null; then tail -40 "var/$name-stack.log"; exit 1; fi
  sleep 1
done
curl -fs "http://127.0.0.1:$KUANXIAN_PORT/api/health" >/dev/null || { tail -40 "var/$name-stack.log"; exit 1; }
export KUANXIAN_TEST_HUB="http://127.0.0.1:$KUANXIAN_PORT"
"$@"
