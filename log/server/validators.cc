#include "log/server/validators.h"

#include "verifier/measurement/measurement.h"

namespace candor::logserver {

void RegisterStatementValidators(admission::ValidatorRegistry& registry) {
  measurement::RegisterMeasurementValidator(registry);
}

}  // namespace candor::logserver
