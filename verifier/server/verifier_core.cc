#include "verifier/server/verifier_core.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "log/logging/logging.h"
#include "log/merkle/hash.h"
#include "log/note/checkpoint.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "verifier/claim/claim.h"
#include "verifier/bundle/bundle.h"
#include "verifier/claim/history.h"
#include "verifier/claim/recording.h"
#include "verifier/evaluate/claim_input.h"

namespace candor::verifier {
namespace {

namespace fpb = ::candor::finding::v1;

finding::v1::EntryRef Ref(uint64_t index, absl::string_view leaf_hash) {
  fpb::EntryRef ref;
  ref.set_index(index);
  ref.set_leaf_hash(std::string(leaf_hash));
  return ref;
}

// What a published finding said, to publish again only when it changes.
std::string Fingerprint(const fpb::Finding& f) {
  std::vector<std::string> parts = {fpb::Verdict_Name(f.verdict()),
                                    f.confirmed() ? "confirmed" : "unconfirmed"};
  for (const fpb::EntryRef& m : f.measurements()) parts.push_back(absl::StrCat(m.index()));
  parts.push_back(absl::StrCat(f.flows_size(), " flows"));
  return absl::StrJoin(parts, "/");
}

}  // namespace

VerifierCore::VerifierCore(CoreConfig config, VerifierStore* store,
                           client::LogClient* log, const reference::PartsResolver* tables)
    : config_(std::move(config)),
      store_(store),
      log_(log),
      tables_(tables),
      source_(log) {}

absl::StatusOr<std::unique_ptr<VerifierCore>> VerifierCore::Create(
    CoreConfig config, VerifierStore* store, client::LogClient* log,
    const reference::PartsResolver* tables) {
  if (!config.key || !config.log_key || !config.admin_key || config.name.empty()) {
    return absl::InvalidArgumentError(
        "the verifier needs its name and key, the log's key and the admin key");
  }
  auto core = std::unique_ptr<VerifierCore>(
      new VerifierCore(std::move(config), store, log, tables));
  absl::StatusOr<Indexer> indexer =
      Indexer::Create(store, *core->config_.admin_key);
  if (!indexer.ok()) return indexer.status();
  core->indexer_.emplace(*std::move(indexer));

  follower::FollowerState state;
  absl::StatusOr<std::optional<v1::FollowerRecord>> saved = store->ReadFollower();
  if (!saved.ok()) return saved.status();
  if (saved->has_value()) {
    state.size = (*saved)->size();
    state.checkpoint = (*saved)->checkpoint();
    absl::StatusOr<std::vector<merkle::Hash>> frontier = merkle::HashesFromBytes(
        std::vector<std::string>((*saved)->frontier().begin(), (*saved)->frontier().end()));
    if (!frontier.ok()) return frontier.status();
    state.frontier = *std::move(frontier);
  }
  absl::StatusOr<proofs::CheckpointChecker> checker = proofs::CheckpointChecker::Create(
      core->config_.log_key, core->config_.witness_policy,
      core->config_.cosignature_window, core->config_.clock);
  if (!checker.ok()) return checker.status();
  absl::StatusOr<follower::Follower> follower = follower::Follower::Resume(
      &core->source_, *std::move(checker), std::move(state));
  if (!follower.ok()) return follower.status();
  core->follower_.emplace(*std::move(follower));

  // Where the reference parts already are in the log.
  core->reference_refs_.resize(tables->parts().size());
  return core;
}

absl::Status VerifierCore::PublishReferenceData() {
  const std::vector<reference::v1::ReferenceData>& parts = tables_->parts();
  // Each add waits for its sync; several in flight share one.
  constexpr int kInFlight = 8;
  std::atomic<size_t> next{0};
  absl::Mutex mu;
  absl::Status first_error;
  auto publish = [&] {
    for (size_t i = next++; i < parts.size(); i = next++) {
      const reference::v1::ReferenceData& part = parts[i];
      // Deterministic bytes: the same part signed again is the same entry,
      // and the log answers with the index it already has.
      absl::StatusOr<std::string> entry =
          SignStatement(reference::PartStatement(part), *config_.key);
      absl::StatusOr<log::v1::AddEntryResponse> added =
          entry.ok() ? log_->AddEntry(*entry, false)
                     : absl::StatusOr<log::v1::AddEntryResponse>(entry.status());
      absl::MutexLock lock(&mu);
      if (!added.ok()) {
        if (first_error.ok()) {
          first_error = absl::Status(
              added.status().code(),
              absl::StrCat("publishing reference part ", part.table(), "/", part.part(),
                           ": ", added.status().message()));
        }
        next = parts.size();
        return;
      }
      reference_refs_[i] = Ref(added->index(), added->leaf_hash());
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kInFlight; ++t) threads.emplace_back(publish);
  for (std::thread& t : threads) t.join();
  if (!first_error.ok()) return first_error;
  logging::Info("reference data published", {{"parts", absl::StrCat(parts.size())}});
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> VerifierCore::Poll() {
  auto consume = [&](uint64_t start, const std::vector<std::string>& entries,
                     const follower::FollowerState& state) -> absl::Status {
    absl::StatusOr<IndexedChunk> chunk = indexer_->IndexChunk(start, entries, state);
    if (!chunk.ok()) return chunk.status();
    for (const std::string& r : chunk->rejected) {
      logging::Warning("the log holds an entry the verifier rejects", {{"entry", r}});
    }
    for (const std::string& r : chunk->repeated) {
      logging::Warning("the log holds a statement twice; the repeat counts as the "
                       "first",
                       {{"entry", r}});
    }
    pending_apps_.insert(chunk->apps.begin(), chunk->apps.end());
    return absl::OkStatus();
  };
  absl::StatusOr<uint64_t> read = follower_->Poll(consume);
  if (!read.ok()) return read.status();
  // Only now that the log's checkpoint is known to extend what this verifier
  // saw: never write to a log that has shown another history.
  if (!reference_published_) {
    if (absl::Status s = PublishReferenceData(); !s.ok()) return s;
    reference_published_ = true;
    // What a previous run indexed but may not have evaluated.
    absl::StatusOr<std::vector<v1::AppRecord>> known = store_->ReadApps();
    if (!known.ok()) return known.status();
    for (const v1::AppRecord& app : *known) pending_apps_.insert(app.app());
  }
  // An app stays pending until its findings are published.
  while (!pending_apps_.empty()) {
    const std::string app = *pending_apps_.begin();
    if (absl::Status s = PublishFindings(app); !s.ok()) return s;
    pending_apps_.erase(app);
  }
  return read;
}

absl::StatusOr<std::optional<std::pair<uint64_t, registry::Registration>>>
VerifierCore::RegistrationBefore(const std::string& principal, uint64_t index) const {
  absl::StatusOr<std::optional<v1::PrincipalHistory>> history =
      store_->ReadPrincipal(principal);
  if (!history.ok()) return history.status();
  if (!history->has_value()) return std::nullopt;
  std::optional<uint64_t> latest;
  for (uint64_t r : (*history)->registrations()) {
    if (r < index) latest = r;
  }
  if (!latest) return std::nullopt;
  absl::StatusOr<std::optional<v1::IndexedStatement>> st = store_->ReadStatement(*latest);
  if (!st.ok()) return st.status();
  if (!st->has_value()) return absl::DataLossError("indexed registration missing");
  absl::StatusOr<SignedStatement> parsed = ParseSignedStatement((*st)->entry());
  if (!parsed.ok()) return parsed.status();
  registry::Registration r;
  if (absl::Status s = ParsePredicate(parsed->statement.predicate_json, r); !s.ok()) return s;
  return std::make_pair(*latest, std::move(r));
}

absl::StatusOr<std::vector<Evaluation>> VerifierCore::EvaluateApp(
    const std::string& app) const {
  absl::StatusOr<std::optional<v1::AppRecord>> record = store_->ReadApp(app);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return std::vector<Evaluation>();

  // The claims, and the vendors in scope for the app now.
  std::vector<claim::ClaimRecord> claims;
  std::map<uint64_t, v1::IndexedStatement> claim_statements;
  for (uint64_t index : (*record)->claims()) {
    absl::StatusOr<std::optional<v1::IndexedStatement>> st = store_->ReadStatement(index);
    if (!st.ok()) return st.status();
    if (!st->has_value()) continue;
    absl::StatusOr<claim::ClaimRecord> c = claim::ClaimRecordFromEntry(index, (*st)->entry());
    if (!c.ok() || c->signer != (*st)->signer()) continue;
    claims.push_back(*std::move(c));
    claim_statements[index] = **st;
  }
  std::vector<std::string> vendors;
  for (const auto& [index, st] : claim_statements) {
    const registry::PrincipalRecord* p = indexer_->registry().FindPrincipal(st.signer());
    if (p == nullptr || p->registration().revoked()) continue;
    const auto& apps = p->registration().scope().apps();
    if (std::find(apps.begin(), apps.end(), app) != apps.end() &&
        std::find(vendors.begin(), vendors.end(), st.signer()) == vendors.end()) {
      vendors.push_back(st.signer());
    }
  }

  // Measurements, grouped by each claim in force when the run started: the
  // vendor's claim and every recording in force, side by side.
  std::map<uint64_t, std::vector<evaluate::MeasurementInput>> by_claim;
  for (uint64_t index : (*record)->measurements()) {
    absl::StatusOr<std::optional<v1::IndexedStatement>> st = store_->ReadStatement(index);
    if (!st.ok()) return st.status();
    if (!st->has_value()) continue;
    absl::StatusOr<SignedStatement> parsed = ParseSignedStatement((*st)->entry());
    if (!parsed.ok()) continue;
    evaluate::MeasurementInput m;
    m.ref = Ref(index, (*st)->leaf_hash());
    if (!ParsePredicate(parsed->statement.predicate_json, m.measurement).ok() ||
        m.measurement.auditor() != (*st)->signer()) {
      continue;
    }
    for (const claim::ClaimRecord* in_force : claim::ClaimsInForce(
             claims, vendors, claim::ToTime(m.measurement.start_time()))) {
      by_claim[in_force->index].push_back(m);
    }
  }

  std::vector<Evaluation> out;
  for (auto& [claim_index, measurements] : by_claim) {
    const v1::IndexedStatement& st = claim_statements[claim_index];
    const uint64_t at = claim_index;
    Evaluation e;
    absl::StatusOr<evaluate::ClaimInput> input = evaluate::ClaimInputFromEntry(
        Ref(claim_index, st.leaf_hash()), st.entry(), st.signer(),
        [&](const std::string& principal)
            -> absl::StatusOr<std::optional<registry::Registration>> {
          absl::StatusOr<std::optional<std::pair<uint64_t, registry::Registration>>> r =
              RegistrationBefore(principal, at);
          if (!r.ok()) return r.status();
          if (!r->has_value()) return std::nullopt;
          return (*r)->second;
        });
    // A claim whose issuer, recorder or speaker this verifier cannot place
    // is not evaluated; the log admitted it, so this is a gap in what was
    // read, not a finding.
    if (absl::IsFailedPrecondition(input.status()) ||
        absl::IsPermissionDenied(input.status())) {
      logging::Warning("a claim cannot be evaluated",
                       {{"index", absl::StrCat(claim_index)},
                        {"reason", std::string(input.status().message())}});
      continue;
    }
    if (!input.ok()) return input.status();
    e.claim = *std::move(input);
    e.measurements = std::move(measurements);
    absl::StatusOr<std::vector<evaluate::AssertionResult>> results =
        evaluate::Evaluate(e.claim, e.measurements, *tables_, config_.quorum);
    if (!results.ok()) return results.status();
    e.results = *std::move(results);
    out.push_back(std::move(e));
  }
  return out;
}

absl::Status VerifierCore::PublishFindings(const std::string& app) {
  absl::StatusOr<std::vector<Evaluation>> evaluations = EvaluateApp(app);
  if (!evaluations.ok()) return evaluations.status();
  for (const Evaluation& e : *evaluations) {
    for (const evaluate::AssertionResult& r : e.results) {
      if (r.verdict == fpb::CONSISTENT) continue;
      fpb::Finding f = evaluate::MakeFinding(e.claim, e.measurements, r, config_.quorum,
                                             reference_refs_);
      f.set_verifier(config_.name);
      *f.mutable_issued_at() = claim::ToTimestamp(config_.clock());
      const std::string fingerprint = Fingerprint(f);
      absl::StatusOr<std::optional<v1::FindingState>> previous =
          store_->ReadFindingState(e.claim.ref.index(), r.assertion.id());
      if (!previous.ok()) return previous.status();
      if (previous->has_value() && (*previous)->fingerprint() == fingerprint) continue;

      Statement st;
      st.subjects.push_back(NamedSubject(app));
      st.predicate_type = std::string(kFindingType);
      st.predicate_json = PredicateToJson(f);
      absl::StatusOr<std::string> entry = SignStatement(st, *config_.key);
      if (!entry.ok()) return entry.status();
      absl::StatusOr<log::v1::AddEntryResponse> added = log_->AddEntry(*entry, false);
      if (!added.ok()) {
        return absl::Status(added.status().code(),
                            absl::StrCat("publishing a finding: ", added.status().message()));
      }
      v1::FindingState state;
      state.set_finding_index(added->index());
      state.set_fingerprint(fingerprint);
      VerifierStore::Batch batch = store_->NewBatch();
      batch.PutFindingState(e.claim.ref.index(), r.assertion.id(), state);
      if (absl::Status s = store_->Commit(batch); !s.ok()) return s;
      ++findings_published_;
      ++findings_by_verdict_[absl::StrCat(fpb::Verdict_Name(f.verdict()), "/",
                                          f.confirmed() ? "confirmed" : "unconfirmed")];
      logging::Info("finding published",
                    {{"app", app},
                     {"index", absl::StrCat(added->index())},
                     {"assertion", r.assertion.id()},
                     {"verdict", fpb::Verdict_Name(f.verdict())},
                     {"confirmed", f.confirmed() ? "true" : "false"}});
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<fpb::FindingBundle> VerifierCore::BuildBundle(
    uint64_t finding_index) const {
  absl::StatusOr<std::optional<v1::IndexedStatement>> finding_st =
      store_->ReadStatement(finding_index);
  if (!finding_st.ok()) return finding_st.status();
  if (!finding_st->has_value() || (*finding_st)->predicate_type() != kFindingType) {
    return absl::NotFoundError(absl::StrCat("entry ", finding_index,
                                            " is not a finding this verifier has read"));
  }
  absl::StatusOr<SignedStatement> parsed = ParseSignedStatement((*finding_st)->entry());
  if (!parsed.ok()) return parsed.status();
  fpb::Finding finding;
  if (absl::Status s = ParsePredicate(parsed->statement.predicate_json, finding); !s.ok()) {
    return s;
  }

  // The entries the finding rests on, and the registration of each signer.
  std::map<uint64_t, fpb::BundleEntry::Role> roles = {
      {finding_index, fpb::BundleEntry::FINDING},
      {finding.claim().index(), fpb::BundleEntry::CLAIM}};
  for (const fpb::EntryRef& m : finding.measurements()) {
    roles[m.index()] = fpb::BundleEntry::MEASUREMENT;
  }
  for (const fpb::EntryRef& r : finding.reference()) {
    roles[r.index()] = fpb::BundleEntry::REFERENCE;
  }
  std::map<uint64_t, v1::IndexedStatement> statements;
  for (const auto& [index, role] : std::map<uint64_t, fpb::BundleEntry::Role>(roles)) {
    absl::StatusOr<std::optional<v1::IndexedStatement>> st = store_->ReadStatement(index);
    if (!st.ok()) return st.status();
    if (!st->has_value()) {
      return absl::NotFoundError(absl::StrCat("the finding cites entry ", index,
                                              ", which this verifier has not read"));
    }
    absl::StatusOr<std::optional<std::pair<uint64_t, registry::Registration>>> reg =
        RegistrationBefore((*st)->signer(), index);
    if (!reg.ok()) return reg.status();
    if (reg->has_value()) {
      roles.emplace((*reg)->first, fpb::BundleEntry::REGISTRATION);
    }
    // A recording's first parties are its speaker's registration, if named.
    if (role == fpb::BundleEntry::CLAIM) {
      absl::StatusOr<claim::v1::RecordedClaim> recording =
          claim::RecordingFromEntry((*st)->entry());
      if (recording.ok() && !recording->speaker().principal().empty()) {
        absl::StatusOr<std::optional<std::pair<uint64_t, registry::Registration>>> speaker =
            RegistrationBefore(recording->speaker().principal(), index);
        if (!speaker.ok()) return speaker.status();
        if (speaker->has_value()) {
          roles.emplace((*speaker)->first, fpb::BundleEntry::REGISTRATION);
        }
      }
    }
    statements[index] = **std::move(st);
  }
  // The vendor's registration in force at the claim decides first parties.
  for (const auto& [index, role] : roles) {
    if (statements.count(index) > 0) continue;
    absl::StatusOr<std::optional<v1::IndexedStatement>> st = store_->ReadStatement(index);
    if (!st.ok()) return st.status();
    if (!st->has_value()) return absl::DataLossError("indexed registration missing");
    statements[index] = **std::move(st);
  }

  return ProveEntries(bundle::kBundleFormat, roles, statements);
}

absl::StatusOr<fpb::FindingBundle> VerifierCore::BuildEntryBundle(uint64_t index) const {
  absl::StatusOr<std::optional<v1::IndexedStatement>> st = store_->ReadStatement(index);
  if (!st.ok()) return st.status();
  if (!st->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("entry ", index, " is not a statement this verifier has indexed"));
  }
  std::map<uint64_t, fpb::BundleEntry::Role> roles = {{index, fpb::BundleEntry::ENTRY}};
  std::map<uint64_t, v1::IndexedStatement> statements;
  statements[index] = **st;
  // Registrations have no signer but the admin, whose key the reader holds.
  std::vector<std::string> principals;
  if (!(*st)->signer().empty()) principals.push_back((*st)->signer());
  if ((*st)->predicate_type() == kRecordedClaimType) {
    absl::StatusOr<claim::v1::RecordedClaim> recording =
        claim::RecordingFromEntry((*st)->entry());
    if (recording.ok() && !recording->speaker().principal().empty()) {
      principals.push_back(recording->speaker().principal());
    }
  }
  for (const std::string& principal : principals) {
    absl::StatusOr<std::optional<std::pair<uint64_t, registry::Registration>>> reg =
        RegistrationBefore(principal, index);
    if (!reg.ok()) return reg.status();
    if (!reg->has_value()) continue;
    const uint64_t at = (*reg)->first;
    if (!roles.emplace(at, fpb::BundleEntry::REGISTRATION).second) continue;
    absl::StatusOr<std::optional<v1::IndexedStatement>> r = store_->ReadStatement(at);
    if (!r.ok()) return r.status();
    if (!r->has_value()) return absl::DataLossError("indexed registration missing");
    statements[at] = **std::move(r);
  }
  return ProveEntries(kEntryBundleFormat, roles, statements);
}

absl::StatusOr<fpb::FindingBundle> VerifierCore::ProveEntries(
    absl::string_view format, const std::map<uint64_t, fpb::BundleEntry::Role>& roles,
    const std::map<uint64_t, v1::IndexedStatement>& statements) const {
  // The checkpoint the follower verified: consistent with every earlier
  // one this verifier saw, and covering every entry it has indexed; with a
  // witness policy, the cosigned note as the log served it, verbatim.
  absl::StatusOr<note::SignedCheckpoint> cp =
      note::OpenCheckpoint(follower_->state().checkpoint, *config_.log_key);
  if (!cp.ok()) return cp.status();
  fpb::FindingBundle bundle;
  bundle.set_format(std::string(format));
  bundle.set_checkpoint(follower_->state().checkpoint);
  for (const auto& [index, role] : roles) {
    log::v1::GetInclusionProofRequest request;
    request.set_index(index);
    request.set_tree_size(cp->checkpoint.size);
    absl::StatusOr<log::v1::GetInclusionProofResponse> proof = log_->GetInclusionProof(request);
    if (!proof.ok()) return proof.status();
    fpb::BundleEntry* e = bundle.add_entries();
    e->set_role(role);
    e->set_index(index);
    e->set_entry(statements.at(index).entry());
    *e->mutable_proof() = proof->proof();
  }
  return bundle;
}

}  // namespace candor::verifier
