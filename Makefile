# Veche: `make run` sets up and serves the demo as production does (gunicorn, DEBUG off), `make dev`
# with Django's auto-reloading development server; `make test` runs every check on both databases.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `make dev`: the development settings (DEBUG on), whatever the shell has set.
DEV := DJANGO_SETTINGS_MODULE=veche.settings.dev

.PHONY: install run dev test lint typecheck messages clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed

run: install
	PORT=$(PORT) BIN=$(BIN) bash scripts/serve.sh --demo

dev: install
	$(DEV) $(BIN)/veche migrate --noinput
	$(DEV) $(BIN)/veche demo
	@echo "Serving Veche (development server, DEBUG on) at http://127.0.0.1:$(PORT)/"
	$(DEV) $(BIN)/veche runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

test: install
	bash scripts/test.sh

# Rebuild the Russian catalogue after changing user-facing text (needs gettext's msgfmt).
messages: install
	cd src/veche && ../../$(BIN)/veche makemessages -l ru --no-obsolete && ../../$(BIN)/veche compilemessages -l ru

clean:
	rm -rf $(VENV) var
