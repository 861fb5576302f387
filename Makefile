# Two entry points that need only python3 and make (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck unit install dev clean mutation

$(BIN)/python:
	$(PYTHON) tools/bootstrap_venv.py $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

## make demo: set up and run the whole pipeline on the bundled sample mailbox
demo: $(VENV)/.installed
	$(BIN)/parcelwatch demo

## make test: set up, then ruff, mypy --strict and the whole test suite
test: lint typecheck unit

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

unit: $(VENV)/.installed-dev
	$(BIN)/pytest -q

## make mutation: mutation testing of the critical rules (docs/TESTING.md); about an hour
mutation: $(VENV)/.installed-dev
	rm -rf mutants
	$(BIN)/mutmut run > /dev/null 2>&1 || true
	$(BIN)/python tools/mutation_report.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache mutants
