# The README's quick start: `make demo` and `make test`, on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test bench clean

# The environment is rebuilt when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	@echo '$$ mapisvc check fixtures/valid'
	@$(BIN)/mapisvc check fixtures/valid
	@echo
	@echo '$$ mapisvc check fixtures/demo/faulty.toml   (a manifest with real mistakes)'
	@$(BIN)/mapisvc check fixtures/demo/faulty.toml; test $$? -eq 1

test: $(VENV)/.installed
	$(BIN)/python -m pytest

bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
