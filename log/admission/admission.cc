#include "log/admission/admission.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "log/statement/dsse.h"

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

absl::StatusOr<AuthorizedSigner> AuthorizeSignatures(
    const SignedStatement& statement, registry::Role role,
    const registry::RegistryState& registry, uint64_t index,
    const PublicKey* admin_key) {
  AuthorizedSigner out;
  const std::string& type = statement.statement.predicate_type;
  const std::vector<dsse::Signature>& sigs = statement.envelope.signatures;
  for (size_t i = 0; i < sigs.size(); ++i) {
    const std::string& keyid = sigs[i].keyid;
    if (role == registry::v1::ROLE_UNSPECIFIED) {
      if (admin_key == nullptr) continue;
      const std::string admin_keyid = dsse::KeyId(*admin_key);
      if (keyid != admin_keyid) {
        return absl::PermissionDeniedError(absl::StrCat(
            "a ", type, " statement must be signed by the operator's admin key ",
            admin_keyid, "; signature ", i, " has key id \"", keyid, "\""));
      }
      if (!dsse::VerifySignature(statement.envelope, i, *admin_key)) {
        return absl::PermissionDeniedError(absl::StrCat(
            "signature ", i, " by the admin key does not verify"));
      }
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
    out.keyids.push_back(keyid);
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
