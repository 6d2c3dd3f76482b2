# Cairn's entry points. `make test` is what CI runs (.ci/run).
SWIFT ?= swift
BUILD_DEPS := liblz4-dev pkg-config

.PHONY: test deps build bench run clean

deps:
	@scripts/install-deps.sh $(BUILD_DEPS)

build: deps
	$(SWIFT) build -Xswiftc -warnings-as-errors

# Builds everything (warnings are errors) and runs every test.
test: deps
	$(SWIFT) build --build-tests -Xswiftc -warnings-as-errors
	$(SWIFT) test --skip-build
	$(SWIFT) run --skip-build cairn-example

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
