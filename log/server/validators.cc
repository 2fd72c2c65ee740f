#include "log/server/validators.h"

#include "verifier/finding/finding.h"
#include "verifier/measurement/measurement.h"

namespace candor::logserver {

void RegisterStatementValidators(admission::ValidatorRegistry& registry) {
  measurement::RegisterMeasurementValidator(registry);
  finding::RegisterVerifierValidators(registry);
}

}  // namespace candor::logserver
