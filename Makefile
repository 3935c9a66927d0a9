# strategy-kit — `make help` lists the targets. The first two are the README's two commands.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CASE ?= belarus

.DEFAULT_GOAL := help

.PHONY: demo test test-fast help lab lint bench clean bytecode

demo: $(VENV)/.installed bytecode ## Set up .venv, validate the default case and render its reports into reports/
	@$(BIN)/strategy-kit validate $(CASE)
	@$(BIN)/python -m strategy_kit.demo $(CASE)

test: $(VENV)/.installed-test bytecode ## Set up .venv with test tools (and chromium, LibreOffice when root) and run the whole suite
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "chromium could not be installed: browser tests will be skipped (unless CI=true)"; \
	  else \
	    echo "No /usr/bin/chromium: browser tests will be skipped. Install it with: sudo apt-get install chromium"; \
	  fi; \
	fi
	@if ! command -v soffice >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's libreoffice-calc-nogui for the workbook round-trip test…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null) \
	      || echo "LibreOffice could not be installed: its test will be skipped (unless CI=true)"; \
	  else \
	    echo "No LibreOffice: its test will be skipped. Install it with: sudo apt-get install libreoffice-calc-nogui"; \
	  fi; \
	fi
	$(BIN)/ruff check strategy_kit tests benchmarks
	$(BIN)/python -m pytest -q -p no:cacheprovider tests
	$(BIN)/python -m pytest -q -p no:cacheprovider --nbval-lax --nbval-current-env notebooks

test-fast: $(VENV)/.installed-test bytecode ## Ruff, then the tests without a browser, LibreOffice or kernels (slow)
	$(BIN)/ruff check strategy_kit tests benchmarks
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow and not browser and not libreoffice" tests

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

lab: $(VENV)/.installed bytecode ## Open the explorer in JupyterLab on 127.0.0.1
	$(BIN)/strategy-kit explore $(CASE)

lint: $(VENV)/.installed-test ## Check the code with ruff
	$(BIN)/ruff check strategy_kit tests benchmarks

bench: $(VENV)/.installed-test bytecode ## Run the speed benchmarks and print their figures
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean: ## Remove .venv and generated reports
	rm -rf $(VENV) reports/*/

$(VENV)/.created:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "strategy-kit needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml
	$(BIN)/python -m pip install -q -e .
	@touch $@

# pip compiles what it installs, but the kit is installed editable: its bytecode is written here,
# once per change, so that every process (command, batch worker, kernel) loads it instead of
# compiling 130 modules again (0.9 s of CPU each when PYTHONDONTWRITEBYTECODE is set).
bytecode: $(VENV)/.installed
	@$(BIN)/python -m compileall -q strategy_kit

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@
