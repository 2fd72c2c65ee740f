// A child process for tests that run the real binaries: started with
// arguments, its stdout read line by line, stopped with any signal.

#ifndef CANDOR_TESTS_SUPPORT_SUBPROCESS_H_
#define CANDOR_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace candor::testing {

class Subprocess {
 public:
  // Starts argv[0] with argv; stdout is piped to the test, stderr goes to
  // `stderr_path` (appended) if set, else is inherited. The child runs in
  // `working_dir` if set (it exits with 126 if it cannot go there), else in
  // the test's. A relative argv[0] is taken from the child's directory.
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(
      const std::vector<std::string>& argv, const std::string& stderr_path = "",
      const std::string& working_dir = "");
  // Kills the child (SIGKILL) if it still runs.
  ~Subprocess();

  // The next line of stdout, without "\n"; DEADLINE_EXCEEDED after `timeout`,
  // OUT_OF_RANGE at end of output.
  absl::StatusOr<std::string> ReadLine(absl::Duration timeout);
  // Sends `signal` and waits for the exit; returns the wait status.
  int Signal(int signal);
  // Sends `signal` (e.g. SIGSTOP, SIGCONT) without waiting for anything.
  void Send(int signal);
  // The wait status once the child has exited; DEADLINE_EXCEEDED if it still
  // runs after `timeout` (zero: just looks).
  absl::StatusOr<int> WaitForExit(absl::Duration timeout);
  pid_t pid() const { return pid_; }

 private:
  Subprocess() = default;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffer_;
  bool exited_ = false;
  int status_ = 0;
};

// Waits until process `pid` (any process, not only a child) has terminated,
// without reaping it: woken by the kernel through a pidfd, not by polling.
// OK at once if there is no such process; DEADLINE_EXCEEDED after `timeout`.
absl::Status WaitForTermination(pid_t pid, absl::Duration timeout);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv to completion with `input` on stdin; captures stdout and stderr.
absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         const std::string& input = "");

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_SUBPROCESS_H_
