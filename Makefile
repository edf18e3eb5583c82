# Workspace: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test bench install install-test messages clean

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

# Measure the main pages as production serves them (gunicorn, 2 workers) on DATABASE_URL's data:
# BENCH_SECONDS per page, BENCH_PAGES=word,word for some of them (README: Benchmark).
bench: $(VENV)/.installed instance/config.py
	command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench.run

# Collect the interface's strings for translators (messages.pot).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o messages.pot .

clean:
	rm -rf $(VENV) .pytest_cache
