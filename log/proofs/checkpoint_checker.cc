#include "log/proofs/checkpoint_checker.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "log/keyfile/keyfile.h"

namespace candor::proofs {

CheckpointChecker::CheckpointChecker(note::Verifier log_key)
    : CheckpointChecker(std::move(log_key), nullptr, note::CosignatureWindow(),
                        [] { return absl::Now(); }) {}

CheckpointChecker::CheckpointChecker(std::optional<note::Verifier> log_key,
                                     std::shared_ptr<const note::Policy> policy,
                                     note::CosignatureWindow window, Clock clock)
    : log_key_(std::move(log_key)),
      policy_(std::move(policy)),
      window_(window),
      clock_(std::move(clock)) {}

absl::StatusOr<CheckpointChecker> CheckpointChecker::Create(
    std::optional<note::Verifier> log_key, std::optional<note::Policy> policy,
    note::CosignatureWindow window, Clock clock) {
  if (!log_key.has_value()) {
    if (!policy.has_value()) {
      return absl::InvalidArgumentError("no log key and no witness policy to check with");
    }
    if (policy->logs().empty()) {
      return absl::InvalidArgumentError(
          "the witness policy lists no log; give the log's key");
    }
  }
  std::shared_ptr<const note::Policy> shared;
  if (policy.has_value()) shared = std::make_shared<const note::Policy>(*std::move(policy));
  return CheckpointChecker(std::move(log_key), std::move(shared), window, std::move(clock));
}

absl::StatusOr<note::WitnessedCheckpoint> CheckpointChecker::Check(
    absl::string_view signed_note) const {
  if (policy_ == nullptr) {
    absl::StatusOr<note::SignedCheckpoint> cp = note::OpenCheckpoint(signed_note, *log_key_);
    if (!cp.ok()) return cp.status();
    return note::WitnessedCheckpoint{*std::move(cp), {}};
  }
  if (log_key_.has_value()) {
    return policy_->VerifyCheckpoint(signed_note, *log_key_, clock_(), window_);
  }
  return policy_->VerifyCheckpoint(signed_note, clock_(), window_);
}

absl::StatusOr<note::SignedCheckpoint> CheckpointChecker::CheckLogSignature(
    absl::string_view signed_note) const {
  if (log_key_.has_value()) return note::OpenCheckpoint(signed_note, *log_key_);
  // The policy's log named by the checkpoint's origin.
  absl::StatusOr<note::Note> parsed = note::Parse(signed_note);
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<note::Checkpoint> cp = note::ParseCheckpoint(parsed->text);
  if (!cp.ok()) return cp.status();
  for (const note::PolicyLog& log : policy_->logs()) {
    if (log.key.name() == cp->origin) return note::OpenCheckpoint(signed_note, log.key);
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "the witness policy lists no log with origin \"", cp->origin, "\""));
}

absl::StatusOr<note::Policy> ReadWitnessPolicy(const std::string& path) {
  absl::StatusOr<std::string> text = keyfile::ReadSmallFile(path);
  absl::StatusOr<note::Policy> policy =
      text.ok() ? note::Policy::Parse(*text) : absl::StatusOr<note::Policy>(text.status());
  if (!policy.ok()) {
    return absl::Status(policy.status().code(), absl::StrCat("witness policy ", path, ": ",
                                                             policy.status().message()));
  }
  return policy;
}

std::string DescribeWitnesses(const note::WitnessedCheckpoint& checkpoint,
                              const CheckpointChecker& checker) {
  if (!checker.has_policy()) return "not checked for witnesses (no witness policy given)";
  if (!checker.requires_cosignatures()) return "the witness policy requires no cosignatures";
  std::vector<std::string> names;
  for (const auto& [name, time] : checkpoint.cosigned_by) {
    names.push_back(absl::StrCat(
        name, " (at ",
        absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                         absl::FromUnixSeconds(static_cast<int64_t>(time)),
                         absl::UTCTimeZone()),
        ")"));
  }
  return absl::StrCat("cosigned by ", absl::StrJoin(names, ", "),
                      ", meeting the witness policy's quorum");
}

}  // namespace candor::proofs
