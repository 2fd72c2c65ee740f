// candor: the command-line tool for vendors, auditors, operators and the
// public. `candor help` lists the commands.

#include <iostream>
#include <string>
#include <vector>

#include "client/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  candor::cli::Io io{std::cout, std::cerr};
  return candor::cli::Run(args, io);
}
