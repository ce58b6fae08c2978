# Inyeon: `make demo` runs the product with demo data, `make test` runs the whole suite.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: install demo test lint serve messages clean

MO_FILES := inyeon/locale/ko/LC_MESSAGES/django.mo inyeon/locale/en/LC_MESSAGES/django.mo

install: $(VENV)/.installed $(MO_FILES)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

inyeon/locale/%/LC_MESSAGES/django.mo: inyeon/locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	$(BIN)/pybabel compile --domain django --input-file $< --output-file $@

demo: install
	$(BIN)/inyeon migrate --noinput
	$(BIN)/inyeon demo
	$(BIN)/inyeon demo_leads
	$(BIN)/inyeon serve

test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy inyeon
	$(BIN)/lint-imports

# Extract messages, fill in the Korean from scripts/ko_translations.py (fails on a missing one), compile.
messages: install
	cd inyeon && ../$(BIN)/django-admin makemessages --locale ko --locale en --domain django --no-obsolete
	$(BIN)/python scripts/ko_translations.py
	$(BIN)/pybabel compile --domain django --directory inyeon/locale --statistics

clean:
	rm -rf $(VENV) var
