# Inyeon: `make demo` runs the product with demo data, `make test` runs the whole suite.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: install demo test lint serve messages clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/pybabel compile --domain django --directory inyeon/locale --statistics
	touch $@

demo: install
	$(BIN)/inyeon migrate --noinput
	$(BIN)/inyeon demo
	$(BIN)/inyeon serve

test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy inyeon
	$(BIN)/lint-imports

messages: install
	cd inyeon && ../$(BIN)/django-admin makemessages --locale ko --locale en --domain django --no-obsolete
	$(BIN)/pybabel compile --domain django --directory inyeon/locale --statistics

clean:
	rm -rf $(VENV) var
