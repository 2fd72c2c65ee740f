# The two commands a newcomer needs (see README.md):
#   make run    install what is missing, build, and run the demo
#   make test   install what is missing, build, and run every test

BAZEL ?= bazel

.PHONY: setup build run test bench clean

setup:
	@./third_party/setup.sh

build: setup
	$(BAZEL) build //...

DEMO_TARGETS = //client:candor //log/server:candor-log //verifier/server:candor-verifier

run: setup
	$(BAZEL) build $(DEMO_TARGETS)
	./tests/demo/run_demo.sh

test: setup
	$(BAZEL) test //...

# Optimised binaries, ceilings and figures side by side: results/bench.md.
bench: setup
	./tests/bench/run_bench.sh

clean:
	$(BAZEL) clean
