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

# The suite on every supported Python the machine has (CI runs this): python3.X on PATH when it
# runs, else pyenv's install of it.
test-all:
	@set -e; ran=0; for v in 3.11 3.12 3.13; do \
	  py=""; \
	  if python$$v -c "" >/dev/null 2>&1; then py=python$$v; \
	  else for c in $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$v*/bin/python$$v; do \
	    if [ -x "$$c" ]; then py=$$c; break; fi; done; fi; \
	  if [ -n "$$py" ]; then \
	    echo "== Python $$v ($$py)"; $(MAKE) --no-print-directory test PYTHON=$$py VENV=.venv-$$v; ran=$$((ran+1)); \
	  else echo "== Python $$v: not found, skipped"; fi; \
	done; test $$ran -gt 0

# The benchmark: medians and ratios measured in one run, written to bench/RESULTS.md.
bench: $(BIN)/branda
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py

clean:
	rm -rf .venv .venv-3.* build *.egg-info
