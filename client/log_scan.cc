#include "client/log_scan.h"

#include "log/admission/admission.h"
#include "log/statement/dsse.h"

namespace candor::client {

absl::StatusOr<std::unique_ptr<LogScanner>> LogScanner::Start(LogClient* log,
                                                              note::Verifier log_key) {
  return Start(log, proofs::CheckpointChecker(std::move(log_key)));
}

absl::StatusOr<std::unique_ptr<LogScanner>> LogScanner::Start(
    LogClient* log, proofs::CheckpointChecker checker) {
  auto scanner = std::unique_ptr<LogScanner>(new LogScanner(log));
  absl::StatusOr<follower::Follower> f = follower::Follower::Resume(
      &scanner->source_, std::move(checker), follower::FollowerState());
  if (!f.ok()) return f.status();
  scanner->follower_.emplace(*std::move(f));
  return scanner;
}

absl::StatusOr<uint64_t> LogScanner::Poll(Visit visit) {
  auto consume = [&](uint64_t start, const std::vector<std::string>& entries,
                     const follower::FollowerState&) {
    for (size_t i = 0; i < entries.size(); ++i) {
      const uint64_t index = start + i;
      absl::StatusOr<SignedStatement> st = ParseSignedStatement(entries[i]);
      if (!st.ok()) continue;
      absl::StatusOr<registry::Role> role =
          registry::SignerRoleFor(st->statement.predicate_type);
      if (!role.ok()) continue;
      absl::StatusOr<admission::AuthorizedSigner> signer =
          admission::AuthorizeSignatures(*st, *role, registry_, index, nullptr);
      if (!signer.ok()) continue;
      // One statement counts once: a repeat is not handed on, and a
      // repeated registration does not apply again.
      if (!seen_.insert(dsse::StatementIdentity(st->envelope)).second) continue;
      if (*role == registry::v1::ROLE_UNSPECIFIED) {
        registry::Registration r;
        if (!ParsePredicate(st->statement.predicate_json, r).ok() ||
            !registry_.Apply(r, index).ok()) {
          continue;
        }
        visit(index, entries[i], *st, "");
        continue;
      }
      visit(index, entries[i], *st, signer->principal->registration().name());
    }
    return absl::OkStatus();
  };
  return follower_->Poll(consume);
}

}  // namespace candor::client
