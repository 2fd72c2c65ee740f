// The log's records on both engines: every test of LogStore runs on RocksDB
// in a directory and on a real PostgreSQL server (a new database per test),
// which is skipped, saying why, only where PostgreSQL cannot start.

#include "log/storage/log_store.h"

#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "log/storage/open_store.h"
#include "log/storage/rocksdb_util.h"
#include "rocksdb/db.h"
#include "tests/support/postgres_cluster.h"
#include "tests/support/status_matchers.h"

namespace candor::storage {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::PostgresCluster;
using ::candor::testing::StatusIs;
using ::candor::testing::StatusIsWithPrefix;

std::string TempDir(const std::string& name) {
  std::string dir = absl::StrCat(::testing::TempDir(), "/", name);
  std::filesystem::remove_all(dir);
  return dir;
}

// Test entries are "statement|form": what precedes '|' is what was signed,
// so "a|1" and "a|2" are two forms of one statement. Entries without '|'
// have no identity.
absl::StatusOr<Sha256Digest> TestIdentity(absl::string_view entry) {
  const size_t bar = entry.find('|');
  if (bar == absl::string_view::npos) {
    return absl::InvalidArgumentError("not a test statement");
  }
  return Sha256(entry.substr(0, bar));
}

StoreOptions Options() {
  StoreOptions options;
  options.identity = TestIdentity;
  return options;
}

void Put(LogStore::Batch& batch, uint64_t index, const std::string& entry) {
  batch.PutEntry(index, entry, merkle::HashLeaf(entry), *TestIdentity(entry));
}

enum class Engine { kRocksDb, kPostgres };

// One PostgreSQL server for the whole test binary, started when a test first
// asks and stopped (its directory removed) after the last test.
class PostgresEnvironment : public ::testing::Environment {
 public:
  // Null, with the reason, where PostgreSQL cannot start.
  PostgresCluster* Get(std::string* why_not) {
    if (!cluster_.has_value()) cluster_ = PostgresCluster::Start(/*with_standby=*/false);
    if (!cluster_->ok()) {
      *why_not = std::string(cluster_->status().message());
      return nullptr;
    }
    return cluster_->value().get();
  }
  void TearDown() override { cluster_.reset(); }

 private:
  std::optional<absl::StatusOr<std::unique_ptr<PostgresCluster>>> cluster_;
};

PostgresEnvironment* const postgres_environment = static_cast<PostgresEnvironment*>(
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment));

PostgresCluster* Postgres(std::string* why_not) {
  return postgres_environment->Get(why_not);
}

class LogStoreTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::kPostgres) {
      std::string why_not;
      postgres_ = Postgres(&why_not);
      if (postgres_ == nullptr) GTEST_SKIP() << "PostgreSQL cannot start here: " << why_not;
    }
  }

  // The location of a new, empty store named `name`.
  std::string NewLocation(const std::string& name) {
    if (GetParam() == Engine::kRocksDb) return TempDir(name);
    std::string db = absl::StrCat("t_", name);
    for (char& c : db) {
      if (!isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    EXPECT_THAT(postgres_->Query(absl::StrCat("DROP DATABASE IF EXISTS ", db)), IsOk());
    EXPECT_THAT(postgres_->Query(absl::StrCat("CREATE DATABASE ", db)), IsOk());
    return absl::StrCat("postgresql://candor@127.0.0.1:", postgres_->primary_port(), "/",
                        db);
  }

  // Opens the store at `location`, holding the sequencer lease if the
  // engine has one (commits need it).
  absl::StatusOr<std::unique_ptr<LogStore>> OpenAt(const std::string& location,
                                                   StoreOptions options = Options()) {
    absl::StatusOr<std::unique_ptr<LogStore>> store = OpenLogStore(location, options);
    if (store.ok() && (*store)->lease() != nullptr) {
      absl::StatusOr<bool> held = (*store)->lease()->Acquire("test");
      if (!held.ok()) return held.status();
      if (!*held) return absl::InternalError("the test could not take the lease");
    }
    return store;
  }

  absl::StatusOr<std::unique_ptr<LogStore>> OpenNew(const std::string& name) {
    return OpenAt(NewLocation(name));
  }

  PostgresCluster* postgres_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Engines, LogStoreTest,
                         ::testing::Values(Engine::kRocksDb, Engine::kPostgres),
                         [](const ::testing::TestParamInfo<Engine>& info) {
                           return info.param == Engine::kRocksDb ? "RocksDb" : "Postgres";
                         });

TEST_P(LogStoreTest, EmptyStore) {
  auto store = OpenNew("empty");
  ASSERT_THAT(store, IsOk());
  EXPECT_EQ(*(*store)->ReadSequencedSize(), 0u);
  auto state = (*store)->ReadTreeState();
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->size, 0u);
  EXPECT_EQ(state->root, merkle::EmptyRoot());
  EXPECT_TRUE(state->checkpoint.empty());
  EXPECT_THAT((*store)->ReadEntry(0),
              StatusIs(absl::StatusCode::kNotFound, "no entry at index 0"));
  EXPECT_THAT((*store)->ReadTile({0, 0}),
              StatusIs(absl::StatusCode::kNotFound, "no tile tile/0/000"));
  EXPECT_THAT((*store)->ReadCheckpoint(5),
              StatusIs(absl::StatusCode::kNotFound,
                       "the log signed no checkpoint at size 5"));
}

TEST_P(LogStoreTest, WritesSurviveReopen) {
  const std::string dir = NewLocation("reopen");
  const merkle::Hash h0 = merkle::HashLeaf("zero|");
  const merkle::Hash h1 = merkle::HashLeaf("one|");
  {
    auto store = OpenAt(dir);
    ASSERT_THAT(store, IsOk());
    LogStore::Batch batch = (*store)->NewBatch();
    Put(batch, 0, "zero|");
    Put(batch, 1, "one|");
    batch.PutSequencedSize(2);
    batch.PutTile({0, 0}, std::string(64, 'h'));
    batch.PutCheckpoint(2, "note");
    batch.PutTreeState(TreeState{2, h1, "note"});
    batch.PutRegistryRecord("p/x", "record");
    ASSERT_THAT((*store)->Commit(batch), IsOk());
  }
  auto store = OpenAt(dir);
  ASSERT_THAT(store, IsOk());
  LogStore& s = **store;
  EXPECT_EQ(*s.ReadSequencedSize(), 2u);
  EXPECT_EQ(*s.ReadEntry(1), "one|");
  std::vector<std::string> entries;
  ASSERT_THAT(s.ReadEntries(0, 10, 1 << 20, entries), IsOk());
  EXPECT_EQ(entries, (std::vector<std::string>{"zero|", "one|"}));
  EXPECT_EQ(*s.ReadTile({0, 0}), std::string(64, 'h'));
  EXPECT_EQ(*s.ReadCheckpoint(2), "note");
  auto state = s.ReadTreeState();
  EXPECT_EQ(state->size, 2u);
  EXPECT_EQ(state->root, h1);
  EXPECT_EQ(state->checkpoint, "note");
  EXPECT_EQ(**s.FindLeafHash(h1), 1u);
  EXPECT_EQ(**s.FindLeafHash(h0), 0u);
  EXPECT_FALSE(s.FindLeafHash(merkle::HashLeaf("two|"))->has_value());
  auto one = s.FindIdentity(Sha256("one"));
  ASSERT_THAT(one, IsOk());
  ASSERT_TRUE(one->has_value());
  EXPECT_EQ((*one)->index, 1u);
  EXPECT_EQ((*one)->entry, "one|");
  EXPECT_FALSE(s.FindIdentity(Sha256("two"))->has_value());
  auto registry = s.ReadRegistry();
  ASSERT_THAT(registry, IsOk());
  ASSERT_EQ(registry->size(), 1u);
  EXPECT_EQ((*registry)[0].first, "p/x");
}

TEST_P(LogStoreTest, ReadEntriesStopsAtByteLimitButReturnsOne) {
  auto store = OpenNew("limit");
  ASSERT_THAT(store, IsOk());
  LogStore::Batch batch = (*store)->NewBatch();
  for (int i = 0; i < 5; ++i) {
    Put(batch, i, std::string(100, 'a' + i) + "|");
  }
  ASSERT_THAT((*store)->Commit(batch), IsOk());
  std::vector<std::string> out;
  ASSERT_THAT((*store)->ReadEntries(0, 5, 250, out), IsOk());
  EXPECT_EQ(out.size(), 2u);
  out.clear();
  ASSERT_THAT((*store)->ReadEntries(3, 5, 10, out), IsOk());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], std::string(100, 'd') + "|");
  out.clear();
  ASSERT_THAT((*store)->ReadEntries(7, 5, 1000, out), IsOk());
  EXPECT_TRUE(out.empty());
}

// Two leaf hashes sharing the indexed prefix are told apart by the entries.
TEST_P(LogStoreTest, LeafHashPrefixCollision) {
  auto store = OpenNew("collision");
  ASSERT_THAT(store, IsOk());
  merkle::Hash real = merkle::HashLeaf("real|");
  merkle::Hash twin = real;
  twin[31] ^= 1;  // same 8-byte prefix, different hash
  LogStore::Batch batch = (*store)->NewBatch();
  Put(batch, 0, "real|");
  ASSERT_THAT((*store)->Commit(batch), IsOk());
  EXPECT_EQ(**(*store)->FindLeafHash(real), 0u);
  EXPECT_FALSE((*store)->FindLeafHash(twin)->has_value());
  Sha256Digest identity_twin = Sha256("real");
  identity_twin[31] ^= 1;
  EXPECT_EQ((**(*store)->FindIdentity(Sha256("real"))).index, 0u);
  EXPECT_FALSE((*store)->FindIdentity(identity_twin)->has_value());
}

// Every form of a statement finds the entry that logged it first.
TEST_P(LogStoreTest, FindIdentityAnswersTheFirstEntryOfAStatement) {
  auto store = OpenNew("identity");
  ASSERT_THAT(store, IsOk());
  LogStore::Batch batch = (*store)->NewBatch();
  Put(batch, 0, "other|x");
  Put(batch, 1, "claim|compact");
  Put(batch, 2, "claim|with spaces");
  ASSERT_THAT((*store)->Commit(batch), IsOk());
  auto found = (*store)->FindIdentity(Sha256("claim"));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->index, 1u);
  EXPECT_EQ((*found)->entry, "claim|compact");
}

// Many statements looked up at once answer as one at a time would.
TEST_P(LogStoreTest, FindIdentitiesAnswersEachAsFindIdentity) {
  auto store = OpenNew("identities");
  ASSERT_THAT(store, IsOk());
  LogStore::Batch batch = (*store)->NewBatch();
  Put(batch, 0, "a|1");
  Put(batch, 1, "b|1");
  Put(batch, 2, "a|2");
  ASSERT_THAT((*store)->Commit(batch), IsOk());
  Sha256Digest twin = Sha256("b");
  twin[31] ^= 1;  // shares b's indexed prefix
  auto found = (*store)->FindIdentities(
      {Sha256("a"), Sha256("missing"), Sha256("b"), twin, Sha256("a")});
  ASSERT_THAT(found, IsOk());
  ASSERT_EQ(found->size(), 5u);
  ASSERT_TRUE((*found)[0].has_value());
  EXPECT_EQ((*found)[0]->index, 0u);
  EXPECT_EQ((*found)[0]->entry, "a|1");
  EXPECT_FALSE((*found)[1].has_value());
  ASSERT_TRUE((*found)[2].has_value());
  EXPECT_EQ((*found)[2]->index, 1u);
  EXPECT_FALSE((*found)[3].has_value());
  ASSERT_TRUE((*found)[4].has_value());
  EXPECT_EQ((*found)[4]->index, 0u);
  auto none = (*store)->FindIdentities({});
  ASSERT_THAT(none, IsOk());
  EXPECT_TRUE(none->empty());
}

TEST_P(LogStoreTest, RefusesToOpenWithoutAnIdentityFunction) {
  EXPECT_THAT(OpenLogStore(NewLocation("no-identity"), StoreOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the log store needs an entry identity function"));
}

// The last write of a key in one batch wins, on both engines (PostgreSQL's
// ON CONFLICT would refuse a row touched twice in one statement).
TEST_P(LogStoreTest, TheLastWriteOfAKeyInABatchWins) {
  auto store = OpenNew("twice");
  ASSERT_THAT(store, IsOk());
  LogStore::Batch batch = (*store)->NewBatch();
  batch.PutSequencedSize(1);
  batch.PutTile({0, 0}, std::string(32, 'a'));
  batch.PutSequencedSize(7);
  batch.PutTile({0, 0}, std::string(64, 'b'));
  ASSERT_THAT((*store)->Commit(batch), IsOk());
  EXPECT_EQ(*(*store)->ReadSequencedSize(), 7u);
  EXPECT_EQ(*(*store)->ReadTile({0, 0}), std::string(64, 'b'));
}

// A reader of the index sees one state throughout, whatever is committed
// meanwhile.
TEST_P(LogStoreTest, IndexReadsSeeOneSnapshot) {
  auto store = OpenNew("snapshot");
  ASSERT_THAT(store, IsOk());
  LogStore::Batch first = (*store)->NewBatch();
  first.PutIndexRecord("k1", "old");
  ASSERT_THAT((*store)->Commit(first), IsOk());
  absl::Status read = (*store)->ReadIndex([&](LogStore::IndexView& view) -> absl::Status {
    EXPECT_EQ(**view.Get("k1"), "old");
    // Another thread commits (a reader must not commit itself).
    std::thread writer([&] {
      LogStore::Batch meanwhile = (*store)->NewBatch();
      meanwhile.PutIndexRecord("k1", "new");
      meanwhile.PutIndexRecord("k2", "added");
      EXPECT_THAT((*store)->Commit(meanwhile), IsOk());
    });
    writer.join();
    EXPECT_EQ(**view.Get("k1"), "old");
    EXPECT_FALSE(view.Get("k2")->has_value());
    int seen = 0;
    EXPECT_THAT(view.Scan("k", "l", [&](absl::string_view, absl::string_view) {
      ++seen;
      return true;
    }), IsOk());
    EXPECT_EQ(seen, 1);
    return absl::OkStatus();
  });
  EXPECT_THAT(read, IsOk());
  absl::Status after = (*store)->ReadIndex([&](LogStore::IndexView& view) -> absl::Status {
    EXPECT_EQ(**view.Get("k1"), "new");
    return absl::OkStatus();
  });
  EXPECT_THAT(after, IsOk());
}

// Scans longer than one page of the PostgreSQL engine (1,024 records).
TEST_P(LogStoreTest, ReadsThousandsOfEntriesInOrder) {
  auto store = OpenNew("many");
  ASSERT_THAT(store, IsOk());
  LogStore::Batch batch = (*store)->NewBatch();
  for (int i = 0; i < 3000; ++i) Put(batch, i, absl::StrCat("entry ", i, "|"));
  batch.PutSequencedSize(3000);
  ASSERT_THAT((*store)->Commit(batch), IsOk());
  std::vector<std::string> out;
  ASSERT_THAT((*store)->ReadEntries(5, 2900, SIZE_MAX, out), IsOk());
  ASSERT_EQ(out.size(), 2900u);
  EXPECT_EQ(out.front(), "entry 5|");
  EXPECT_EQ(out.back(), "entry 2904|");
}

// A store as schema version 1 wrote it: entries and their sequenced size,
// no identity index.
void WriteVersion1Store(const std::string& dir,
                        const std::vector<std::string>& entries) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {"entries", rocksdb::ColumnFamilyOptions()}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, dir, families, &handles, &db).ok());
  rocksdb::WriteBatch batch;
  batch.Put(handles[0], "schema_version", "1");
  batch.Put(handles[0], "sequenced_size", ToSlice(BigEndian64(entries.size())));
  for (size_t i = 0; i < entries.size(); ++i) {
    batch.Put(handles[1], ToSlice(BigEndian64(i)), entries[i]);
  }
  ASSERT_TRUE(db->Write(rocksdb::WriteOptions(), &batch).ok());
  for (rocksdb::ColumnFamilyHandle* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

// Version 1 existed only on RocksDB.
TEST(LogStore, UpgradesAVersion1StoreOnceWithTheFirstOfEachStatement) {
  const std::string dir = TempDir("upgrade");
  WriteVersion1Store(dir, {"a|1", "b|1", "a|2"});
  {
    auto store = OpenLogStore(dir, Options());
    ASSERT_THAT(store, IsOk());
    auto a = (*store)->FindIdentity(Sha256("a"));
    ASSERT_THAT(a, IsOk());
    ASSERT_TRUE(a->has_value());
    EXPECT_EQ((*a)->index, 0u);
    EXPECT_EQ((**(*store)->FindIdentity(Sha256("b"))).index, 1u);
  }
  // Upgraded: opening again does not read the entries (this function would
  // refuse every one of them).
  StoreOptions refusing;
  refusing.identity = [](absl::string_view) -> absl::StatusOr<Sha256Digest> {
    return absl::InvalidArgumentError("read an entry at start-up");
  };
  EXPECT_THAT(OpenLogStore(dir, refusing), IsOk());
}

TEST(LogStore, AnUpgradeThatCannotReadAnEntryLeavesTheStoreAtVersion1) {
  const std::string dir = TempDir("upgrade-fails");
  WriteVersion1Store(dir, {"a|1", "junk"});
  EXPECT_THAT(OpenLogStore(dir, Options()),
              StatusIs(absl::StatusCode::kDataLoss,
                       "upgrading the log store: entry 1 has no identity: not "
                       "a test statement"));
  // Still version 1: it tries again (and fails the same way) next time.
  EXPECT_THAT(OpenLogStore(dir, Options()),
              StatusIs(absl::StatusCode::kDataLoss,
                       "upgrading the log store: entry 1 has no identity: not "
                       "a test statement"));
}

// Two instances on one database: only the lease holder commits, and a
// holder whose lease was taken over (as when it was paused past its expiry)
// can never commit again, even in a batch it had prepared before.
TEST(PostgresStore, OnlyTheLeaseHolderCommitsAndATakenOverOneIsFenced) {
  std::string why_not;
  PostgresCluster* postgres = Postgres(&why_not);
  if (postgres == nullptr) GTEST_SKIP() << "PostgreSQL cannot start here: " << why_not;
  ASSERT_THAT(postgres->Query("DROP DATABASE IF EXISTS fencing"), IsOk());
  ASSERT_THAT(postgres->Query("CREATE DATABASE fencing"), IsOk());
  const std::string uri =
      absl::StrCat("postgresql://candor@127.0.0.1:", postgres->primary_port(), "/fencing");
  auto a = OpenLogStore(uri, Options());
  auto b = OpenLogStore(uri, Options());
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  Lease& lease_a = *(*a)->lease();
  Lease& lease_b = *(*b)->lease();

  EXPECT_THAT(lease_b.Holder(), StatusIs(absl::StatusCode::kNotFound,
                                         "no instance has held the lease yet"));
  LogStore::Batch early = (*b)->NewBatch();
  early.PutSequencedSize(1);
  EXPECT_THAT((*b)->Commit(early),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "this instance does not hold the sequencer lease, so it writes "
                       "nothing"));

  ASSERT_EQ(*lease_a.Acquire("a:1"), true);
  EXPECT_EQ(*lease_b.Acquire("b:2"), false);
  auto holder = lease_b.Holder();
  ASSERT_THAT(holder, IsOk());
  EXPECT_EQ(holder->holder, "a:1");
  EXPECT_TRUE(holder->live);
  const uint64_t first_epoch = holder->epoch;
  EXPECT_EQ(*lease_a.Acquire("a:1"), true);  // a renewal keeps the epoch
  EXPECT_EQ(lease_b.Holder()->epoch, first_epoch);

  LogStore::Batch by_a = (*a)->NewBatch();
  by_a.PutSequencedSize(5);
  ASSERT_THAT((*a)->Commit(by_a), IsOk());

  // a's lease runs out (its process paused) and b takes over.
  ASSERT_THAT(postgres->QueryDb(
                  "fencing", "UPDATE candor_lease SET expires_at = now() - interval '1 s'"),
              IsOk());
  ASSERT_EQ(*lease_b.Acquire("b:2"), true);
  EXPECT_EQ(lease_a.Holder()->holder, "b:2");
  EXPECT_EQ(lease_a.Holder()->epoch, first_epoch + 1);

  LogStore::Batch stale = (*a)->NewBatch();
  stale.PutSequencedSize(99);
  stale.PutCheckpoint(99, "a fork");
  EXPECT_THAT((*a)->Commit(stale),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("the sequencer lease of epoch ", first_epoch,
                                    " was taken over by another instance; this one "
                                    "wrote nothing and no longer sequences")));
  EXPECT_EQ(*(*b)->ReadSequencedSize(), 5u);
  EXPECT_THAT((*b)->ReadCheckpoint(99), StatusIs(absl::StatusCode::kNotFound,
                                                 "the log signed no checkpoint at size 99"));
  // a cannot take the lease back while b renews it.
  EXPECT_EQ(*lease_a.Acquire("a:1"), false);
  LogStore::Batch by_b = (*b)->NewBatch();
  by_b.PutSequencedSize(6);
  EXPECT_THAT((*b)->Commit(by_b), IsOk());

  // A clean release lets the next holder in at once.
  ASSERT_THAT(lease_b.Release(), IsOk());
  EXPECT_FALSE(lease_a.Holder()->live);
  EXPECT_EQ(*lease_a.Acquire("a:1"), true);
  EXPECT_EQ(lease_b.Holder()->epoch, first_epoch + 2);
}

// The primary dies (kill -9): calls fail with UNAVAILABLE and the server's
// or libpq's message; once the synchronous standby is promoted, what was
// committed is there and writing resumes without reopening the store.
TEST(PostgresStore, ADeadPrimaryIsUnavailableAndThePromotedStandbyHasEveryCommit) {
  auto cluster = PostgresCluster::Start(/*with_standby=*/true);
  if (absl::IsFailedPrecondition(cluster.status())) {
    GTEST_SKIP() << "PostgreSQL cannot start here: " << cluster.status().message();
  }
  ASSERT_THAT(cluster, IsOk());
  StoreOptions options = Options();
  options.postgres.call_timeout = absl::Seconds(5);
  auto store = OpenLogStore((*cluster)->Uri(), options);
  ASSERT_THAT(store, IsOk());
  ASSERT_EQ(*(*store)->lease()->Acquire("test"), true);
  LogStore::Batch first = (*store)->NewBatch();
  Put(first, 0, "kept|");
  first.PutSequencedSize(1);
  ASSERT_THAT((*store)->Commit(first), IsOk());

  ASSERT_THAT((*cluster)->KillPrimary(), IsOk());
  LogStore::Batch during = (*store)->NewBatch();
  during.PutSequencedSize(2);
  EXPECT_THAT((*store)->Commit(during),
              StatusIsWithPrefix(absl::StatusCode::kUnavailable, "PostgreSQL, "));
  EXPECT_THAT((*store)->ReadSequencedSize(),
              StatusIsWithPrefix(absl::StatusCode::kUnavailable, "PostgreSQL, "));

  ASSERT_THAT((*cluster)->PromoteStandby(), IsOk());
  ASSERT_THAT((*store)->Resume(), IsOk());
  EXPECT_EQ(*(*store)->ReadSequencedSize(), 1u);
  EXPECT_EQ(*(*store)->ReadEntry(0), "kept|");
  LogStore::Batch after = (*store)->NewBatch();
  Put(after, 1, "after|");
  after.PutSequencedSize(2);
  ASSERT_THAT((*store)->Commit(after), IsOk());
  EXPECT_EQ(*(*store)->ReadSequencedSize(), 2u);
}

TEST(PostgresStore, AnUnreachableDatabaseIsUnavailable) {
  StoreOptions options = Options();
  options.postgres.call_timeout = absl::Seconds(2);
  // Port 1 on loopback: nothing listens there.
  EXPECT_THAT(OpenLogStore("postgresql://candor@127.0.0.1:1/candor", options),
              StatusIsWithPrefix(absl::StatusCode::kUnavailable, "PostgreSQL, connecting: "));
}

TEST(PostgresStore, RefusesTablesOfAnotherLayoutVersion) {
  std::string why_not;
  PostgresCluster* postgres = Postgres(&why_not);
  if (postgres == nullptr) GTEST_SKIP() << "PostgreSQL cannot start here: " << why_not;
  ASSERT_THAT(postgres->Query("DROP DATABASE IF EXISTS layout"), IsOk());
  ASSERT_THAT(postgres->Query("CREATE DATABASE layout"), IsOk());
  const std::string uri =
      absl::StrCat("postgresql://candor@127.0.0.1:", postgres->primary_port(), "/layout");
  ASSERT_THAT(OpenLogStore(uri, Options()), IsOk());
  ASSERT_THAT(postgres->QueryDb("layout", "UPDATE candor_schema SET version = 99"),
              IsOk());
  EXPECT_THAT(OpenLogStore(uri, Options()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "the database's candor_schema does not say version 1 (this "
                       "build's table layout); refusing to use it"));
}

}  // namespace
}  // namespace candor::storage
