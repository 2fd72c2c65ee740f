// Publishing static files (checkpoint, tiles, entry bundles) for any web
// server or CDN to serve.
//
// Thread-compatible. Errors are UNAVAILABLE with the path and the system's
// reason.

#ifndef CANDOR_LOG_TILES_FILE_WRITER_H_
#define CANDOR_LOG_TILES_FILE_WRITER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace candor::tiles {

class FileWriter {
 public:
  virtual ~FileWriter() = default;
  // Replaces the file at `relative_path` with `data`, so that a reader sees
  // either the old content or the new, never a mix.
  virtual absl::Status WriteFile(absl::string_view relative_path,
                                 absl::string_view data) = 0;
  // Removes the directory at `relative_path` and everything in it; OK if it
  // does not exist (removal is repeated after a crash).
  virtual absl::Status RemoveDirectory(absl::string_view relative_path) = 0;
};

// Writes under a root directory: parent directories are created, data goes
// to a temporary file in the same directory, which is then renamed over the
// target.
class DirectoryWriter : public FileWriter {
 public:
  explicit DirectoryWriter(std::string root) : root_(std::move(root)) {}
  absl::Status WriteFile(absl::string_view relative_path,
                         absl::string_view data) override;
  absl::Status RemoveDirectory(absl::string_view relative_path) override;

 private:
  std::string root_;
};

}  // namespace candor::tiles

#endif  // CANDOR_LOG_TILES_FILE_WRITER_H_
