# Kuanxian: two commands do everything (make run, make test). See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
RASA_PY := $(RASA_VENV)/bin/python
RASA := $(RASA_VENV)/bin/rasa
export KUANXIAN_HOME := $(CURDIR)
# Rasa and TensorFlow are chatty; keep the useful lines.
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore::DeprecationWarning

NLU_FILES := $(shell find data -type f 2>/dev/null) config.yml domain.yml
MODEL_STAMP := models/.trained

.PHONY: help setup train run test validate shell bench clean browser cross-validate safety-train safety-eval conversations \
	fuzz soak bench-scaled nlu-lobo vendor lint

help:
	@echo "make run       start Rasa, the action server and the hub (demo data)"
	@echo "make test      set everything up, then run the whole test suite"
	@echo "make setup     create both virtual environments from the lock files"
	@echo "make train     train the Rasa model if data or config changed"
	@echo "make validate  rasa data validate + the project's content checks"
	@echo "make shell     chat with the assistant in the terminal"
	@echo "make bench     benchmarks (guard speed, hub overhead, webhooks)"
	@echo "make safety-train  retrain the safety models from the corpus (deterministic, < 60 s)"
	@echo "make safety-eval   leave-one-batch-out figures for the guard, distress and speaker checks"
	@echo "make conversations play the independent persona scripts through the real stack"
	@echo "make fuzz      property-based API fuzzing (longer budget than make test)"
	@echo "make soak      200 concurrent conversations for 2 minutes: lost and duplicated messages"
	@echo "make bench-scaled  2 hubs + 2 Rasa on PostgreSQL and Redis, with a hub and a Rasa killed midway"

setup: $(VENV)/.installed $(RASA_VENV)/.installed

# The hub, tests and tools: current libraries on Python 3.11; front-end tools and the
# chart library from the npm registry (pinned by package-lock.json, vendored with its licence).
$(VENV)/.installed: requirements/hub.lock pyproject.toml package-lock.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=23.2"
	$(PY) -m pip install --quiet -r requirements/hub.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	bash tools/vendor.sh
	@touch $@

vendor:
	bash tools/vendor.sh

# Rasa 3.6.21 declares Python < 3.11 but runs on 3.11 from a lock resolved for 3.10
# (see DEVELOPERS.md): install the pinned lock without dependency resolution.
$(RASA_VENV)/.installed: requirements/rasa.lock pyproject.toml
	@test -x $(RASA_PY) || $(PYTHON) -m venv $(RASA_VENV)
	$(RASA_PY) -m pip install --quiet --upgrade "pip>=23.2"
	$(RASA_PY) -m pip install --quiet --no-deps --ignore-requires-python -r requirements/rasa.lock
	$(RASA_PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

# Re-train when data or config changed; Rasa's fingerprint cache decides what to
# retrain. Jieba's dictionary is not part of that fingerprint, so a change there forces it.
$(MODEL_STAMP): $(NLU_FILES) | setup
	@mkdir -p models
	@force=""; if [ -f $@ ] && [ -n "$$(find data/dict -newer $@ -type f)" ]; then force="--force"; fi; \
	$(RASA) train --quiet --fixed-model-name kuanxian --out models $$force
	@touch $@

train: $(MODEL_STAMP)

# Browser tests use Debian's chromium driven by Playwright (no browser download).
browser:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; fi

run: setup train
	$(PY) -m kuanxian.run

validate: setup
	bash tools/rasa-validate.sh
	$(PY) -m kuanxian.validate
	$(PY) -m kuanxian.safety lint
	$(PY) -m kuanxian.safety.train --check
	$(PY) -m kuanxian.hub.protocol --check
	$(MAKE) --no-print-directory lint

lint: setup
	$(VENV)/bin/ruff check kuanxian actions tools tests
	$(VENV)/bin/ruff format --check kuanxian actions
	$(VENV)/bin/mypy kuanxian actions
	npx --no-install eslint kuanxian/hub/static/js

safety-train: setup
	$(PY) -m kuanxian.safety.tables
	$(PY) -m kuanxian.safety.train

safety-eval: setup
	$(PY) -m kuanxian.safety.evaluate --sweep

conversations: setup train
	KUANXIAN_STACK_BASE_PORT=8310 bash tools/with-stack.sh conversations sh -c '$(PY) tools/conversations.py --hub $$KUANXIAN_TEST_HUB'

nlu-lobo: setup
	bash tools/nlu-lobo.sh

fuzz: setup
	KUANXIAN_FUZZ_EXAMPLES=400 $(PY) -m pytest -q -p no:cacheprovider tests/fuzz

soak: setup train
	KUANXIAN_STACK_BASE_PORT=8320 bash tools/with-stack.sh soak sh -c '$(PY) -m kuanxian.hub.soak --hub $$KUANXIAN_TEST_HUB'

bench-scaled: setup train
	bash tools/bench-scaled.sh

shell: setup train
	$(PY) -m kuanxian.shell

# The model trains in the background while the suites that do not need it run (tools/test.sh).
test: setup browser validate
	bash tools/test.sh

bench: setup train
	bash tools/bench.sh

cross-validate: setup
	$(RASA) test nlu --cross-validation --folds 5 --nlu data/nlu --out results/cv

clean:
	rm -rf models results .pytest_cache
