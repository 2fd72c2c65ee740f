// Locates the shared test vectors (../shared/testdata next to the checkout),
// which Bazel exposes to tests as the external repository @shared_testdata.

#ifndef CANDOR_TESTS_SUPPORT_TESTDATA_H_
#define CANDOR_TESTS_SUPPORT_TESTDATA_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor::testing {

// The path of `relative` (e.g. "note/test-log.vkey") inside the shared test
// data, from a test's working directory.
std::string SharedTestDataPath(absl::string_view relative);

// The whole content of a file; NOT_FOUND or UNAVAILABLE with the path on
// failure.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_TESTDATA_H_
