# socialplan: `make demo` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PYBABEL := $(BIN)/pybabel
# Core's catalog, then each plugin's: "<folder>:<domain>:<source folder>".
CATALOGS := translations:messages:. plugins/romania/translations:romania:plugins/romania plugins/sweden/translations:sweden:plugins/sweden
LOCALES := en sv ro

.PHONY: install demo serve test lint schema bench translations-extract translations-update translations-compile clean

$(INSTALLED): setup.cfg setup.py pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $(INSTALLED)

install: $(INSTALLED) translations-compile

demo: install
	$(BIN)/socialplan db upgrade
	$(BIN)/socialplan demo load
	$(BIN)/socialplan serve --host 127.0.0.1 --port 5000

# The suite needs a few Debian packages (poppler, chromium): installed when run as root, else named.
test: install
	bash .ci/debian-packages
	$(BIN)/ruff check .
	$(BIN)/lint-imports  # plugins import only core.sdk (.importlinter)
	$(BIN)/python -m core.plan_schema --check  # the committed plan schema is the one core/rows.py generates
	$(BIN)/pytest

# The plan JSON schema (core/schemas/plan-v1.schema.json) from the row specs of core/rows.py.
schema: install
	$(BIN)/python -m core.plan_schema

lint: install
	$(BIN)/ruff check .

# Benchmarks with floors (issues 3 and 5), not part of `make test`; `make bench BENCH_ARGS=--quick` for a smoke run.
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench $(BENCH_ARGS)

# Catalogs: extract -> update -> (translate) -> compile. Core ignores plugins/ (see babel.cfg).
# Order-only on pybabel: an existing venv is used as it is (no reinstall because setup.cfg is newer).
$(PYBABEL):
	$(MAKE) $(INSTALLED)

translations-extract: | $(PYBABEL)
	@for entry in $(CATALOGS); do \
	  dir=$${entry%%:*}; rest=$${entry#*:}; domain=$${rest%%:*}; src=$${rest#*:}; \
	  $(PYBABEL) extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --width 120 \
	    --project socialplan -o $$dir/$$domain.pot $$src || exit 1; \
	done

translations-update: translations-extract
	@for entry in $(CATALOGS); do \
	  dir=$${entry%%:*}; rest=$${entry#*:}; domain=$${rest%%:*}; \
	  for locale in $(LOCALES); do \
	    if [ -f $$dir/$$locale/LC_MESSAGES/$$domain.po ]; then \
	      $(PYBABEL) update --no-fuzzy-matching --ignore-obsolete --width 120 -D $$domain -i $$dir/$$domain.pot -d $$dir -l $$locale || exit 1; \
	    else \
	      $(PYBABEL) init --width 120 -D $$domain -i $$dir/$$domain.pot -d $$dir -l $$locale || exit 1; \
	    fi; \
	  done; \
	done

translations-compile: | $(PYBABEL)
	@for entry in $(CATALOGS); do \
	  dir=$${entry%%:*}; rest=$${entry#*:}; domain=$${rest%%:*}; \
	  [ -d $$dir ] && $(PYBABEL) compile --statistics -D $$domain -d $$dir || true; \
	done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
