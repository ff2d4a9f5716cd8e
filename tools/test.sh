#!/usr/bin/env bash
# The whole test suite, in the two venvs. Called by `make test` (and so by .ci/run).
set -uo pipefail
cd "$(dirname "$0")/.."
status=0

echo "== Rasa side: actions and the NLU component (.venv-rasa) =="
.venv-rasa/bin/python -m pytest -q -p no:cacheprovider tests/actions tests/unit/safety/test_rasa_component.py || status=1

echo "== Rasa end-to-end test stories =="
.venv-rasa/bin/rasa test core --stories tests/stories --model models/kuanxian.tar.gz \
    --fail-on-prediction-errors --out results/core --quiet || status=1

echo "== Hub side: unit, storage (SQLite + PostgreSQL), API, integration, browser (.venv) =="
.venv/bin/python -m pytest -q -p no:cacheprovider tests --ignore=tests/actions \
    --ignore=tests/unit/safety/test_rasa_component.py || status=1

exit $status
