# FNT Partage — the two commands of the README:
#   make run    set everything up (virtual environment, install, migrations, demo data) and serve on SQLite
#   make test   set up with the development extras and run the whole suite (SQLite, then PostgreSQL if it answers)
# CI also runs `make lint` and `make sweep` (see .ci/run).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
export FLASK_APP := app

PO_FILES := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run serve test suite lint sweep doctor install install-dev translations extract-messages bench clean screenshots

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required (found %s); set PYTHON=python3.11" % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# The Nu HTML checker (vnu.jar, npm package vnu-jar, pinned in package-lock.json) for the crawl
# test; it runs on the system's Java 17 (Debian default-jre-headless), so the package's script that
# would download a Java is not run. Without npm the crawl's HTML check skips, saying so.
VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar
$(VNU_JAR): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --ignore-scripts && touch $@; \
	else echo "npm not found: the Nu HTML checker is not installed (its test will skip)"; fi

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev $(VNU_JAR)

%.mo: %.po | $(BIN)/python
	$(BIN)/pybabel compile -i $< -o $@

translations: $(MO_FILES)

run:
	@$(PYTHON) scripts/doctor --for run
	@$(MAKE) --no-print-directory serve

serve: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# The system libraries are checked first: without the PDF ones the suite stops at once, saying
# which Debian packages to install.
test:
	@$(PYTHON) scripts/doctor --for test
	@$(MAKE) --no-print-directory suite

suite: install-dev translations
	bash scripts/run-tests

# What this machine has and lacks: Python, system libraries, fonts, Chromium, PostgreSQL, Redis, the seal key.
doctor:
	@$(PYTHON) scripts/doctor

# ruff (lint and format) over the tree, mypy over the core and the booking engine, and the import
# layers (import-linter contracts in pyproject.toml).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The suite (browser tests aside) with the clock pinned at the instants where dates break.
sweep: install-dev translations
	bash scripts/date-sweep

# Refresh the message catalogues after changing interface strings.
# Screenshots of the main pages (phone and desktop, French, demo data) into docs/screenshots/.
screenshots: install-dev translations
	$(BIN)/python scripts/screenshots.py

extract-messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

bench: install-dev
	$(BIN)/python bench/booking.py
	$(BIN)/python bench/agreements.py
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
