"""Generates C++ (and gRPC) code from .proto files with Debian's protoc.

Bazel 4's native proto rules would fetch protobuf sources; this macro runs the
system protoc and grpc_cpp_plugin instead, so the build stays offline and the
generated code matches the installed runtime libraries exactly.
"""

_PROTOC = "/usr/bin/protoc"
_GRPC_PLUGIN = "/usr/bin/grpc_cpp_plugin"

def candor_proto_library(name, srcs, deps = [], grpc = False, visibility = None, testonly = False):
    """Declares `name` (a cc_library) and `name_protos` (its .proto closure).

    Args:
      name: the cc_library to declare.
      srcs: .proto files in this package.
      deps: other candor_proto_library targets whose .proto files these import.
      grpc: also generate gRPC service stubs.
      visibility: visibility of the cc_library and the filegroup.
      testonly: for messages used only by tests.
    """
    bases = [s[:-len(".proto")] for s in srcs]
    headers = [b + ".pb.h" for b in bases]
    sources = [b + ".pb.cc" for b in bases]
    if grpc:
        headers += [b + ".grpc.pb.h" for b in bases]
        sources += [b + ".grpc.pb.cc" for b in bases]

    native.filegroup(
        name = name + "_protos",
        srcs = srcs + [d + "_protos" for d in deps],
        visibility = visibility,
        testonly = testonly,
    )

    cmd = "%s -I. --cpp_out=$(GENDIR)" % _PROTOC
    if grpc:
        cmd += " --grpc_out=$(GENDIR) --plugin=protoc-gen-grpc=%s" % _GRPC_PLUGIN
    cmd += " " + " ".join(["$(location %s)" % s for s in srcs])

    native.genrule(
        name = name + "_generate",
        srcs = srcs + [name + "_protos"],
        outs = headers + sources,
        cmd = cmd,
        message = "Generating C++ from %s" % ", ".join(srcs),
        testonly = testonly,
    )

    grpc_deps = ["//third_party:grpc"] if grpc else []
    native.cc_library(
        name = name,
        srcs = sources,
        hdrs = headers,
        deps = deps + ["//third_party:protobuf"] + grpc_deps,
        visibility = visibility,
        testonly = testonly,
    )
