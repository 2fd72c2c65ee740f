// Admission of entries into the log: only signed statements from registered
// principals, each checked by the validator for its predicate type.
//
// An entry is admitted when:
//   1. it parses as a DSSE envelope of an in-toto Statement v1 (at most 65,535
//      bytes);
//   2. its predicate type has a registered validator;
//   3. at least one signature verifies under a key in force for the role
//      that predicate type requires (the operator's admin key for
//      registrations), and every key that verifies is of one principal (the
//      DSSE rules under AuthorizeSignatures);
//   4. the validator accepts the predicate, including that every signed time
//      it carries is fresh (CheckSignedTime).
// Failures are INVALID_ARGUMENT (malformed, or a signed time outside the
// window), PERMISSION_DENIED (unknown, rotated-out or revoked key, wrong
// role, bad signature, out of scope) or RESOURCE_EXHAUSTED (too large), with
// a message naming the problem.
//
// Fresh or refused: a statement's signed times (a registration's and a
// claim's issuedAt, the end of a measurement's run, a finding's issued_at)
// must lie within AdmissionOptions::max_time_skew of the log's clock
// (LogView::Now), before or after. The log thereby vouches, to within that
// window, for when each statement was made: nobody can backdate a statement,
// or hold a signed one back and log it later.
//
// Admit() does the expensive, state-independent work (parsing, signature
// verification) and may run on many threads at once; the sequencer calls
// Recheck() and ApplyRegistration() under its lock so that a key revoked
// meanwhile cannot slip in.

#ifndef CANDOR_LOG_ADMISSION_ADMISSION_H_
#define CANDOR_LOG_ADMISSION_ADMISSION_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "log/crypto/keys.h"
#include "log/merkle/hash.h"
#include "log/registry/registry.h"
#include "log/statement/statement.h"

namespace candor::admission {

// An entry already in the log.
struct IndexedEntry {
  uint64_t index = 0;
  std::string entry;
};

// Read access to the log for validators (e.g. to check that a claim
// supersedes an earlier claim). Implementations are thread-safe.
class LogView {
 public:
  virtual ~LogView() = default;
  // The log's clock, which signed times are checked against.
  virtual absl::Time Now() const = 0;
  // The sequenced entry whose leaf hash is `leaf_hash`, if any.
  virtual absl::StatusOr<std::optional<IndexedEntry>> FindEntry(
      const merkle::Hash& leaf_hash) const = 0;
};

// How far a signed time may be from the log's clock, unless configured.
inline constexpr absl::Duration kDefaultMaxTimeSkew = absl::Minutes(5);

struct ValidationContext {
  const registry::RegistryState& registry;
  const LogView& log;
  // The principal that signed; nullptr for statements signed by the admin key.
  const registry::PrincipalRecord* signer;
  // See CheckSignedTime.
  absl::Duration max_time_skew = kDefaultMaxTimeSkew;
};

// Fresh or refused: OK if `t` is within `max_time_skew` of `now`, before or
// after; otherwise INVALID_ARGUMENT giving both times, e.g.
//   claim issuedAt: 2026-12-06T06:00:00Z is 1h0m0s before now
//   (2026-12-06T07:00:00Z); the log admits only signed times within 5m of
//   its clock: sign it again with the current time
// `field` names the time as the statement spells it ("claim issuedAt").
absl::Status CheckSignedTime(absl::string_view field, absl::Time t, absl::Time now,
                             absl::Duration max_time_skew);
// The same against context.log.Now() and context.max_time_skew.
absl::Status CheckSignedTime(absl::string_view field, absl::Time t,
                             const ValidationContext& context);

// Checks the predicate of one predicate type. Implementations are stateless
// and thread-safe.
class PredicateValidator {
 public:
  virtual ~PredicateValidator() = default;
  // The role whose keys sign this predicate type; ROLE_UNSPECIFIED means the
  // operator's admin key.
  virtual registry::Role signer_role() const = 0;
  virtual absl::Status Validate(const SignedStatement& statement,
                                const ValidationContext& context) const = 0;
};

// Predicate type URI -> validator. Filled at start-up, then read-only.
class ValidatorRegistry {
 public:
  // A registry with the built-in Registration validator.
  ValidatorRegistry();
  void Register(std::string predicate_type,
                std::unique_ptr<PredicateValidator> validator);
  const PredicateValidator* Find(absl::string_view predicate_type) const;

 private:
  absl::flat_hash_map<std::string, std::unique_ptr<PredicateValidator>>
      validators_;
};

// What admission made of one signature of an envelope.
struct SignatureOutcome {
  size_t index = 0;          // position in the envelope's signatures
  std::string given_keyid;   // as the envelope spells it; may be empty
  // The key it verified under (Candor's key id; for the admin key, the admin
  // key's id); empty if the signature was ignored.
  std::string keyid;
  // Why it was ignored (e.g. "key <id> is not registered"); empty if it
  // verified.
  std::string ignored_because;
};

// One line for a log: which key verified each signature and which were
// ignored, e.g.
//   signature 0 (no key id) verified by key 3f..; signature 1 (key id "x")
//   ignored: key x is not registered
std::string DescribeSignatures(const std::vector<SignatureOutcome>& signatures);

// An entry that passed admission, with what the sequencer must re-check and
// apply when it assigns the index.
struct AdmittedEntry {
  std::string entry;
  merkle::Hash leaf_hash{};
  // What was signed (dsse::StatementIdentity): the log holds one entry per
  // identity.
  Sha256Digest identity{};
  registry::Role signer_role = registry::v1::ROLE_UNSPECIFIED;
  // The keys that verified, one per verified signature, including those found
  // for signatures without a key id; empty for admin-signed entries.
  std::vector<std::string> keyids;
  // Every signature of the envelope: the key that verified it, or why it was
  // ignored (AuthorizeSignatures).
  std::vector<SignatureOutcome> signatures;
  // The signing principal's name; "admin" for the operator's admin key.
  std::string principal;
  std::optional<registry::Registration> registration;
};

// Who signed a statement, by the DSSE rules as other tools write envelopes:
//
//  * A signature whose key id names a registered key must verify under it,
//    and that key must be in force at `index` for `role`; otherwise the
//    entry is refused (PERMISSION_DENIED from RegistryState::AuthorizeKey, or
//    "signature <i> by key <id> of "<name>" does not verify").
//  * Any other signature, with an empty or missing key id (cosign and
//    several in-toto tools write these) or with one the registry never had
//    by log index `index` (another tool's key id scheme, such as
//    securesystemslib's, or a stranger's key), is tried under every key in
//    force of one principal: the principal of the envelope's verified
//    key-id signatures if there are any, else the one the predicate names
//    as its signer (SignerFieldOf: a claim's issuer, a measurement's
//    auditor, a finding's verifier), if it is registered with `role`. Every
//    candidate key is tried, whatever matched before, so the time taken
//    does not say which key it was; at most kMaxCandidateKeys keys (the
//    registry's own limit per principal) for each of the first
//    kMaxTriedSignatures such signatures, so an envelope costs at most 64
//    verifications (later ones are ignored untried). If none verifies, the
//    signature is ignored and recorded, as DSSE intends: someone else's
//    signature adds nothing and takes nothing away.
//  * All keys that verify must be of one principal.
//  * At least one signature must verify; otherwise PERMISSION_DENIED with the
//    reason the first signature was ignored (for an unknown key id, "key <id>
//    is not registered").
//
// For ROLE_UNSPECIFIED (registrations) the same rules hold with the
// operator's `admin_key` as the only key, tried for every signature; with a
// null `admin_key` signatures are not checked (offline tools without the
// operator's key trust the log's admission for registrations) and
// `signatures` is empty.
//
// Dedup is untouched: the log's identity of an entry is what was signed
// (dsse::StatementIdentity), so an envelope with an added ignored signature
// is a duplicate of the original.
inline constexpr size_t kMaxCandidateKeys = 16;
inline constexpr size_t kMaxTriedSignatures = 4;
struct AuthorizedSigner {
  const registry::PrincipalRecord* principal = nullptr;  // null: the admin
  std::vector<std::string> keyids;  // as AdmittedEntry::keyids
  std::vector<SignatureOutcome> signatures;
};
absl::StatusOr<AuthorizedSigner> AuthorizeSignatures(
    const SignedStatement& statement, registry::Role role,
    const registry::RegistryState& registry, uint64_t index,
    const PublicKey* admin_key);

struct AdmissionOptions {
  // Every signed time a statement carries must be this close to the log's
  // clock (candor-log --max_time_skew).
  absl::Duration max_time_skew = kDefaultMaxTimeSkew;
};

class Admission {
 public:
  // `validators` must outlive this object.
  Admission(PublicKey admin_key, const ValidatorRegistry* validators,
            AdmissionOptions options = AdmissionOptions());

  // Checks `entry` against `registry` as it would be at log index
  // `next_index`.
  absl::StatusOr<AdmittedEntry> Admit(absl::string_view entry,
                                      const registry::RegistryState& registry,
                                      uint64_t next_index,
                                      const LogView& log) const;

  // Re-checks, without cryptography, that the keys that signed `admitted`
  // are still in force at `index`.
  absl::Status Recheck(const AdmittedEntry& admitted,
                       const registry::RegistryState& registry,
                       uint64_t index) const;

  const std::string& admin_keyid() const { return admin_keyid_; }

 private:
  PublicKey admin_key_;
  std::string admin_keyid_;
  const ValidatorRegistry* validators_;
  AdmissionOptions options_;
};

}  // namespace candor::admission

#endif  // CANDOR_LOG_ADMISSION_ADMISSION_H_
