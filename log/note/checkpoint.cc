#include "log/note/checkpoint.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "log/encoding/encoding.h"

namespace candor::note {
namespace {

absl::Status CheckpointError(absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("malformed checkpoint: ", problem));
}

}  // namespace

std::string FormatCheckpoint(const Checkpoint& checkpoint) {
  std::string out = absl::StrCat(checkpoint.origin, "\n", checkpoint.size, "\n",
                                 Base64Encode(merkle::AsBytes(checkpoint.root)), "\n");
  for (const std::string& ext : checkpoint.extensions) absl::StrAppend(&out, ext, "\n");
  return out;
}

absl::StatusOr<Checkpoint> ParseCheckpoint(absl::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return CheckpointError("text must end in a newline");
  }
  std::vector<absl::string_view> lines =
      absl::StrSplit(text.substr(0, text.size() - 1), '\n');
  if (lines.size() < 3) {
    return CheckpointError("need origin, size and root lines");
  }
  Checkpoint cp;
  if (lines[0].empty()) return CheckpointError("empty origin line");
  cp.origin = std::string(lines[0]);
  absl::string_view size = lines[1];
  bool digits = !size.empty() && size.size() <= 20;
  for (char c : size) digits = digits && c >= '0' && c <= '9';
  if (!digits || (size.size() > 1 && size[0] == '0') ||
      !absl::SimpleAtoi(size, &cp.size)) {
    return CheckpointError(
        "size line must be a decimal number without leading zeros");
  }
  absl::StatusOr<std::string> root = Base64Decode(lines[2]);
  if (!root.ok() || root->size() != merkle::kHashSize) {
    return CheckpointError("root line must be the base64 of 32 bytes");
  }
  cp.root = *merkle::HashFromBytes(*root);
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return CheckpointError("empty extension line");
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
  if (cp->origin != log_key.name()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint origin \"", cp->origin, "\" is not the log key's name \"",
        log_key.name(), "\""));
  }
  SignedCheckpoint out;
  out.checkpoint = *std::move(cp);
  out.note = std::string(signed_note);
  out.opened = *std::move(opened);
  return out;
}

}  // namespace candor::note
