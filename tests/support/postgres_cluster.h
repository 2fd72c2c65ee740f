// Real PostgreSQL 15 servers for integration tests: a primary and, if asked,
// a synchronous streaming standby, run from Debian's postgresql-15 package
// (/usr/lib/postgresql/15/bin) in a fresh directory under /tmp, on 127.0.0.1
// and free ports, with fsync on. Tests crash the primary with kill -9 and
// promote the standby to check what survives a failover.
//
// Every server has a superuser "candor" (trust authentication, TCP from
// 127.0.0.1 only) and a database "candor". As root, every PostgreSQL program
// runs as the `postgres` system user (initdb and postgres refuse root). Each
// step gives up with an error after at most about a minute; none hangs.
//
//   absl::StatusOr<std::unique_ptr<PostgresCluster>> pg =
//       PostgresCluster::Start(/*with_standby=*/true);
//   if (absl::IsFailedPrecondition(pg.status())) GTEST_SKIP() << pg.status();
//   ASSERT_THAT(pg, IsOk());
//   ... connect to (*pg)->ConnInfo(), (*pg)->KillPrimary(), ...

#ifndef CANDOR_TESTS_SUPPORT_POSTGRES_CLUSTER_H_
#define CANDOR_TESTS_SUPPORT_POSTGRES_CLUSTER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace candor::testing {

class PostgresCluster {
 public:
  // Starts a primary and, if `with_standby`, a streaming replica that the
  // primary uses as its synchronous standby (synchronous_standby_names =
  // 'standby1', synchronous_commit = on), each in a fresh directory under a
  // new mkdtemp directory in /tmp, listening on 127.0.0.1 on free ports, with
  // a superuser "candor" (trust auth on 127.0.0.1 only) and a database
  // "candor". Returns only once the primary accepts connections and (with a
  // standby) the standby is attached with sync_state 'sync', so every commit
  // acknowledged from then on is flushed on both servers.
  //
  // FAILED_PRECONDITION says why PostgreSQL cannot start here (binaries
  // missing, no `postgres` user for root, initdb or the primary's first start
  // failed, with the tail of their output), for tests to GTEST_SKIP with.
  // Any later failure (base backup, standby never in sync, a time-out) is
  // another error, with the tail of the server's log: that is a bug to see.
  static absl::StatusOr<std::unique_ptr<PostgresCluster>> Start(
      bool with_standby);
  // Stops every server still running (pg_ctl stop -m immediate, else kill -9)
  // and removes the directory.
  ~PostgresCluster();

  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // libpq connection string reaching whichever server is writable:
  // "host=127.0.0.1,127.0.0.1 port=P1,P2 dbname=candor user=candor
  // target_session_attrs=read-write connect_timeout=2" (one host without a
  // standby). P1 is the first primary's port, P2 the standby's, in that order
  // for the cluster's whole life, so a client configured once finds the
  // promoted standby after a failover.
  std::string ConnInfo() const;
  // The same as a URI: "postgresql://candor@127.0.0.1:P1,127.0.0.1:P2/candor
  // ?target_session_attrs=read-write&connect_timeout=2".
  std::string Uri() const;
  // Runs `sql` (any number of ';'-separated statements, each committed on its
  // own, as psql -f runs a script) on the current primary or on `port`, and
  // returns psql's stdout in -At format (rows on lines, columns split by '|',
  // command tags suppressed) without its final newline. UNAVAILABLE if psql
  // cannot connect or loses the connection, INTERNAL with psql's stderr if a
  // statement fails, DEADLINE_EXCEEDED after 60 s.
  absl::StatusOr<std::string> Query(const std::string& sql) const;
  absl::StatusOr<std::string> QueryPort(int port, const std::string& sql) const;
  // The same on the current primary, in database `dbname`.
  absl::StatusOr<std::string> QueryDb(const std::string& dbname,
                                      const std::string& sql) const;
  // The current primary's port: the standby's after PromoteStandby().
  int primary_port() const;
  // 0 without a standby, and after PromoteStandby().
  int standby_port() const;

  // kill -9 the primary's postmaster and every process of that server (its
  // children), and waits until they are gone. Nothing is shut down cleanly,
  // but the kernel's page cache survives: this is a server crash, not a power
  // cut. FAILED_PRECONDITION if the primary is not running.
  absl::Status KillPrimary();
  // pg_ctl promote on the standby, waits until it accepts writes
  // (pg_is_in_recovery() is false) and makes sure its commits wait for no
  // synchronous standby (synchronous_standby_names = '' on it, reloaded).
  // From then on the standby is the primary for Query(), KillPrimary() etc.,
  // and there is no standby. It does not stop the old primary: call
  // KillPrimary() first for a failover. FAILED_PRECONDITION without a standby.
  absl::Status PromoteStandby();

  // The directory holding everything, for test failure messages: each
  // server's data in <dir>/<name> and its log in <dir>/<name>.log, where
  // <name> is "primary" or "standby" (the first roles, kept after promotion).
  const std::string& dir() const { return dir_; }

 private:
  struct Server {
    std::string name;        // "primary" or "standby"
    std::string data_dir;    // <dir>/<name>
    std::string socket_dir;  // <dir>/<name>-sockets (unix_socket_directories)
    std::string log;         // <dir>/<name>.log
    int port = 0;
    bool running = false;
  };
  struct Output {
    int exit_code = -1;
    std::string out;
    std::string err;
  };

  PostgresCluster() = default;

  // Runs the PostgreSQL program `program` (e.g. "pg_ctl") with `args`, as the
  // postgres user when the test is root, in dir_ with a minimal environment;
  // kills it and fails after `timeout`.
  absl::StatusOr<Output> RunProgram(const std::string& program,
                                    const std::vector<std::string>& args,
                                    const std::string& input = "",
                                    int timeout_seconds = 60) const;
  // A directory or file of ours that the servers must be able to use.
  absl::Status GiveToServers(const std::string& path) const;
  absl::Status InitPrimary();
  absl::Status StartServer(Server& server);
  absl::Status StartStandby();
  // OK if `sql` on `port` answers `expected` (a state reached already);
  // else an error naming `what` was expected, with the server's log.
  absl::Status CheckAnswer(int port, const std::string& sql,
                           const std::string& expected, const std::string& what,
                           const Server& server) const;
  absl::StatusOr<std::string> QueryDatabase(int port, const std::string& dbname,
                                            const std::string& sql) const;
  absl::Status KillServer(Server& server);

  std::string dir_;
  bool as_postgres_user_ = false;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  // [0] is the first primary, [1] the standby if any; never reordered, so
  // ConnInfo() keeps its order.
  std::vector<Server> servers_;
  int primary_ = 0;   // index in servers_ of the current primary
  int standby_ = -1;  // index of the current standby, or -1
};

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_POSTGRES_CLUSTER_H_
