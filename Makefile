# The two quickstart commands: `make demo` sets everything up and builds output/ from
# content.yaml (and output/examples/ from the example topics in examples/); `make test`
# runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test clean constraints

demo: $(VENV)/.installed
	$(BIN)/handouts build content.yaml --out output
	$(BIN)/handouts build examples --out output/examples

test: $(VENV)/.installed
	scripts/system-deps --test
	$(BIN)/ruff check .
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest

$(VENV)/.installed: pyproject.toml constraints.txt scripts/system-deps
	scripts/system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# Pin what is installed now (after adding or upgrading a dependency in pyproject.toml).
constraints: $(VENV)/.installed
	{ sed -n '1,3p' constraints.txt; $(BIN)/pip freeze --exclude-editable | grep -v -i -E '^(handouts|build|pyproject.hooks)=='; } > constraints.tmp
	mv constraints.tmp constraints.txt

clean:
	rm -rf $(VENV) output
