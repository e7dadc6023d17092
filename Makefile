# Every task a person runs. `make` alone lists them.
STEP ?= 03
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup run test check soak lab strip-notebooks doctor lint clean

help: ## list the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed, and $(PYTHON) is " + sys.version.split()[0] + ". Try: make $(MAKECMDGOALS) PYTHON=python3.12")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	@# Put the repository on the venv's path, so notebooks and scripts can `import workshop`.
	@$(PY) -c 'import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()["purelib"], "channels_workshop.pth").write_text("$(CURDIR)\n")'
	@touch $@

setup: $(VENV)/.installed ## create .venv and install the pinned requirements

run: setup ## serve a step (STEP=01|02|03, default 03) with Redis until Ctrl-C
	@$(PY) -m workshop run --step $(STEP)

test: setup ## run every check: all steps, real daphne, real Redis
	$(PY) -m pytest $(ARGS)

check: setup ## run one step's checks: make check STEP=02 (FAST=1: WebSocket checks only)
	@$(PY) -m workshop check --step $(STEP) $(if $(FAST),--fast) $(ARGS)

soak: setup ## longer loads on steps 02 and 03 (200,000 deliveries each), printing figures; about 5 minutes
	@$(PY) -m workshop soak

lab: setup ## open JupyterLab on notebooks/ with this project's kernel
	@$(PY) -m workshop lab

strip-notebooks: setup ## remove outputs from notebooks/ before committing (a check insists)
	@$(PY) -m workshop strip-notebooks

doctor: ## say what is missing or wrong
	@if [ -x $(PY) ]; then $(PY) -m workshop doctor; else $(PYTHON) -m workshop doctor; fi

lint: setup ## ruff on everything, mypy on the toolkit
	$(PY) -m ruff check workshop tests steps
	$(PY) -m ruff format --check workshop tests steps
	$(PY) -m mypy

clean: ## remove .venv and build output
	rm -rf $(VENV) build .pytest_cache
