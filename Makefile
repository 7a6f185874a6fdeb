# The two quickstart commands: `make demo` sets everything up and builds output/ from
# content.yaml; `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test clean

demo: $(VENV)/.installed
	$(BIN)/handouts build content.yaml --out output

test: $(VENV)/.installed
	scripts/system-deps --test
	$(BIN)/python -m pytest

$(VENV)/.installed: pyproject.toml scripts/system-deps
	scripts/system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) output
