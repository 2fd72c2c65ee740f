// The semantics of measurements: the rules a measurement must meet to be
// logged, and the validator that enforces them at admission.
//
// Pure functions, thread-safe. Refusals are INVALID_ARGUMENT (malformed) or
// PERMISSION_DENIED (signed by someone other than the auditor it names), with
// a message naming the field.

#ifndef CANDOR_VERIFIER_MEASUREMENT_MEASUREMENT_H_
#define CANDOR_VERIFIER_MEASUREMENT_MEASUREMENT_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "log/admission/admission.h"
#include "log/statement/predicate_types.h"
#include "proto/candor/measurement/v1/measurement.pb.h"

namespace candor::measurement {

inline constexpr absl::string_view kMeasurementPredicateType = kMeasurementType;

// Longest run one measurement may cover; longer runs are split.
inline constexpr absl::Duration kMaxWindow = absl::Hours(24 * 7);

// Checks a measurement on its own, as of `now`: app id, auditor named,
// capture digest, time window (ordered, not in the future, at most
// kMaxWindow), vantage country, honey commitments, and every flow: time in the
// window, host a DNS name or IP, server IP an IP, port, method, path without
// query, and detections of known data types that name a listed honey value.
absl::Status ValidateMeasurement(const v1::Measurement& m, absl::Time now);

// Admission of "https://candor.dev/measurement/v1" statements: signed by a
// registered auditor who is the measurement's `auditor`, one subject: the
// binary of binary_sha256 stating app_version (none when it is empty), or,
// when binary_sha256 is empty, the app (subject::CheckSubjects), end_time within the log's time window
// (admission::CheckSignedTime), and ValidateMeasurement.
class MeasurementValidator : public admission::PredicateValidator {
 public:
  registry::Role signer_role() const override { return registry::v1::AUDITOR; }
  absl::Status Validate(const SignedStatement& statement,
                        const admission::ValidationContext& context) const override;
};

void RegisterMeasurementValidator(admission::ValidatorRegistry& registry);

}  // namespace candor::measurement

#endif  // CANDOR_VERIFIER_MEASUREMENT_MEASUREMENT_H_
