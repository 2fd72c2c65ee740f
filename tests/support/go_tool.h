// Builds a Go program from source inside a test, offline, against Debian's Go
// toolchain (/usr/bin/go) and the Go sources it installs under
// /usr/share/gocode (GOPATH mode, e.g. golang.org/x/mod from
// golang-golang-x-mod-dev). Lets tests cross-check Candor with Go
// implementations it did not write. Run the binary with RunCommand.
//
// The source must be in the test's `data`; the binary and Go's build cache
// live under $TEST_TMPDIR, so nothing outside the sandbox is written.

#ifndef CANDOR_TESTS_SUPPORT_GO_TOOL_H_
#define CANDOR_TESTS_SUPPORT_GO_TOOL_H_

#include <string>

#include "absl/status/statusor.h"
#include "tests/support/subprocess.h"  // IWYU pragma: export (RunCommand)

namespace candor::testing {

// Compiles the single-file program `main_go` (a path relative to the test's
// working directory, e.g. "tests/go/notecheck/main.go") and returns the path
// of the binary. NOT_FOUND if the source is missing; INTERNAL with the go
// command's output if it fails.
absl::StatusOr<std::string> BuildGoProgram(const std::string& main_go);

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_GO_TOOL_H_
