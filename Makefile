# Workspace: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test install install-test messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# A random secret for this machine, made once and kept out of git.
instance/config.py:
	mkdir -p instance
	$(PYTHON) -c "import secrets; print('SECRET_KEY = ' + repr(secrets.token_hex(32)))" > $@

run: $(VENV)/.installed instance/config.py
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# The suite in parallel, one process per CPU, each with its own database (see tests/conftest.py).
TEST_WORKERS ?= auto
test: $(VENV)/.installed-test
	$(BIN)/pytest -n $(TEST_WORKERS)

# Collect the interface's strings for translators (messages.pot).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o messages.pot .

clean:
	rm -rf $(VENV) .pytest_cache
