// Admission of what verifiers sign: findings and reference-data parts.
//
// Thread-safe, stateless. Refusals are INVALID_ARGUMENT naming the field, or
// PERMISSION_DENIED when the statement names a verifier other than its
// signer.

#ifndef CANDOR_VERIFIER_FINDING_FINDING_H_
#define CANDOR_VERIFIER_FINDING_FINDING_H_

#include "absl/status/status.h"
#include "log/admission/admission.h"
#include "proto/candor/finding/v1/finding.pb.h"
#include "proto/candor/reference/v1/reference.pb.h"

namespace candor::finding {

// Structure only: a finding's claim and measurements must be re-checked
// against the log by whoever relies on it (`candor verify finding` does).
absl::Status ValidateFinding(const v1::Finding& finding);
absl::Status ValidateReferenceData(const reference::v1::ReferenceData& data);

class FindingValidator : public admission::PredicateValidator {
 public:
  registry::Role signer_role() const override { return registry::v1::VERIFIER; }
  absl::Status Validate(const SignedStatement& statement,
                        const admission::ValidationContext& context) const override;
};

class ReferenceDataValidator : public admission::PredicateValidator {
 public:
  registry::Role signer_role() const override { return registry::v1::VERIFIER; }
  absl::Status Validate(const SignedStatement& statement,
                        const admission::ValidationContext& context) const override;
};

void RegisterVerifierValidators(admission::ValidatorRegistry& registry);

}  // namespace candor::finding

#endif  // CANDOR_VERIFIER_FINDING_FINDING_H_
