# netinspect — the two commands that do everything on a fresh Debian 12 machine:
#   make run    install what is missing, build, run the main job
#   make test   install what is missing, build, run every test (normal + ASan/UBSan build)
# CMake + Ninja do the real work; this file only fixes the options and the order.

BUILD_DIR  ?= build
ASAN_DIR   ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
WERROR     ?= ON
CTEST_JOBS ?= 2

CMAKE_COMMON := -G Ninja -DNETINSPECT_WERROR=$(WERROR)

.DEFAULT_GOAL := help
.PHONY: help deps configure build test test-unit test-asan asan run conformance clean bench

help:  ## show this help
	@echo "netinspect make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo "variables: BUILD_DIR=$(BUILD_DIR) ASAN_DIR=$(ASAN_DIR) JOBS=$(JOBS) WERROR=$(WERROR)"

deps:  ## install missing Debian packages (scripts/debian-packages.txt)
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure  ## build everything into build/ (binary: build/netinspect)
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test-unit: build  ## run the tests of the normal build (unit, CLI, jq conformance)
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(CTEST_JOBS)

asan: deps  ## build everything with ASan+UBSan into build-asan/
	@cmake -S . -B $(ASAN_DIR) $(CMAKE_COMMON) -DNETINSPECT_SANITIZE=ON \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS)

test-asan: asan  ## run every test under ASan+UBSan
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_DIR) --output-on-failure -j $(CTEST_JOBS)

test: test-unit test-asan test-fuzz  ## build and run all tests, then again under ASan+UBSan, then a short fuzz run

conformance: build  ## run jq's test suite, listing every failing case
	@$(BUILD_DIR)/tests/jq_conformance -v -L tests/conformance/modules tests/conformance/jq-tests/*.test

run: configure  ## build the program, then print an overview of this host's network stack (bundled sample if capture fails)
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target netinspect
	@scripts/overview $(BUILD_DIR)/netinspect

clean:  ## remove build/ and build-asan/
	rm -rf $(BUILD_DIR) $(ASAN_DIR)

bench: build  ## time netinspect query vs jq and gojq on a generated 1 GiB snapshot (BENCH_ARGS="--size 200M --no-jq")
	@bench/run-bench.sh --netinspect $(BUILD_DIR)/netinspect $(BENCH_ARGS)

.PHONY: bench-views
bench-views: build  ## time the views (sockets --json, sockets, nics, counters, overview) on 100,000 sockets vs jq (BENCH_ARGS="--runs 5")
	@bench/views-bench.sh --netinspect $(BUILD_DIR)/netinspect $(BENCH_ARGS)

# --- Fuzzing (fuzz/README.md): clang + libFuzzer build of the parsers into build-fuzz/.
FUZZ_DIR          ?= build-fuzz
FUZZ_SECONDS      ?= 60
FUZZ_TEST_SECONDS ?= 20
FUZZ_TEST_JOBS    ?= 2
FUZZ_LONG_SECONDS ?= 1800
FUZZ_LONG_RUNS    ?= 1000000
FUZZ_TARGETS      ?=
.PHONY: fuzz-build fuzz fuzz-long test-fuzz

fuzz-build: deps
	@CC=clang CXX=clang++ cmake -S fuzz -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_all

fuzz: fuzz-build  ## build the libFuzzer targets, run each FUZZ_SECONDS (60) (FUZZ_TARGETS="jq_run json_parse")
	@fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-long: fuzz-build  ## run each fuzz target to FUZZ_LONG_RUNS (1000000) executions or FUZZ_LONG_SECONDS (1800), growing build-fuzz/corpus
	@FUZZ_RUNS=$(FUZZ_LONG_RUNS) fuzz/run.sh $(FUZZ_DIR) $(FUZZ_LONG_SECONDS) $(FUZZ_TARGETS)

# Part of `make test`: ~6 min of clang build from scratch plus 10 targets x 20 s,
# two at a time (FUZZ_TEST_JOBS) = under 2 min; `make test FUZZ_TEST_SECONDS=0` skips the fuzzing.
test-fuzz: fuzz-build  ## CI-sized fuzz run (in make test): each target FUZZ_TEST_SECONDS (20), 2 at a time, fails on a crash
	@if [ "$(FUZZ_TEST_SECONDS)" = 0 ]; then echo "test-fuzz: skipped (FUZZ_TEST_SECONDS=0)"; \
	 else FUZZ_JOBS=$(FUZZ_TEST_JOBS) fuzz/run.sh $(FUZZ_DIR) $(FUZZ_TEST_SECONDS) $(FUZZ_TARGETS); fi
