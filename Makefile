# tlo: `make run` serves the app, `make test` runs every test. Both set themselves up.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run serve test test-dates bench lint fmt migrate seed clean chromium nginx

# The venv is rebuilt when a requirements file changes.
$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test: $(VENV)/.runtime requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) -m tlo migrate
	$(PY) -m tlo seed-demo --if-empty
	@echo "App:       http://localhost:$(PORT)/"
	@echo "Catalogue: http://localhost:$(PORT)/catalogue/  (public, no sign-in)"
	$(PY) -m streamlit run tlo_app.py --server.port $(PORT) --server.headless true

# Production: no demo data; migrate once, then TLO_PROCESSES app processes from port $(PORT)
# for nginx to balance (deploy/README.md). Needs TLO_DATABASE_URL, TLO_DATA_DIR and the
# cookie secret (STREAMLIT_SERVER_COOKIE_SECRET or TLO_COOKIE_SECRET_FILE), or TLO_ENV_FILE.
serve: $(VENV)/.runtime
	TLO_PORT=$(PORT) deploy/start.sh

test: $(VENV)/.test chromium nginx lint
	$(PY) -m pytest -n 2

# The suite (all but the browser journeys) on awkward days, each at 21:30 in the office's zone
# (already tomorrow in UTC): a leap day, a year end, the Friday before Martin Luther King Day,
# the day US clocks spring forward, and today. Not part of `make test`: it takes five runs.
TEST_DATES ?= 2028-02-29 2026-12-31 2027-01-15 2027-03-14 today
test-dates: $(VENV)/.test
	@for day in $(TEST_DATES); do \
	  if [ "$$day" = today ]; then day=$$(TZ=$${TLO_TIMEZONE:-America/Los_Angeles} date +%F); fi; \
	  echo "== make test-dates: the suite on $$day"; \
	  TLO_TEST_NOW=$$day $(PY) -m pytest -n 2 -q -m "not browser" -p no:cacheprovider \
	    -o addopts="--strict-markers" || exit 1; \
	done

# Speed on the generated largest office (README, "Performance"). Not part of `make test`.
# The SQLite office is generated once per scale (full size: ~2-3 GB, 10-25 minutes); for
# PostgreSQL generate into an empty database first and pass BENCH_URL.
BENCH_SCALE ?= 1.0
BENCH_DB    := bench/tlo-$(BENCH_SCALE).db
BENCH_URL   ?= sqlite:///$(BENCH_DB)
bench: $(VENV)/.runtime
	@mkdir -p bench
	@if [ "$(BENCH_URL)" = "sqlite:///$(BENCH_DB)" ] && [ ! -f $(BENCH_DB) ]; then \
	  TLO_DATABASE_URL=$(BENCH_URL) $(PY) -m tlo bench generate --scale $(BENCH_SCALE); fi
	TLO_DATABASE_URL=$(BENCH_URL) $(PY) -m tlo bench run --json bench/results-$(BENCH_SCALE).json

lint: $(VENV)/.test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

fmt: $(VENV)/.test
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

migrate: $(VENV)/.runtime
	$(PY) -m tlo migrate

seed: $(VENV)/.runtime
	$(PY) -m tlo seed-demo

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The scale-out test (tests/deploy) puts Debian's nginx in front of two app processes.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx >/dev/null; }

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-results
