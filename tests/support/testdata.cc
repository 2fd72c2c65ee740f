#include "tests/support/testdata.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace candor::testing {

std::string SharedTestDataPath(absl::string_view relative) {
  // Bazel 4 places external repositories both under external/ in the main
  // repository's runfiles and as siblings of it; either will do.
  for (const char* prefix : {"external/shared_testdata/", "../shared_testdata/"}) {
    std::string candidate = absl::StrCat(prefix, relative);
    if (std::filesystem::exists(candidate)) return candidate;
  }
  return absl::StrCat("external/shared_testdata/", relative);
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return absl::UnavailableError(absl::StrCat("cannot read ", path));
  return out.str();
}

}  // namespace candor::testing
