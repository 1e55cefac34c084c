# The two commands a newcomer needs: `make demo` and `make test`. Both set up everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit install clean bench-ingest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Install pinned dependencies (constraints.txt is the lock) and tenaza itself, editable.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck unit

# The demo: a generated world at demo scale (hundreds of thousands of transactions), loaded and
# analyzed. `make demo DEMO_SOURCE=sample` takes the small hand-written sample instead.
DEMO_SOURCE ?= scenario
demo: $(STAMP)
	$(BIN)/tenaza demo build $(DEMO_DIR) --source $(DEMO_SOURCE)
	$(BIN)/tenaza status $(DEMO_DIR)/workspace.duckdb

bench-ingest: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .mypy_cache .pytest_cache .ruff_cache
