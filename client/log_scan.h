// Reading a whole log as a client: follows it with the verifying follower,
// replays registrations, and hands on every statement whose signatures check
// out against the keys registered when it was logged, once: an entry that
// repeats an earlier entry's statement (dsse::StatementIdentity) is skipped. For commands such as
// `candor watch` and `candor claims` that need to see everything: O(n) in
// the log's size. Not thread-safe.

#ifndef CANDOR_CLIENT_LOG_SCAN_H_
#define CANDOR_CLIENT_LOG_SCAN_H_

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "log/client/log_client.h"
#include "log/crypto/sha256.h"
#include "log/note/note.h"
#include "log/proofs/checkpoint_checker.h"
#include "log/registry/registry.h"
#include "log/statement/statement.h"
#include "verifier/follower/follower.h"
#include "verifier/follower/grpc_log_source.h"

namespace candor::client {

class LogScanner {
 public:
  // `log` must outlive the scanner.
  static absl::StatusOr<std::unique_ptr<LogScanner>> Start(LogClient* log,
                                                           note::Verifier log_key);
  // Following only checkpoints that pass `checker` (with a witness policy:
  // the log's witnessed ones, meeting its quorum).
  static absl::StatusOr<std::unique_ptr<LogScanner>> Start(
      LogClient* log, proofs::CheckpointChecker checker);

  // Called for each verified statement, in log order, with the entry's
  // bytes; `signer` is the signing principal, empty for registrations.
  using Visit = absl::FunctionRef<void(uint64_t index, absl::string_view entry,
                                       const SignedStatement& statement,
                                       const std::string& signer)>;

  // Reads what is new; FAILED_PRECONDITION if the log equivocates.
  absl::StatusOr<uint64_t> Poll(Visit visit);

  const registry::RegistryState& registry() const { return registry_; }
  const follower::Follower& follower() const { return *follower_; }
  // See follower::Follower::CheckExtends.
  absl::Status CheckExtends(const std::string& earlier) {
    return follower_->CheckExtends(earlier);
  }

 private:
  explicit LogScanner(LogClient* log) : source_(log) {}

  follower::GrpcLogSource source_;
  std::optional<follower::Follower> follower_;
  registry::RegistryState registry_;
  // Identities of the statements handed on.
  absl::flat_hash_set<Sha256Digest> seen_;
};

}  // namespace candor::client

#endif  // CANDOR_CLIENT_LOG_SCAN_H_
