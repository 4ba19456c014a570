# dansmarue: developer entry points. Logic lives in scripts/; this stays thin.
# Every variable can be overridden from the environment or the command line,
# e.g. `PORT=8080 make run` or `make test TEST_DATABASE_URL=...`.

PYTHON            ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV              ?= .venv
PORT              ?= 8000
WEB_CONCURRENCY   ?= 2
DATABASE_URL      ?= postgresql+psycopg://postgres@127.0.0.1:5432/dansmarue
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/dansmarue_test
REDIS_URL         ?= redis://127.0.0.1:6379/0
CHROMIUM          ?= /usr/bin/chromium
PYTEST_ARGS       ?=
BENCHES           ?= $(sort $(wildcard bench/bench_*.py))
SUDO              ?= $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

export PORT WEB_CONCURRENCY DATABASE_URL REDIS_URL VENV

PY    := $(VENV)/bin/python
FLASK := FLASK_APP=wsgi $(VENV)/bin/flask
STAMP := $(VENV)/.requirements.stamp

# Targets depend on order (services before migrate, ...): never run in parallel.
.NOTPARALLEL:
.PHONY: venv services migrate data setup run worker lint typecheck test install-chromium install-wrk bench clean distclean

venv: $(STAMP)

# (Re)install only when requirements.txt is newer than the stamp; recreate the
# venv when it is missing or its python no longer runs.
$(STAMP): requirements.txt
	@if ! $(PY) -c 'import sys' >/dev/null 2>&1; then \
	  test -n "$(PYTHON)" || { echo "no python3.11/python3 on PATH" >&2; exit 1; }; \
	  echo "[venv] creating $(VENV) with $(PYTHON)"; \
	  rm -rf $(VENV); \
	  if ! $(PYTHON) -m venv $(VENV); then \
	    echo "[venv] python3 -m venv failed: installing python3-venv python3-dev"; \
	    rm -rf $(VENV); \
	    $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-dev; \
	    $(PYTHON) -m venv $(VENV); \
	  fi; \
	fi
	$(PY) -m pip install -q -r requirements.txt
	@touch $@

services:
	scripts/services.sh

migrate: venv
	$(FLASK) db upgrade heads

data: venv
	$(FLASK) data load

setup: venv services migrate data

run: setup
	scripts/run.sh

worker: venv services
	$(PY) -m workers.worker

# Lint and format check over all Python code, then types over the shipped
# packages (mypy: dansmarue, workers, geo, see pyproject.toml). Run by CI.
LINTED := dansmarue workers geo tests bench migrations wsgi.py
lint: venv
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/mypy

# Types only (also part of `lint`).
typecheck: venv
	$(VENV)/bin/mypy

install-chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "[chromium] $(CHROMIUM) missing: installing Debian's chromium"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation; \
	fi

# The intake benchmark's load generator, from Debian's packages.
install-wrk:
	@if ! command -v wrk >/dev/null 2>&1; then \
	  echo "[wrk] missing: installing Debian's wrk"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	fi

test: venv services install-chromium
	DATABASE_URL=$(TEST_DATABASE_URL) $(FLASK) db upgrade heads
	DATABASE_URL=$(TEST_DATABASE_URL) $(FLASK) data load
	DATABASE_URL=$(TEST_DATABASE_URL) TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest -q $(PYTEST_ARGS)

bench: setup install-wrk
	@set -e; [ -n "$(strip $(BENCHES))" ] || { echo "[bench] no bench/bench_*.py"; exit 0; }; \
	for f in $(BENCHES); do \
	  echo "[bench] $$f"; \
	  PYTHONPATH=$(CURDIR) $(PY) "$$f" || { echo "[bench] $$f FAILED" >&2; exit 1; }; \
	done

# Caches and build leftovers; keeps the venv (see distclean) and media/.
clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -rf .pytest_cache .hypothesis tests/artifacts bench/_out .run $(STAMP)

distclean: clean
	rm -rf $(VENV)
