# Two commands: `make demo` runs the main job, `make test` runs the tests. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup clean bench cli-docs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m cellbench.demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

# docs/cli.md from the application's own help (tests/cli/test_reference.py fails while it is stale)
cli-docs: $(STAMP)
	$(BIN)/python -m cellbench.commands.reference

# Benchmarks need their anchors (TauFactor, cellpy: the `bench` extra). Install the CPU build of torch first on a
# machine where pip would otherwise pick a CUDA build.
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache build src/*.egg-info
