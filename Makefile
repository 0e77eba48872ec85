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
.PHONY: help deps configure build test test-unit test-asan asan run conformance clean

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

test: test-unit test-asan  ## build and run all tests, then again under ASan+UBSan

conformance: build  ## run jq's test suite, listing every failing case
	@$(BUILD_DIR)/tests/jq_conformance -v -L tests/conformance/modules tests/conformance/jq-tests/*.test

run: configure  ## build the program, then print an overview of the bundled sample snapshot
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target netinspect
	@scripts/overview $(BUILD_DIR)/netinspect tests/data/synthetic_netstack2_inspect.json

clean:  ## remove build/ and build-asan/
	rm -rf $(BUILD_DIR) $(ASAN_DIR)
