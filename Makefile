# Every task a person runs. `make` alone lists them.
STEP ?=
FROM ?=
TO ?=
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup run test check exercise status diff diffs soak bench profile lab strip-notebooks doctor lint clean

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

run: setup ## serve a step (STEP=NN, default the last) with Redis until Ctrl-C
	@$(PY) -m workshop run $(if $(STEP),--step $(STEP))

test: setup ## run every check: all steps, real daphne, real Redis
	$(PY) -m pytest $(ARGS)

check: setup ## check one step: work/NN if you started it (PROJECT=path: any project), else the snapshot; FAST=1 skips the slow ones
	@$(if $(ASGI),WORKSHOP_ASGI_APPLICATION=$(ASGI)) $(PY) -m workshop check $(if $(STEP),--step $(STEP)) $(if $(FAST),--fast) $(if $(PROJECT),--project $(PROJECT)) $(ARGS)

exercise: setup ## do a step yourself: make exercise STEP=02 copies the step before it to work/02_rooms (FORCE=1 starts over)
	@$(PY) -m workshop exercise $(if $(STEP),--step $(STEP)) $(if $(FORCE),--force)

status: setup ## pass or fail of your work/ copies, from their last check
	@$(PY) -m workshop status

diff: setup ## a lesson as a diff of code: make diff STEP=02 (or FROM=01 TO=03)
	@$(PY) -m workshop diff $(if $(FROM),--from $(FROM)) $(if $(or $(TO),$(STEP)),--to $(or $(TO),$(STEP)))

diffs: setup ## rewrite diffs/*.patch after changing a step on purpose (a check insists they match)
	@$(PY) -m workshop diffs

soak: setup ## longer loads on steps 02 and 03 (200,000 deliveries each), printing figures; about 5 minutes
	@$(PY) -m workshop soak

bench: setup ## throughput and latency of every step beside a plain-websockets baseline (BENCH=quick: under a minute)
	@$(PY) -m workshop bench $(if $(filter quick,$(BENCH)),--quick)

profile: setup ## where step 03 spends its time per delivered message, sampled with py-spy; flame graphs in build/profile/
	@$(PY) -m workshop profile

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
