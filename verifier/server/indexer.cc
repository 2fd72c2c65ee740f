#include "verifier/server/indexer.h"

#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "log/crypto/sha256.h"
#include "log/logging/logging.h"
#include "log/statement/dsse.h"
#include "log/merkle/hash.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "proto/candor/finding/v1/finding.pb.h"
#include "proto/candor/measurement/v1/measurement.pb.h"

namespace candor::verifier {
namespace {

// The app a claim, measurement or finding is about; empty otherwise.
std::string AppOf(const SignedStatement& st) {
  const std::string& type = st.statement.predicate_type;
  const std::string& json = st.statement.predicate_json;
  if (type == kClaimType) {
    claim::v1::Claim c;
    return ParsePredicate(json, c).ok() ? c.app().id() : "";
  }
  if (type == kRecordedClaimType) {
    claim::v1::RecordedClaim r;
    return ParsePredicate(json, r).ok() ? r.reading().app().id() : "";
  }
  if (type == kDisputeType) {
    claim::v1::Dispute d;
    return ParsePredicate(json, d).ok() ? d.app() : "";
  }
  if (type == kMeasurementType) {
    measurement::v1::Measurement m;
    return ParsePredicate(json, m).ok() ? m.app() : "";
  }
  if (type == kFindingType) {
    finding::v1::Finding f;
    return ParsePredicate(json, f).ok() ? f.app() : "";
  }
  return "";
}

}  // namespace

absl::Status Indexer::UpgradeFromVersion1(VerifierStore* store) {
  logging::Info("upgrading the verifier store from schema version 1: indexing "
                "the identity of every statement, once");
  constexpr size_t kChunk = 4096;
  uint64_t next = 0;
  while (true) {
    absl::StatusOr<std::vector<v1::IndexedStatement>> statements =
        store->ReadStatements(next, kChunk);
    if (!statements.ok()) return statements.status();
    if (statements->empty()) break;
    VerifierStore::Batch batch = store->NewBatch();
    absl::flat_hash_map<std::string, uint64_t> in_chunk;
    absl::flat_hash_map<std::string, v1::AppRecord> apps;
    for (v1::IndexedStatement& st : *statements) {
      next = st.index() + 1;
      absl::StatusOr<Sha256Digest> id = dsse::EntryIdentity(st.entry());
      if (!id.ok()) continue;  // only checked statements are stored
      const std::string identity = DigestBytes(*id);
      std::optional<uint64_t> original;
      if (auto it = in_chunk.find(identity); it != in_chunk.end()) {
        original = it->second;
      } else {
        absl::StatusOr<std::optional<uint64_t>> stored = store->ReadIdentity(identity);
        if (!stored.ok()) return stored.status();
        original = *stored;
      }
      if (!original.has_value()) {
        in_chunk[identity] = st.index();
        batch.PutIdentity(identity, st.index());
        continue;
      }
      // A repeat indexed before repeats were known: it leaves its app.
      if (!st.app().empty()) {
        auto app = apps.find(st.app());
        if (app == apps.end()) {
          absl::StatusOr<std::optional<v1::AppRecord>> record = store->ReadApp(st.app());
          if (!record.ok()) return record.status();
          app = apps.emplace(st.app(), record->value_or(v1::AppRecord())).first;
        }
        for (auto* list : {app->second.mutable_claims(), app->second.mutable_measurements(),
                           app->second.mutable_findings(), app->second.mutable_disputes()}) {
          list->erase(std::remove(list->begin(), list->end(), st.index()), list->end());
        }
      }
      st.set_repeated(true);
      st.set_original(*original);
      batch.PutStatement(st);
    }
    for (const auto& [name, record] : apps) batch.PutApp(record);
    if (absl::Status s = store->Commit(batch); !s.ok()) return s;
  }
  return store->SetSchemaVersion(VerifierStore::kSchemaVersion);
}

absl::StatusOr<Indexer> Indexer::Create(VerifierStore* store, PublicKey admin_key) {
  if (store->schema_version() == 1) {
    if (absl::Status s = UpgradeFromVersion1(store); !s.ok()) return s;
  }
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> records =
      store->ReadRegistry();
  if (!records.ok()) return records.status();
  absl::StatusOr<registry::RegistryState> state =
      registry::RegistryState::FromRecords(*records);
  if (!state.ok()) return state.status();
  return Indexer(store, std::move(admin_key), *std::move(state));
}

absl::StatusOr<IndexedChunk> Indexer::IndexChunk(
    uint64_t start, const std::vector<std::string>& entries,
    const follower::FollowerState& state) {
  IndexedChunk chunk;
  VerifierStore::Batch batch = store_->NewBatch();
  registry::RegistryState next = registry_;
  absl::flat_hash_map<std::string, v1::AppRecord> apps;
  absl::flat_hash_map<std::string, v1::PrincipalHistory> principals;
  std::set<std::string> changed_principals;
  // Identities first seen in this chunk.
  absl::flat_hash_map<std::string, uint64_t> identities;

  auto app_record = [&](const std::string& app) -> absl::StatusOr<v1::AppRecord*> {
    auto it = apps.find(app);
    if (it != apps.end()) return &it->second;
    absl::StatusOr<std::optional<v1::AppRecord>> stored = store_->ReadApp(app);
    if (!stored.ok()) return stored.status();
    v1::AppRecord record = stored->value_or(v1::AppRecord());
    record.set_app(app);
    return &apps.emplace(app, std::move(record)).first->second;
  };

  for (size_t i = 0; i < entries.size(); ++i) {
    const uint64_t index = start + i;
    const std::string& entry = entries[i];
    absl::StatusOr<SignedStatement> st = ParseSignedStatement(entry);
    if (!st.ok()) {
      chunk.rejected.push_back(absl::StrCat("entry ", index, ": ", st.status().message()));
      continue;
    }
    const std::string& type = st->statement.predicate_type;
    absl::StatusOr<registry::Role> role = registry::SignerRoleFor(type);
    if (!role.ok()) {
      chunk.rejected.push_back(absl::StrCat("entry ", index, ": ", role.status().message()));
      continue;
    }
    absl::StatusOr<admission::AuthorizedSigner> signer =
        admission::AuthorizeSignatures(*st, *role, next, index, &admin_key_);
    if (!signer.ok()) {
      chunk.rejected.push_back(
          absl::StrCat("entry ", index, ": ", signer.status().message()));
      continue;
    }

    v1::IndexedStatement record;
    record.set_index(index);
    record.set_leaf_hash(std::string(merkle::AsBytes(merkle::HashLeaf(entry))));
    record.set_signer(signer->principal != nullptr
                          ? signer->principal->registration().name()
                          : "");
    record.set_predicate_type(type);
    record.set_entry(entry);

    const std::string identity = DigestBytes(dsse::StatementIdentity(st->envelope));
    std::optional<uint64_t> original;
    if (auto it = identities.find(identity); it != identities.end()) {
      original = it->second;
    } else {
      absl::StatusOr<std::optional<uint64_t>> stored = store_->ReadIdentity(identity);
      if (!stored.ok()) return stored.status();
      original = *stored;
    }
    if (original.has_value()) {
      record.set_repeated(true);
      record.set_original(*original);
      batch.PutStatement(record);
      chunk.repeated.push_back(
          absl::StrCat("entry ", index, " repeats entry ", *original));
      continue;
    }

    if (type == kRegistrationType) {
      registry::Registration r;
      if (absl::Status s = ParsePredicate(st->statement.predicate_json, r);
          !s.ok() || !next.Apply(r, index).ok()) {
        chunk.rejected.push_back(
            absl::StrCat("entry ", index, ": registration does not apply"));
        continue;
      }
      changed_principals.insert(r.name());
      auto it = principals.find(r.name());
      if (it == principals.end()) {
        absl::StatusOr<std::optional<v1::PrincipalHistory>> stored =
            store_->ReadPrincipal(r.name());
        if (!stored.ok()) return stored.status();
        v1::PrincipalHistory h = stored->value_or(v1::PrincipalHistory());
        h.set_name(r.name());
        it = principals.emplace(r.name(), std::move(h)).first;
      }
      it->second.add_registrations(index);
    } else {
      record.set_app(AppOf(*st));
      if (!record.app().empty()) {
        absl::StatusOr<v1::AppRecord*> app = app_record(record.app());
        if (!app.ok()) return app.status();
        // A recording is one of the app's claims (claim/history.h).
        if (type == kClaimType || type == kRecordedClaimType) {
          (*app)->add_claims(index);
          chunk.claims.push_back(index);
          chunk.apps.insert(record.app());
        } else if (type == kMeasurementType) {
          (*app)->add_measurements(index);
          chunk.measurements.push_back(index);
          chunk.apps.insert(record.app());
        } else if (type == kFindingType) {
          (*app)->add_findings(index);
          chunk.findings.push_back(index);
        } else if (type == kDisputeType) {
          (*app)->add_disputes(index);
        }
      }
    }
    identities[identity] = index;
    batch.PutIdentity(identity, index);
    batch.PutStatement(record);
  }

  for (const std::string& name : changed_principals) {
    for (const auto& [key, value] : next.RecordsFor(name)) {
      batch.PutRegistryRecord(key, value);
    }
  }
  for (const auto& [name, history] : principals) batch.PutPrincipal(history);
  for (const auto& [app, record] : apps) batch.PutApp(record);
  v1::FollowerRecord follower;
  follower.set_size(state.size);
  for (const merkle::Hash& h : state.frontier) {
    follower.add_frontier(std::string(merkle::AsBytes(h)));
  }
  follower.set_checkpoint(state.checkpoint);
  batch.PutFollower(follower);
  if (absl::Status s = store_->Commit(batch); !s.ok()) return s;
  registry_ = std::move(next);
  return chunk;
}

}  // namespace candor::verifier
