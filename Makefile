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

NLU_FILES := $(shell find data -type f 2>/dev/null) config.yml domain.yml $(wildcard kuanxian/rasa_components/*.py kuanxian/safety/*.py kuanxian/safety/*.yml)
MODEL_STAMP := models/.trained

.PHONY: help setup train run test validate shell bench clean browser test-unit test-rasa-side test-integration cross-validate

help:
	@echo "make run       start Rasa, the action server and the hub (demo data)"
	@echo "make test      set everything up, then run the whole test suite"
	@echo "make setup     create both virtual environments from the lock files"
	@echo "make train     train the Rasa model if data or config changed"
	@echo "make validate  rasa data validate + the project's content checks"
	@echo "make shell     chat with the assistant in the terminal"
	@echo "make bench     benchmarks (guard speed, hub overhead)"

setup: $(VENV)/.installed $(RASA_VENV)/.installed

# The hub, tests and tools: current libraries on Python 3.11.
$(VENV)/.installed: requirements/hub.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=23.2"
	$(PY) -m pip install --quiet -r requirements/hub.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

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

shell: setup train
	$(PY) -m kuanxian.shell

test: setup train browser validate
	bash tools/test.sh

bench: setup train
	bash tools/bench.sh

cross-validate: setup
	$(RASA) test nlu --cross-validation --folds 5 --nlu data/nlu --out results/cv

clean:
	rm -rf models results .pytest_cache
