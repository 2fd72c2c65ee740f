#include "verifier/predicates/predicates.h"

#include "verifier/claim/claim.h"
#include "verifier/finding/finding.h"
#include "verifier/measurement/measurement.h"

namespace candor::predicates {

void RegisterStatementValidators(admission::ValidatorRegistry& registry) {
  claim::RegisterClaimValidator(registry);
  measurement::RegisterMeasurementValidator(registry);
  finding::RegisterVerifierValidators(registry);
}

}  // namespace candor::predicates
