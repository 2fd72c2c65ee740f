// The predicate types of the statements Candor logs, in one place.

#ifndef CANDOR_LOG_STATEMENT_PREDICATE_TYPES_H_
#define CANDOR_LOG_STATEMENT_PREDICATE_TYPES_H_

#include "absl/strings/string_view.h"

namespace candor {

// Signed by the operator's admin key (candor.registry.v1.Registration).
inline constexpr absl::string_view kRegistrationType =
    "https://candor.dev/registration/v1";
// Signed by a vendor (candor.claim.v1.Claim).
inline constexpr absl::string_view kClaimType = "https://candor.dev/claim/v1";
// Signed by a recorder (candor.claim.v1.RecordedClaim).
inline constexpr absl::string_view kRecordedClaimType =
    "https://candor.dev/recorded-claim/v1";
// Signed by a vendor (candor.claim.v1.Dispute).
inline constexpr absl::string_view kDisputeType = "https://candor.dev/dispute/v1";
// Signed by an auditor (candor.measurement.v1.Measurement).
inline constexpr absl::string_view kMeasurementType =
    "https://candor.dev/measurement/v1";
// Signed by a verifier (candor.reference.v1.ReferenceData).
inline constexpr absl::string_view kReferenceDataType =
    "https://candor.dev/reference-data/v1";
// Signed by a verifier (candor.finding.v1.Finding).
inline constexpr absl::string_view kFindingType = "https://candor.dev/finding/v1";

// The predicate's top-level JSON member that names the principal signing it
// (a claim's or dispute's issuer, a recording's recorder, a measurement's
// auditor, a finding's verifier), or ""
// for a predicate type that names none (registrations, reference data,
// unknown types). Admission uses it to find whose registered keys to try for
// a DSSE signature without a key id; the predicate's validator separately
// checks that the principal named is the signer.
constexpr absl::string_view SignerFieldOf(absl::string_view predicate_type) {
  if (predicate_type == kClaimType) return "issuer";
  if (predicate_type == kRecordedClaimType) return "recorder";
  if (predicate_type == kDisputeType) return "issuer";
  if (predicate_type == kMeasurementType) return "auditor";
  if (predicate_type == kFindingType) return "verifier";
  return "";
}

}  // namespace candor

#endif  // CANDOR_LOG_STATEMENT_PREDICATE_TYPES_H_
