#!/usr/bin/env bash
# `make bench-scaled`: the scale-out topology on one machine, on PostgreSQL and Redis.
#   1. one hub + one Rasa, 200 conversations: the baseline figures;
#   2. two hubs + two Rasa (each with its action server), 200 conversations that hop
#      between the hubs; one hub and one Rasa are SIGKILLed partway through.
# Each phase checks that no Borrower message was lost or doubled and that every
# Reminder fired at most once. Needs PostgreSQL on 127.0.0.1:5432 and Redis on 6379.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_ADMIN="${KUANXIAN_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
REDIS_BASE="${KUANXIAN_BENCH_REDIS:-redis://127.0.0.1:6379}"
CONVERSATIONS="${KUANXIAN_BENCH_CONVERSATIONS:-200}"
SECONDS_PER_PHASE="${KUANXIAN_BENCH_SECONDS:-90}"
base="${KUANXIAN_BENCH_PORT:-8400}"
mkdir -p var
status=0

phase() {  # phase LABEL HUBS RASA [bench args...]
  local label="$1" hubs="$2" rasa="$3"; shift 3
  local db="kuanxian_bench_$$_$hubs"
  psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  redis-cli -u "$REDIS_BASE/9" FLUSHDB >/dev/null
  local log="var/bench-scaled-$hubs.log"
  KUANXIAN_HUBS="$hubs" KUANXIAN_RASA_INSTANCES="$rasa" KUANXIAN_PORT="$base" \
  KUANXIAN_RASA_PORT=$((base + 10)) KUANXIAN_ACTIONS_PORT=$((base + 20)) \
  KUANXIAN_DATABASE_URL="${PG_ADMIN%/*}/$db" KUANXIAN_REDIS_URL="$REDIS_BASE/9" \
    .venv/bin/python -m kuanxian.run >"$log" 2>&1 &
  local stack=$!
  local urls="" i
  for ((i = 0; i < hubs; i++)); do urls+="${urls:+,}http://127.0.0.1:$((base + i))"; done
  for _ in $(seq 1 400); do
    local up=0
    for ((i = 0; i < hubs; i++)); do curl -fs "http://127.0.0.1:$((base + i))/api/health" >/dev/null && up=$((up + 1)); done
    [ "$up" -eq "$hubs" ] && break
    kill -0 $stack 2>/dev/null || { tail -40 "$log"; return 1; }
    sleep 1
  done
  .venv/bin/python -m kuanxian.hub.bench_scaled --hubs "$urls" --conversations "$CONVERSATIONS" \
    --seconds "$SECONDS_PER_PHASE" --label "$label" "$@" || status=1
  kill -TERM $stack 2>/dev/null || true
  wait $stack 2>/dev/null || true
  psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
}

phase "1 hub + 1 Rasa" 1 1
phase "2 hubs + 2 Rasa, one of each killed" 2 2 --kill-at "$((SECONDS_PER_PHASE / 3))" --kill-rasa-port $((base + 11))
exit $status
