# Fieldwork: two commands do all the set-up.
#   make run    installs into .venv if needed and opens the app on the sample inspection
#               (made in the user data folder on first run)
#   make test   installs into .venv if needed and runs ruff, mypy and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean demo

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/fieldwork gui

demo: $(STAMP)
	$(BIN)/fieldwork demo ./demo

lint: $(STAMP)
	$(BIN)/ruff check $(wildcard fieldwork ui tests bench tools)
	$(BIN)/mypy fieldwork/ ui/ tools/

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: $(STAMP)
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache
