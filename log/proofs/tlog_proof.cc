#include "log/proofs/tlog_proof.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "log/encoding/encoding.h"
#include "log/merkle/proof.h"

namespace candor::proofs {
namespace {

absl::Status LineError(size_t line, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("tlog-proof line ", line, ": ", problem));
}

// Canonical decimal: digits only, no leading zero unless "0".
bool ParseCanonicalUint(absl::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  if (s.size() > 1 && s[0] == '0') return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return absl::SimpleAtoi(s, &out);
}

}  // namespace

std::string FormatTlogProof(const TlogProof& proof) {
  std::string out = absl::StrCat(kTlogProofHeader, "\n");
  if (proof.extra.has_value()) {
    absl::StrAppend(&out, "extra ", Base64Encode(*proof.extra), "\n");
  }
  absl::StrAppend(&out, "index ", proof.index, "\n");
  for (const merkle::Hash& h : proof.hashes) {
    absl::StrAppend(&out, Base64Encode(merkle::AsBytes(h)), "\n");
  }
  absl::StrAppend(&out, "\n", proof.checkpoint);
  return out;
}

absl::StatusOr<TlogProof> ParseTlogProof(absl::string_view text) {
  TlogProof proof;
  size_t pos = 0;
  size_t line_number = 0;
  // Returns the next line without its "\n"; nullopt at a missing newline.
  auto next_line = [&]() -> std::optional<absl::string_view> {
    size_t end = text.find('\n', pos);
    if (end == absl::string_view::npos) return std::nullopt;
    absl::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    return line;
  };

  std::optional<absl::string_view> line = next_line();
  if (!line || *line != kTlogProofHeader) {
    return LineError(1, absl::StrCat("must be \"", kTlogProofHeader, "\""));
  }
  line = next_line();
  if (line && absl::StartsWith(*line, "extra ")) {
    absl::StatusOr<std::string> extra = Base64Decode(line->substr(6));
    if (!extra.ok()) return LineError(line_number, extra.status().message());
    proof.extra = *std::move(extra);
    line = next_line();
  }
  if (!line || !absl::StartsWith(*line, "index ") ||
      !ParseCanonicalUint(line->substr(6), proof.index)) {
    return LineError(line_number,
                     "must be \"index <N>\" with N in decimal, no leading zeros");
  }
  while (true) {
    line = next_line();
    if (!line) return LineError(line_number + 1, "missing blank line before the checkpoint");
    if (line->empty()) break;
    if (proof.hashes.size() == kMaxProofHashes) {
      return LineError(line_number, absl::StrCat("more than ", kMaxProofHashes,
                                                 " proof hashes"));
    }
    absl::StatusOr<std::string> raw = Base64Decode(*line);
    if (!raw.ok()) return LineError(line_number, raw.status().message());
    absl::StatusOr<merkle::Hash> h = merkle::HashFromBytes(*raw);
    if (!h.ok()) return LineError(line_number, h.status().message());
    proof.hashes.push_back(*h);
  }
  proof.checkpoint = std::string(text.substr(pos));
  if (proof.checkpoint.empty()) {
    return LineError(line_number + 1, "the checkpoint is missing");
  }
  return proof;
}

absl::StatusOr<note::SignedCheckpoint> VerifyTlogProof(
    const TlogProof& proof, const note::Verifier& log_key,
    const merkle::Hash& leaf_hash) {
  absl::StatusOr<note::WitnessedCheckpoint> cp =
      VerifyTlogProof(proof, CheckpointChecker(log_key), leaf_hash);
  if (!cp.ok()) return cp.status();
  return std::move(cp->checkpoint);
}

absl::StatusOr<note::WitnessedCheckpoint> VerifyTlogProof(
    const TlogProof& proof, const CheckpointChecker& checker,
    const merkle::Hash& leaf_hash) {
  absl::StatusOr<note::WitnessedCheckpoint> cp = checker.Check(proof.checkpoint);
  if (!cp.ok()) return cp.status();
  const note::Checkpoint& checkpoint = cp->checkpoint.checkpoint;
  if (absl::Status s = merkle::VerifyInclusion(
          proof.index, checkpoint.size, merkle::AsBytes(leaf_hash), proof.hashes,
          merkle::AsBytes(checkpoint.root));
      !s.ok()) {
    return s;
  }
  return cp;
}

}  // namespace candor::proofs
