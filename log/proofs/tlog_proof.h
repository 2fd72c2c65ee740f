// C2SP tlog-proof (c2sp.org/tlog-proof@v1): a self-contained, offline-
// verifiable proof that an entry is in a log — the checkpoint, the entry's
// index and its inclusion proof, in one text file (".tlog-proof").
//
//   c2sp.org/tlog-proof@v1
//   [extra <base64>]
//   index <N>
//   <base64 hash>...
//   <blank line>
//   <signed checkpoint, verbatim>
//
// Pure functions, thread-safe. Parse errors are INVALID_ARGUMENT naming the
// line; verification failures are INVALID_ARGUMENT (bad proof) or as
// note::OpenCheckpoint reports them.

#ifndef CANDOR_LOG_PROOFS_TLOG_PROOF_H_
#define CANDOR_LOG_PROOFS_TLOG_PROOF_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "log/merkle/hash.h"
#include "log/proofs/checkpoint_checker.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"

namespace candor::proofs {

inline constexpr absl::string_view kTlogProofHeader = "c2sp.org/tlog-proof@v1";
// Longest inclusion proof a 2^64-entry tree can need.
inline constexpr size_t kMaxProofHashes = 64;

struct TlogProof {
  std::optional<std::string> extra;  // raw bytes; unauthenticated
  uint64_t index = 0;
  std::vector<merkle::Hash> hashes;
  std::string checkpoint;  // the signed note, verbatim
};

std::string FormatTlogProof(const TlogProof& proof);
absl::StatusOr<TlogProof> ParseTlogProof(absl::string_view text);

// Checks the checkpoint's signature by `log_key` and that `leaf_hash` is at
// proof.index in the checkpointed tree. Returns the opened checkpoint.
absl::StatusOr<note::SignedCheckpoint> VerifyTlogProof(
    const TlogProof& proof, const note::Verifier& log_key,
    const merkle::Hash& leaf_hash);

// The same with `checker`: the checkpoint must also meet its witness policy,
// if it has one (checkpoint_checker.h).
absl::StatusOr<note::WitnessedCheckpoint> VerifyTlogProof(
    const TlogProof& proof, const CheckpointChecker& checker,
    const merkle::Hash& leaf_hash);

}  // namespace candor::proofs

#endif  // CANDOR_LOG_PROOFS_TLOG_PROOF_H_
