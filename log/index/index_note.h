// The signed root of the verifiable index: a note, signed with the log's own
// key at the moment the log signs the checkpoint the index was built from,
// that binds the index root to that checkpoint's tree:
//
//   candor.dev/index/v1
//   <origin>
//   <tree size>
//   <base64 log root>
//   <base64 index root>
//
// Its first line is not an origin, so no checkpoint parser takes it for a
// checkpoint (and a checkpoint is never taken for it). Pure functions,
// thread-safe; malformed input is INVALID_ARGUMENT naming the line.

#ifndef CANDOR_LOG_INDEX_INDEX_NOTE_H_
#define CANDOR_LOG_INDEX_INDEX_NOTE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "log/merkle/hash.h"
#include "log/note/note.h"

namespace candor::index {

inline constexpr absl::string_view kIndexNoteHeader = "candor.dev/index/v1";

struct IndexCheckpoint {
  std::string origin;
  uint64_t size = 0;
  merkle::Hash log_root{};
  merkle::Hash index_root{};

  bool operator==(const IndexCheckpoint& o) const {
    return origin == o.origin && size == o.size && log_root == o.log_root &&
           index_root == o.index_root;
  }
};

std::string FormatIndexNote(const IndexCheckpoint& index);
absl::StatusOr<IndexCheckpoint> ParseIndexNote(absl::string_view text);

// Opens a signed index note: `log_key` must have signed it and its origin
// must be the key's name.
absl::StatusOr<IndexCheckpoint> OpenIndexNote(absl::string_view signed_note,
                                              const note::Verifier& log_key);

}  // namespace candor::index

#endif  // CANDOR_LOG_INDEX_INDEX_NOTE_H_
