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

// Admission of findings: ValidateFinding, issued_at present and within the
// log's time window (admission::CheckSignedTime), signed by the verifier it
// names, one subject named after the app.
class FindingValidator : public admission::PredicateValidator {
 public:
  registry::Role signer_role() const override { return registry::v1::VERIFIER; }
  absl::Status Validate(const SignedStatement& statement,
                        const admission::ValidationContext& context) const override;
};

// Admission of reference-data parts: ValidateReferenceData and one subject
// named "reference:<table>". A part carries no signed time, on purpose: the
// verifier signs the same part again at every start, deterministically, and
// the log answers with the entry that holds it.
class ReferenceDataValidator : public admission::PredicateValidator {
 public:
  registry::Role signer_role() const override { return registry::v1::VERIFIER; }
  absl::Status Validate(const SignedStatement& statement,
                        const admission::ValidationContext& context) const override;
};

void RegisterVerifierValidators(admission::ValidatorRegistry& registry);

}  // namespace candor::finding

#endif  // CANDOR_VERIFIER_FINDING_FINDING_H_
