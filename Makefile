# Marquee: `make run` starts the cinema, `make test` checks it. See README.md.
SHELL := /bin/bash
# The first Python that is 3.12 or newer (pyenv picks 3.12 from .python-version).
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in email point at the server `make run` starts, unless SITE_URL is set (environment or
# `make run SITE_URL=…`).
SITE_URL ?= http://$(HOST):$(PORT)
# `make run` is a local cinema: debug pages, the demo payment provider, SQLite in ./data.
RUN_ENV := DEBUG=$${DEBUG:-true} SITE_URL='$(SITE_URL)'

.PHONY: install run serve worker migrate seed test test-pg test-browser test-all lint format lock bench bench-queue clean vendor

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock requirements-dev.lock
	@test -n "$(PYTHON)" || { echo "Marquee needs Python 3.12 or newer (python3.12 was not found)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock -r requirements-dev.lock
	touch $@

migrate: install
	$(RUN_ENV) $(MANAGE) migrate --noinput

run: install
	@$(RUN_ENV) $(MANAGE) migrate --noinput -v 0
	@$(RUN_ENV) $(MANAGE) seed_demo --if-empty
	@$(RUN_ENV) $(MANAGE) ensure_admin
	@echo "Marquee is starting at http://$(HOST):$(PORT)/ (staff: http://$(HOST):$(PORT)/staff/, admin: /admin/). Ctrl-C stops it."
	@$(RUN_ENV) $(PY) -m marquee.launcher --host $(HOST) --port $(PORT)

seed: install
	$(RUN_ENV) $(MANAGE) seed_demo

# The suite runs in as many processes as the machine has cores (pytest-xdist); each has its
# own test database. PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
test: install
	$(PY) -m pytest -m "not browser" -q -n $(PYTEST_WORKERS)

test-pg: install
	bash .ci/with-postgres $(PY) -m pytest -m "not browser" -q -n $(PYTEST_WORKERS)

test-browser: install
	bash .ci/install-browser
	$(PY) -m pytest -m browser -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy marquee
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run --settings=tests.settings
	DEBUG=false SECRET_KEY=$$(openssl rand -hex 32) ALLOWED_HOSTS=cinema.example SITE_URL=https://cinema.example \
		EMAIL_URL=smtp+tls://mailer:secret@smtp.cinema.example DATA_DIR=$$(mktemp -d) \
		$(PY) manage.py check --deploy --fail-level WARNING

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Re-pin every dependency (needs the package index).
lock:
	$(VENV)/bin/uv pip compile -q --generate-hashes --universal --python-version 3.12 requirements.in -o requirements.lock
	$(VENV)/bin/uv pip compile -q --generate-hashes --universal --python-version 3.12 requirements-dev.in -o requirements-dev.lock

# Browser JavaScript comes from npm (package.json, pinned in package-lock.json) and is served
# from the project's static files, committed, so that `make run` needs no Node.js. After
# changing a version in package.json: `make vendor` and commit the copies.
VENDOR := \
	node_modules/htmx.org/dist/htmx.min.js=marquee/public/static/public/htmx.min.js \
	node_modules/swagger-ui-dist/swagger-ui-bundle.js=marquee/api/static/api/swagger-ui/swagger-ui-bundle.js \
	node_modules/swagger-ui-dist/swagger-ui.css=marquee/api/static/api/swagger-ui/swagger-ui.css \
	node_modules/html5-qrcode/html5-qrcode.min.js=marquee/backoffice/static/backoffice/vendor/html5-qrcode.min.js
vendor:
	npm ci --no-audit --no-fund --ignore-scripts
	@# Without the source maps they name: the manifest storage's collectstatic fails on a missing map.
	@for pair in $(VENDOR); do src=$${pair%%=*}; dst=$${pair#*=}; mkdir -p $$(dirname $$dst); \
	  sed -e 's@/\*# sourceMappingURL=[^*]*\*/@@' -e 's@^//# sourceMappingURL=.*$$@@' $$src > $$dst; echo "$$dst"; done

bench: install
	bash bench/run

bench-queue: install
	$(VENV)/bin/python -m bench.queue_rush --write

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
