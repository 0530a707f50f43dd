# The two commands a newcomer needs: `make run` and `make test`. Everything else is for developers.
# Without DATABASE_URL / REDIS_URL, an embedded PostgreSQL and Redis run under var/.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_ARGS ?=
# Parallel test processes; 2 cores here, so 2.
TEST_WORKERS ?= 2

.PHONY: install run test test-fast lint format messages makemessages check clean bench browsers

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) messages

# Compile translation catalogs with Babel: no system gettext needed.
messages: $(STAMP)
	@$(PY) -m wsr.i18n_compile locale

makemessages: $(STAMP)
	$(PY) -m wsr.devstack exec $(PY) manage.py makemessages --no-obsolete --no-location -l es -l ht -l bn

run: install
	$(PY) -m wsr.devstack run

test: install
	$(PY) -m wsr.devstack test -n $(TEST_WORKERS) $(TEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m wsr.devstack exec $(VENV)/bin/mypy wsr complaints audits buyers
	$(PY) -m wsr.devstack exec $(PY) manage.py check --fail-level WARNING
	$(PY) -m wsr.devstack exec $(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) -m wsr.devstack exec $(PY) bench/run.py

# Chromium for the browser tests from Playwright's own installer (needs the Internet; a machine with
# Debian's chromium package needs nothing). Without either, `make test` skips the browser tests.
browsers: $(STAMP)
	$(VENV)/bin/playwright install chromium

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
