# Cairn's entry points. `make test` is what CI runs (.ci/run).
SWIFT ?= swift
BUILD_DEPS := liblz4-dev pkg-config lz4

.PHONY: test deps interop-deps interop fuzz build bench run clean

deps:
	@scripts/install-deps.sh $(BUILD_DEPS)

build: deps
	$(SWIFT) build -Xswiftc -warnings-as-errors

# redis-cli, redis-benchmark and redis-py, for the interop suite.
interop-deps:
	@scripts/install-interop-deps.sh

# Builds everything (warnings are errors) and runs every test: the Swift
# suites, the README's example, and real clients against a real
# cairn-server process (Tests/interop).
test: deps interop-deps
	$(SWIFT) build --build-tests -Xswiftc -warnings-as-errors
	$(SWIFT) test --skip-build
	$(SWIFT) run --skip-build cairn-example
	bash Tests/interop/run.sh .build/debug/cairn-server
	$(MAKE) fuzz

# Every libFuzzer target of Fuzz/ for FUZZ_SECONDS each on its corpus
# (testdata/fuzz/); a longer run: Fuzz/run.sh all 3600.
FUZZ_SECONDS ?= 30
fuzz: deps
	bash Fuzz/run.sh all $(FUZZ_SECONDS)

# The interop suite alone, against the debug cairn-server.
interop: deps interop-deps
	$(SWIFT) build --product cairn-server -Xswiftc -warnings-as-errors
	$(SWIFT) build --product cairn-dump -Xswiftc -warnings-as-errors
	bash Tests/interop/run.sh .build/debug/cairn-server

# Release-mode benchmarks, side by side with redis-server where it applies.
bench: deps
	$(SWIFT) build -c release --product cairn-bench
	.build/release/cairn-bench

# The server in release mode with the default configuration (127.0.0.1:6379,
# ./cairn-data); extra options go through ARGS, e.g. make run ARGS="--port 6390".
run: deps
	$(SWIFT) build -c release --product cairn-server
	.build/release/cairn-server $(ARGS)

clean:
	rm -rf .build
