# Cairn's entry points. `make test` is what CI runs (.ci/run).
SWIFT ?= swift
BUILD_DEPS := liblz4-dev pkg-config

.PHONY: test deps build bench clean

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

clean:
	rm -rf .build
