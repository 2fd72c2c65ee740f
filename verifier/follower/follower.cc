#include "verifier/follower/follower.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "log/merkle/proof.h"

namespace candor::follower {

absl::StatusOr<Follower> Follower::Resume(LogSource* source,
                                          note::Verifier log_key,
                                          FollowerState state) {
  return Resume(source, proofs::CheckpointChecker(std::move(log_key)), std::move(state));
}

absl::StatusOr<Follower> Follower::Resume(LogSource* source,
                                          proofs::CheckpointChecker checker,
                                          FollowerState state) {
  absl::StatusOr<merkle::CompactRange> range =
      merkle::CompactRange::FromFrontier(state.size, state.frontier);
  if (!range.ok()) return range.status();
  if (!state.checkpoint.empty()) {
    // Checked in full when it was new; its cosignatures may have aged since.
    absl::StatusOr<note::SignedCheckpoint> cp = checker.CheckLogSignature(state.checkpoint);
    if (!cp.ok()) return cp.status();
    if (cp->checkpoint.size < state.size) {
      return absl::DataLossError(
          "the saved follower state is ahead of its saved checkpoint");
    }
  }
  return Follower(source, std::move(checker), std::move(state), *std::move(range));
}

absl::Status Follower::Equivocated(const std::string& older,
                                   const std::string& newer, std::string reason) {
  equivocation_ = Equivocation{older, newer, reason};
  return absl::FailedPreconditionError(absl::StrCat(
      "the log equivocates: ", reason,
      ". Evidence, checkpoints it signed:\n--- earlier\n", older,
      "--- later\n", newer));
}

absl::Status Follower::Extends(const std::string& older, const std::string& newer) {
  absl::StatusOr<note::SignedCheckpoint> old = checker_.CheckLogSignature(older);
  absl::StatusOr<note::SignedCheckpoint> now = checker_.CheckLogSignature(newer);
  if (!old.ok()) return old.status();
  if (!now.ok()) return now.status();
  const uint64_t old_size = old->checkpoint.size;
  const uint64_t size = now->checkpoint.size;
  const merkle::Hash& root = now->checkpoint.root;
  if (size < old_size) {
    return Equivocated(older, newer,
                       absl::StrCat("its tree shrank from ", old_size, " to ", size, " entries"));
  }
  if (size == old_size && root != old->checkpoint.root) {
    return Equivocated(older, newer, absl::StrCat("two different roots for size ", size));
  }
  if (size > old_size && old_size > 0) {
    absl::StatusOr<std::vector<merkle::Hash>> proof = source_->ConsistencyProof(old_size, size);
    if (!proof.ok()) return proof.status();
    if (absl::Status s =
            merkle::VerifyConsistency(old_size, size, *proof, merkle::AsBytes(old->checkpoint.root),
                                      merkle::AsBytes(root));
        !s.ok()) {
      return Equivocated(older, newer,
                         absl::StrCat("no valid consistency proof from size ", old_size, " to ",
                                      size, ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status Follower::CheckExtends(const std::string& earlier) {
  if (absl::StatusOr<note::SignedCheckpoint> cp = checker_.CheckLogSignature(earlier);
      !cp.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a checkpoint of this log: ", cp.status().message()));
  }
  if (state_.checkpoint.empty()) {
    return absl::FailedPreconditionError("no checkpoint verified yet: poll first");
  }
  return Extends(earlier, state_.checkpoint);
}

absl::StatusOr<uint64_t> Follower::Poll(Consumer consumer, uint64_t chunk) {
  if (equivocation_) {
    return absl::FailedPreconditionError("the log equivocated; stopped");
  }
  absl::StatusOr<std::string> text =
      source_->LatestCheckpoint(checker_.requires_cosignatures());
  if (!text.ok()) return text.status();
  absl::StatusOr<note::WitnessedCheckpoint> latest = checker_.Check(*text);
  if (!latest.ok()) {
    return absl::Status(latest.status().code(),
                        absl::StrCat("the log's checkpoint does not verify: ",
                                     latest.status().message()));
  }
  const uint64_t size = latest->checkpoint.checkpoint.size;
  const merkle::Hash& root = latest->checkpoint.checkpoint.root;

  // The new checkpoint must extend the last one seen.
  if (!state_.checkpoint.empty()) {
    if (absl::Status s = Extends(state_.checkpoint, *text); !s.ok()) return s;
  }
  state_.checkpoint = *text;

  uint64_t handed = 0;
  while (state_.size < size) {
    absl::StatusOr<std::vector<std::string>> entries =
        source_->Entries(state_.size, std::min(chunk, size - state_.size));
    if (!entries.ok()) return entries.status();
    if (entries->empty()) {
      return absl::UnavailableError(
          absl::StrCat("the log returned no entries at index ", state_.size));
    }
    merkle::CompactRange next = range_;
    for (const std::string& e : *entries) {
      next.Append(merkle::HashLeaf(e), [](merkle::NodeId, const merkle::Hash&) {});
    }
    // The entries read so far must be a prefix of the signed tree.
    absl::Status prefix;
    if (next.size() == size) {
      if (next.Root() != root) {
        prefix = absl::DataLossError("they do not rebuild the signed root");
      }
    } else {
      absl::StatusOr<std::vector<merkle::Hash>> proof =
          source_->ConsistencyProof(next.size(), size);
      if (!proof.ok()) return proof.status();
      prefix = merkle::VerifyConsistency(next.size(), size, *proof,
                                         merkle::AsBytes(next.Root()),
                                         merkle::AsBytes(root));
    }
    if (!prefix.ok()) {
      return Equivocated(*text, *text, absl::StrCat(
                                    "the entries it serves up to index ",
                                    next.size() - 1,
                                    " are not the ones its signed tree holds: ",
                                    prefix.message()));
    }
    FollowerState candidate{next.size(), next.frontier(), *text};
    if (absl::Status s = consumer(state_.size, *entries, candidate); !s.ok()) {
      return s;
    }
    handed += entries->size();
    range_ = std::move(next);
    state_ = std::move(candidate);
  }
  return handed;
}

}  // namespace candor::follower
