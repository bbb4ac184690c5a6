# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
ONLY ?=

.PHONY: install run test test-sqlite test-postgresql bench clean

$(VENV)/.installed: requirements.txt package.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	npm install --no-audit --no-fund --silent
# src/ on the venv's path, so tools run without PYTHONPATH (lint-imports in the before-stop hook, a shell).
	$(PY) -c "import pathlib, site; pathlib.Path(site.getsitepackages()[0], 'tiepdan-src.pth').write_text(str(pathlib.Path('src').resolve()) + '\\n')"
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_units
	$(PY) manage.py seed_demo
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py serve

test: install
	bash scripts/test.sh

bench: install
	bash scripts/bench.sh $(ONLY)

clean:
	rm -rf var staticfiles .pytest_cache
