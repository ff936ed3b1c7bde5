# Two commands on a fresh machine: `make run` (the workbench on seeds/) and `make test`.
# Both set up .venv first; set-up is skipped while pyproject.toml is unchanged.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_MODEL := models/demo-de-en
# torch must be the CPU build: plain PyPI would pull several GB of CUDA packages. Where a local
# CPU wheel is configured (find-links), pip takes it; elsewhere we ask PyTorch's CPU index.
TORCH_PIP_ARGS ?= $(if $(wildcard /opt/wheels/torch-2.13.0*),,--index-url https://download.pytorch.org/whl/cpu)
RUN_ARGS ?= tui seeds/

.PHONY: setup run test test-fast lint format demo-model clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check $(TORCH_PIP_ARGS) torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test,cluster]"
	@if $(BIN)/pip list 2>/dev/null | grep -qi '^nvidia-'; then \
		echo "error: CUDA packages got installed into $(VENV); remove it and check TORCH_PIP_ARGS"; exit 1; fi
	touch $(STAMP)

# The real default model when it can be had (local, cached or downloadable); otherwise the
# offline demo model, and a note that says so.
run: setup
	@if ! $(BIN)/workbench models path >/dev/null; then \
		echo "note: using the offline demo model $(DEMO_MODEL): trained on 123 fixture sentences, it translates those and little else (built once, about a minute)"; \
		$(BIN)/python scripts/make_test_model.py $(DEMO_MODEL) >/dev/null; \
		export WORKBENCH_MODEL=$(DEMO_MODEL); \
	fi; \
	$(BIN)/workbench $(RUN_ARGS)

# Everything: unit tests, then the integration tests (tiny models built once, cached in .cache/).
test: setup
	$(BIN)/python -m pytest -q

# The unit tests alone: no model, no subprocess, well under a minute.
test-fast: setup
	$(BIN)/python -m pytest -q tests/unit

# Style, then the layer rules (import contracts in pyproject.toml), then the types.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/mypy workbench

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

demo-model: setup
	$(BIN)/python scripts/make_test_model.py $(DEMO_MODEL)

clean:
	rm -rf $(VENV) .cache .pytest_cache .workbench
