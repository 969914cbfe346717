# The two commands of the README: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CDO := $(BIN)/cdo

.PHONY: demo test lint fmt typecheck pytest bench bench-soak examples soak clean messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The demo submits every sample file into a fresh warehouse of its own (warehouse/demo/).
DEMO_WAREHOUSE := duckdb:///warehouse/demo/cdo.duckdb

demo: $(STAMP)
	$(CDO) registry lint
	$(CDO) policy check
	$(CDO) registry list
	rm -rf warehouse/demo
	@for source in obce $$(ls examples | sed 's/\.csv$$//' | grep -v '^obce$$'); do \
	  echo "== cdo submit $$source examples/$$source.csv"; \
	  $(CDO) --warehouse $(DEMO_WAREHOUSE) submit $$source examples/$$source.csv | head -n 5 || true; \
	done
	$(CDO) --warehouse $(DEMO_WAREHOUSE) history
	$(CDO) --warehouse $(DEMO_WAREHOUSE) warehouse status
	$(CDO) --warehouse $(DEMO_WAREHOUSE) build
	$(CDO) --warehouse $(DEMO_WAREHOUSE) lineage show mart.zastavky_obce
	$(CDO) --warehouse $(DEMO_WAREHOUSE) lineage columns mart.nehody_okresy.nehod_na_1000
	$(CDO) --warehouse $(DEMO_WAREHOUSE) audit --html warehouse/report.html --markdown warehouse/report.md
	@# Not every demo sample is valid, so some datasets are (rightly) not ready.
	$(CDO) --warehouse $(DEMO_WAREHOUSE) catalog check || true
	$(CDO) catalog export --out warehouse/demo/catalog

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports --no-cache

fmt: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

# Benchmarks run the toolkit as users install it (no test tooling in the environment).
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): pyproject.toml $(shell find src -name '*.py')
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet --force-reinstall --no-deps .
	$(BENCH_VENV)/bin/python -m pip install --quiet '.[bench]'
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python bench/startup.py
	$(BENCH_VENV)/bin/python bench/validate.py
	$(BENCH_VENV)/bin/python bench/load.py
	$(BENCH_VENV)/bin/python bench/score.py
	$(BENCH_VENV)/bin/python bench/registry.py
	$(BENCH_VENV)/bin/python bench/workbook.py

# The load soak (6 minutes): 1,000 small and 20 large submissions into one warehouse.
bench-soak: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python bench/soak.py

# Regenerates the sample files of the shipped registry from the project's own generator.
examples: $(STAMP)
	$(BIN)/python -m cdo_toolkit.synth.samples examples

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache

# The Czech message catalogue: collect the messages of the code, merge them into cdo.po
# (translate what is new there), compile cdo.mo. A test fails while one lacks a translation.
LOCALE := src/cdo_toolkit/locale
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -k N_ -k NN_:1,2 --project cdo-toolkit -o $(LOCALE)/cdo.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i $(LOCALE)/cdo.pot -d $(LOCALE) -D cdo -l cs
	$(BIN)/pybabel compile -d $(LOCALE) -D cdo

# The long runs: kill -9 at 13 random moments of each of validate, submit, build and score
# (52 per warehouse engine; PostgreSQL when CDO_TEST_POSTGRES_URL names a server), a 2 GiB
# file validated in bounded memory, and ten times the property-test examples.
soak: $(STAMP)
	CDO_SOAK_RUNS=13 CDO_LARGE_FILE_MB=2048 CDO_LARGE_SUBMIT_MB=1024 CDO_PROPERTY_SCALE=10 \
	  $(BIN)/pytest -q tests/test_soak.py tests/test_properties.py
