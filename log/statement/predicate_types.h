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
// Signed by an auditor (candor.measurement.v1.Measurement).
inline constexpr absl::string_view kMeasurementType =
    "https://candor.dev/measurement/v1";
// Signed by a verifier (candor.reference.v1.ReferenceData).
inline constexpr absl::string_view kReferenceDataType =
    "https://candor.dev/reference-data/v1";
// Signed by a verifier (candor.finding.v1.Finding).
inline constexpr absl::string_view kFindingType = "https://candor.dev/finding/v1";

}  // namespace candor

#endif  // CANDOR_LOG_STATEMENT_PREDICATE_TYPES_H_
