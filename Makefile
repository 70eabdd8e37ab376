# Orderly: `make run` to order breakfast in a terminal, `make test` for the whole suite,
# `make test-fast` while you work, `make help` for every target.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.10 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-12)
MODEL := models/orderly.tar.gz
# The stock socket.io client the webchat test runs in Chromium, from the npm registry.
WEBCHAT_CLIENT := tests/ecosystem/node_modules/.package-lock.json
# pytest-xdist workers for `make test` and `make test-fast`: two overlap one worker's waits
# on Rasa, the stack, browsers and speech (README, Tests, has the times). Each worker starts
# its own stack (Rasa alone 1.6-2.1 GB), so the count is fixed, not one per core:
# `make test TEST_WORKERS=4` on a bigger machine. Whole modules go to one worker
# (loadscope), so a module fixture (the scaled stack, a browser) starts once.
TEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist loadscope
MODEL_INPUTS := config.yml requirements.txt $(shell find bot/domain bot/nlu data -type f \( -name '*.yml' -o -name '*.py' \) 2>/dev/null)
export PYTHONPATH := $(CURDIR)

.PHONY: help install system-packages node-packages model run serve serve-scaled doctor migration shell voice-client test test-fast test-coqui lint bench bench-text clean

install: $(INSTALLED) ## the virtualenv .venv with requirements-dev.txt (Python 3.10)

$(INSTALLED): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else "Orderly needs Python 3.10 (Rasa 3.6). Install it (pyenv reads .python-version) or run make PYTHON=/path/to/python3.10")'
	@echo "Setting up $(VENV): Rasa, TensorFlow, the speech engines (first time: about 3 minutes, 2.7 GB)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	set -o pipefail; $(BIN)/python -m pip install -r requirements-dev.txt 2>&1 | $(PYTHON) -m launch.progress
	rm -f $(VENV)/.installed-* && touch $@

model: $(MODEL) ## train models/orderly.tar.gz (reused from a cache when its inputs are unchanged)

$(MODEL): $(INSTALLED) $(MODEL_INPUTS)
	$(BIN)/python -m launch.train
	@touch $@

run: model ## start every service and chat in the terminal
	$(BIN)/python -m launch run

serve: model ## start every service in the foreground, for other clients
	$(BIN)/python -m launch serve

serve-scaled: model system-packages ## two Rasa replicas and two action servers behind HAProxy, on PostgreSQL and Redis
	$(BIN)/python -m launch serve-scaled

doctor: ## check this machine can run Orderly (Python, packages, model, speech weights, secrets, ports, databases)
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m launch doctor; \
	else echo "No $(VENV) yet: make install (or make run) sets it up."; exit 1; fi

migration: install ## (refused since revision 0002: add revisions with alembic --autogenerate)
	$(BIN)/python -m merchant.migrations regenerate

shell: install ## the chat shell alone, against a running `make serve`
	$(BIN)/python -m clients.shell

lint: install ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy actions benchmarks bot channels clients contracts launch merchant speech

system-packages: ## espeak-ng and flite (voice tests), Chromium (browser tests), HAProxy (serve-scaled)
	scripts/system-packages.sh

node-packages: $(WEBCHAT_CLIENT)

$(WEBCHAT_CLIENT): tests/ecosystem/package.json tests/ecosystem/package-lock.json
	npm ci --prefix tests/ecosystem --no-audit --no-fund --loglevel=error

test: model lint system-packages node-packages ## set up and run every test
	$(BIN)/rasa data validate --domain bot/domain --data data --config config.yml --fail-on-warnings
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

test-fast: install ## the tests that need no model, stack, browser or speech engine (a few minutes)
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not slow"

test-coqui: install ## the Coqui TTS backend for real, in its own environment (several GB)
	scripts/test_coqui.sh

voice-client: install ## speak wav files to a running `make serve`: make voice-client WAVS="a.wav b.wav"
	$(BIN)/python -m clients.voice_client $(WAVS)

bench: install model system-packages ## voice benchmark: recognition, synthesis, turn latency
	$(BIN)/python -m benchmarks.voice_bench

bench-text: install model system-packages ## text load: Orderly (one and two replicas) against a stock rasa init bot
	$(BIN)/python -m benchmarks.text_load

clean: ## remove what runs and tests wrote (var, models, results, caches)
	rm -rf var models results .pytest_cache .mypy_cache .ruff_cache

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  \1\t/' | expand -t 18
