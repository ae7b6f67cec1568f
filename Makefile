# The two commands of the README. Both work on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

REPLICAS ?= 2
PORT ?= 8500

.PHONY: run test bench cluster lint validate geo clean publish

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-deps: $(VENV)/.run-deps
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## run: install and start the dashboard on the shipped data
run: $(VENV)/.run-deps
	$(BIN)/streamlit run serve.py

## test: install everything (Debian chromium included) and run the whole suite
test: $(VENV)/.test-deps
	bash scripts/ensure_debian.sh chromium haproxy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m medmap validate
	$(BIN)/python -m pytest

## bench: browser benchmark against the naive and floor baselines, then the load bench's full waves
bench: $(VENV)/.test-deps
	bash scripts/ensure_debian.sh chromium haproxy
	$(BIN)/python bench/run.py
	$(BIN)/python bench/load.py

## cluster: REPLICAS app processes behind HAProxy (Debian's, installed when missing) on 127.0.0.1:PORT
cluster: $(VENV)/.run-deps
	bash scripts/ensure_debian.sh haproxy
	$(BIN)/python deploy/cluster.py --replicas $(REPLICAS) --port $(PORT)

## publish: every link of LINKS (one per line) as static pages in OUT, with an index page
LINKS ?= bench/publish_links.txt
OUT ?= published
publish: $(VENV)/.run-deps
	$(BIN)/python -m medmap publish --links $(LINKS) --out $(OUT) $(if $(APP_URL),--app-url $(APP_URL))

validate: $(VENV)/.run-deps
	$(BIN)/python -m medmap validate

## geo: rebuild geo/ from ../shared/data/geo
geo: $(VENV)/.run-deps
	$(BIN)/python scripts/build_geo.py

clean:
	rm -rf $(VENV) static/vendor test-artifacts
