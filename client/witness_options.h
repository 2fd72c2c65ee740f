// Witness policies on the command line: --policy FILE (C2SP tlog-policy),
// --max_cosignature_age and --max_cosignature_future, turned into the
// proofs::CheckpointChecker every verifying command checks checkpoints
// with, and fetching a checkpoint from a log that passes it.
//
// Without --policy a command checks the log's signature (--log_pub) as it
// always did. With one, --log_pub may be left out if the policy has `log`
// lines, and commands that fetch from a log ask it for its newest witnessed
// checkpoint (GetCheckpoint witnessed=true) and prove against that size.

#ifndef CANDOR_CLIENT_WITNESS_OPTIONS_H_
#define CANDOR_CLIENT_WITNESS_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/cli.h"
#include "log/client/log_client.h"
#include "log/proofs/checkpoint_checker.h"

namespace candor::cli {

// --policy, --max_cosignature_age, --max_cosignature_future, after `more`.
std::vector<Option> WitnessOptions(std::vector<Option> more = {});

// The checker for --log_pub and the witness options. INVALID_ARGUMENT
// ("--log_pub is required", a policy that does not parse, a bad duration)
// or the key file's error: usage errors (exit 2).
absl::StatusOr<proofs::CheckpointChecker> CheckerFromArgs(const Args& args);

// Whether --policy was given.
bool HasPolicy(const Args& args);

// The checkpoint `log` signed at `size` (0: the latest; with a policy that
// requires cosignatures, the latest witnessed one), verbatim, once it
// passes `checker`. The log's error as is; a checkpoint that does not pass
// is the checker's error after "the log's checkpoint does not verify: ".
// `verification_failed` is set when the checkpoint did not pass (exit 1).
absl::StatusOr<note::WitnessedCheckpoint> FetchCheckpoint(
    client::LogClient& log, const proofs::CheckpointChecker& checker, uint64_t size,
    bool& verification_failed);

}  // namespace candor::cli

#endif  // CANDOR_CLIENT_WITNESS_OPTIONS_H_
