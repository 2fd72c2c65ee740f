#include "log/registry/registry.h"

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "log/statement/dsse.h"
#include "log/statement/statement.h"

namespace candor::registry {
namespace {

constexpr char kPrincipalPrefix[] = "p/";
constexpr char kKeyPrefix[] = "k/";
constexpr size_t kMaxNameLength = 64;
constexpr size_t kMaxKeys = 16;
constexpr size_t kMaxScopeItems = 1000;

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

// Package names, bundle ids and hosts: letters, digits, '.', '-', '_'.
bool IsIdentifierChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

}  // namespace

absl::Status ValidateDomain(absl::string_view domain) {
  if (domain.empty() || domain.size() > 253 || domain.front() == '.' ||
      domain.back() == '.' || absl::StrContains(domain, "..")) {
    return absl::InvalidArgumentError(
        absl::StrCat("scope domain \"", domain, "\" is not a DNS name"));
  }
  for (char c : domain) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '-')) {
      return absl::InvalidArgumentError(absl::StrCat(
          "scope domain \"", domain,
          "\" must be a lower-case DNS name (letters, digits, '.', '-')"));
    }
  }
  return absl::OkStatus();
}

absl::string_view RoleName(Role role) {
  switch (role) {
    case v1::VENDOR: return "vendor";
    case v1::AUDITOR: return "auditor";
    case v1::VERIFIER: return "verifier";
    case v1::RECORDER: return "recorder";
    default: return "unspecified";
  }
}

absl::StatusOr<Role> SignerRoleFor(absl::string_view predicate_type) {
  if (predicate_type == kRegistrationType) return v1::ROLE_UNSPECIFIED;
  if (predicate_type == kClaimType) return v1::VENDOR;
  if (predicate_type == kMeasurementType) return v1::AUDITOR;
  if (predicate_type == kRecordedClaimType) return v1::RECORDER;
  if (predicate_type == kDisputeType) return v1::VENDOR;
  if (predicate_type == kReferenceDataType || predicate_type == kFindingType) {
    return v1::VERIFIER;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown predicate type \"", predicate_type, "\""));
}

std::string PrincipalSubject(absl::string_view name) {
  return absl::StrCat("principal:", name);
}

absl::StatusOr<std::string> SignRegistration(Registration registration,
                                             absl::Time issued_at,
                                             const PrivateKey& admin_key) {
  const absl::Duration since_epoch = issued_at - absl::UnixEpoch();
  const int64_t seconds = absl::ToInt64Seconds(since_epoch);
  registration.mutable_issued_at()->set_seconds(seconds);
  registration.mutable_issued_at()->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(since_epoch - absl::Seconds(seconds))));
  Statement st;
  st.subjects.push_back(NamedSubject(PrincipalSubject(registration.name())));
  st.predicate_type = std::string(kRegistrationType);
  st.predicate_json = PredicateToJson(registration);
  return SignStatement(st, admin_key);
}

absl::Status ValidateAppId(absl::string_view app) {
  absl::string_view rest;
  if (absl::StartsWith(app, "android:")) {
    rest = app.substr(8);
  } else if (absl::StartsWith(app, "ios:")) {
    rest = app.substr(4);
  } else if (absl::StartsWith(app, "web:https://")) {
    rest = app.substr(12);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "app \"", app,
        "\" must be \"android:<package>\", \"ios:<bundle id>\" or "
        "\"web:https://<host>\""));
  }
  if (rest.empty() || rest.size() > 255) {
    return absl::InvalidArgumentError(
        absl::StrCat("app \"", app, "\" has an empty or overlong identifier"));
  }
  for (char c : rest) {
    if (!IsIdentifierChar(c)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "app \"", app, "\" contains '", std::string(1, c),
          "'; identifiers use letters, digits, '.', '-' and '_'"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateRegistration(const Registration& r) {
  if (r.name().empty() || r.name().size() > kMaxNameLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "registration name must be 1 to ", kMaxNameLength, " characters"));
  }
  for (char c : r.name()) {
    if (!IsNameChar(c)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "registration name \"", r.name(),
          "\" may contain only lower-case letters, digits, '.', '-' and '_'"));
    }
  }
  if (r.role() != v1::VENDOR && r.role() != v1::AUDITOR &&
      r.role() != v1::VERIFIER && r.role() != v1::RECORDER) {
    return absl::InvalidArgumentError(
        "registration role must be VENDOR, AUDITOR, VERIFIER or RECORDER");
  }
  if (r.revoked() && r.public_keys_size() > 0) {
    return absl::InvalidArgumentError(
        "a revoking registration must not list public keys");
  }
  if (!r.revoked() && r.public_keys_size() == 0) {
    return absl::InvalidArgumentError(
        "registration must list at least one public key (or set revoked)");
  }
  if (r.public_keys_size() > static_cast<int>(kMaxKeys)) {
    return absl::InvalidArgumentError(
        absl::StrCat("registration lists more than ", kMaxKeys, " keys"));
  }
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < r.public_keys_size(); ++i) {
    absl::StatusOr<PublicKey> key = PublicKey::FromPem(r.public_keys(i));
    if (!key.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "registration public_keys[", i, "]: ", key.status().message()));
    }
    if (!ids.insert(dsse::KeyId(*key)).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "registration public_keys[", i, "] repeats an earlier key"));
    }
  }
  const v1::Scope& scope = r.scope();
  if (r.role() != v1::VENDOR &&
      (scope.apps_size() || scope.organisations_size() || scope.domains_size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("only vendors have a scope; this registration is for a ",
                     RoleName(r.role())));
  }
  if (scope.apps_size() + scope.organisations_size() + scope.domains_size() >
      static_cast<int>(kMaxScopeItems)) {
    return absl::InvalidArgumentError(
        absl::StrCat("registration scope lists more than ", kMaxScopeItems,
                     " items"));
  }
  for (const std::string& app : scope.apps()) {
    if (absl::Status s = ValidateAppId(app); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("registration scope: ", s.message()));
    }
  }
  for (const std::string& org : scope.organisations()) {
    if (org.empty() || org.size() > 200) {
      return absl::InvalidArgumentError(
          "registration scope: organisation names must be 1 to 200 characters");
    }
  }
  for (const std::string& domain : scope.domains()) {
    if (absl::Status s = ValidateDomain(domain); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("registration ", s.message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<RegistryState> RegistryState::FromRecords(
    const std::vector<std::pair<std::string, std::string>>& records) {
  RegistryState state;
  for (const auto& [key, value] : records) {
    if (absl::StartsWith(key, kPrincipalPrefix)) {
      PrincipalRecord p;
      if (!p.ParseFromString(value)) {
        return absl::DataLossError(absl::StrCat("corrupt registry record ", key));
      }
      state.principals_[key.substr(2)] = std::move(p);
    } else if (absl::StartsWith(key, kKeyPrefix)) {
      KeyRecord k;
      if (!k.ParseFromString(value)) {
        return absl::DataLossError(absl::StrCat("corrupt registry record ", key));
      }
      absl::StatusOr<PublicKey> pub = PublicKey::FromPem(k.public_key());
      if (!pub.ok()) {
        return absl::DataLossError(
            absl::StrCat("registry record ", key, ": ", pub.status().message()));
      }
      state.parsed_.insert_or_assign(key.substr(2), *std::move(pub));
      state.keys_of_[k.principal()].insert(key.substr(2));
      state.keys_[key.substr(2)] = std::move(k);
    } else {
      return absl::DataLossError(absl::StrCat("unknown registry record ", key));
    }
  }
  return state;
}

absl::Status RegistryState::CheckApply(const Registration& r) const {
  if (absl::Status s = ValidateRegistration(r); !s.ok()) return s;
  auto existing = principals_.find(r.name());
  if (existing != principals_.end() &&
      existing->second.registration().role() != r.role()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "principal \"", r.name(), "\" is registered as a ",
        RoleName(existing->second.registration().role()),
        "; a principal's role cannot change"));
  }
  if (existing == principals_.end() && r.revoked()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot revoke \"", r.name(), "\": it was never registered"));
  }
  for (const std::string& pem : r.public_keys()) {
    std::string id = dsse::KeyId(*PublicKey::FromPem(pem));
    auto k = keys_.find(id);
    if (k == keys_.end()) continue;
    if (k->second.principal() != r.name()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "key ", id, " is already registered to \"", k->second.principal(),
          "\""));
    }
    if (k->second.removed_at() != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "key ", id, " was rotated out at index ", k->second.removed_at(),
          " and cannot be registered again"));
    }
  }
  return absl::OkStatus();
}

absl::Status RegistryState::Apply(const Registration& r, uint64_t index) {
  if (absl::Status s = CheckApply(r); !s.ok()) return s;
  absl::flat_hash_set<std::string> keep;
  std::vector<std::pair<std::string, PublicKey>> new_keys;
  for (const std::string& pem : r.public_keys()) {
    PublicKey key = *PublicKey::FromPem(pem);
    std::string id = dsse::KeyId(key);
    keep.insert(id);
    new_keys.emplace_back(std::move(id), std::move(key));
  }
  // Keys of this principal left out of the new set are rotated out.
  absl::btree_set<std::string>& owned = keys_of_[r.name()];
  for (const std::string& id : owned) {
    KeyRecord& record = keys_[id];
    if (record.removed_at() == 0 && !keep.contains(id)) {
      record.set_removed_at(index);
    }
  }
  for (const auto& [id, key] : new_keys) {
    if (keys_.contains(id)) continue;  // still in force
    KeyRecord& record = keys_[id];
    record.set_principal(r.name());
    record.set_public_key(key.Pem());
    record.set_added_at(index);
    owned.insert(id);
    parsed_.insert_or_assign(id, key);
  }
  PrincipalRecord& p = principals_[r.name()];
  *p.mutable_registration() = r;
  p.set_registered_at(index);
  return absl::OkStatus();
}

const PrincipalRecord* RegistryState::FindPrincipal(
    absl::string_view name) const {
  auto it = principals_.find(name);
  return it == principals_.end() ? nullptr : &it->second;
}

const KeyRecord* RegistryState::FindKey(absl::string_view keyid) const {
  auto it = keys_.find(keyid);
  return it == keys_.end() ? nullptr : &it->second;
}

absl::StatusOr<Signer> RegistryState::AuthorizeKey(absl::string_view keyid,
                                                   Role role,
                                                   uint64_t index) const {
  const KeyRecord* key = FindKey(keyid);
  if (key == nullptr || key->added_at() >= index) {
    return absl::PermissionDeniedError(
        absl::StrCat("key ", keyid, " is not registered"));
  }
  if (key->removed_at() != 0 && key->removed_at() < index) {
    return absl::PermissionDeniedError(absl::StrCat(
        "key ", keyid, " of \"", key->principal(),
        "\" was rotated out or revoked at index ", key->removed_at()));
  }
  const PrincipalRecord* principal = FindPrincipal(key->principal());
  if (principal == nullptr) {
    return absl::DataLossError(absl::StrCat("key ", keyid,
                                            " names unknown principal ",
                                            key->principal()));
  }
  if (principal->registration().role() != role) {
    return absl::PermissionDeniedError(absl::StrCat(
        "key ", keyid, " belongs to \"", key->principal(), "\", a ",
        RoleName(principal->registration().role()), "; this statement needs a ",
        RoleName(role)));
  }
  return Signer{principal, key, parsed_.at(keyid)};
}

std::vector<std::pair<std::string, std::string>> RegistryState::RecordsFor(
    absl::string_view name) const {
  std::vector<std::pair<std::string, std::string>> out;
  if (const PrincipalRecord* p = FindPrincipal(name)) {
    out.emplace_back(absl::StrCat(kPrincipalPrefix, name),
                     p->SerializeAsString());
  }
  auto owned = keys_of_.find(name);
  if (owned == keys_of_.end()) return out;
  for (const std::string& id : owned->second) {
    out.emplace_back(absl::StrCat(kKeyPrefix, id),
                     keys_.at(id).SerializeAsString());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> RegistryState::Records() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, p] : principals_) {
    auto r = RecordsFor(name);
    out.insert(out.end(), r.begin(), r.end());
  }
  return out;
}

}  // namespace candor::registry
