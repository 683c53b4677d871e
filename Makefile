# Everything runs inside .venv, created on first use from python3 alone.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: help venv test pytest lint format typecheck generate check-generated spec-drift demo bench clean

help:
	@echo "make demo             run examples/quickstart.py against the embedded fake Basecamp"
	@echo "make test             lint, type-check and run the whole test suite"
	@echo "make generate         regenerate src/basecamp_client/_generated from openapi/"
	@echo "make check-generated  fail if the committed generated code differs from a fresh run"
	@echo "make spec-drift UPSTREAM=path/to/openapi.json   compare an upstream description with ours"
	@echo "make bench            benchmarks against raw httpx and the official SDK"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src codegen tests examples
	$(BIN)/ruff format --check src codegen tests examples

format: $(STAMP)
	$(BIN)/ruff format src codegen tests examples
	$(BIN)/ruff check --fix src codegen tests examples

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(PY) -m pytest

test: lint typecheck pytest

# A tour of the client against a fake Basecamp it starts itself (no account needed).
# With BASECAMP_TOKEN, BASECAMP_ACCOUNT_ID and BASECAMP_USER_AGENT set, it tours your
# account read-only; ARGS=--write also creates (then trashes) a to-do list and a message.
demo: $(STAMP)
	@$(PY) examples/quickstart.py $(ARGS)

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache

# SPEC=path/to/openapi.(yaml|json) points the generator at another description.
generate: $(STAMP)
	$(PY) -m codegen generate $(if $(SPEC),--spec $(SPEC))

check-generated: $(STAMP)
	$(PY) -m codegen check $(if $(SPEC),--spec $(SPEC))

# Compare an upstream description (e.g. a new Basecamp openapi.json) with openapi/.
# Exits non-zero when they differ. OURS defaults to openapi/openapi.yaml.
spec-drift: $(STAMP)
	@test -n "$(UPSTREAM)" || { echo "usage: make spec-drift UPSTREAM=path/to/openapi.json" >&2; exit 2; }
	$(PY) -m codegen.drift $(UPSTREAM) $(OURS)
