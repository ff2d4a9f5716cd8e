#!/usr/bin/env bash
# The whole test suite, in the two venvs. Called by `make test` (and so by .ci/run).
#   .venv-rasa: the action tests (real action classes, rasa_sdk Tracker) and the Rasa test stories;
#   .venv:      everything else (unit, hub on SQLite and PostgreSQL, integration on the whole stack, browser).
set -uo pipefail
cd "$(dirname "$0")/.."
status=0

echo "== Rasa side: the actions (.venv-rasa) =="
.venv-rasa/bin/python -m pytest -q -p no:cacheprovider tests/actions || status=1

echo "== Rasa end-to-end test stories =="
.venv-rasa/bin/rasa test core --stories tests/stories --model models/kuanxian.tar.gz \
    --fail-on-prediction-errors --out results/core --quiet || status=1

echo "== Hub side: unit, storage (SQLite + PostgreSQL), API, integration, browser (.venv) =="
.venv/bin/python -m pytest -q -p no:cacheprovider --durations=25 tests --ignore=tests/actions || status=1

exit $status
