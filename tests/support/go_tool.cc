#include "tests/support/go_tool.h"

#include <cstdlib>
#include <filesystem>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tests/support/subprocess.h"

namespace candor::testing {

absl::StatusOr<std::string> BuildGoProgram(const std::string& main_go) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string base = tmp != nullptr ? tmp : "/tmp";
  const std::string name = std::filesystem::path(main_go).parent_path().filename();
  const std::string out = absl::StrCat(base, "/go-bin/", name);
  std::filesystem::create_directories(base + "/go-bin");
  const std::string cache = base + "/go-cache";
  std::filesystem::create_directories(cache);
  auto result = RunCommand(
      {"/usr/bin/env", "GO111MODULE=off", "GOPATH=/usr/share/gocode",
       "GOCACHE=" + cache, "HOME=" + base, "GOFLAGS=", "GOTOOLCHAIN=local",
       "GOPROXY=off", "/usr/bin/go", "build", "-o", out,
       std::filesystem::absolute(main_go).string()});
  if (!result.ok()) return result.status();
  if (result->exit_code != 0) {
    return absl::InternalError(absl::StrCat("go build ", main_go, " failed:\n",
                                            result->out, result->err));
  }
  return out;
}

}  // namespace candor::testing
