#include "client/cli.h"
#include "client/log_commands.h"

namespace candor::cli {

const std::vector<Command>& Commands() {
  static const std::vector<Command>* commands = [] {
    auto* all = new std::vector<Command>;
    for (auto group : {KeyCommands(), LogCommands(), WatchCommands(), ClaimCommands(),
                       MeasureCommands(), VerifierCommands()}) {
      all->insert(all->end(), group.begin(), group.end());
    }
    return all;
  }();
  return *commands;
}

}  // namespace candor::cli
