# clinwell — the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
SUDO   := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
# Two workers (this machine's two cores), whole files per worker so module-scoped worlds
# are built once; pass PYTEST_ARGS= to run serially.
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: demo test lint typecheck imports pytest lock system-deps serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check uv

$(VENV)/.base-installed: requirements/base.txt pyproject.toml | $(UV)
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements/base.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt pyproject.toml | $(UV)
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements/dev.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@ $(VENV)/.base-installed

## demo: install, migrate the embedded SQLite database under var/, load the demo, serve :8000
demo: $(VENV)/.base-installed
	$(BIN)/clinwell demo

## test: install everything (incl. Debian's chromium), then ruff, mypy, import-linter, pytest
test: $(VENV)/.dev-installed system-deps lint typecheck imports pytest

# Debian packages the tests need: Chromium for browser tests, Pango for WeasyPrint PDFs,
# a Java runtime for the PySpark engine. Installed only when missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

imports: $(VENV)/.dev-installed
	$(BIN)/lint-imports

pytest: $(VENV)/.dev-installed
	$(BIN)/pytest $(PYTEST_ARGS)

## serve: production-style server on the configured database
serve: $(VENV)/.base-installed
	$(BIN)/clinwell serve

## lock: re-resolve requirements/*.txt from pyproject.toml
lock: | $(UV)
	$(UV) pip compile --quiet pyproject.toml --python-version 3.11 -o requirements/base.txt
	$(UV) pip compile --quiet pyproject.toml --python-version 3.11 --extra dev --extra postgres --extra spark -o requirements/dev.txt

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
