# The two quickstart commands: `make demo` sets everything up and builds output/ from
# content.yaml; `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test mutation clean

demo: $(VENV)/.installed
	$(BIN)/handouts build content.yaml --out output

test: $(VENV)/.installed
	scripts/system-deps --test
	$(BIN)/python -m pytest

# Mutation testing of the core modules (slow; not part of `make test` or CI). Narrow it with
# e.g. `make mutation MUTATION_ARGS="--sample 5 fit output"`; see docs/testing.md.
mutation: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test,mutation]'
	$(BIN)/python scripts/mutation.py $(MUTATION_ARGS)

$(VENV)/.installed: pyproject.toml scripts/system-deps
	scripts/system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) output mutants
