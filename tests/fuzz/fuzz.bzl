"""A fuzz target that runs briefly as a test in every build.

With `--config=libfuzzer` (clang, -fsanitize=fuzzer,address,undefined) the
binary is a libFuzzer fuzzer; otherwise it links a standalone mutation driver,
so `bazel test //...` still exercises every target over its seeds.
"""

def candor_fuzz_test(name, srcs, deps, corpus, seconds = 5):
    native.cc_binary(
        name = name + "_bin",
        testonly = True,
        srcs = srcs,
        deps = deps + select({
            "//tests/fuzz:libfuzzer": [],
            "//conditions:default": ["//tests/fuzz:standalone_driver"],
        }),
        linkopts = select({
            "//tests/fuzz:libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
    )
    native.sh_test(
        name = name,
        size = "small",
        srcs = ["run_fuzzer.sh"],
        args = [
            "$(location :%s_bin)" % name,
            "tests/fuzz/corpus/" + corpus,
            str(seconds),
        ],
        data = [":" + name + "_bin"] + native.glob(["corpus/%s/**" % corpus]),
        tags = ["fuzz"],
    )
