// Helpers shared by the `candor` commands: connecting to a log, reading
// inputs and writing outputs.

#ifndef CANDOR_CLIENT_COMMON_H_
#define CANDOR_CLIENT_COMMON_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/cli.h"
#include "client/verifier_client.h"
#include "log/client/log_client.h"

namespace candor::cli {

// Options every command that talks to a log accepts.
std::vector<Option> LogOptions(std::vector<Option> more = {});

// A client for --log, with --timeout (default `timeout`).
absl::StatusOr<std::unique_ptr<client::LogClient>> ConnectLog(
    const Args& args, absl::Duration timeout = absl::Seconds(10));

// Options of commands that talk to a verifier (--verifier, TLS, timeout).
std::vector<Option> VerifierOptions(std::vector<Option> more = {});
// A client for --verifier, with --timeout (default `timeout`).
absl::StatusOr<std::unique_ptr<client::VerifierClient>> ConnectVerifier(
    const Args& args, absl::Duration timeout = absl::Seconds(10));
// Reads a file, or stdin for "-". At most 64 MiB.
absl::StatusOr<std::string> ReadInput(const std::string& path);
// Lower-case hex SHA-256 of a file's bytes, read in chunks so that an APK,
// AAB or IPA of any size is never held in memory. NOT_FOUND (or
// PERMISSION_DENIED) naming the path if it cannot be opened, UNAVAILABLE on a
// read error.
absl::StatusOr<std::string> FileSha256Hex(const std::string& path);
// Writes to a file (replacing it), or to io.out for "" or "-".
absl::Status WriteOutput(Io& io, const std::string& path,
                         absl::string_view content);

// `candor verify ...` keeps one rule (cli.h): input that cannot be read or is
// not of the form it should be (a checkpoint, a tlog-proof, a consistency
// proof, a finding bundle) exits 2; input of the right form that does not
// verify exits 1. Each verify command checks the form of everything it was
// given first, and reports a wrong form with this (unless the parser's
// message already names what it reads): "not a <what>: <problem>",
// INVALID_ARGUMENT.
absl::Status NotA(absl::string_view what, const absl::Status& problem);

// Submits `entry` to --log and prints the receipt as JSON; with --wait (or
// --proof_out) waits for inclusion, checks the receipt with --log_pub and
// saves it as a tlog-proof to --proof_out. Returns the exit code.
int SubmitAndReport(const Args& args, Io& io, absl::string_view command,
                    const std::string& entry);
// The options SubmitAndReport reads.
std::vector<Option> SubmitOptions();

}  // namespace candor::cli

#endif  // CANDOR_CLIENT_COMMON_H_
