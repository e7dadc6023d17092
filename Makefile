# Every task a person runs. `make` alone lists them.
STEP ?=
FROM ?=
TO ?=
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ARGS ?=
# The oldest Python the workshop supports: pyproject.toml's requires-python (its classifiers list
# every tested one).
OLDEST_PYTHON := $(shell sed -n 's/^requires-python = ">=\([0-9.]*\)"/\1/p' pyproject.toml)

.DEFAULT_GOAL := help
.PHONY: help setup run production test test-all check classroom exercise status diff diffs soak failover bench profile lab strip-notebooks translations bundle doctor lint lock clean

help: ## list the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(PY):
	@$(PYTHON) -c 'import sys; oldest = tuple(map(int, "$(OLDEST_PYTHON)".split("."))); sys.exit(0 if sys.version_info >= oldest else "Python $(OLDEST_PYTHON) or newer is needed, and $(PYTHON) is " + sys.version.split()[0] + ". Try: make $(MAKECMDGOALS) PYTHON=python3.12")'
	$(PYTHON) -m venv $(VENV)
	@# Put the repository on the venv's path, so notebooks and scripts can `import workshop`.
	@$(PY) -c 'import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()["purelib"], "channels_workshop.pth").write_text("$(CURDIR)\n")'

# Installs come in layers, each a lock with every package and its hash (requirements/, docs/installing.md):
# serve for make run, check for make check, lab for the notebooks, dev for everything else.
SERVE := $(VENV)/.installed-serve
CHECK := $(VENV)/.installed-check
LAB := $(VENV)/.installed-lab
DEV := $(VENV)/.installed-dev

# WHEELS=folder installs from a bundle (make bundle; docs/installing.md, "Offline, from a bundle"):
# no index at all, only the bundle's wheels for this machine (its wheels/linux-x86_64/, say), or
# the wheels in the folder itself. The hashes are checked as always. This machine is named as
# workshop/bundling.py names it: linux or macos, then `uname -m`.
PLATFORM_HERE := $(shell uname -s | sed 's/^Linux$$/linux/;s/^Darwin$$/macos/')-$(shell uname -m)
WHEELHOUSE = $(if $(wildcard $(WHEELS)/wheels/$(PLATFORM_HERE)/),$(WHEELS)/wheels/$(PLATFORM_HERE),$(WHEELS))
ifneq ($(WHEELS),)
ifeq ($(wildcard $(WHEELHOUSE)/*.whl),)
$(error WHEELS=$(WHEELS) holds no wheels for this machine ($(PLATFORM_HERE)): make bundle PLATFORMS=... adds them)
endif
endif

$(VENV)/.installed-%: requirements/%.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check --quiet --require-hashes$(if $(WHEELS), --no-index --find-links $(WHEELHOUSE)) -r $<
	@touch $@

# A bundle carries the layers a learner needs, not dev's tools: with WHEELS, setup stops at lab.
setup: $(if $(WHEELS),$(LAB),$(DEV)) ## create .venv and install every layer from the locks (the other tasks install what they need; WHEELS=bundle: serve, check and lab, offline)

run: $(SERVE) ## serve a step (STEP=NN, default the last) with Redis until Ctrl-C; CLASSROOM=url: your work/ copy on the classroom's Redis
	@$(PY) -m workshop run $(if $(STEP),--step $(STEP)) $(if $(CLASSROOM),--classroom $(CLASSROOM))

production: $(SERVE) ## serve a step as in production (deploy/): nginx with TLS, WORKERS=N daphne processes (default 2) under supervisor, Redis (REDIS=sentinel or shards:N); until Ctrl-C
	@$(PY) -m workshop production $(if $(STEP),--step $(STEP)) $(if $(WORKERS),--workers $(WORKERS)) $(if $(REDIS),--redis $(REDIS))

# Side by side in worker processes (-n auto: tests/harness/scheduling.py picks how many), the 15
# slowest listed at the end. ARGS=-n0 runs one check at a time, as for a debugger.
test: $(DEV) ## run every check: all steps, real daphne, real Redis, in parallel (ARGS=-n0: one at a time)
	$(PY) -m pytest -n auto --durations=15 $(ARGS)

test-all: $(DEV) ## run every check on each supported Python found here (nox; pyproject.toml lists them)
	$(VENV)/bin/nox --session suite $(if $(ARGS),-- $(ARGS))

check: $(CHECK) ## check one step: work/NN if you started it (PROJECT=path: any project), else the snapshot; FAST=1 skips the slow ones; CLASSROOM=url NAME=you reports to the class board
	@$(if $(ASGI),WORKSHOP_ASGI_APPLICATION=$(ASGI)) $(PY) -m workshop check $(if $(STEP),--step $(STEP)) $(if $(FAST),--fast) $(if $(PROJECT),--project $(PROJECT)) $(if $(CLASSROOM),--classroom $(CLASSROOM) $(if $(NAME),--name "$(NAME)")) $(ARGS)

classroom: $(SERVE) ## for the instructor: the shared Redis and the class board on ADDRESS (without it: this machine's addresses), until Ctrl-C
	@$(PY) -m workshop classroom $(if $(ADDRESS),--address $(ADDRESS)) $(if $(PORT),--port $(PORT))

exercise: $(SERVE) ## do a step yourself: make exercise STEP=02 copies the step before it to work/02_rooms (FORCE=1 starts over)
	@$(PY) -m workshop exercise $(if $(STEP),--step $(STEP)) $(if $(FORCE),--force)

status: $(SERVE) ## pass or fail of your work/ copies, from their last check
	@$(PY) -m workshop status

diff: $(SERVE) ## a lesson as a diff of code: make diff STEP=02 (or FROM=01 TO=03)
	@$(PY) -m workshop diff $(if $(FROM),--from $(FROM)) $(if $(or $(TO),$(STEP)),--to $(or $(TO),$(STEP)))

diffs: $(SERVE) ## rewrite diffs/*.patch after changing a step on purpose (a check insists they match)
	@$(PY) -m workshop diffs

soak: $(DEV) ## longer loads on the steps with rooms (200,000 deliveries each), printing figures; about 5 minutes
	@$(PY) -m workshop soak

failover: $(DEV) ## kill a Sentinel-watched Redis primary under a chatting room RUNS times (default 10), printing how long the chat was down
	@$(PY) -m workshop failover $(if $(RUNS),--runs $(RUNS))

bench: $(DEV) ## throughput and latency of every step beside a plain-websockets baseline (BENCH=quick: about 30 s on 2 cores)
	@$(PY) -m workshop bench $(if $(filter quick,$(BENCH)),--quick)

bench-history: $(DEV) ## what step 05's stored history costs: deliveries beside steps 03 and 04, database size per 100,000 messages (SQLite, PostgreSQL), joining a room with a year of history
	@$(PY) -m workshop.measuring.history_cost

profile: $(DEV) ## where step 03 spends its time per delivered message, sampled with py-spy; flame graphs in build/profile/
	@$(PY) -m workshop profile

lab: $(LAB) ## open JupyterLab on notebooks/ (English) and notebooks/ja/ (Japanese); their kernel is the venv's Python
	@$(PY) -m workshop lab

strip-notebooks: $(LAB) ## remove outputs from notebooks/ and notebooks/ja/ before committing (a check insists)
	@$(PY) -m workshop strip-notebooks

translations: $(SERVE) ## which Japanese pages lag behind their English source (a check insists); DONE=path stamps one brought up to date
	@$(PY) -m workshop translations $(foreach page,$(DONE),--done $(page))

bundle: $(SERVE) ## one folder for USB sticks: wheels for every platform and Python, the repository as a git bundle (OUT=build/bundle, PLATFORMS=, PYTHONS=, LAYERS=; here: this machine)
	@$(PY) -m workshop bundle $(if $(OUT),--out $(OUT)) --platforms "$(PLATFORMS)" --pythons "$(PYTHONS)" --layers "$(LAYERS)"

doctor: ## say what is missing or wrong
	@if [ -x $(PY) ]; then $(PY) -m workshop doctor; else $(PYTHON) -m workshop doctor; fi

lint: $(DEV) ## ruff on everything, mypy on the toolkit, actionlint on the GitHub workflow
	$(PY) -m ruff check workshop tests steps deploy noxfile.py
	$(PY) -m ruff format --check workshop tests steps deploy noxfile.py
	$(PY) -m mypy
	$(VENV)/bin/actionlint

COMPILE = $(VENV)/bin/uv pip compile --quiet --universal --python-version $(OLDEST_PYTHON) --generate-hashes \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)

lock: $(DEV) ## regenerate requirements/*.txt from the pins in requirements/*.in (UPGRADE=1: newest transitive releases)
	$(COMPILE) requirements/dev.in -o requirements/dev.txt
	@# The smaller layers take dev's versions, so installing one over another changes nothing.
	for layer in serve check lab; do $(COMPILE) requirements/$$layer.in -c requirements/dev.txt -o requirements/$$layer.txt || exit 1; done

clean: ## remove .venv and build output
	rm -rf $(VENV) .nox build .pytest_cache
