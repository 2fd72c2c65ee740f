// Running a server until SIGTERM or SIGINT, for the servers' main() files.
//
// Signals are taken by one thread with sigwait, so they must be blocked in
// every thread: call BlockShutdownSignals() first in main(), before any
// thread starts (threads inherit the mask).

#ifndef CANDOR_LOG_SERVER_SHUTDOWN_H_
#define CANDOR_LOG_SERVER_SHUTDOWN_H_

#include <functional>

namespace candor::logserver {

void BlockShutdownSignals();

// Runs `wait` (the server's Wait()) on this thread while another waits for
// SIGTERM or SIGINT and then calls `shutdown`; returns when both are done.
// Logs the signal.
void ServeUntilSignalled(const std::function<void()>& wait,
                         const std::function<void()>& shutdown);

}  // namespace candor::logserver

#endif  // CANDOR_LOG_SERVER_SHUTDOWN_H_
