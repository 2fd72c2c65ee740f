#include "tests/support/postgres_cluster.h"

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::testing {
namespace {

TEST(PostgresCluster, CommitsSurviveKillingThePrimaryAndPromotingTheStandby) {
  absl::StatusOr<std::unique_ptr<PostgresCluster>> started =
      PostgresCluster::Start(/*with_standby=*/true);
  if (absl::IsFailedPrecondition(started.status())) {
    GTEST_SKIP() << started.status().message();
  }
  ASSERT_THAT(started, IsOk());
  PostgresCluster& pg = **started;
  SCOPED_TRACE("servers' data and logs in " + pg.dir());
  const int first_primary = pg.primary_port();
  const int standby = pg.standby_port();
  ASSERT_NE(standby, 0);
  ASSERT_NE(standby, first_primary);
  EXPECT_EQ(pg.ConnInfo(),
            absl::StrCat("host=127.0.0.1,127.0.0.1 port=", first_primary, ",",
                         standby,
                         " dbname=candor user=candor "
                         "target_session_attrs=read-write connect_timeout=2"));
  EXPECT_EQ(pg.Uri(), absl::StrCat("postgresql://candor@127.0.0.1:",
                                   first_primary, ",127.0.0.1:", standby,
                                   "/candor?target_session_attrs=read-write&"
                                   "connect_timeout=2"));
  absl::StatusOr<std::string> sync =
      pg.Query("SELECT application_name, sync_state FROM pg_stat_replication");
  ASSERT_THAT(sync, IsOk());
  EXPECT_EQ(*sync, "standby1|sync");

  // remote_apply: the commit returns once the standby has applied it, so
  // the row is there to read at once (on is only flushed there).
  ASSERT_THAT(pg.Query("CREATE TABLE t (x int); SET synchronous_commit = remote_apply; "
                       "INSERT INTO t VALUES (1);"),
              IsOk());
  absl::StatusOr<std::string> replica = pg.QueryPort(standby, "SELECT x FROM t");
  ASSERT_THAT(replica, IsOk());
  EXPECT_EQ(*replica, "1");
  absl::StatusOr<std::string> read_only =
      pg.QueryPort(standby, "INSERT INTO t VALUES (3)");
  EXPECT_THAT(read_only, StatusCodeIs(absl::StatusCode::kInternal));

  ASSERT_THAT(pg.KillPrimary(), IsOk());
  EXPECT_THAT(pg.Query("SELECT 1"),
              StatusCodeIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(pg.KillPrimary(),
              StatusCodeIs(absl::StatusCode::kFailedPrecondition));

  ASSERT_THAT(pg.PromoteStandby(), IsOk());
  EXPECT_EQ(pg.primary_port(), standby);
  EXPECT_EQ(pg.standby_port(), 0);
  // Would hang (until psql's time-out) if commits still waited for a
  // synchronous standby.
  ASSERT_THAT(pg.Query("INSERT INTO t VALUES (2)"), IsOk());
  absl::StatusOr<std::string> rows = pg.Query("SELECT x FROM t ORDER BY x");
  ASSERT_THAT(rows, IsOk());
  EXPECT_EQ(*rows, "1\n2");
  EXPECT_THAT(pg.PromoteStandby(),
              StatusCodeIs(absl::StatusCode::kFailedPrecondition));
}

TEST(PostgresCluster, PrimaryAloneAndCleanedUp) {
  absl::StatusOr<std::unique_ptr<PostgresCluster>> started =
      PostgresCluster::Start(/*with_standby=*/false);
  if (absl::IsFailedPrecondition(started.status())) {
    GTEST_SKIP() << started.status().message();
  }
  ASSERT_THAT(started, IsOk());
  std::unique_ptr<PostgresCluster> pg = *std::move(started);
  const std::string dir = pg->dir();
  const int port = pg->primary_port();
  EXPECT_EQ(pg->standby_port(), 0);
  EXPECT_EQ(pg->ConnInfo(),
            absl::StrCat("host=127.0.0.1 port=", port,
                         " dbname=candor user=candor "
                         "target_session_attrs=read-write connect_timeout=2"));
  absl::StatusOr<std::string> who = pg->Query(
      "SELECT current_user, current_database(), current_setting('fsync')");
  ASSERT_THAT(who, IsOk());
  EXPECT_EQ(*who, "candor|candor|on");
  EXPECT_THAT(pg->Query("SELECT * FROM no_such_table"),
              StatusCodeIs(absl::StatusCode::kInternal));
  EXPECT_THAT(pg->PromoteStandby(),
              StatusCodeIs(absl::StatusCode::kFailedPrecondition));

  pg.reset();
  EXPECT_FALSE(std::filesystem::exists(dir));
}

}  // namespace
}  // namespace candor::testing
