// followbench: how fast a verifying follower (the verifier's, and `candor
// watch`'s) catches up with a log from empty: every checkpoint checked,
// every chunk of entries proven to be a prefix of the signed tree. Prints
// one JSON object.

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "log/client/log_client.h"
#include "log/keyfile/keyfile.h"
#include "verifier/follower/follower.h"
#include "verifier/follower/grpc_log_source.h"

ABSL_FLAG(std::string, log, "", "candor-log address");
ABSL_FLAG(std::string, log_pub, "", "the log's public key");
ABSL_FLAG(int, chunk, 1000, "entries per read");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<candor::note::Verifier> key =
      candor::keyfile::ReadNoteVerifier(absl::GetFlag(FLAGS_log_pub));
  if (!key.ok()) {
    std::cerr << "followbench: " << key.status() << "\n";
    return 1;
  }
  candor::client::ClientOptions options;
  options.timeout = absl::Seconds(60);
  candor::client::LogClient client(absl::GetFlag(FLAGS_log), options);
  candor::follower::GrpcLogSource source(&client);
  absl::StatusOr<candor::follower::Follower> follower =
      candor::follower::Follower::Resume(&source, *key, {});
  if (!follower.ok()) {
    std::cerr << "followbench: " << follower.status() << "\n";
    return 1;
  }
  uint64_t bytes = 0;
  absl::Time start = absl::Now();
  while (true) {
    absl::StatusOr<uint64_t> read = follower->Poll(
        [&](uint64_t, const std::vector<std::string>& entries,
            const candor::follower::FollowerState&) {
          for (const std::string& e : entries) bytes += e.size();
          return absl::OkStatus();
        },
        absl::GetFlag(FLAGS_chunk));
    if (!read.ok()) {
      std::cerr << "followbench: " << read.status() << "\n";
      return 1;
    }
    if (*read == 0) break;
  }
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  uint64_t n = follower->state().size;
  std::cout << absl::StrFormat(
      "{\"entries\": %d, \"seconds\": %.3f, \"entries_per_second\": %.0f, "
      "\"mb_per_second\": %.1f}\n",
      n, seconds, n / seconds, bytes / seconds / 1e6);
  return 0;
}
