# behavior-warehouse — the commands in the README. Everything installs into .venv from the
# pinned requirements.lock; nothing but Python 3.11 is needed on the machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
LINT_DB := $(CURDIR)/target/lint/lint.duckdb

.PHONY: install run test test-spark lint lint-sql lint-python dev bench clean

$(INSTALLED): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	@touch $@

install: $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/python -m orchestration.run

# The whole suite, the Spark parity test included (tests/spark installs Java 17 when it is
# missing; docs/spark.md). Two workers, whole files per worker, in the order tests/conftest.py
# sets (longest files first, so the Spark test runs beside the others from the start).
test: $(INSTALLED) lint
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder

# The Spark parity test alone (marker `spark`).
test-spark: $(INSTALLED)
	$(BIN)/python -m pytest -m spark

lint: lint-python lint-sql

lint-python: $(INSTALLED)
	$(BIN)/ruff check orchestration tests

# sqlfluff's dbt templater compiles every model; it gets its own empty warehouse and landing dir.
lint-sql: $(INSTALLED)
	@mkdir -p $(dir $(LINT_DB)) target/lint/raw
	BEHAVIOR_DUCKDB_PATH=$(LINT_DB) BEHAVIOR_RAW_DIR=$(CURDIR)/target/lint/raw \
		$(BIN)/sqlfluff lint models

dev: $(INSTALLED)
	DAGSTER_HOME=$(CURDIR)/.dagster_home $(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

bench: $(INSTALLED)
	$(BIN)/python -m orchestration.bench

clean:
	rm -rf target logs warehouse .pytest_cache
