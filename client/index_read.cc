#include "client/index_read.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "log/admission/admission.h"
#include "log/encoding/encoding.h"
#include "log/index/index_keys.h"
#include "log/merkle/proof.h"
#include "log/registry/registry.h"
#include "log/statement/dsse.h"
#include "log/statement/predicate_types.h"

namespace candor::client {
namespace {

std::string Quoted(const std::string& key) { return absl::StrCat("\"", key, "\""); }

absl::StatusOr<index::MapProof> ProofFromWire(const log::v1::IndexMapProof& wire) {
  index::MapProof proof;
  absl::StatusOr<std::vector<merkle::Hash>> siblings = merkle::HashesFromBytes(
      std::vector<std::string>(wire.siblings().begin(), wire.siblings().end()));
  if (!siblings.ok()) return siblings.status();
  proof.siblings = *std::move(siblings);
  if (wire.has_leaf()) {
    proof.terminal.kind = index::Terminal::kLeaf;
    absl::StatusOr<merkle::Hash> key_hash = merkle::HashFromBytes(wire.leaf_key_hash());
    if (!key_hash.ok()) return key_hash.status();
    absl::StatusOr<merkle::Hash> head = merkle::HashFromBytes(wire.leaf_head());
    if (!head.ok()) return head.status();
    proof.terminal.key_hash = *key_hash;
    proof.terminal.value = {wire.leaf_count(), *head};
  }
  return proof;
}

// Applies the registration logged at `at` to `state`, if it is one (the
// log's admission applied it when it logged it).
void ApplyRegistration(uint64_t at, const std::string& entry, registry::RegistryState& state) {
  absl::StatusOr<SignedStatement> r = ParseSignedStatement(entry);
  registry::Registration registration;
  if (r.ok() && r->statement.predicate_type == kRegistrationType &&
      ParsePredicate(r->statement.predicate_json, registration).ok()) {
    (void)state.Apply(registration, at);
  }
}

}  // namespace

absl::StatusOr<IndexAnswer> LookUpVerified(LogClient& log, const note::Verifier& log_key,
                                           const std::string& key, const IndexAnswer* since) {
  IndexAnswer out;
  out.key = key;
  index::Value chained;
  if (since != nullptr) {
    out.indices = since->indices;
    chained = since->value;
  }
  const index::Hash key_hash = index::KeyHash(key);
  auto refuse = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("the index's answer for key ", Quoted(key), " does not verify: ", why));
  };
  while (true) {
    absl::StatusOr<log::v1::LookupIndexResponse> page =
        log.LookupIndex(key, chained.count);
    if (!page.ok()) return page.status();
    absl::StatusOr<index::IndexCheckpoint> tree = index::OpenIndexNote(page->index_note(), log_key);
    if (!tree.ok()) return refuse(absl::StrCat("its index note: ", tree.status().message()));
    if (since != nullptr && tree->size < since->tree.size) {
      return refuse(absl::StrCat("its tree of ", tree->size, " entries is older than the ",
                                 since->tree.size, " of the answer before"));
    }
    absl::StatusOr<index::MapProof> proof = ProofFromWire(page->proof());
    if (!proof.ok()) return refuse(proof.status().message());
    absl::StatusOr<merkle::Hash> head = merkle::HashFromBytes(page->head());
    if (!head.ok()) return refuse(absl::StrCat("head: ", head.status().message()));
    const index::Value value{page->count(), *head};
    std::optional<index::Value> claimed;
    if (page->present()) claimed = value;
    if (absl::Status s = index::VerifyLookup(tree->index_root, key_hash, claimed, *proof);
        !s.ok()) {
      return refuse(s.message());
    }
    if (!page->present() && (value.count != 0 || page->indices_size() != 0)) {
      return refuse("an absent key is given entries");
    }
    if (value.count < chained.count) {
      return refuse(absl::StrCat("it has ", value.count, " entries, fewer than the ",
                                 chained.count, " it had"));
    }
    if (page->from() != chained.count) {
      return refuse(absl::StrCat("asked from position ", chained.count, ", it starts at ",
                                 page->from()));
    }
    for (uint64_t i : page->indices()) {
      if (i >= tree->size || (!out.indices.empty() && i <= out.indices.back())) {
        return refuse(absl::StrCat("log index ", i, " is out of order or beyond the tree of ",
                                   tree->size, " entries"));
      }
      out.indices.push_back(i);
    }
    chained = index::ExtendValue(
        chained, std::vector<uint64_t>(page->indices().begin(), page->indices().end()));
    if (chained.count >= value.count) {
      if (!(chained == value)) {
        return refuse(absl::StrCat(
            "its ", chained.count, " log indices do not hash to the key's value in the "
            "index (", value.count, " entries): an entry was left out, added or reordered"));
      }
      out.index_note = page->index_note();
      out.tree = *tree;
      out.present = page->present();
      out.value = value;
      out.proof_bytes = index::ProofBytes(*proof);
      return out;
    }
    if (page->indices_size() == 0) {
      return refuse(absl::StrCat("it lists no entries from position ", chained.count,
                                 " of ", value.count));
    }
  }
}

absl::Status CheckTreeAgainst(LogClient& log, const index::IndexCheckpoint& tree,
                              const note::Checkpoint& checkpoint) {
  if (tree.size == checkpoint.size) {
    if (tree.log_root != checkpoint.root) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the index note and the checkpoint give the tree of ", tree.size,
          " entries two different roots: the log shows two histories"));
    }
    return absl::OkStatus();
  }
  const bool index_older = tree.size < checkpoint.size;
  const uint64_t from = index_older ? tree.size : checkpoint.size;
  const uint64_t to = index_older ? checkpoint.size : tree.size;
  const merkle::Hash& old_root = index_older ? tree.log_root : checkpoint.root;
  const merkle::Hash& new_root = index_older ? checkpoint.root : tree.log_root;
  if (from == 0) return absl::OkStatus();
  absl::StatusOr<log::v1::GetConsistencyProofResponse> proof = log.GetConsistencyProof(from, to);
  if (!proof.ok()) return proof.status();
  absl::StatusOr<std::vector<merkle::Hash>> hashes = merkle::HashesFromBytes(
      std::vector<std::string>(proof->proof().begin(), proof->proof().end()));
  if (!hashes.ok()) return hashes.status();
  if (absl::Status s = merkle::VerifyConsistency(from, to, *hashes, merkle::AsBytes(old_root),
                                                 merkle::AsBytes(new_root));
      !s.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the index note's tree (", tree.size, " entries) and the checkpoint's (",
        checkpoint.size, ") are not of one history: ", s.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> IndexedReader::ReadEntries(
    const index::IndexCheckpoint& tree, const std::vector<uint64_t>& indices) {
  std::vector<std::string> entries;
  entries.reserve(indices.size());
  // Runs of consecutive indices are fetched together.
  for (size_t i = 0; i < indices.size();) {
    size_t run = 1;
    while (i + run < indices.size() && indices[i + run] == indices[i] + run && run < 1000) ++run;
    size_t got_in_run = 0;
    while (got_in_run < run) {
      const uint64_t start = indices[i] + got_in_run;
      absl::StatusOr<log::v1::GetEntriesResponse> got =
          log_->GetEntries(start, static_cast<uint32_t>(run - got_in_run));
      if (!got.ok()) return got.status();
      if (got->start() != start || got->entries_size() == 0 ||
          static_cast<size_t>(got->entries_size()) > run - got_in_run) {
        return absl::InvalidArgumentError(
            absl::StrCat("the log did not return entry ", start));
      }
      for (const std::string& e : got->entries()) entries.push_back(e);
      got_in_run += got->entries_size();
    }
    i += run;
  }
  // Every entry's inclusion in the index note's tree, 1,000 proofs a call.
  for (size_t first = 0; first < indices.size(); first += 1000) {
    const size_t count = std::min<size_t>(1000, indices.size() - first);
    std::vector<uint64_t> batch(indices.begin() + first, indices.begin() + first + count);
    absl::StatusOr<log::v1::GetInclusionProofsResponse> proofs =
        log_->GetInclusionProofs(batch, tree.size);
    if (!proofs.ok()) return proofs.status();
    if (proofs->proofs_size() != static_cast<int>(count)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the log returned ", proofs->proofs_size(), " inclusion proofs for ", count,
          " entries"));
    }
    for (size_t k = 0; k < count; ++k) {
      const uint64_t index = batch[k];
      const log::v1::InclusionProof& proof = proofs->proofs(static_cast<int>(k));
      absl::StatusOr<std::vector<merkle::Hash>> hashes = merkle::HashesFromBytes(
          std::vector<std::string>(proof.hashes().begin(), proof.hashes().end()));
      if (!hashes.ok()) return hashes.status();
      absl::Status s = proof.index() != index
                           ? absl::InvalidArgumentError(absl::StrCat(
                                 "the proof is for entry ", proof.index()))
                           : merkle::VerifyInclusion(
                                 index, tree.size,
                                 merkle::AsBytes(merkle::HashLeaf(entries[first + k])), *hashes,
                                 merkle::AsBytes(tree.log_root));
      if (!s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "entry ", index, " is not in the tree of the index note: ", s.message()));
      }
    }
  }
  return entries;
}

absl::Status IndexedReader::LoadPrincipal(const index::IndexCheckpoint& tree,
                                          const std::string& name) {
  if (registrations_.contains(name)) return absl::OkStatus();
  absl::StatusOr<IndexAnswer> answer =
      LookUpVerified(*log_, log_key_, registry::PrincipalSubject(name));
  if (!answer.ok()) return answer.status();
  if (absl::Status s = CheckTreeAgainst(*log_, answer->tree,
                                        note::Checkpoint{tree.origin, tree.size, tree.log_root, {}});
      !s.ok()) {
    return s;
  }
  std::vector<uint64_t> indices;
  for (uint64_t i : answer->indices) {
    if (i < tree.size) indices.push_back(i);
  }
  absl::StatusOr<std::vector<std::string>> entries = ReadEntries(tree, indices);
  if (!entries.ok()) return entries.status();
  std::vector<std::pair<uint64_t, std::string>>& list = registrations_[name];
  for (size_t k = 0; k < indices.size(); ++k) {
    list.emplace_back(indices[k], std::move((*entries)[k]));
  }
  return absl::OkStatus();
}

registry::RegistryState IndexedReader::Registry() const {
  std::vector<std::pair<uint64_t, const std::string*>> all;
  for (const auto& [name, list] : registrations_) {
    for (const auto& [at, entry] : list) all.emplace_back(at, &entry);
  }
  std::sort(all.begin(), all.end());
  registry::RegistryState state;
  for (const auto& [at, entry] : all) ApplyRegistration(at, *entry, state);
  return state;
}

absl::Status IndexedReader::Read(const index::IndexCheckpoint& tree,
                                 const std::vector<uint64_t>& indices, Visit visit) {
  absl::StatusOr<std::vector<std::string>> entries = ReadEntries(tree, indices);
  if (!entries.ok()) return entries.status();
  for (size_t k = 0; k < indices.size(); ++k) {
    const uint64_t i = indices[k];
    const std::string* entry = &(*entries)[k];
    absl::StatusOr<SignedStatement> st = ParseSignedStatement(*entry);
    if (!st.ok()) continue;
    absl::StatusOr<registry::Role> role = registry::SignerRoleFor(st->statement.predicate_type);
    if (!role.ok()) continue;
    if (!seen_.insert(dsse::StatementIdentity(st->envelope)).second) continue;
    if (*role == registry::v1::ROLE_UNSPECIFIED) {
      // Registrations: signed by the operator's admin key, which the log's
      // admission checked (a client without that key trusts it, as
      // LogScanner does).
      visit(i, *entry, *st, "");
      continue;
    }
    const std::string signer = NamedSignerOf(st->statement);
    if (signer.empty()) continue;
    if (absl::Status s = LoadPrincipal(tree, signer); !s.ok()) return s;
    registry::RegistryState registry;
    for (const auto& [at, registration_entry] : registrations_[signer]) {
      if (at >= i) break;
      ApplyRegistration(at, registration_entry, registry);
    }
    absl::StatusOr<admission::AuthorizedSigner> authorized =
        admission::AuthorizeSignatures(*st, *role, registry, i, nullptr);
    if (!authorized.ok() || authorized->principal == nullptr ||
        authorized->principal->registration().name() != signer) {
      continue;
    }
    visit(i, *entry, *st, signer);
  }
  return absl::OkStatus();
}

}  // namespace candor::client
