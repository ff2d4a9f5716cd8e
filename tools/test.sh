#!/usr/bin/env bash
# The whole test suite, in the two venvs. Called by `make test` (and so by .ci/run).
#   .venv-rasa: the action tests (real action classes, rasa_sdk Tracker) and the Rasa test stories;
#   .venv:      everything else (unit, hub on SQLite and PostgreSQL, integration on the whole stack, browser).
# Only the test stories and tests/integration need the trained Rasa model, so `make train` runs in the
# background while everything else runs (on a fresh clone that saves most of the training time).
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
mkdir -p results

echo "== Training the Rasa model in the background (log: results/train.log) =="
make --no-print-directory train > results/train.log 2>&1 &
train_pid=$!

echo "== Rasa side: the actions (.venv-rasa) =="
.venv-rasa/bin/python -m pytest -q -p no:cacheprovider tests/actions || status=1

# The hub suite waits mostly on its hubs, sockets and timers, not the CPU: it runs beside the rest in a second
# process (each test has its own databases and free ports), and its output is shown when both are done.
echo "== Hub side: hub API and storage (SQLite + PostgreSQL) beside unit, runner and browser (.venv; scripted brain, no model) =="
.venv/bin/python -m pytest -q -p no:cacheprovider --durations=15 tests/hub > results/hub-tests.log 2>&1 &
hub_pid=$!
.venv/bin/python -m pytest -q -p no:cacheprovider --durations=15 tests --ignore=tests/actions --ignore=tests/integration \
    --ignore=tests/hub || status=1
hub_status=0
wait "$hub_pid" || hub_status=1
echo "== tests/hub (log: results/hub-tests.log) =="
cat results/hub-tests.log
[ "$hub_status" -eq 0 ] || status=1

echo "== Waiting for the Rasa model =="
if ! wait "$train_pid"; then
    echo "make train failed:" >&2
    tail -n 40 results/train.log >&2
    exit 1
fi

echo "== Rasa end-to-end test stories =="
.venv-rasa/bin/rasa test core --stories tests/stories --model models/kuanxian.tar.gz \
    --fail-on-prediction-errors --out results/core --quiet || status=1

echo "== Whole stack with the trained model (.venv) =="
.venv/bin/python -m pytest -q -p no:cacheprovider --durations=10 tests/integration || status=1

exit $status
