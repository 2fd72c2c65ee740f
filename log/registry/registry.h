// The registry of principals (vendors, auditors, verifiers, recorders) and
// their keys, derived from Registration statements in log order.
//
// The same state machine runs in the log (to admit entries) and offline (to
// check a bundle of entries), so both agree on who could sign what at which
// index. The state holds one record per principal and per key ever
// registered: small, and kept whole in memory.
//
// Not thread-safe: callers copy or lock. Errors are INVALID_ARGUMENT for a
// malformed registration, FAILED_PRECONDITION for one that conflicts with the
// current state, PERMISSION_DENIED for a signer that is not authorized.

#ifndef CANDOR_LOG_REGISTRY_REGISTRY_H_
#define CANDOR_LOG_REGISTRY_REGISTRY_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "log/crypto/keys.h"
#include "log/statement/predicate_types.h"
#include "proto/candor/registry/v1/registry.pb.h"

namespace candor::registry {

inline constexpr absl::string_view kRegistrationPredicateType =
    kRegistrationType;

using v1::KeyRecord;
using v1::PrincipalRecord;
using v1::Registration;
using v1::Role;

// "vendor", "auditor", "verifier", "recorder".
absl::string_view RoleName(Role role);

// The subject name a registration statement must carry: "principal:<name>".
std::string PrincipalSubject(absl::string_view name);

// The entry that registers `registration`: an in-toto statement about
// PrincipalSubject(name), with issuedAt set to `issued_at` (see
// Registration.issued_at), signed by the operator's `admin_key`.
absl::StatusOr<std::string> SignRegistration(Registration registration,
                                             absl::Time issued_at,
                                             const PrivateKey& admin_key);

// Checks a registration on its own: name syntax, a role, keys that parse as
// Ed25519 or P-256 PEM keys (none repeated), apps in scope named
// "android:", "ios:" or "web:", scope only for vendors, keys iff not revoked.
absl::Status ValidateRegistration(const Registration& registration);

// Checks that `domain` is a lower-case DNS name as a scope lists it
// (letters, digits, '.', '-'; at most 253 characters; no empty label).
absl::Status ValidateDomain(absl::string_view domain);

// Checks that `app` is a well-formed app id: "android:<package>",
// "ios:<bundle id>" or "web:<https origin>".
absl::Status ValidateAppId(absl::string_view app);

// The role whose keys sign statements of `predicate_type`; ROLE_UNSPECIFIED
// for registrations, which the operator's admin key signs. INVALID_ARGUMENT
// for a type Candor does not know.
absl::StatusOr<Role> SignerRoleFor(absl::string_view predicate_type);

// A key that signed an entry, with the principal it belongs to.
struct Signer {
  const PrincipalRecord* principal;
  const KeyRecord* key;
  PublicKey public_key;
};

class RegistryState {
 public:
  // Rebuilds the state from stored records (see Records()).
  static absl::StatusOr<RegistryState> FromRecords(
      const std::vector<std::pair<std::string, std::string>>& records);

  // Checks that `registration` could be applied now: it is valid, a
  // principal keeps its role for life, a key belongs to at most one principal,
  // and a key once rotated out is never registered again.
  absl::Status CheckApply(const Registration& registration) const;
  // Applies a registration admitted at log index `index` (after CheckApply).
  absl::Status Apply(const Registration& registration, uint64_t index);

  const PrincipalRecord* FindPrincipal(absl::string_view name) const;
  const KeyRecord* FindKey(absl::string_view keyid) const;

  // The key `keyid` if it may sign an entry at log index `index` for a
  // principal of `role`: registered before `index`, not removed by then, and
  // its principal not revoked by then. PERMISSION_DENIED otherwise, saying why.
  absl::StatusOr<Signer> AuthorizeKey(absl::string_view keyid, Role role,
                                      uint64_t index) const;

  // The records that represent principal `name` and its keys, to persist
  // after Apply().
  std::vector<std::pair<std::string, std::string>> RecordsFor(
      absl::string_view name) const;
  // Every record.
  std::vector<std::pair<std::string, std::string>> Records() const;

  size_t principal_count() const { return principals_.size(); }

 private:
  absl::btree_map<std::string, PrincipalRecord> principals_;
  absl::btree_map<std::string, KeyRecord> keys_;  // by key id
  // Principal name -> ids of every key it ever had.
  absl::btree_map<std::string, absl::btree_set<std::string>> keys_of_;
  // Key id -> the key, parsed once: OpenSSL's PEM decoder is far too slow
  // (and lock-bound) to run for every entry.
  absl::flat_hash_map<std::string, PublicKey> parsed_;
};

}  // namespace candor::registry

#endif  // CANDOR_LOG_REGISTRY_REGISTRY_H_
