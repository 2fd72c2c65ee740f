#include "log/admission/admission.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "log/json/json.h"
#include "log/statement/dsse.h"
#include "log/statement/predicate_types.h"

namespace candor::admission {
namespace {

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

// Registrations: signed by the admin key, about the principal they name,
// issued within the time window.
class RegistrationValidator : public PredicateValidator {
 public:
  registry::Role signer_role() const override {
    return registry::v1::ROLE_UNSPECIFIED;
  }

  absl::Status Validate(const SignedStatement& statement,
                        const ValidationContext& context) const override {
    registry::Registration r;
    if (absl::Status s = ParsePredicate(statement.statement.predicate_json, r);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = registry::ValidateRegistration(r); !s.ok()) return s;
    if (!r.has_issued_at()) {
      return absl::InvalidArgumentError(
          "registration issuedAt is missing; sign registrations with `candor "
          "register`, which sets it to the time of signing");
    }
    if (absl::Status s = CheckSignedTime("registration issuedAt",
                                         ToTime(r.issued_at()), context);
        !s.ok()) {
      return s;
    }
    const std::vector<Subject>& subjects = statement.statement.subjects;
    if (subjects.size() != 1 ||
        subjects[0].name != registry::PrincipalSubject(r.name())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "a registration must have exactly one subject, named \"",
          registry::PrincipalSubject(r.name()), "\""));
    }
    // A conflicting registration is refused before it is sequenced; the
    // sequencer checks again in index order.
    return context.registry.CheckApply(r);
  }
};

}  // namespace

absl::Status CheckSignedTime(absl::string_view field, absl::Time t, absl::Time now,
                             absl::Duration max_time_skew) {
  if (t >= now - max_time_skew && t <= now + max_time_skew) {
    return absl::OkStatus();
  }
  const bool before = t < now;
  // To the millisecond: a clock's nanoseconds help no one read the message.
  const absl::Duration shown = absl::Trunc(before ? now - t : t - now,
                                           absl::Milliseconds(1));
  return absl::InvalidArgumentError(absl::StrCat(
      field, " ", Rfc3339(t), " is ", absl::FormatDuration(shown),
      before ? " before" : " after", " now (",
      Rfc3339(absl::Trunc(now - absl::UnixEpoch(), absl::Milliseconds(1)) +
              absl::UnixEpoch()),
      "); the log admits only signed times within ",
      absl::FormatDuration(max_time_skew), " of its clock: ",
      before ? "sign it again with the current time"
             : "check the signing machine's clock and sign again"));
}

absl::Status CheckSignedTime(absl::string_view field, absl::Time t,
                             const ValidationContext& context) {
  return CheckSignedTime(field, t, context.log.Now(), context.max_time_skew);
}

ValidatorRegistry::ValidatorRegistry() {
  Register(std::string(registry::kRegistrationPredicateType),
           std::make_unique<RegistrationValidator>());
}

void ValidatorRegistry::Register(std::string predicate_type,
                                 std::unique_ptr<PredicateValidator> validator) {
  validators_[std::move(predicate_type)] = std::move(validator);
}

const PredicateValidator* ValidatorRegistry::Find(
    absl::string_view predicate_type) const {
  auto it = validators_.find(predicate_type);
  return it == validators_.end() ? nullptr : it->second.get();
}

std::string DescribeSignatures(const std::vector<SignatureOutcome>& signatures) {
  std::string out;
  for (const SignatureOutcome& o : signatures) {
    absl::StrAppend(&out, out.empty() ? "" : "; ", "signature ", o.index,
                    o.given_keyid.empty()
                        ? std::string(" (no key id)")
                        : absl::StrCat(" (key id ", json::Quote(o.given_keyid), ")"));
    if (o.keyid.empty()) {
      absl::StrAppend(&out, " ignored: ", o.ignored_because);
    } else {
      absl::StrAppend(&out, " verified by key ", o.keyid);
    }
  }
  return out;
}

namespace {

// Candor's key id of a registered PEM key. The PEM body is the DER
// SubjectPublicKeyInfo whose SHA-256 is the key id, so no OpenSSL parsing
// is needed on the admission path; the registry confirms the id (and a PEM
// it stored in another form is parsed as a fallback).
std::string KeyIdOfRegisteredPem(const std::string& pem,
                                 const registry::RegistryState& registry) {
  std::string body;
  for (absl::string_view line : absl::StrSplit(pem, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || absl::StartsWith(line, "-----")) continue;
    absl::StrAppend(&body, line);
  }
  if (absl::StatusOr<std::string> der = Base64Decode(body); der.ok()) {
    std::string id = HexEncode(DigestBytes(Sha256(*der)));
    if (registry.FindKey(id) != nullptr) return id;
  }
  absl::StatusOr<PublicKey> key = PublicKey::FromPem(pem);
  return key.ok() ? dsse::KeyId(*key) : std::string();
}


}  // namespace

absl::StatusOr<AuthorizedSigner> AuthorizeSignatures(
    const SignedStatement& statement, registry::Role role,
    const registry::RegistryState& registry, uint64_t index,
    const PublicKey* admin_key) {
  AuthorizedSigner out;
  const std::string& type = statement.statement.predicate_type;
  const std::vector<dsse::Signature>& sigs = statement.envelope.signatures;
  out.signatures.resize(sigs.size());
  for (size_t i = 0; i < sigs.size(); ++i) {
    out.signatures[i].index = i;
    out.signatures[i].given_keyid = sigs[i].keyid;
  }
  // Refused only if no signature verified: then every one was ignored, and
  // the first one's reason is the answer.
  auto refuse_unless_verified = [&out]() -> absl::Status {
    for (const SignatureOutcome& o : out.signatures) {
      if (!o.keyid.empty()) return absl::OkStatus();
    }
    return absl::PermissionDeniedError(out.signatures[0].ignored_because);
  };

  if (role == registry::v1::ROLE_UNSPECIFIED) {
    if (admin_key == nullptr) {
      out.signatures.clear();
      return out;
    }
    const std::string admin_keyid = dsse::KeyId(*admin_key);
    for (size_t i = 0; i < sigs.size(); ++i) {
      SignatureOutcome& o = out.signatures[i];
      const std::string& keyid = sigs[i].keyid;
      // A key id that is not the admin key's may be another tool's name for
      // it (DSSE key ids are hints): every signature is tried.
      const bool verified = dsse::VerifySignature(statement.envelope, i, *admin_key);
      if (verified) {
        o.keyid = admin_keyid;
      } else if (keyid == admin_keyid) {
        return absl::PermissionDeniedError(absl::StrCat(
            "signature ", i, " by the admin key does not verify"));
      } else if (keyid.empty()) {
        o.ignored_because = absl::StrCat(
            "signature ", i, " has no key id and does not verify under the "
            "operator's admin key ", admin_keyid);
      } else {
        o.ignored_because = absl::StrCat(
            "a ", type, " statement must be signed by the operator's admin key ",
            admin_keyid, "; signature ", i, " has key id \"", keyid, "\"");
      }
    }
    if (absl::Status s = refuse_unless_verified(); !s.ok()) return s;
    return out;
  }

  // Signatures that name a registered key. Those without a key id, or with
  // one the registry never had (another tool's naming, or a stranger's key),
  // are tried below.
  std::vector<bool> to_try(sigs.size(), false);
  for (size_t i = 0; i < sigs.size(); ++i) {
    const std::string& keyid = sigs[i].keyid;
    if (keyid.empty()) {
      to_try[i] = true;
      continue;
    }
    SignatureOutcome& o = out.signatures[i];
    const registry::KeyRecord* record = registry.FindKey(keyid);
    if (record == nullptr || record->added_at() >= index) {
      o.ignored_because = absl::StrCat("key ", keyid, " is not registered");
      to_try[i] = true;
      continue;
    }
    absl::StatusOr<registry::Signer> key = registry.AuthorizeKey(keyid, role, index);
    if (!key.ok()) return key.status();
    if (out.principal != nullptr && out.principal != key->principal) {
      return absl::PermissionDeniedError(
          "all signatures of an entry must be by keys of one principal");
    }
    out.principal = key->principal;
    if (!dsse::VerifySignature(statement.envelope, i, key->public_key)) {
      return absl::PermissionDeniedError(absl::StrCat(
          "signature ", i, " by key ", keyid, " of \"",
          key->principal->registration().name(), "\" does not verify"));
    }
    o.keyid = keyid;
  }

  // The others: every key in force of one principal.
  const registry::PrincipalRecord* candidate_owner = out.principal;
  std::string named;
  if (candidate_owner == nullptr) {
    named = NamedSignerOf(statement.statement);
    const registry::PrincipalRecord* p =
        named.empty() ? nullptr : registry.FindPrincipal(named);
    if (p != nullptr && p->registration().role() == role) candidate_owner = p;
  }
  // Key id -> key, for the keys in force of `candidate_owner`.
  std::vector<std::pair<std::string, PublicKey>> candidates;
  const bool any_to_try =
      std::find(to_try.begin(), to_try.end(), true) != to_try.end();
  if (any_to_try && candidate_owner != nullptr) {
    for (const std::string& pem : candidate_owner->registration().public_keys()) {
      if (candidates.size() == kMaxCandidateKeys) break;
      std::string keyid = KeyIdOfRegisteredPem(pem, registry);
      absl::StatusOr<registry::Signer> key = registry.AuthorizeKey(keyid, role, index);
      if (key.ok() && key->principal == candidate_owner) {
        candidates.emplace_back(std::move(keyid), std::move(key->public_key));
      }
    }
  }
  size_t tried = 0;
  for (size_t i = 0; i < sigs.size(); ++i) {
    if (!to_try[i]) continue;
    SignatureOutcome& o = out.signatures[i];
    if (tried == kMaxTriedSignatures) {
      if (sigs[i].keyid.empty()) {
        o.ignored_because = absl::StrCat(
            "signature ", i, " has no key id and was not tried: at most ",
            kMaxTriedSignatures, " signatures without a registered key id are "
            "tried per envelope");
      }
      continue;
    }
    ++tried;
    const std::string* match = nullptr;
    // Every candidate, even after a match: no timing says which key it was.
    for (const auto& [keyid, key] : candidates) {
      const bool ok = dsse::VerifySignature(statement.envelope, i, key);
      if (ok && match == nullptr) match = &keyid;
    }
    if (match != nullptr) {
      o.keyid = *match;
      o.ignored_because.clear();
      out.principal = candidate_owner;
      continue;
    }
    if (!sigs[i].keyid.empty()) continue;  // "key <id> is not registered"
    if (candidate_owner == nullptr) {
      const absl::string_view field = SignerFieldOf(type);
      o.ignored_because =
          field.empty()
              ? absl::StrCat("signature ", i, " has no key id, and a ", type,
                             " predicate names no signer whose keys could be "
                             "tried: give the signature its key id")
              : absl::StrCat("signature ", i, " has no key id, and the "
                             "predicate's ", field, " ", json::Quote(named),
                             " is not a registered ",
                             registry::RoleName(role),
                             " whose keys could be tried: name the signer in ",
                             field, " or give the signature its key id");
    } else {
      o.ignored_because = absl::StrCat(
          "signature ", i, " has no key id and verifies under none of the ",
          candidates.size(), " keys of \"",
          candidate_owner->registration().name(), "\" in force");
    }
  }
  if (absl::Status s = refuse_unless_verified(); !s.ok()) return s;
  for (const SignatureOutcome& o : out.signatures) {
    if (!o.keyid.empty()) out.keyids.push_back(o.keyid);
  }
  return out;
}

Admission::Admission(PublicKey admin_key, const ValidatorRegistry* validators,
                     AdmissionOptions options)
    : admin_key_(std::move(admin_key)),
      admin_keyid_(dsse::KeyId(admin_key_)),
      validators_(validators),
      options_(options) {}

absl::StatusOr<AdmittedEntry> Admission::Admit(
    absl::string_view entry, const registry::RegistryState& registry,
    uint64_t next_index, const LogView& log) const {
  absl::StatusOr<SignedStatement> parsed = ParseSignedStatement(entry);
  if (!parsed.ok()) return parsed.status();
  const std::string& type = parsed->statement.predicate_type;
  const PredicateValidator* validator = validators_->Find(type);
  if (validator == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown predicate type \"", type, "\""));
  }

  AdmittedEntry admitted;
  admitted.signer_role = validator->signer_role();
  absl::StatusOr<AuthorizedSigner> authorized = AuthorizeSignatures(
      *parsed, admitted.signer_role, registry, next_index, &admin_key_);
  if (!authorized.ok()) return authorized.status();
  const registry::PrincipalRecord* signer = authorized->principal;
  admitted.keyids = std::move(authorized->keyids);
  admitted.signatures = std::move(authorized->signatures);

  admitted.principal =
      signer != nullptr ? signer->registration().name() : std::string("admin");
  ValidationContext context{registry, log, signer, options_.max_time_skew};
  if (absl::Status s = validator->Validate(*parsed, context); !s.ok()) return s;

  if (type == registry::kRegistrationPredicateType) {
    registry::Registration r;
    if (absl::Status s = ParsePredicate(parsed->statement.predicate_json, r);
        !s.ok()) {
      return s;
    }
    admitted.registration = std::move(r);
  }
  admitted.entry = std::string(entry);
  admitted.leaf_hash = merkle::HashLeaf(entry);
  admitted.identity = dsse::StatementIdentity(parsed->envelope);
  return admitted;
}

absl::Status Admission::Recheck(const AdmittedEntry& admitted,
                                const registry::RegistryState& registry,
                                uint64_t index) const {
  for (const std::string& keyid : admitted.keyids) {
    absl::StatusOr<registry::Signer> key =
        registry.AuthorizeKey(keyid, admitted.signer_role, index);
    if (!key.ok()) return key.status();
  }
  return absl::OkStatus();
}

}  // namespace candor::admission
