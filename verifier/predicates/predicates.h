// The validators of every predicate type the log admits besides
// registrations (which admission knows itself): claims, measurements,
// findings and reference data, whose meaning is the verifier's.
//
// The log does not depend on this: candor-log's main.cc, the composition
// root, registers them into the admission::ValidatorRegistry it hands the
// log, as do the tests' log fixtures.

#ifndef CANDOR_VERIFIER_PREDICATES_PREDICATES_H_
#define CANDOR_VERIFIER_PREDICATES_PREDICATES_H_

#include "log/admission/admission.h"

namespace candor::predicates {

void RegisterStatementValidators(admission::ValidatorRegistry& registry);

}  // namespace candor::predicates

#endif  // CANDOR_VERIFIER_PREDICATES_PREDICATES_H_
