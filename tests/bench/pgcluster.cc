// pgcluster: a local PostgreSQL primary with a synchronous standby for the
// benchmarks (tests/support/postgres_cluster.h), in a new directory under
// /tmp. Prints its libpq URI alone on the first line of stdout and runs
// until SIGTERM or SIGINT, then stops both servers and removes the
// directory. Exits 2 if PostgreSQL cannot start, saying why.

#include <signal.h>

#include <iostream>

#include "tests/support/postgres_cluster.h"

int main() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto cluster = candor::testing::PostgresCluster::Start(/*with_standby=*/true);
  if (!cluster.ok()) {
    std::cerr << "pgcluster: " << cluster.status() << "\n";
    return 2;
  }
  std::cout << (*cluster)->Uri() << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  return 0;
}
