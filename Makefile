# Set-up and everyday commands. `make serve` and `make test` create the virtual environment on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: serve test build validate lint bench wheel clean

$(BIN)/policykg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# `make serve PORT=9000 HOST=0.0.0.0` passes them on (default 127.0.0.1:8000, or POLICYKG_PORT/POLICYKG_HOST)
serve: $(BIN)/policykg
	$(BIN)/policykg serve $(if $(PORT),--port $(PORT)) $(if $(HOST),--host $(HOST))

test: $(BIN)/policykg
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -ra

build: $(BIN)/policykg
	$(BIN)/policykg build

validate: $(BIN)/policykg
	$(BIN)/policykg validate

bench: $(BIN)/policykg
	$(BIN)/python bench/bench_validation.py --quick
	$(BIN)/python bench/bench_endpoint.py

# the wheel `pip install .` installs, with the ontology, shapes and example queries inside (dist/)
wheel: $(BIN)/policykg
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .

clean:
	rm -rf data dist
