#include "client/cli_testing.h"

#include <sstream>

#include "client/cli.h"

namespace candor::cli {

Result Candor(std::vector<std::string> argv) {
  std::ostringstream out, err;
  Io io{out, err};
  int code = Run(argv, io);
  return {code, out.str(), err.str()};
}

}  // namespace candor::cli
