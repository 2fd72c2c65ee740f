#include "log/admission/admission.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "log/statement/dsse.h"

namespace candor::admission {
namespace {

// Registrations: signed by the admin key, about the principal they name.
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

Admission::Admission(PublicKey admin_key, const ValidatorRegistry* validators)
    : admin_key_(std::move(admin_key)),
      admin_keyid_(dsse::KeyId(admin_key_)),
      validators_(validators) {}

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
  const registry::PrincipalRecord* signer = nullptr;
  const std::vector<dsse::Signature>& sigs = parsed->envelope.signatures;
  for (size_t i = 0; i < sigs.size(); ++i) {
    const std::string& keyid = sigs[i].keyid;
    if (admitted.signer_role == registry::v1::ROLE_UNSPECIFIED) {
      if (keyid != admin_keyid_) {
        return absl::PermissionDeniedError(absl::StrCat(
            "a ", type, " statement must be signed by the operator's admin key ",
            admin_keyid_, "; signature ", i, " has key id \"", keyid, "\""));
      }
      if (!dsse::VerifySignature(parsed->envelope, i, admin_key_)) {
        return absl::PermissionDeniedError(absl::StrCat(
            "signature ", i, " by the admin key does not verify"));
      }
      continue;
    }
    absl::StatusOr<registry::Signer> key =
        registry.AuthorizeKey(keyid, admitted.signer_role, next_index);
    if (!key.ok()) return key.status();
    if (signer != nullptr && signer != key->principal) {
      return absl::PermissionDeniedError(
          "all signatures of an entry must be by keys of one principal");
    }
    signer = key->principal;
    if (!dsse::VerifySignature(parsed->envelope, i, key->public_key)) {
      return absl::PermissionDeniedError(absl::StrCat(
          "signature ", i, " by key ", keyid, " of \"",
          key->principal->registration().name(), "\" does not verify"));
    }
    admitted.keyids.push_back(keyid);
  }

  admitted.principal =
      signer != nullptr ? signer->registration().name() : std::string("admin");
  ValidationContext context{registry, log, signer};
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
