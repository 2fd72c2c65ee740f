// C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the body of a signed note
// that commits a log to a tree size and root.
//
//   <origin>\n<decimal size>\n<base64 root>\n[<extension line>\n]*
//
// Pure functions, thread-safe. Malformed input is INVALID_ARGUMENT naming the
// line at fault.

#ifndef CANDOR_LOG_NOTE_CHECKPOINT_H_
#define CANDOR_LOG_NOTE_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "log/merkle/hash.h"
#include "log/note/note.h"

namespace candor::note {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  merkle::Hash root{};
  std::vector<std::string> extensions;  // opaque lines, without "\n"

  bool operator==(const Checkpoint& o) const {
    return origin == o.origin && size == o.size && root == o.root &&
           extensions == o.extensions;
  }
};

std::string FormatCheckpoint(const Checkpoint& checkpoint);
absl::StatusOr<Checkpoint> ParseCheckpoint(absl::string_view text);

// A checkpoint together with the signed note it came from, verbatim.
struct SignedCheckpoint {
  Checkpoint checkpoint;
  std::string note;  // the whole signed note text
  Note opened;
};

// Opens a signed checkpoint note: the signature of `log_key` must verify
// (other signatures, e.g. witnesses', are kept as unverified), and the origin
// must equal the key name, as C2SP requires.
absl::StatusOr<SignedCheckpoint> OpenCheckpoint(absl::string_view signed_note,
                                                const Verifier& log_key);

// Checks only the form: a signed note (note::Parse) whose text is a
// checkpoint. INVALID_ARGUMENT saying what is wrong; no signature is checked.
absl::Status CheckCheckpointForm(absl::string_view signed_note);

}  // namespace candor::note

#endif  // CANDOR_LOG_NOTE_CHECKPOINT_H_
