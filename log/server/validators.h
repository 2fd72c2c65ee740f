// The validators of every predicate type the log admits besides
// registrations (which admission knows itself).

#ifndef CANDOR_LOG_SERVER_VALIDATORS_H_
#define CANDOR_LOG_SERVER_VALIDATORS_H_

#include "log/admission/admission.h"

namespace candor::logserver {

void RegisterStatementValidators(admission::ValidatorRegistry& registry);

}  // namespace candor::logserver

#endif  // CANDOR_LOG_SERVER_VALIDATORS_H_
