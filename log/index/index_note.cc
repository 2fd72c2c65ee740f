#include "log/index/index_note.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "log/encoding/encoding.h"

namespace candor::index {
namespace {

absl::StatusOr<merkle::Hash> ReadHashLine(absl::string_view line, absl::string_view what) {
  absl::StatusOr<std::string> bytes = Base64Decode(line);
  if (!bytes.ok() || bytes->size() != merkle::kHashSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "index note line ", what, " is not a base64 SHA-256 hash"));
  }
  return merkle::HashFromBytes(*bytes);
}

}  // namespace

std::string FormatIndexNote(const IndexCheckpoint& index) {
  return absl::StrCat(kIndexNoteHeader, "\n", index.origin, "\n", index.size, "\n",
                      Base64Encode(merkle::AsBytes(index.log_root)), "\n",
                      Base64Encode(merkle::AsBytes(index.index_root)), "\n");
}

absl::StatusOr<IndexCheckpoint> ParseIndexNote(absl::string_view text) {
  if (!absl::EndsWith(text, "\n")) {
    return absl::InvalidArgumentError("index note text does not end in a newline");
  }
  text.remove_suffix(1);
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (lines.size() != 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        "an index note has 5 lines, this one ", lines.size()));
  }
  if (lines[0] != kIndexNoteHeader) {
    return absl::InvalidArgumentError(absl::StrCat(
        "index note line 1 is not \"", kIndexNoteHeader, "\""));
  }
  IndexCheckpoint out;
  out.origin = std::string(lines[1]);
  if (out.origin.empty()) return absl::InvalidArgumentError("index note line 2 (origin) is empty");
  if (lines[2].empty() || (lines[2].size() > 1 && lines[2][0] == '0') ||
      lines[2].find_first_not_of("0123456789") != absl::string_view::npos ||
      !absl::SimpleAtoi(lines[2], &out.size)) {
    return absl::InvalidArgumentError("index note line 3 is not a tree size");
  }
  absl::StatusOr<merkle::Hash> log_root = ReadHashLine(lines[3], "4 (log root)");
  if (!log_root.ok()) return log_root.status();
  absl::StatusOr<merkle::Hash> index_root = ReadHashLine(lines[4], "5 (index root)");
  if (!index_root.ok()) return index_root.status();
  out.log_root = *log_root;
  out.index_root = *index_root;
  return out;
}

absl::StatusOr<IndexCheckpoint> OpenIndexNote(absl::string_view signed_note,
                                              const note::Verifier& log_key) {
  absl::StatusOr<note::Note> opened = note::Open(signed_note, {log_key});
  if (!opened.ok()) return opened.status();
  absl::StatusOr<IndexCheckpoint> index = ParseIndexNote(opened->text);
  if (!index.ok()) return index.status();
  if (index->origin != log_key.name()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "index note origin \"", index->origin, "\" is not the log key's name \"",
        log_key.name(), "\""));
  }
  return index;
}

}  // namespace candor::index
