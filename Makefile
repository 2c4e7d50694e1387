# The two commands the README promises, plus the benchmarks. Each runs scripts/setup first, so a
# fresh Debian machine needs nothing installed by hand.
SWIFT ?= swift
DEMO_STATE ?= .fairway/demo-state
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: setup build demo test fuzz bench schemas generate

setup:
	@scripts/setup

build: setup
	$(SWIFT) build

# Validate the template, plan it against an empty local state, apply it, and plan again (no changes).
demo: build
	@rm -rf $(DEMO_STATE)
	$(SWIFT) run --skip-build fairway validate platform-repo-template
	$(SWIFT) run --skip-build fairway plan platform-repo-template --state $(DEMO_STATE)
	$(SWIFT) run --skip-build fairway apply platform-repo-template --state $(DEMO_STATE) --auto-approve
	$(SWIFT) run --skip-build fairway plan platform-repo-template --state $(DEMO_STATE) --detailed-exitcode

# The whole test suite (what .ci/run runs), then the seeded mutation fuzzer for FUZZ_SECONDS
# (default 60): any crash, hang, missing file:line or state change fails the run.
FUZZ_SECONDS ?= 60
test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) python3 scripts/fuzz-repo.py --fairway "$$($(SWIFT) build --show-bin-path)/fairway"

# libFuzzer on the YAML reader, the model and the kubeconfig parser, FUZZ_SECONDS each.
fuzz: setup
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz-libfuzzer

bench: setup
	scripts/bench

# Regenerate the template's JSON Schemas and the embedded policies and GPU catalogue.
schemas: build
	$(SWIFT) run --skip-build fairway schema --out platform-repo-template/.schemas

generate:
	python3 scripts/generate-embedded.py
