// Scratch files for tests that hand files to other programs: paths in the
// test's temporary directory, written and read whole.

#ifndef CANDOR_TESTS_SUPPORT_TEMP_FILES_H_
#define CANDOR_TESTS_SUPPORT_TEMP_FILES_H_

#include <string>

namespace candor::testing {

// `name` inside ::testing::TempDir().
std::string TempPath(const std::string& name);

// Creates or replaces `path` with `data`; a test failure if it cannot.
void WriteTestFile(const std::string& path, const std::string& data);

// The whole file, or "" if it cannot be read (for files that may be absent;
// ReadFileToString in testdata.h says why a required one is missing).
std::string ReadTestFile(const std::string& path);

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_TEMP_FILES_H_
