#include "log/tiles/file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace candor::tiles {
namespace {

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

}  // namespace

absl::Status DirectoryWriter::WriteFile(absl::string_view relative_path,
                                        absl::string_view data) {
  const std::filesystem::path target =
      std::filesystem::path(root_) / std::string(relative_path);
  std::error_code ec;
  std::filesystem::create_directories(target.parent_path(), ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat(
        "creating ", target.parent_path().string(), ": ", ec.message()));
  }
  const std::string tmp = absl::StrCat(target.string(), ".tmp-", ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("creating", tmp);
  size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      absl::Status s = Errno("writing", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    absl::Status s = Errno("closing", tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    absl::Status s = Errno("renaming", tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  return absl::OkStatus();
}

absl::Status DirectoryWriter::RemoveDirectory(absl::string_view relative_path) {
  const std::filesystem::path target =
      std::filesystem::path(root_) / std::string(relative_path);
  std::error_code ec;
  std::filesystem::remove_all(target, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("removing ", target.string(), ": ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace candor::tiles
