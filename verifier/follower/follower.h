// Following a log as an auditor of the log itself: every new checkpoint
// must carry the log's signature and be consistent with the last one seen,
// and the entries read must rebuild the signed tree.
//
// The follower keeps only the compact range of the tree it has verified
// (O(log n) hashes). Entries are fetched in chunks; after each chunk the
// root of the entries so far is proven to be a prefix of the latest signed
// tree with a consistency proof, so no entry is handed on before it is
// proven to be in the log, whatever the log serves.
//
// With a witness policy (proofs::CheckpointChecker), the follower asks the
// log for its newest witnessed checkpoint and follows only checkpoints that
// meet the policy's quorum; one that does not is refused like a checkpoint
// with a bad signature (the poll fails, nothing is handed on, the next poll
// tries again).
//
// A log that shows two inconsistent histories (a smaller tree, a different
// root at the same size, or no valid consistency proof) is equivocating: the
// follower stops with FAILED_PRECONDITION and keeps both signed checkpoints
// as evidence. Not thread-safe: one poller.

#ifndef CANDOR_VERIFIER_FOLLOWER_FOLLOWER_H_
#define CANDOR_VERIFIER_FOLLOWER_FOLLOWER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "log/merkle/compact_range.h"
#include "log/merkle/hash.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"
#include "log/proofs/checkpoint_checker.h"

namespace candor::follower {

// What the follower needs from a log; tests substitute a lying one.
class LogSource {
 public:
  virtual ~LogSource() = default;
  // The latest signed checkpoint, verbatim, with the cosignatures the log
  // holds for it; with `witnessed`, the newest one that meets the log's
  // witness policy.
  virtual absl::StatusOr<std::string> LatestCheckpoint(bool witnessed) = 0;
  virtual absl::StatusOr<std::vector<merkle::Hash>> ConsistencyProof(
      uint64_t from, uint64_t to) = 0;
  // Entries [start, start + count), possibly fewer.
  virtual absl::StatusOr<std::vector<std::string>> Entries(uint64_t start,
                                                           uint64_t count) = 0;
};

// What a follower has verified so far; persist it with what the entries
// produced, and resume from it.
struct FollowerState {
  uint64_t size = 0;                  // entries verified and handed on
  std::vector<merkle::Hash> frontier;  // compact range of [0, size)
  std::string checkpoint;              // the last checkpoint verified
};

// Two signed checkpoints that cannot both be true.
struct Equivocation {
  std::string older;
  std::string newer;
  std::string reason;
};

class Follower {
 public:
  // `source` must outlive the follower.
  static absl::StatusOr<Follower> Resume(LogSource* source, note::Verifier log_key,
                                         FollowerState state);
  // Every new checkpoint must pass `checker` (with a witness policy: its
  // quorum); the saved one and the earlier ones compared with need only
  // the log's signature.
  static absl::StatusOr<Follower> Resume(LogSource* source,
                                         proofs::CheckpointChecker checker,
                                         FollowerState state);

  // Called with each verified chunk of entries, first index `start`, and the
  // state to persist together with them. A non-OK return stops the poll; the
  // chunk will be offered again.
  using Consumer = absl::FunctionRef<absl::Status(
      uint64_t start, const std::vector<std::string>& entries,
      const FollowerState& state)>;

  // Fetches the latest checkpoint (the latest witnessed one if the checker
  // requires cosignatures), verifies it, and hands on every new entry.
  // Returns the number of entries handed on. A checkpoint that does not
  // verify or does not meet the witness quorum: the checker's error, its
  // message prefixed "the log's checkpoint does not verify: ". FAILED_PRECONDITION (with
  // equivocation() set) if the log equivocates.
  absl::StatusOr<uint64_t> Poll(Consumer consumer, uint64_t chunk = 1000);

  // Checks that the last checkpoint verified extends `earlier`, a checkpoint
  // of this log seen before (by an earlier run, or by someone else):
  // FAILED_PRECONDITION with equivocation() set if it does not,
  // INVALID_ARGUMENT if `earlier` is not a checkpoint signed by the log.
  absl::Status CheckExtends(const std::string& earlier);

  const FollowerState& state() const { return state_; }
  const std::optional<Equivocation>& equivocation() const { return equivocation_; }

 private:
  Follower(LogSource* source, proofs::CheckpointChecker checker, FollowerState state,
           merkle::CompactRange range)
      : source_(source),
        checker_(std::move(checker)),
        state_(std::move(state)),
        range_(std::move(range)) {}
  // Whether signed checkpoint `newer` extends `older`.
  absl::Status Extends(const std::string& older, const std::string& newer);
  absl::Status Equivocated(const std::string& older, const std::string& newer,
                           std::string reason);

  LogSource* source_;
  proofs::CheckpointChecker checker_;
  FollowerState state_;
  merkle::CompactRange range_;
  std::optional<Equivocation> equivocation_;
};

}  // namespace candor::follower

#endif  // CANDOR_VERIFIER_FOLLOWER_FOLLOWER_H_
