# Veche: `make run` sets up and serves the demo; `make test` runs every check on both databases.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install run serve test lint typecheck messages clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/veche migrate --noinput
	$(BIN)/veche demo
	@echo "Serving Veche at http://127.0.0.1:$(PORT)/"
	$(BIN)/veche runserver 127.0.0.1:$(PORT)

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
