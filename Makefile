# The two commands the README promises, plus the benchmarks. Each runs scripts/setup first, so a
# fresh Debian machine needs nothing installed by hand.
SWIFT ?= swift
DEMO_STATE ?= .fairway/demo-state
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: setup build demo test bench schemas generate

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

# The whole test suite (what .ci/run runs).
test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: setup
	scripts/bench

# Regenerate the template's JSON Schemas and the embedded policies and GPU catalogue.
schemas: build
	$(SWIFT) run --skip-build fairway schema --out platform-repo-template/.schemas

generate:
	python3 scripts/generate-embedded.py
