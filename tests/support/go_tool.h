// Builds a Go program from source inside a test, offline, against Debian's
// Go toolchain and golang.org/x/mod (GOPATH mode).

#ifndef CANDOR_TESTS_SUPPORT_GO_TOOL_H_
#define CANDOR_TESTS_SUPPORT_GO_TOOL_H_

#include <string>

#include "absl/status/statusor.h"

namespace candor::testing {

// Compiles the single-file program `main_go` into a binary under
// $TEST_TMPDIR and returns its path; the error carries go's output.
absl::StatusOr<std::string> BuildGoProgram(const std::string& main_go);

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_GO_TOOL_H_
