#include "tests/support/go_tool.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Writes `source` as <tmp>/<name>/main.go and returns that path.
std::string WriteGoSource(const std::string& name, const std::string& source) {
  const std::string dir = ::testing::TempDir() + "/" + name;
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/main.go";
  std::ofstream(path) << source;
  return path;
}

TEST(GoTool, BuildsAndRunsAProgram) {
  auto binary = BuildGoProgram(WriteGoSource("hello", R"(package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	in, _ := io.ReadAll(os.Stdin)
	fmt.Printf("%s read %q", os.Args[1], in)
	fmt.Fprint(os.Stderr, "to stderr")
	os.Exit(3)
}
)"));
  ASSERT_THAT(binary, IsOk());
  auto result = RunCommand({*binary, "hello"}, "input");
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_EQ(result->out, "hello read \"input\"");
  EXPECT_EQ(result->err, "to stderr");
}

// The point of the helper: Debian's golang.org/x/mod builds offline.
TEST(GoTool, FindsGoPackagesInstalledByDebian) {
  auto binary = BuildGoProgram(WriteGoSource("gopath", R"(package main

import (
	"fmt"

	"golang.org/x/mod/sumdb/note"
)

func main() {
	_, err := note.NewVerifier("bad")
	fmt.Print(err)
}
)"));
  ASSERT_THAT(binary, IsOk());
  auto result = RunCommand({*binary});
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->out, "malformed verifier id");
}

TEST(GoTool, ReportsCompileErrorsAndMissingSources) {
  const std::string broken = WriteGoSource(
      "broken", "package main\n\nfunc main() { undefinedName() }\n");
  auto binary = BuildGoProgram(broken);
  EXPECT_THAT(binary, StatusCodeIs(absl::StatusCode::kInternal));
  EXPECT_THAT(
      std::string(binary.status().message()),
      AllOf(StartsWith("/usr/bin/env GO111MODULE=off"),
            HasSubstr(" exited with "), HasSubstr("undefined: undefinedName")));
  EXPECT_THAT(
      BuildGoProgram("no/such/main.go"),
      StatusIs(absl::StatusCode::kNotFound,
               "no Go source no/such/main.go; is it in the test's data?"));
}

}  // namespace
}  // namespace candor::testing
