# The MBC assistant: install, train, chat, run and test. `make help` lists targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
RASA_PORT ?= 5005
ACTIONS_PORT ?= 5055

export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)
# The action server binds to loopback unless told otherwise.
export SANIC_HOST ?= 127.0.0.1

# Everything that shapes the trained model.
MODEL_INPUTS := config.yml domain.yml $(shell find data -name '*.yml') $(wildcard bot/*.py)
MODEL_STAMP := models/.trained
SPACY_PIPELINE := .build/spacy_mbc/meta.json

.PHONY: help install train run chat test lint validate unit stories audit nlu-report clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

install: $(VENV)/.installed ## Create .venv with Python $(PYTHON_VERSION) and the pinned requirements

$(VENV)/.installed: requirements.lock .python-version
	@set -e; \
	py="$$(pyenv root 2>/dev/null)/versions/$(PYTHON_VERSION)/bin/python"; \
	[ -x "$$py" ] || py="$$(command -v python$(basename $(PYTHON_VERSION)) || true)"; \
	if [ -z "$$py" ] || ! "$$py" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then \
	  echo "error: Python $(PYTHON_VERSION) not found. Install it with 'pyenv install $(PYTHON_VERSION)' (Rasa 3.6 needs Python 3.10)." >&2; \
	  exit 1; \
	fi; \
	[ -x $(PY) ] || "$$py" -m venv $(VENV); \
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock; \
	$(PY) -m pip check; \
	touch $@

$(SPACY_PIPELINE): $(VENV)/.installed data/drugs.yml data/subtypes.yml bot/pipeline.py bot/drugs.py
	$(PY) -m bot.pipeline

train: $(MODEL_STAMP) ## Build the spaCy pipeline and train the model (only when inputs changed)

$(MODEL_STAMP): $(SPACY_PIPELINE) $(MODEL_INPUTS)
	$(RASA) train --fixed-model-name mbc-assistant
	@touch $@

run: train ## Serve the action server (:5055) and Rasa's REST channel (:5005) until Ctrl-C
	@trap 'kill 0' INT TERM EXIT; \
	$(RASA) run actions --actions actions --port $(ACTIONS_PORT) & \
	$(RASA) run -i 127.0.0.1 -p $(RASA_PORT) --credentials credentials.yml --endpoints endpoints.yml; \
	wait

chat: train ## Install, train if needed, start the action server and open rasa shell
	@trap 'kill 0' INT TERM EXIT; \
	$(RASA) run actions --actions actions --port $(ACTIONS_PORT) --quiet & \
	$(RASA) shell

test: lint validate unit stories audit ## Everything CI runs

lint: $(VENV)/.installed ## ruff
	$(VENV)/bin/ruff check bot actions tests

validate: $(VENV)/.installed ## rasa data validate, warnings are errors
	$(RASA) data validate --fail-on-warnings

unit: train ## pytest: units, and the trained assistant over the REST channel
	$(PY) -m pytest

stories: train ## rasa test core on tests/test_stories.yml
	$(RASA) test core --stories tests/test_stories.yml --fail-on-prediction-errors --out results/core

audit: $(VENV)/.installed ## Content audit: answers, reading grade, sources, drugs, review dates
	$(PY) -m bot.audit

nlu-report: train ## Held-out NLU scores and 5-fold cross-validation (slow)
	$(RASA) test nlu --nlu tests/nlu_heldout.yml --out results/nlu_heldout
	$(PY) -m bot.crossval_config > .build/config_crossval.yml
	$(RASA) test nlu --nlu data/nlu --cross-validation --folds 5 --config .build/config_crossval.yml --out results/nlu_crossval
	$(PY) -m bot.nlu_report results/nlu_heldout results/nlu_crossval

clean: ## Remove trained models and build output
	rm -rf models .build results .rasa
