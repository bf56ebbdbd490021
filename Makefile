# Two commands matter: `make run` (set up and serve) and `make test` (set up and test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup venv system-deps lint bench clean vendor-check messages

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "Python venv failed: on Debian run 'apt-get install python3-venv'"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

venv: $(STAMP)

# Debian libraries WeasyPrint loads for PDF reports: installed when missing and run as root, else explained.
system-deps:
	@sh scripts/system-deps.sh

setup: venv system-deps
	$(BIN)/kerjasama setup

run: setup
	$(BIN)/kerjasama demo --if-empty
	$(BIN)/kerjasama serve --host $(HOST) --port $(PORT)

lint: venv
	$(BIN)/ruff check .

# The suite runs on SQLite always, and again on PostgreSQL when DATABASE_URL names one.
test: lint system-deps
	DATABASE_URL= $(BIN)/pytest -q
	@case "$$DATABASE_URL" in \
		postgres*) echo "== PostgreSQL: $$DATABASE_URL"; $(BIN)/pytest -q ;; \
		*) echo "== DATABASE_URL names no PostgreSQL database: SQLite run only" ;; \
	esac

# Benchmarks on SQLite and PostgreSQL, written to docs/benchmarks.md; e.g. BENCH_ARGS="--only sqlite".
bench: setup
	@sh bench/install-wrk.sh
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Refresh the Indonesian catalogue from the sources, then compile it (README: "Translations").
messages: venv
	cd src/kerjasama && ../../$(BIN)/kerjasama makemessages -l id --no-obsolete --ignore 'static/*' \
		&& ../../$(BIN)/kerjasama compilemessages

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
