// The one place a checkpoint someone else gave us is judged: the log's
// signature and, when a witness policy (C2SP tlog-policy, note::Policy) is
// given, a quorum of witness cosignatures at the checker's clock, within
// its cosignature window. The CLI's verify commands, tlog-proof files,
// finding bundles and followers all check through one of these, so a policy
// given once is enforced everywhere.
//
// Without a policy a checker checks exactly what note::OpenCheckpoint
// checks. With one, the log key may be left out: the policy's `log` lines
// then say which logs are trusted (the one named by the checkpoint's
// origin).
//
// Immutable after construction, cheap to copy (the policy is shared) and
// thread-safe if its clock is. Errors: Create gives INVALID_ARGUMENT when
// no log key can be known. Check and CheckLogSignature give what
// note::OpenCheckpoint or note::Policy::VerifyCheckpoint give:
// INVALID_ARGUMENT for a checkpoint that does not verify or does not meet
// the quorum (the message names the witnesses that cosigned and those
// missing), or a cosignature dated too far in the future;
// FAILED_PRECONDITION for a log the policy does not list.

#ifndef CANDOR_LOG_PROOFS_CHECKPOINT_CHECKER_H_
#define CANDOR_LOG_PROOFS_CHECKPOINT_CHECKER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"
#include "log/note/policy.h"

namespace candor::proofs {

class CheckpointChecker {
 public:
  using Clock = std::function<absl::Time()>;

  // The log's signature only, as before witnessing.
  explicit CheckpointChecker(note::Verifier log_key);

  // `log_key`, the policy, or both. With a policy, cosignatures are judged
  // at `clock()` within `window`. INVALID_ARGUMENT if there is no log key
  // and no policy, or no log key and a policy without `log` lines.
  static absl::StatusOr<CheckpointChecker> Create(
      std::optional<note::Verifier> log_key, std::optional<note::Policy> policy,
      note::CosignatureWindow window = note::CosignatureWindow(),
      Clock clock = [] { return absl::Now(); });

  // Everything: the log's signature and, with a policy, its quorum now.
  // Without a policy `cosigned_by` is empty.
  absl::StatusOr<note::WitnessedCheckpoint> Check(absl::string_view signed_note) const;

  // The log's signature only. For checkpoints that were checked in full
  // when first seen and are now only compared with (a follower's earlier
  // checkpoint, the older side of a consistency proof): their cosignatures
  // may since have aged past the window.
  absl::StatusOr<note::SignedCheckpoint> CheckLogSignature(
      absl::string_view signed_note) const;

  // Whether Check requires cosignatures (a policy whose quorum is not
  // "none"). Callers that fetch checkpoints then ask for witnessed ones.
  bool requires_cosignatures() const {
    return policy_ != nullptr && policy_->requires_cosignatures();
  }
  bool has_policy() const { return policy_ != nullptr; }
  const std::optional<note::Verifier>& log_key() const { return log_key_; }

 private:
  CheckpointChecker(std::optional<note::Verifier> log_key,
                    std::shared_ptr<const note::Policy> policy,
                    note::CosignatureWindow window, Clock clock);

  std::optional<note::Verifier> log_key_;
  std::shared_ptr<const note::Policy> policy_;  // null: no policy
  note::CosignatureWindow window_;
  Clock clock_;
};

// Reads and parses a C2SP tlog-policy file: the file's error, or the
// parse error (INVALID_ARGUMENT), after "witness policy <path>: ".
absl::StatusOr<note::Policy> ReadWitnessPolicy(const std::string& path);

// For people: "cosigned by a (at 2026-12-06T10:00:00Z), b (...)" or
// "not witnessed (no witness policy given)".
std::string DescribeWitnesses(const note::WitnessedCheckpoint& checkpoint,
                              const CheckpointChecker& checker);

}  // namespace candor::proofs

#endif  // CANDOR_LOG_PROOFS_CHECKPOINT_CHECKER_H_
