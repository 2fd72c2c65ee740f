#include "log/server/validators.h"

namespace candor::logserver {

void RegisterStatementValidators(admission::ValidatorRegistry& registry) {
  // Claims, measurements, reference data and findings register here as their
  // libraries land.
  (void)registry;
}

}  // namespace candor::logserver
