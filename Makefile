# The two commands a newcomer needs (see README.md):
#   make run    install what is missing, build, and run the demo
#   make test   install what is missing, build, and run every test

BAZEL ?= bazel

# Every package. The sanitizer and fuzzing runs use their own output bases;
# `//...` there would descend into the main build's bazel-<dir> symlink, and
# they leave the bazel-* symlinks pointing at the main build.
ALL_PACKAGES = //base/... //client/... //cmd/... //log/... //proto/... //tests/... //third_party/... //verifier/...
SIDE_BUILD = --experimental_convenience_symlinks=ignore

.PHONY: setup build run test bench fuzz asan clean

setup:
	@./third_party/setup.sh

build: setup
	$(BAZEL) build //...

DEMO_TARGETS = //client:candor //cmd/candor-log:candor-log //verifier/server:candor-verifier \
  //cmd/candor-witness:candor-witness

run: setup
	$(BAZEL) build $(DEMO_TARGETS)
	./tests/demo/run_demo.sh

# Every test; then every fuzz target for 5 s as a real libFuzzer with ASan
# and UBSan; then the whole suite again under ASan + UBSan.
# TEST_FLAGS go to every `bazel test`: `make test TEST_FLAGS=--nocache_test_results`
# runs every test again rather than taking cached results.
TEST_FLAGS ?=
test: setup
	$(BAZEL) test $(TEST_FLAGS) //...
	$(BAZEL) --output_base=$(FUZZ_BASE) test --config=libfuzzer $(SIDE_BUILD) $(TEST_FLAGS) //tests/fuzz/...
	$(BAZEL) --output_base=$(ASAN_BASE) test --config=asan $(SIDE_BUILD) $(TEST_FLAGS) $(ALL_PACKAGES)

# Optimised binaries, ceilings and figures side by side: results/bench.md.
bench: setup
	./tests/bench/run_bench.sh

# libFuzzer (clang, ASan + UBSan) on every parser of outside input, each
# target for FUZZ_SECONDS; its own output base keeps the GCC build cached.
FUZZ_SECONDS ?= 600
FUZZ_BASE = $(HOME)/.cache/candor/bazel-fuzz
fuzz: setup
	$(BAZEL) --output_base=$(FUZZ_BASE) test --config=libfuzzer $(SIDE_BUILD) \
	  --test_env=FUZZ_SECONDS=$(FUZZ_SECONDS) --test_timeout=$$(($(FUZZ_SECONDS) + 300)) \
	  --test_output=summary //tests/fuzz/...

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its
# own output base so the plain build stays cached.
ASAN_BASE = $(HOME)/.cache/candor/bazel-asan
asan: setup
	$(BAZEL) --output_base=$(ASAN_BASE) test --config=asan $(SIDE_BUILD) $(ALL_PACKAGES)

clean:
	$(BAZEL) clean
