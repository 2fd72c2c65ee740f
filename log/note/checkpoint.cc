#include "log/note/checkpoint.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "log/encoding/encoding.h"

namespace candor::note {
namespace {

absl::Status CheckpointError(absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed checkpoint: ", problem));
}

// One size has exactly one spelling, so two checkpoints for the same tree
// cannot differ in their text: digits only, no sign, no leading zero.
absl::StatusOr<uint64_t> ParseSize(absl::string_view line) {
  bool digits = !line.empty();
  for (char c : line) digits = digits && c >= '0' && c <= '9';
  if (!digits || (line.size() > 1 && line[0] == '0')) {
    return CheckpointError(
        "size line must be decimal digits without sign or leading zeros");
  }
  uint64_t size = 0;
  if (!absl::SimpleAtoi(line, &size)) {
    return CheckpointError("size line does not fit in 64 bits");
  }
  return size;
}

absl::StatusOr<merkle::Hash> ParseRoot(absl::string_view line) {
  absl::StatusOr<std::string> root = Base64Decode(line);
  if (!root.ok() || root->size() != merkle::kHashSize) {
    return CheckpointError(
        "root line must be the canonical base64 of 32 bytes");
  }
  return merkle::HashFromBytes(*root);
}

}  // namespace

std::string FormatCheckpoint(const Checkpoint& checkpoint) {
  std::string out =
      absl::StrCat(checkpoint.origin, "\n", checkpoint.size, "\n",
                   Base64Encode(merkle::AsBytes(checkpoint.root)), "\n");
  for (const std::string& ext : checkpoint.extensions) {
    absl::StrAppend(&out, ext, "\n");
  }
  return out;
}

absl::StatusOr<Checkpoint> ParseCheckpoint(absl::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return CheckpointError("text must end in a newline");
  }
  text.remove_suffix(1);
  const std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (lines.size() < 3) {
    return CheckpointError("need origin, size and root lines");
  }
  Checkpoint cp;
  if (lines[0].empty()) return CheckpointError("empty origin line");
  cp.origin = std::string(lines[0]);
  absl::StatusOr<uint64_t> size = ParseSize(lines[1]);
  if (!size.ok()) return size.status();
  cp.size = *size;
  absl::StatusOr<merkle::Hash> root = ParseRoot(lines[2]);
  if (!root.ok()) return root.status();
  cp.root = *root;
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return CheckpointError(
          absl::StrCat("line ", i + 1, " (an extension line) is empty"));
    }
    cp.extensions.emplace_back(lines[i]);
  }
  return cp;
}

absl::StatusOr<SignedCheckpoint> OpenCheckpoint(absl::string_view signed_note,
                                                const Verifier& log_key) {
  absl::StatusOr<Note> opened = Open(signed_note, {log_key});
  if (!opened.ok()) return opened.status();
  absl::StatusOr<Checkpoint> cp = ParseCheckpoint(opened->text);
  if (!cp.ok()) return cp.status();
  // Without this, a key trusted for one log would vouch for another's tree.
  if (cp->origin != log_key.name()) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint origin \"", cp->origin,
                     "\" is not the log key's name \"", log_key.name(), "\""));
  }
  SignedCheckpoint out;
  out.checkpoint = *std::move(cp);
  out.note = std::string(signed_note);
  out.opened = *std::move(opened);
  return out;
}

absl::Status CheckCheckpointForm(absl::string_view signed_note) {
  absl::StatusOr<Note> parsed = Parse(signed_note);
  if (!parsed.ok()) return parsed.status();
  return ParseCheckpoint(parsed->text).status();
}

}  // namespace candor::note
