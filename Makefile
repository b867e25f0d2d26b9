# Communa: `make demo` runs a demo instance, `make test` runs every check and test.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8000
BIN := $(VENV)/bin
# uv from PATH, else as a module of $(PYTHON); `make uv` installs it with pip when missing.
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
TEST_DB_URL ?= $(or $(COMMUNA_TEST_DATABASE_URL),postgres://postgres@127.0.0.1:5432/test)
PYTEST_ARGS ?=
# The suite runs in random order (pytest-randomly) on TEST_WORKERS processes (pytest-xdist;
# TEST_WORKERS=0 runs it in this process). One seed per `make test`, printed, so that a failure
# can be replayed: make test TEST_SEED=<seed>.
TEST_WORKERS ?= auto
ifeq ($(origin TEST_SEED),undefined)
TEST_SEED := $(shell echo $$(( RANDOM * 32768 + RANDOM )))
endif
export TEST_SEED
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup -p randomly --randomly-seed=$(TEST_SEED)

.PHONY: help install uv demo serve worker test lint unit test-sqlite test-postgres messages clean lock bench-walls bench-moderation bench-http

help:
	@echo "make demo   - install, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   - lint, type checks, migrations check, the suite on SQLite and PostgreSQL"
	@echo "              (in parallel, in random order; TEST_SEED=<seed> replays, TEST_WORKERS=0 runs serially)"
	@echo "make lint   - ruff, mypy, the import layers, makemigrations --check, translations"
	@echo "make messages - extract and compile translations"

uv:
	@$(UV) --version >/dev/null 2>&1 || { \
	  echo "Installing uv with pip..."; \
	  $(PYTHON) -m pip install --user --quiet uv 2>/dev/null \
	  || $(PYTHON) -m pip install --user --quiet --break-system-packages uv \
	  || $(PYTHON) -m pip install --quiet uv; }

install: $(VENV)/.installed

$(VENV)/.installed: requirements/dev-lock.txt pyproject.toml | uv
	@test -x $(BIN)/python || $(UV) venv --quiet --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements/dev-lock.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

demo: install
	$(BIN)/communa demo --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/communa serve --migrate

worker: install
	$(BIN)/communa worker

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports --no-cache
	COMMUNA_VAR_DIR=$$(mktemp -d) $(BIN)/communa manage makemigrations --check --dry-run
	COMMUNA_VAR_DIR=$$(mktemp -d) $(BIN)/python -m communa.web.i18n_check --extract

test-sqlite: install
	@echo "== Test suite on SQLite, random order seed $(TEST_SEED) (replay: make test-sqlite TEST_SEED=$(TEST_SEED)) =="
	COMMUNA_VAR_DIR=var/test COMMUNA_DATABASE_URL= COMMUNA_DATABASE_CONN_MAX_AGE=0 $(PYTEST) $(PYTEST_ARGS)

test-postgres: install
	@echo "== Test suite on PostgreSQL ($(TEST_DB_URL)), random order seed $(TEST_SEED) (replay: make test-postgres TEST_SEED=$(TEST_SEED)) =="
	COMMUNA_VAR_DIR=var/test COMMUNA_DATABASE_URL=$(TEST_DB_URL) COMMUNA_DATABASE_CONN_MAX_AGE=0 $(PYTEST) $(PYTEST_ARGS)

test: lint
	@$(MAKE) --no-print-directory test-sqlite
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(TEST_DB_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  $(MAKE) --no-print-directory test-postgres \
	  && echo "Random order seed: $(TEST_SEED) (replay: make test TEST_SEED=$(TEST_SEED))" \
	  && echo "Ran the suite on: SQLite, PostgreSQL"; \
	else \
	  echo "Random order seed: $(TEST_SEED) (replay: make test TEST_SEED=$(TEST_SEED))"; \
	  echo "PostgreSQL did not answer at $(TEST_DB_URL): ran the suite on SQLite only."; \
	fi

bench-walls: install
	rm -rf var/bench && COMMUNA_VAR_DIR=var/bench $(BIN)/python bench/walls.py

bench-moderation: install
	$(BIN)/python bench/moderation/run.py

# Impressions: direct vs buffered recording and the flush rate (PostgreSQL; Redis when set).
.PHONY: bench-impressions
BENCH_IMPRESSIONS_DB ?= communa_bench_impressions
bench-impressions: install
	psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $(BENCH_IMPRESSIONS_DB)" postgres 2>/dev/null || true
	COMMUNA_DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_IMPRESSIONS_DB) \
	  COMMUNA_REDIS_URL=$${COMMUNA_REDIS_URL:-redis://127.0.0.1:6379/13} $(BIN)/python bench/impressions.py

# Scheduled publishing: 10,000 posts due in one minute, 1, 2 and 4 workers, then workers killed.
.PHONY: bench-planner
bench-planner: install
	$(BIN)/python bench/planner.py

# Statistics on 100,000 members, 20,000 posts and 10,000,000 events: rollup throughput and
# catch-up, dashboard and post-table p50/p95 (PostgreSQL); see bench/analytics.py.
.PHONY: bench-analytics
bench-analytics: install
	$(BIN)/python bench/analytics.py

# The production profile (PostgreSQL, Redis, gunicorn, a worker) under wrk; see bench/http/run.py.
bench-http: install
	$(BIN)/python bench/http/run.py

messages: install
	cd src/communa && ../../$(BIN)/communa manage makemessages --no-obsolete --no-location -l ru -l uk -l vi -l ms -i "migrations/*"
	cd src/communa && ../../$(BIN)/python -m communa.web.i18n_check --compile

lock: uv
	$(UV) pip compile --quiet pyproject.toml --universal --python-version 3.11 --generate-hashes -o requirements/lock.txt
	$(UV) pip compile --quiet pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes -o requirements/dev-lock.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
