#include "client/witness_options.h"

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "log/keyfile/keyfile.h"

namespace candor::cli {

std::vector<Option> WitnessOptions(std::vector<Option> more) {
  more.push_back({"policy", "FILE",
                  "a C2SP tlog-policy: checkpoints must also meet its witness quorum"});
  more.push_back({"max_cosignature_age", "DURATION",
                  "with --policy: older cosignatures do not count (default: no limit)"});
  more.push_back({"max_cosignature_future", "DURATION",
                  "with --policy: refuse cosignatures dated later than now + this "
                  "(default 10m)"});
  return more;
}

bool HasPolicy(const Args& args) { return args.Has("policy"); }

absl::StatusOr<proofs::CheckpointChecker> CheckerFromArgs(const Args& args) {
  if (!HasPolicy(args)) {
    for (const char* flag : {"max_cosignature_age", "max_cosignature_future"}) {
      if (args.Has(flag)) {
        return absl::InvalidArgumentError(absl::StrCat("--", flag, " needs --policy"));
      }
    }
    absl::StatusOr<std::string> path = args.Required("log_pub");
    if (!path.ok()) return path.status();
    absl::StatusOr<note::Verifier> key = keyfile::ReadNoteVerifier(*path);
    if (!key.ok()) return key.status();
    return proofs::CheckpointChecker(*std::move(key));
  }
  std::optional<note::Verifier> key;
  if (args.Has("log_pub")) {
    absl::StatusOr<note::Verifier> read = keyfile::ReadNoteVerifier(args.Get("log_pub"));
    if (!read.ok()) return read.status();
    key = *std::move(read);
  }
  absl::StatusOr<note::Policy> policy = proofs::ReadWitnessPolicy(args.Get("policy"));
  if (!policy.ok()) return policy.status();
  if (!key.has_value() && policy->logs().empty()) {
    return absl::InvalidArgumentError(
        "--log_pub is required: the witness policy lists no log");
  }
  note::CosignatureWindow window;
  absl::StatusOr<absl::Duration> age =
      args.GetDuration("max_cosignature_age", window.max_age);
  if (!age.ok()) return age.status();
  absl::StatusOr<absl::Duration> future =
      args.GetDuration("max_cosignature_future", window.max_future);
  if (!future.ok()) return future.status();
  window.max_age = *age;
  window.max_future = *future;
  return proofs::CheckpointChecker::Create(std::move(key), *std::move(policy), window);
}

absl::StatusOr<note::WitnessedCheckpoint> FetchCheckpoint(
    client::LogClient& log, const proofs::CheckpointChecker& checker, uint64_t size,
    bool& verification_failed) {
  verification_failed = false;
  const bool witnessed = size == 0 && checker.requires_cosignatures();
  absl::StatusOr<log::v1::GetCheckpointResponse> got = log.GetCheckpoint(size, witnessed);
  if (!got.ok()) return got.status();
  absl::StatusOr<note::WitnessedCheckpoint> checked = checker.Check(got->checkpoint());
  if (!checked.ok()) {
    verification_failed = true;
    return absl::Status(checked.status().code(),
                        absl::StrCat("the log's checkpoint does not verify: ",
                                     checked.status().message()));
  }
  return checked;
}

}  // namespace candor::cli
