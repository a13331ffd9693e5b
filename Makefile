# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VAR := $(or $(VAR_DIR),var)
SECRET_FILE := $(VAR)/secret_key
# Tells the settings that this checkout is set up for a local run: they read the secret key above, so that
# `python manage.py …` works here with nothing exported.
LOCAL_MARK := $(VAR)/local-run
HOST ?= 127.0.0.1
PORT ?= 8000

# A local run serves plain HTTP on the loopback address, with a secret key kept in var/.
export HTTPS ?= 0
WITH_KEY = SECRET_KEY=$$(cat $(SECRET_FILE))
MANAGE = $(WITH_KEY) $(BIN)/python manage.py
# Where no interface string lives: the virtualenv, and code that only editors' terminals or the tests see.
MESSAGE_IGNORES = --ignore .venv --ignore bench --ignore tests --ignore staticfiles --ignore var

.PHONY: run test setup lint format clean bench mutation messages

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

$(SECRET_FILE):
	mkdir -p $(VAR)
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

$(LOCAL_MARK): $(SECRET_FILE)
	echo "Set up by make for a local run; delete it to make the settings ask for SECRET_KEY." > $@

setup: $(BIN)/.installed $(LOCAL_MARK)
	$(MANAGE) prepare_archive

run: setup
ifeq ($(DEBUG),1)
	$(MANAGE) runserver $(HOST):$(PORT)
else
	$(WITH_KEY) HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py kremlin_archive.wsgi
endif

test: setup
	$(WITH_KEY) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# After changing any interface string: gather the strings into locale/ru (GNU gettext's xgettext), translate the
# new ones in django.po, then run this again to compile it.
messages: $(BIN)/.installed $(SECRET_FILE)
	$(MANAGE) makemessages --locale ru --no-obsolete --add-location file $(MESSAGE_IGNORES)
	$(MANAGE) compilemessages --locale ru --ignore .venv

bench: setup
	$(BIN)/python bench/render.py

# Breaks the core modules one small change at a time and reports how many breakages the suite catches.
mutation: $(BIN)/.installed $(SECRET_FILE)
	$(WITH_KEY) $(BIN)/mutmut run --max-children 2
	$(BIN)/python bench/mutation.py

clean:
	rm -rf $(VENV) $(VAR) staticfiles
