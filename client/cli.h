// The `candor` command-line tool's framework: commands, their options, and
// what they print. Each command is a function over parsed arguments that
// writes to the given streams and returns an exit code:
//   0 ok, 1 verification failed, 2 usage, input or connection error.
// For `candor verify ...`: input that cannot be read or is not of the form
// it should be is 2; input of the right form that does not verify is 1
// (common.h, NotA).

#ifndef CANDOR_CLIENT_CLI_H_
#define CANDOR_CLIENT_CLI_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace candor::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitVerificationFailed = 1;
inline constexpr int kExitUsage = 2;

struct Option {
  std::string name;         // without "--"
  std::string value_name;   // empty for a boolean flag
  std::string help;
  bool repeated = false;
};

class Args {
 public:
  // Parses "--name=value", "--name value" and "--flag" against `options`;
  // anything else is positional. "--" ends options.
  static absl::StatusOr<Args> Parse(const std::vector<std::string>& argv,
                                    const std::vector<Option>& options);

  bool Has(absl::string_view name) const { return values_.contains(name); }
  // The last value given, or `fallback`.
  std::string Get(absl::string_view name, absl::string_view fallback = "") const;
  std::vector<std::string> GetAll(absl::string_view name) const;
  const std::vector<std::string>& positional() const { return positional_; }

  // An option that must be present; INVALID_ARGUMENT naming it otherwise.
  absl::StatusOr<std::string> Required(absl::string_view name) const;
  absl::StatusOr<uint64_t> GetUint(absl::string_view name, uint64_t fallback) const;
  absl::StatusOr<absl::Duration> GetDuration(absl::string_view name,
                                             absl::Duration fallback) const;

 private:
  absl::btree_map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

struct Io {
  std::ostream& out;
  std::ostream& err;
};

struct Command {
  std::string name;      // e.g. "prove inclusion"
  std::string synopsis;  // one line for `candor help`
  std::string usage;     // arguments, e.g. "--log ADDR --index I"
  std::vector<Option> options;
  int (*run)(const Args& args, Io& io);
};

// Every command of the tool.
const std::vector<Command>& Commands();

// Runs `candor <argv...>`; returns the exit code.
int Run(const std::vector<std::string>& argv, Io& io);

// Reports `status` on io.err as "candor <command>: <message>" and returns the
// exit code for it.
int Fail(Io& io, absl::string_view command, const absl::Status& status,
         int code = kExitUsage);

}  // namespace candor::cli

#endif  // CANDOR_CLIENT_CLI_H_
