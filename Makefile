# The quick start: `make demo` assesses a bundled example; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EXAMPLE ?= examples/retailer_stuck_level2.yaml

.PHONY: demo test test-all bench clean

$(BIN)/branda: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/branda

demo: $(BIN)/branda
	$(BIN)/branda assess $(EXAMPLE)

test: $(BIN)/branda
	$(BIN)/python -m pytest

# The suite on every supported Python found on PATH (CI runs this).
test-all:
	@set -e; ran=0; for v in 3.11 3.12 3.13; do \
	  if command -v python$$v >/dev/null 2>&1; then \
	    echo "== Python $$v"; $(MAKE) --no-print-directory test PYTHON=python$$v VENV=.venv-$$v; ran=1; \
	  fi; done; test $$ran = 1

# The benchmark: medians and ratios measured in one run, written to bench/RESULTS.md.
bench: $(BIN)/branda
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py

clean:
	rm -rf .venv .venv-3.* build *.egg-info
