# One entry point per job. `make demo` runs the main job, `make test` runs every test.
# Both install what they need; see README.md.

SHELL := /bin/bash
SHARED := shared_functions

.PHONY: demo test test-shared bench-engine help

help:
	@echo "make demo         run the main job"
	@echo "make test         install what is missing, build, and run every test"
	@echo "make test-shared  run only the shared_functions tests"
	@echo "make bench-engine engine throughput and memory per buffered record (release build, about 2 minutes)"

demo:
	cd $(SHARED) && swift run -c release shared-functions sample

test: test-shared

test-shared:
	cd $(SHARED) && swift build --build-tests && swift test

bench-engine:
	cd $(SHARED) && swift build -c release --product shared-functions && .build/release/shared-functions benchmark
