#ifndef CANDOR_CLIENT_LOG_COMMANDS_H_
#define CANDOR_CLIENT_LOG_COMMANDS_H_

#include <vector>

#include "client/cli.h"

namespace candor::cli {

// submit, checkpoint, get, prove ..., verify checkpoint|inclusion|consistency.
std::vector<Command> LogCommands();

// keygen, sign, register, version.
std::vector<Command> KeyCommands();

// watch.
std::vector<Command> WatchCommands();

// claim init|lint|sign|submit|show|types, claims.
std::vector<Command> ClaimCommands();

// measure har|sign|submit.
std::vector<Command> MeasureCommands();

// apps, findings, finding bundle, verify finding, verifier status.
std::vector<Command> VerifierCommands();

}  // namespace candor::cli

#endif  // CANDOR_CLIENT_LOG_COMMANDS_H_
