# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Parallel test processes (pytest-xdist); each runs its own server and database.
JOBS ?= 2
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: run test test-postgres lint setup clean bench bytecode

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Byte-compiled sources, written even where PYTHONDONTWRITEBYTECODE is set: the suite starts
# hundreds of `casedesk` processes, and without them each compiles every module it imports
# again (about half a second each). Only what changed is compiled.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q src tests bench > /dev/null

run: bytecode
	$(BIN)/casedesk serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# Lint, then the whole suite on the database CASEDESK_TEST_DATABASE_URL names (SQLite when unset).
test: lint bytecode
	$(BIN)/pytest -n $(JOBS) $(PYTEST_ARGS)

test-postgres: $(STAMP)
	CASEDESK_TEST_DATABASE_URL=$(PG_URL) $(MAKE) test

# Load scenarios on a throwaway database on the PG_URL server, e.g. BENCH_ARGS="--workers 2".
bench: $(STAMP)
	$(BIN)/python -m bench.cases_load --database-url $(PG_URL) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache casedesk.db*
