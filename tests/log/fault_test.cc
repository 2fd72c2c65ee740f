// Fault injection below RocksDB: power cuts at chosen syncs while clients
// add entries, and a full disk. Acknowledged entries survive at their
// indices, every checkpoint ever served is consistent with the tree after
// recovery, and a full disk makes adds fail with UNAVAILABLE while reads go
// on, until space returns.

#include <atomic>
#include <map>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "log/merkle/proof.h"
#include "log/note/checkpoint.h"
#include "tests/support/fault_fs.h"
#include "tests/support/log_fixture.h"
#include "tests/support/postgres_cluster.h"
#include "tests/support/status_matchers.h"

namespace candor::testing {
namespace {

std::vector<merkle::Hash> Hashes(const google::protobuf::RepeatedPtrField<std::string>& l) {
  return *merkle::HashesFromBytes(std::vector<std::string>(l.begin(), l.end()));
}

// Runs writers until a power cut at sync `crash_at_sync`, then recovers on a
// healthy disk and checks every promise.
void CrashAndRecover(int crash_at_sync, bool with_tiles) {
  SCOPED_TRACE(absl::StrCat("power cut at sync ", crash_at_sync));
  auto fs = FaultFileSystem::Create();
  LogFixtureOptions options{.name = absl::StrCat("fault-", crash_at_sync),
                            .with_tiles = with_tiles,
                            .batch_interval = absl::Milliseconds(5),
                            .batch_entries = 8};
  options.env = fs->env();
  LogFixture log(options);
  ASSERT_THAT(log.Start(), IsOk());
  auto key = log.RegisterVendor("example");
  ASSERT_THAT(key, IsOk());
  ASSERT_THAT(log.WaitForSize(1), IsOk());

  std::map<uint64_t, std::string> acknowledged;
  std::vector<std::string> checkpoints;
  absl::Mutex mu;
  fs->CrashAtSync(crash_at_sync);
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 300 && !fs->crashed(); ++i) {
        std::string entry = LogFixture::TestEntry(*key, t * 1000 + i);
        auto added = log.client().AddEntry(entry, false);
        auto cp = log.client().GetCheckpoint();
        absl::MutexLock lock(&mu);
        if (added.ok()) acknowledged[added->index()] = entry;
        if (cp.ok()) checkpoints.push_back(cp->checkpoint());
      }
    });
  }
  for (auto& w : writers) w.join();
  ASSERT_TRUE(fs->crashed()) << "the run ended before the power cut";
  log.Stop();
  // What was never synced is lost with the power.
  ASSERT_THAT(fs->DropUnsyncedData(), IsOk());

  log.set_env(nullptr);
  ASSERT_THAT(log.Start(), IsOk());
  if (!acknowledged.empty()) {
    ASSERT_THAT(log.WaitForSize(acknowledged.rbegin()->first + 1), IsOk());
  }
  for (const auto& [index, entry] : acknowledged) {
    auto got = log.client().GetEntries(index, 1);
    ASSERT_THAT(got, IsOk());
    ASSERT_EQ(got->entries(0), entry) << "acknowledged entry " << index << " lost";
  }
  auto head = note::OpenCheckpoint(log.client().GetCheckpoint()->checkpoint(),
                                   log.log_signer().verifier());
  ASSERT_THAT(head, IsOk());
  for (const std::string& text : checkpoints) {
    auto old_cp = note::OpenCheckpoint(text, log.log_signer().verifier());
    ASSERT_THAT(old_cp, IsOk());
    if (old_cp->checkpoint.size == 0) continue;
    ASSERT_LE(old_cp->checkpoint.size, head->checkpoint.size);
    auto proof = log.client().GetConsistencyProof(old_cp->checkpoint.size,
                                                  head->checkpoint.size);
    ASSERT_THAT(proof, IsOk());
    ASSERT_THAT(merkle::VerifyConsistency(
                    old_cp->checkpoint.size, head->checkpoint.size, Hashes(proof->proof()),
                    merkle::AsBytes(old_cp->checkpoint.root),
                    merkle::AsBytes(head->checkpoint.root)),
                IsOk())
        << "checkpoint of size " << old_cp->checkpoint.size << " is not a prefix";
  }
  // The log goes on.
  ASSERT_THAT(log.client().AddEntry(LogFixture::TestEntry(*key, 99999), true), IsOk());
}

// Power cuts land on sequencing syncs, integration syncs and RocksDB's own
// (flush, manifest), depending on the count.
TEST(Fault, PowerCutsAtManySyncs) {
  for (int n : {0, 1, 2, 3, 5, 8, 13, 21, 34}) CrashAndRecover(n, /*with_tiles=*/false);
}

TEST(Fault, PowerCutWhilePublishingTiles) {
  for (int n : {2, 7, 19}) CrashAndRecover(n, /*with_tiles=*/true);
}

// While adds are refused, the log still serves its checkpoint of two
// entries and a proof from it.
void ExpectReadsOfTwoEntries(LogFixture& log) {
  auto cp = log.client().GetCheckpoint();
  ASSERT_THAT(cp, IsOk());
  EXPECT_EQ(cp->tree_size(), 2u);
  log::v1::GetInclusionProofRequest request;
  request.set_index(1);
  EXPECT_THAT(log.client().GetInclusionProof(request), IsOk());
}

TEST(Fault, FullDiskRefusesAddsKeepsReadsAndRecovers) {
  auto fs = FaultFileSystem::Create();
  LogFixtureOptions options{.name = "full-disk"};
  options.env = fs->env();
  LogFixture log(options);
  ASSERT_THAT(log.Start(), IsOk());
  auto key = log.RegisterVendor("example");
  ASSERT_THAT(key, IsOk());
  auto first = log.client().AddEntry(LogFixture::TestEntry(*key, 1), true);
  ASSERT_THAT(first, IsOk());

  fs->SetWriteError(rocksdb::IOStatus::NoSpace("No space left on device"));
  auto refused = log.client().AddEntry(LogFixture::TestEntry(*key, 2), false);
  EXPECT_THAT(refused, StatusCodeIs(absl::StatusCode::kUnavailable));
  EXPECT_TRUE(absl::StrContains(refused.status().message(),
                                "the log could not confirm that the entry is stored "
                                "durably; retry later: a retry answers with the "
                                "entry's index if it was stored ("))
      << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "No space left on device"))
      << refused.status();
  ExpectReadsOfTwoEntries(log);

  // Space comes back: the next add succeeds without a restart.
  fs->ClearWriteError();
  absl::Time start = absl::Now();
  auto added = log.client().AddEntry(LogFixture::TestEntry(*key, 2), true);
  ASSERT_THAT(added, IsOk());
  EXPECT_EQ(added->index(), 2u);
  std::cerr << "recovered from a full disk in "
            << absl::FormatDuration(absl::Now() - start) << "\n";
}

// The same promise on PostgreSQL: the database refuses writes with its
// disk-full error (SQLSTATE 53100, raised by a trigger in place of a full
// disk), so adds are refused with the server's message while reads keep
// working; once it takes writes again, the next add succeeds without a
// restart.
TEST(Fault, PostgresDiskFullRefusesAddsKeepsReadsAndRecovers) {
  auto cluster = PostgresCluster::Start(/*with_standby=*/false);
  if (absl::IsFailedPrecondition(cluster.status())) {
    GTEST_SKIP() << "PostgreSQL cannot start here: " << cluster.status().message();
  }
  ASSERT_THAT(cluster, IsOk());
  LogFixtureOptions options{.name = "pg-disk-full"};
  options.storage = (*cluster)->Uri();
  LogFixture log(options);
  ASSERT_THAT(log.Start(), IsOk());
  auto key = log.RegisterVendor("example");
  ASSERT_THAT(key, IsOk());
  auto first = log.client().AddEntry(LogFixture::TestEntry(*key, 1), true);
  ASSERT_THAT(first, IsOk());

  ASSERT_THAT((*cluster)->Query(
                  "CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ "
                  "BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' "
                  "USING ERRCODE = 'disk_full'; END $$; "
                  "CREATE TRIGGER disk_full BEFORE INSERT OR UPDATE ON candor_records "
                  "FOR EACH STATEMENT EXECUTE FUNCTION disk_full()"),
              IsOk());
  auto refused = log.client().AddEntry(LogFixture::TestEntry(*key, 2), false);
  EXPECT_THAT(refused, StatusCodeIs(absl::StatusCode::kUnavailable));
  EXPECT_TRUE(absl::StrContains(refused.status().message(),
                                "could not extend file: No space left on device "
                                "(SQLSTATE 53100)"))
      << refused.status();
  ExpectReadsOfTwoEntries(log);  // from the database

  ASSERT_THAT((*cluster)->Query("DROP TRIGGER disk_full ON candor_records"), IsOk());
  auto added = log.client().AddEntry(LogFixture::TestEntry(*key, 2), true);
  ASSERT_THAT(added, IsOk());
  EXPECT_EQ(added->index(), 2u);
}

}  // namespace
}  // namespace candor::testing
