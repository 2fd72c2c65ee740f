// The validators of every predicate type the log admits besides
// registrations (which admission knows itself): claims, measurements,
// findings and reference data, whose meaning is the verifier's.
//
// The log does not depend on this: candor-log's main.cc, the composition
// root, registers them into the admission::ValidatorRegistry it hands the
// log, as do the tests' log fixtures.

#ifndef CANDOR_VERIFIER_PREDICATES_PREDICATES_H_
#define CANDOR_VERIFIER_PREDICATES_PREDICATES_H_

#include "absl/status/status.h"
#include "log/admission/admission.h"

namespace candor::predicates {

// Registers them, after checking that the run-time data they judge by can be
// read (the ISO 3166-1 table, verifier/geo): FAILED_PRECONDITION saying what
// is missing otherwise, so that a log without it refuses to start instead of
// aborting on its first claim.
absl::Status RegisterStatementValidators(admission::ValidatorRegistry& registry);

}  // namespace candor::predicates

#endif  // CANDOR_VERIFIER_PREDICATES_PREDICATES_H_
