# Everything runs inside .venv, created on first use from python3 alone.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: help venv test pytest lint format typecheck generate check-generated spec-drift spec-update demo bench clean

help:
	@echo "make demo             run examples/quickstart.py against the embedded fake Basecamp"
	@echo "make test             lint, type-check and run the whole test suite"
	@echo "make generate         regenerate src/basecamp_client/_generated from openapi/"
	@echo "make check-generated  fail if the committed generated code differs from a fresh run"
	@echo "make spec-drift UPSTREAM=path/to/openapi.json   compare an upstream description with ours"
	@echo "make spec-update UPSTREAM=path/to/openapi.json  bring what upstream adds into openapi/"
	@echo "make bench            benchmarks against raw httpx and the official SDK"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src codegen tests examples bench
	$(BIN)/ruff format --check src codegen tests examples bench

format: $(STAMP)
	$(BIN)/ruff format src codegen tests examples bench
	$(BIN)/ruff check --fix src codegen tests examples bench

# mypy strict for every supported Python: the code differs by version in places
# (sys.version_info branches, the standard library's stubs) and mypy checks only the
# version it is told. Each version keeps its own cache under .mypy_cache/: once warm, the
# four runs take about 2.5 s (a cold start, about 12 s per version). `make -j4 typecheck`
# runs them side by side.
MYPY_VERSIONS ?= 3.10 3.11 3.12 3.13

typecheck: $(addprefix typecheck-,$(MYPY_VERSIONS))

# (a pattern rule, so not .PHONY: make skips implicit rules for phony targets)
typecheck-%: $(STAMP)
	$(BIN)/mypy --python-version $*

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

# SPEC=path/to/openapi.(yaml|json) points the generator at another description (Basecamp's
# published openapi.json works as it is); OUT=dir and PACKAGE=dotted.name generate elsewhere.
generate: $(STAMP)
	$(PY) -m codegen generate $(if $(SPEC),--spec $(SPEC)) $(if $(OUT),--out $(OUT)) $(if $(PACKAGE),--package $(PACKAGE))

check-generated: $(STAMP)
	$(PY) -m codegen check $(if $(SPEC),--spec $(SPEC))

# Compare an upstream description (e.g. a new Basecamp openapi.json) with openapi/.
# Exits 1 when something counted differs. OURS defaults to openapi/openapi.yaml;
# DRIFT_ARGS=--all also lists refinements and accepted differences.
spec-drift: $(STAMP)
	@test -n "$(UPSTREAM)" || { echo "usage: make spec-drift UPSTREAM=path/to/openapi.json" >&2; exit 2; }
	$(PY) -m codegen.drift $(UPSTREAM) $(OURS) $(DRIFT_ARGS)

# Bring what an upstream description has and ours lacks into openapi/ (new operations marked
# for review, new fields, parameters, metadata); prints each change. UPDATE_ARGS=--dry-run
# prints without writing. Then: review, make generate, make test.
spec-update: $(STAMP)
	@test -n "$(UPSTREAM)" || { echo "usage: make spec-update UPSTREAM=path/to/openapi.json" >&2; exit 2; }
	$(PY) -m codegen.spec_update $(UPSTREAM) $(OURS) $(UPDATE_ARGS)

# Benchmarks in an environment of their own: this package (editable), raw httpx and the
# official SDK to compare with, and py-spy for profiling. See docs/performance.md.
# make bench SCENARIOS=get_sync,reget REPS=3   runs a subset; BENCH_ARGS passes more options.
BENCH_VENV  := bench/.venv
BENCH_PY    := $(BENCH_VENV)/bin/python
BENCH_STAMP := $(BENCH_VENV)/.installed-stamp
OFFICIAL_SDK ?= basecamp-sdk==0.29.1

$(BENCH_STAMP): pyproject.toml
	@test -x $(BENCH_PY) || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BENCH_PY) -m pip install --quiet --disable-pip-version-check -e '.[redis]' httpx '$(OFFICIAL_SDK)' py-spy
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	@# Byte-compile the editable package as pip does for installed ones (httpx, the
	@# official SDK): otherwise, where PYTHONDONTWRITEBYTECODE is set, every import of
	@# ours would be timed compiling source.
	$(BENCH_PY) -m compileall -q src/basecamp_client
	$(BENCH_PY) -m bench $(if $(SCENARIOS),--scenarios $(SCENARIOS)) $(if $(REPS),--reps $(REPS)) $(BENCH_ARGS)
