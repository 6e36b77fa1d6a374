# Upright: `make run` serves a demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# A key for local runs and tests only; production sets DJANGO_SECRET_KEY itself.
LOCAL_KEY := local-only-insecure-key-not-for-production

# Benchmarks on PostgreSQL: the worklist and admin ones empty the database they are given.
BENCH_PG ?= postgres://postgres@127.0.0.1:5432

.PHONY: run demo-code test lint check bench bench-engine bench-intake bench-worklist bench-admin bench-fhir bench-cdshooks bench-scale clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Upright needs Python 3.11 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

run: $(VENV)/.installed
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo_data
	@echo ""
	@echo "Upright is starting at http://$(HOST):$(PORT)/  (stop it with Ctrl+C)"
	@echo ""
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The demo users' current authenticator code (debug only; README "Two commands").
demo-code: $(VENV)/.installed
	@DJANGO_DEBUG=1 $(BIN)/python manage.py demo_totp

test: $(VENV)/.installed-dev
	@status=0; DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$(LOCAL_KEY)} $(BIN)/python -m pytest $(PYTEST_ARGS) || status=$$?; \
	if [ ! -x /usr/bin/chromium ]; then \
	  echo ""; echo "!!! BROWSER TESTS WERE SKIPPED: Debian's chromium is not installed."; \
	  echo "!!! Install it with: sudo apt-get install chromium   (then run make test again)"; \
	fi; exit $$status

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

check: $(VENV)/.installed
	DJANGO_SECRET_KEY=$(LOCAL_KEY) $(BIN)/python manage.py check
	DJANGO_SECRET_KEY=$(LOCAL_KEY) $(BIN)/python manage.py makemigrations --check --dry-run

bench: bench-engine bench-intake bench-worklist bench-admin bench-fhir bench-cdshooks

bench-engine: $(VENV)/.installed-dev
	DJANGO_SECRET_KEY=$(LOCAL_KEY) $(BIN)/python -m pytest benchmarks/test_engine_speed.py --benchmark-only

bench-intake: $(VENV)/.installed-dev
	DATABASE_URL=$(BENCH_PG)/postgres DJANGO_SECRET_KEY=$(LOCAL_KEY) \
	  $(BIN)/python -m pytest benchmarks/bench_intake.py -s

bench-worklist: $(VENV)/.installed-dev
	-psql -h 127.0.0.1 -U postgres -qc 'create database bench_worklist' 2>/dev/null
	DATABASE_URL=$(BENCH_PG)/bench_worklist DJANGO_SECRET_KEY=$(LOCAL_KEY) \
	  $(BIN)/python benchmarks/bench_worklist.py

bench-admin: $(VENV)/.installed-dev
	-psql -h 127.0.0.1 -U postgres -qc 'create database bench_admin' 2>/dev/null
	DATABASE_URL=$(BENCH_PG)/bench_admin DJANGO_SECRET_KEY=$(LOCAL_KEY) \
	  $(BIN)/python benchmarks/bench_admin.py

bench-fhir: $(VENV)/.installed-dev
	-psql -h 127.0.0.1 -U postgres -qc 'create database bench_fhir' 2>/dev/null
	DATABASE_URL=$(BENCH_PG)/bench_fhir DJANGO_SECRET_KEY=$(LOCAL_KEY) \
	  $(BIN)/python benchmarks/bench_fhir.py

bench-cdshooks: $(VENV)/.installed-dev
	-psql -h 127.0.0.1 -U postgres -qc 'create database bench_cdshooks' 2>/dev/null
	DATABASE_URL=$(BENCH_PG)/bench_cdshooks DJANGO_SECRET_KEY=$(LOCAL_KEY) \
	  $(BIN)/python benchmarks/bench_cdshooks.py

# Every page with 100,000 patients against 1,000, and against a signed-in hello view, served by
# gunicorn in production settings and driven by wrk; seeds bench_scale and bench_scale_small once.
bench-scale: $(VENV)/.installed-dev
	@command -v wrk >/dev/null || apt-get install -y wrk
	BENCH_PG=$(BENCH_PG) DJANGO_SECRET_KEY=$(LOCAL_KEY) $(BIN)/python benchmarks/bench_scale.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
