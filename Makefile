# The two commands a newcomer needs:  make demo   and   make test
# Both create .venv when missing and install what they need first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)

.PHONY: setup system-deps foundry test demo local-model lint clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP) system-deps foundry

system-deps:
	@bash scripts/ensure_system_deps.sh

foundry:
	@bash scripts/install_foundry.sh

test: setup
	$(VENV)/bin/ruff check inspect_ic tests scripts
	$(VENV)/bin/ruff format --check inspect_ic tests scripts
	$(VENV)/bin/mypy inspect_ic
	$(VENV)/bin/pytest -q

local-model: setup
	@bash scripts/install_local_model.sh

demo: setup local-model
	$(VENV)/bin/ic demo

lint: setup
	$(VENV)/bin/ruff check --fix inspect_ic tests scripts
	$(VENV)/bin/ruff format inspect_ic tests scripts

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
