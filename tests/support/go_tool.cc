#include "tests/support/go_tool.h"

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace candor::testing {
namespace {

std::string TestTmpDir() {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

absl::Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create ", dir, ": ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> BuildGoProgram(const std::string& main_go) {
  std::error_code ec;
  const std::filesystem::path source = std::filesystem::absolute(main_go, ec);
  if (ec || !std::filesystem::is_regular_file(source, ec)) {
    return absl::NotFoundError(
        absl::StrCat("no Go source ", main_go, "; is it in the test's data?"));
  }
  const std::string base = TestTmpDir() + "/go";
  // GOCACHE must be writable and HOME must not point at a real home: the
  // sandbox forbids writes outside $TEST_TMPDIR.
  for (const char* dir : {"/bin", "/cache", "/home"}) {
    if (absl::Status s = MakeDirs(base + dir); !s.ok()) return s;
  }
  // One binary per source path, so programs in same-named folders coexist.
  const std::string out =
      absl::StrCat(base, "/bin/", source.parent_path().filename().string(), "-",
                   absl::Hex(std::hash<std::string>()(source.string())));
  // GOPATH mode and no proxy keep the build offline; GOTOOLCHAIN=local stops
  // newer go commands from fetching another toolchain.
  const std::vector<std::string> argv = {"/usr/bin/env",
                                         "GO111MODULE=off",
                                         "GOPATH=/usr/share/gocode",
                                         "GOCACHE=" + base + "/cache",
                                         "HOME=" + base + "/home",
                                         "GOFLAGS=",
                                         "GOTOOLCHAIN=local",
                                         "GOPROXY=off",
                                         "/usr/bin/go",
                                         "build",
                                         "-o",
                                         out,
                                         source.string()};
  absl::StatusOr<CommandResult> result = RunCommand(argv);
  if (!result.ok()) return result.status();
  if (result->exit_code != 0) {
    return absl::InternalError(absl::StrCat(absl::StrJoin(argv, " "),
                                            " exited with ", result->exit_code,
                                            ":\n", result->out, result->err));
  }
  return out;
}

}  // namespace candor::testing
