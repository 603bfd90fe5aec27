# One entry point per job. `make demo` runs the main job, `make test` runs every test.
# Both install what they need; see README.md.

SHELL := /bin/bash
SHARED := shared_functions
MODULE := data_processing/processing_module

# The one pinned librdkafka (scripts/build-librdkafka.sh builds it here once), found by SwiftPM
# through pkg-config and linked statically into every binary of the processing module.
LIBRDKAFKA_PREFIX ?= $(CURDIR)/.deps/librdkafka-2.8.0
export LIBRDKAFKA_PREFIX
export PKG_CONFIG_PATH := $(LIBRDKAFKA_PREFIX)/lib/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))

.PHONY: librdkafka bench bench-environment reliability soak help demo test test-shared test-module test-python python-environment notebooks system-packages bench-engine bench-kafka bench-pipeline bench-notebook

help:
	@echo "make demo          the main job: pipelines on an embedded broker, results live in the terminal"
	@echo "make test          install what is missing, build, and run every test"
	@echo "make librdkafka    build the pinned librdkafka 2.8.0 (once) and print the PKG_CONFIG_PATH for swift build"
	@echo "make test-shared   run only the shared_functions tests"
	@echo "make test-module   run only the processing module tests (embedded broker)"
	@echo "make test-python   the Python package, the notebooks executed headless, notebook/production parity, the README's commands, a small run of every benchmark"
	@echo "make notebooks     create the Python environment and start Jupyter Lab on research_notebooks/ (loopback, token printed)"
	@echo "make reliability   the reliability suite at full scale (20 crashes, ...), with its table (about 10 minutes)"
	@echo "make soak          10 minutes of continuous load; RSS and lag sampled every 5 s; fails if RSS grows"
	@echo "make bench         engine figures, then this module against kcat, a confluent-kafka loop, Quix Streams and Faust (about 10 minutes)"
	@echo "make bench-engine  engine throughput and memory per buffered record (about 2 minutes)"
	@echo "make bench-kafka   Kafka layer produce/consume throughput against kcat (about 1 minute)"
	@echo "make bench-pipeline end-to-end function_a pipeline on the embedded broker against kcat (about 1 minute)"
	@echo "make bench-notebook run_windows over 1,000,000 records against a pandas implementation (about 1 minute)"

system-packages:
	@scripts/install-system-packages.sh
	@scripts/build-librdkafka.sh "$(LIBRDKAFKA_PREFIX)"

# For builds outside make (`swift build` in the module's folder), export what this prints.
librdkafka: system-packages
	@echo "export PKG_CONFIG_PATH=$(LIBRDKAFKA_PREFIX)/lib/pkgconfig"

demo: system-packages
	cd $(MODULE) && swift build --product processing-module && .build/debug/processing-module demo

test: system-packages test-shared test-module test-python

test-shared:
	cd $(SHARED) && swift build --build-tests && swift test

test-module: system-packages
	cd $(MODULE) && swift build --build-tests && swift test

python-environment:
	@scripts/python-environment.sh

# Needs the processing module's debug build (made by test-module) for replay, export and verify,
# and for the benchmarks' smoke runs (tests/benchmarks).
test-python: system-packages python-environment
	cd $(SHARED) && swift build -c release --product SharedFunctionsC
	cd $(MODULE) && swift build --product processing-module
	cd $(SHARED) && swift build --product shared-functions
	.venv/bin/python -m pytest -q $(SHARED)/python/tests
	.venv/bin/python -m pytest -q research_notebooks/tests
	.venv/bin/python -m pytest -q tests/parity
	.venv/bin/python -m pytest -q tests/readme
	.venv/bin/python -m pytest -q tests/benchmarks

notebooks: system-packages
	@scripts/python-environment.sh jupyterlab
	cd $(SHARED) && swift build -c release --product SharedFunctionsC
	cd $(MODULE) && swift build -c release --product processing-module
	cd research_notebooks && PROCESSING_MODULE_BIN=$(CURDIR)/$(MODULE)/.build/release/processing-module \
		JUPYTER=$(CURDIR)/.venv/bin/jupyter ./start-jupyter.sh

bench-engine:
	cd $(SHARED) && swift build -c release --product shared-functions && .build/release/shared-functions benchmark

bench-kafka: system-packages
	cd $(MODULE) && swift build -c release --product processing-module && .build/release/processing-module kafka-benchmark

bench-pipeline: system-packages
	cd $(MODULE) && swift build -c release --product processing-module && .build/release/processing-module pipeline-benchmark

bench-notebook: system-packages python-environment
	cd $(SHARED) && swift build -c release --product SharedFunctionsC
	.venv/bin/python $(SHARED)/python/benchmarks/run_windows_benchmark.py

# The normal test run includes every reliability scenario at a fast scale (RELIABILITY unset).
reliability: system-packages
	cd $(MODULE) && swift build --build-tests
	mkdir -p out && rm -f out/reliability.jsonl
	cd $(MODULE) && RELIABILITY=full RELIABILITY_REPORT=$(CURDIR)/out/reliability.jsonl \
		swift test --skip-build --filter "CrashTests|RebalanceTests|BrokerFaultTests|HostileInputTests|FunctionFailureTests|MemoryBoundTests|ProcessLifecycleTests"
	python3 scripts/reliability-table.py out/reliability.jsonl

soak: system-packages
	cd $(MODULE) && swift build -c release --product processing-module
	python3 scripts/soak.py

# The peers (Quix Streams, Faust, confluent-kafka) live in their own environment, apart from the
# notebooks' .venv, so the test environment stays small.
BENCH_VENV := .venv-bench

bench-environment: $(BENCH_VENV)/.installed

$(BENCH_VENV)/.installed: benchmarks/requirements.txt
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r benchmarks/requirements.txt
	touch $@

bench: system-packages bench-environment
	cd $(SHARED) && swift build -c release --product shared-functions
	cd $(MODULE) && swift build -c release --product processing-module
	$(SHARED)/.build/release/shared-functions benchmark
	$(BENCH_VENV)/bin/python benchmarks/compare.py
