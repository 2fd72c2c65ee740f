#include "log/server/shutdown.h"

#include <signal.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "log/logging/logging.h"

namespace candor::logserver {
namespace {

sigset_t ShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

}  // namespace

void BlockShutdownSignals() {
  sigset_t signals = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

void ServeUntilSignalled(const std::function<void()>& wait,
                         const std::function<void()>& shutdown) {
  std::thread waiter([&shutdown] {
    sigset_t signals = ShutdownSignals();
    int sig = 0;
    sigwait(&signals, &sig);
    logging::Info("shutting down", {{"signal", absl::StrCat(sig)}});
    shutdown();
  });
  wait();
  waiter.join();
}

}  // namespace candor::logserver
