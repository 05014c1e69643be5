# Backpropagation, Step by Step: the two commands are `make book` and `make test`.
# Each creates .venv and installs what it needs on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard chapters/*.ipynb))
# nbval runs the notebooks two at a time, one notebook per worker.
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
          --nbval-cell-timeout=900 -n 2 --dist loadfile

.PHONY: help book test lint unit notebooks book-strict html outputs bench mutants clean

help:
	@echo "make book     build the HTML book into _build/html"
	@echo "make test     run every test: lint, unit tests, notebooks (nbval), mutants, book build, HTML and browser tests"
	@echo "make outputs  re-run the notebooks and store their outputs (after editing a chapter)"
	@echo "make bench    time the package against a pure-Python loop"
	@echo "make mutants  check that nbval fails when a formula in backprop is slightly wrong"
	@echo "make clean    remove _build (keeps .venv)"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build --warningiserror --keep-going .
	@echo "The book is in _build/html/index.html"

test: lint unit notebooks mutants book-strict html

lint: $(STAMP)
	$(BIN)/ruff check backprop tests benchmarks tools chapters
	$(BIN)/ruff format --check backprop tests benchmarks tools

unit: $(STAMP)
	$(BIN)/pytest -m "not book" tests

notebooks: $(STAMP)
	$(BIN)/pytest $(NBVAL) $(NOTEBOOKS)

# A clean, strict build: every page re-read, every warning an error.
book-strict: $(STAMP)
	$(BIN)/jupyter-book build --all --warningiserror --keep-going .

html: $(STAMP)
	$(BIN)/pytest -m book tests

outputs: $(STAMP)
	$(BIN)/python tools/run_notebooks.py $(or $(NB),$(NOTEBOOKS))

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

mutants: $(STAMP)
	$(BIN)/python tools/mutants.py

clean:
	rm -rf _build
