# county-kg: `make run` builds the graph, `make test` runs the tests.
# Both create .venv on first use; they need only Python >= 3.11, make and (for the
# system packages the tests use) apt.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.PHONY: run test install install-test system-deps clean distclean bench

run: $(VENV)/.installed
	$(BIN)/kg build
	@echo
	@echo "The graph is in dist/ (county-kg.ttl, .nt, .jsonld, .trig), with summary.md and ontology.html."
	@echo "The site (a page per resource):  file://$(abspath dist/site/index.html)"
	@echo "The article view:                file://$(abspath dist/site/article/shuifu-2023-08-22.html)"
	@echo "Served with the SPARQL endpoint: $(BIN)/kg serve, then http://127.0.0.1:7878/ and"
	@echo "                                 http://127.0.0.1:7878/article/shuifu-2023-08-22"
	@echo "Try next:"
	@echo "  $(BIN)/kg validate                 # re-validate the curated data"
	@echo "  $(BIN)/kg export --format ttl -o - # the merged graph on stdout"
	@echo "  $(BIN)/kg source quote '水富市委'   # the evidence block for a passage"
	@echo "  $(BIN)/kg reason                   # OWL consistency (HermiT, needs Java)"

# Two processes (pytest-xdist), each test file in one of them (its servers started once), the
# slowest files first and in that order (tests/conftest.py: SLOWEST_FILES).
TEST_WORKERS ?= 2

test: $(VENV)/.installed-test system-deps
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# The package's bytecode is compiled at install, as pip does for a regular install (an editable
# one is left to the first run, which cannot write it where PYTHONDONTWRITEBYTECODE is set: every
# command then compiled its modules again, about 0.1 s each time).
$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(PIP) install --quiet -e .
	$(BIN)/python -m compileall -q src/kg
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	@touch $@

system-deps:
	@sh scripts/system-deps.sh

clean:
	rm -rf dist .pytest_cache

distclean: clean
	rm -rf $(VENV)

# Benchmarks at S, M and L (~10k, ~100k, ~1M triples); writes benchmarks/RESULTS.md, then the
# pages' targets (benchmarks/PAGES.md; the article view in chromium needs `make install-test`). Takes a while.
bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/pages.py
