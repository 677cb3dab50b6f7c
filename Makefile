# Gongzhi: `make demo` starts the site with the Zhouji demo; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STATIC_VENDOR := gongzhi/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install assets messages migrate lint typecheck pytest serve bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end libraries come from npm (pinned by package-lock.json) and are copied, never committed.
assets: node_modules/.installed
	mkdir -p $(STATIC_VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(STATIC_VENDOR)/htmx.min.js
	cp node_modules/echarts/dist/echarts.min.js $(STATIC_VENDOR)/echarts.min.js

messages: install
	$(PY) scripts/compile_messages.py

migrate: install
	$(PY) manage.py migrate --noinput

demo: install assets messages migrate
	$(PY) manage.py demo
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

typecheck: install
	$(VENV)/bin/mypy gongzhi bench tests

# The suite runs on SQLite; again on PostgreSQL when DATABASE_URL is set; browser tests
# (marked e2e) run on SQLite when Chromium is installed.
pytest: install assets messages
	@if command -v chromium >/dev/null 2>&1; then \
		echo "== pytest on SQLite, with browser tests (Chromium)"; \
		env -u DATABASE_URL $(PY) -m pytest; \
	else \
		echo "skipped: no Chromium (browser tests need Debian's chromium package)"; \
		env -u DATABASE_URL $(PY) -m pytest -m "not e2e"; \
	fi
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== pytest on PostgreSQL"; \
		$(PY) -m pytest -m "not e2e" --create-db; \
	fi

test: lint typecheck pytest

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) node_modules $(STATIC_VENDOR) staticfiles
