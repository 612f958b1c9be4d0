# Verbindend — every target first runs the idempotent set-up.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PY := .venv/bin/python
MANAGE := $(PY) manage.py
DEMO_DB ?= var/demo.sqlite3
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_WORKERS ?= 2
export PYTHON

.PHONY: help setup demo run worker test test-sqlite test-postgres e2e test-ops lint format messages migrations-check bench bench-% fuzz clean

help: ## list the targets
	@grep -E '^[a-z%-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

setup: ## install everything into .venv and node_modules (idempotent)
	@scripts/setup.sh

demo: setup ## start the app with demo data on SQLite at http://127.0.0.1:8000
	@mkdir -p var
	DATABASE_URL=sqlite:///$(DEMO_DB) $(MANAGE) migrate --noinput -v 0
	DATABASE_URL=sqlite:///$(DEMO_DB) $(MANAGE) load_demo
	DATABASE_URL=sqlite:///$(DEMO_DB) $(MANAGE) serve

run: setup ## start web server, worker and scheduler with the current settings
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) serve

test: setup lint test-sqlite test-postgres e2e test-ops bench-smoke ## everything CI runs

test-sqlite: setup ## the suite on SQLite
	$(PY) -m pytest -n $(PYTEST_WORKERS) -q

test-postgres: setup ## the suite on PostgreSQL (TEST_POSTGRES_URL)
	DATABASE_URL=$(TEST_POSTGRES_URL) VERBINDEND_REQUIRE_DB=postgres $(PY) -m pytest -n $(PYTEST_WORKERS) -q

OPS_TESTS := e2e/test_faults.py e2e/test_production.py

e2e: setup ## the browser tests in Debian's Chromium
	REDIS_URL_FOR_TESTS=$(TEST_REDIS_URL) $(PY) -m pytest e2e -q -p no:django -W ignore::pytest.PytestConfigWarning $(addprefix --ignore=,$(OPS_TESTS))

test-ops: setup ## the production path through nginx and the fault tests (own PostgreSQL, Redis, nginx)
	REDIS_URL_FOR_TESTS=$(TEST_REDIS_URL) $(PY) -m pytest $(OPS_TESTS) -q -p no:django -W ignore::pytest.PytestConfigWarning

lint: setup ## ruff, formatting, mypy, missing migrations
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy verbindend bench e2e
	$(MANAGE) makemigrations --check --dry-run -v 0

format: setup ## format the code
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

messages: setup ## extract translatable strings into each app's catalogue
	@for app in $$(find verbindend -mindepth 1 -maxdepth 1 -type d -exec test -d {}/locale \; -print); do \
		(cd $$app && ../../$(PY) ../../manage.py makemessages -l nl -l en -e html,txt,py,svg --no-obsolete -v 0); done
	@scripts/setup.sh

bench: setup ## every benchmark at full size (JSON on the last line of each)
	$(PY) -m bench all

bench-smoke: setup ## every benchmark once at a small size
	BENCH_SMOKE=1 $(PY) -m bench all

bench-import: setup ## document import: 100 texts and a 100-page PDF
	$(PY) -m bench import_docs

bench-%: setup ## one benchmark, e.g. make bench-live
	$(PY) -m bench $*

fuzz: setup ## fuzz every page and form as each demo persona on a loopback server (JSON last line)
	$(PY) -m verbindend.testing.fuzz_loopback --budget $${FUZZ_BUDGET:-20000}

clean: ## remove installed packages and local data
	rm -rf .venv node_modules var staticfiles
