# The two commands of README.md: `make run` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test test-pg lint bench demo migrations clean

$(BIN)/baocao: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

run: $(BIN)/baocao
	$(BIN)/baocao run

test: $(BIN)/baocao
	$(BIN)/python -m pytest

test-pg: $(BIN)/baocao
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest

lint: $(BIN)/baocao
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy handlers models exports

bench: $(BIN)/baocao
	$(BIN)/python bench/engine_turns.py

# After changing models/: write the next migration file (commit it).
migrations: $(BIN)/baocao
	$(BIN)/python -m bot.makemigrations

clean:
	rm -rf $(VENV) data
