// The verifier's work: follow the log, index what it holds, evaluate every
// app's measurements against the claim in force, and publish signed
// findings (and the reference data they rest on) back to the log.
//
// Not thread-safe: one thread drives Poll(); readers use the store.

#ifndef CANDOR_VERIFIER_SERVER_VERIFIER_CORE_H_
#define CANDOR_VERIFIER_SERVER_VERIFIER_CORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "log/admission/admission.h"
#include "log/client/log_client.h"
#include "log/crypto/keys.h"
#include "log/note/note.h"
#include "log/note/policy.h"
#include "verifier/evaluate/evaluate.h"
#include "verifier/follower/follower.h"
#include "verifier/follower/grpc_log_source.h"
#include "verifier/reference/resolver.h"
#include "verifier/server/indexer.h"
#include "verifier/server/verifier_store.h"

namespace candor::verifier {

// The format of VerifierCore::BuildEntryBundle's bundles.
inline constexpr absl::string_view kEntryBundleFormat = "https://candor.dev/entry-bundle/v1";

struct CoreConfig {
  std::string name;                // the verifier's registered principal name
  std::optional<PrivateKey> key;   // its signing key (Ed25519: deterministic)
  std::optional<note::Verifier> log_key;
  // With a witness policy the follower reads only the log's witnessed
  // checkpoints and refuses one below the quorum (judged at `clock` within
  // `cosignature_window`); finding bundles then carry the cosigned
  // checkpoint note verbatim, to be verified offline with the same policy.
  std::optional<note::Policy> witness_policy;
  note::CosignatureWindow cosignature_window;
  std::optional<PublicKey> admin_key;
  uint32_t quorum = evaluate::kDefaultQuorum;
  // Findings are issued at this clock's time; the log admits them only
  // within its time window.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

// One app's evaluation under one claim.
struct Evaluation {
  evaluate::ClaimInput claim;
  std::vector<evaluate::MeasurementInput> measurements;
  std::vector<evaluate::AssertionResult> results;
};

class VerifierCore {
 public:
  // `store`, `log` and `tables` must outlive the core.
  static absl::StatusOr<std::unique_ptr<VerifierCore>> Create(
      CoreConfig config, VerifierStore* store, client::LogClient* log,
      const reference::PartsResolver* tables);

  // One round: follow the log (checking its checkpoint extends the last one
  // verified, before writing anything to it), publish the reference parts
  // once per run, index what is new, evaluate the apps that changed and
  // publish findings that changed. Returns the entries read.
  absl::StatusOr<uint64_t> Poll();

  // Evaluations of an app's measurements, grouped by the claim in force at
  // each measurement's start. A claim counts only as its signer's and a
  // measurement only as its signing auditor's (the log admits no other; the
  // verifier does not take that on trust), so each auditor counts once per
  // assertion however many entries repeat its measurement.
  absl::StatusOr<std::vector<Evaluation>> EvaluateApp(const std::string& app) const;

  // The inconsistency proof of the finding at `finding_index`, with
  // inclusion proofs to the log's latest checkpoint.
  absl::StatusOr<finding::v1::FindingBundle> BuildBundle(uint64_t finding_index) const;

  // An entry the verifier indexed, with the registration of its signer in
  // force just before it (and, for a recording, its speaker's), each with
  // its inclusion proof to the latest checkpoint the follower verified.
  // Format kEntryBundleFormat, roles ENTRY and REGISTRATION (see
  // verifier/site/API.md). NOT_FOUND if the entry is not indexed; errors of
  // the log's GetInclusionProof as they come.
  absl::StatusOr<finding::v1::FindingBundle> BuildEntryBundle(uint64_t index) const;

  // The registry as replayed to followed_size(): principals' display names.
  const registry::RegistryState& registry() const { return indexer_->registry(); }

  uint64_t followed_size() const { return follower_->state().size; }
  const std::string& checkpoint() const { return follower_->state().checkpoint; }
  const std::optional<follower::Equivocation>& equivocation() const {
    return follower_->equivocation();
  }
  uint32_t findings_published() const { return findings_published_; }
  // Findings published since start, by "VERDICT/confirmed" or
  // "VERDICT/unconfirmed" (fpb::Verdict names), for metrics.
  const std::map<std::string, uint32_t>& findings_by_verdict() const {
    return findings_by_verdict_;
  }
  uint32_t quorum() const { return config_.quorum; }

 private:
  VerifierCore(CoreConfig config, VerifierStore* store, client::LogClient* log,
               const reference::PartsResolver* tables);
  // Submits every reference part (the log answers for those it holds).
  absl::Status PublishReferenceData();
  absl::Status PublishFindings(const std::string& app);
  // A bundle of `format` holding `statements` with `roles`, each with its
  // inclusion proof to the follower's checkpoint.
  absl::StatusOr<finding::v1::FindingBundle> ProveEntries(
      absl::string_view format, const std::map<uint64_t, finding::v1::BundleEntry::Role>& roles,
      const std::map<uint64_t, v1::IndexedStatement>& statements) const;
  // The index of the registration of `principal` in force just before
  // `index`, and the registration.
  absl::StatusOr<std::optional<std::pair<uint64_t, registry::Registration>>>
  RegistrationBefore(const std::string& principal, uint64_t index) const;

  CoreConfig config_;
  VerifierStore* store_;
  client::LogClient* log_;
  const reference::PartsResolver* tables_;
  follower::GrpcLogSource source_;
  std::optional<Indexer> indexer_;
  std::optional<follower::Follower> follower_;
  // Log refs of the reference parts, in tables_->parts() order, once
  // published.
  std::vector<finding::v1::EntryRef> reference_refs_;
  bool reference_published_ = false;
  // Apps with entries indexed whose findings are not yet published.
  std::set<std::string> pending_apps_;
  uint32_t findings_published_ = 0;
  std::map<std::string, uint32_t> findings_by_verdict_;
};

}  // namespace candor::verifier

#endif  // CANDOR_VERIFIER_SERVER_VERIFIER_CORE_H_
