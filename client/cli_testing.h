// Running the candor CLI in-process in tests, capturing what it prints.

#ifndef CANDOR_CLIENT_CLI_TESTING_H_
#define CANDOR_CLIENT_CLI_TESTING_H_

#include <string>
#include <vector>

namespace candor::cli {

struct Result {
  int code;
  std::string out;
  std::string err;
};

// Runs `candor <argv...>`.
Result Candor(std::vector<std::string> argv);

}  // namespace candor::cli

#endif  // CANDOR_CLIENT_CLI_TESTING_H_
