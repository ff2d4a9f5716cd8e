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

echo "== Hub side: unit, storage (SQLite + PostgreSQL), API, browser (.venv; scripted brain, no model) =="
.venv/bin/python -m pytest -q -p no:cacheprovider --durations=25 tests --ignore=tests/actions --ignore=tests/integration || status=1

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
