#include "verifier/site/site_writer.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace candor::site {
namespace {

namespace fs = std::filesystem;

bool SafePath(const std::string& path) {
  if (path.empty() || path.front() == '/') return false;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == "." || part == "..") return false;
  }
  return true;
}

bool SameBytes(const fs::path& path, const std::string& body) {
  std::error_code ec;
  if (fs::file_size(path, ec) != body.size() || ec) return false;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return in.good() || in.eof() ? buf.str() == body : false;
}

absl::Status WriteOne(const fs::path& path, const std::string& body) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create ", path.parent_path().string(), ": ", ec.message()));
  }
  if (SameBytes(path, body)) return absl::OkStatus();
  const fs::path temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    out.close();
    if (!out) {
      return absl::InternalError(
          absl::StrCat("cannot write ", temp.string(), ": ", std::strerror(errno)));
    }
  }
  fs::rename(temp, path, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot rename ", temp.string(), " to ", path.string(), ": ",
                     ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteSite(const Site& site, const std::string& dir) {
  for (const auto& [path, file] : site.files) {
    if (!SafePath(path)) {
      return absl::InvalidArgumentError(absl::StrCat("site path \"", path, "\" leaves ", dir));
    }
  }
  for (const auto& [path, file] : site.files) {
    if (absl::Status s = WriteOne(fs::path(dir) / path, file.body); !s.ok()) return s;
  }
  return absl::OkStatus();
}

std::set<uint64_t> PublishedSizes(const std::string& dir) {
  std::set<uint64_t> sizes;
  std::error_code ec;
  for (const fs::directory_entry& e :
       fs::directory_iterator(fs::path(dir) / "api/v1/consistency", ec)) {
    const std::string name = e.path().filename().string();
    uint64_t n = 0;
    if (absl::EndsWith(name, ".json") &&
        absl::SimpleAtoi(name.substr(0, name.size() - 5), &n)) {
      sizes.insert(n);
    }
  }
  return sizes;
}

void RemoveConsistencyFile(const std::string& dir, uint64_t old_size) {
  std::error_code ec;
  fs::remove(fs::path(dir) / "api/v1/consistency" / absl::StrCat(old_size, ".json"), ec);
}

}  // namespace candor::site
