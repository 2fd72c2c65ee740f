#include "log/storage/log_store.h"

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "log/storage/rocksdb_util.h"
#include "rocksdb/db.h"
#include "tests/support/status_matchers.h"

namespace candor::storage {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

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

TEST(LogStore, EmptyStore) {
  auto store = LogStore::Open(TempDir("empty"), Options());
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

TEST(LogStore, WritesSurviveReopen) {
  const std::string dir = TempDir("reopen");
  const merkle::Hash h0 = merkle::HashLeaf("zero|");
  const merkle::Hash h1 = merkle::HashLeaf("one|");
  {
    auto store = LogStore::Open(dir, Options());
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
  auto store = LogStore::Open(dir, Options());
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

TEST(LogStore, ReadEntriesStopsAtByteLimitButReturnsOne) {
  auto store = LogStore::Open(TempDir("limit"), Options());
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
TEST(LogStore, LeafHashPrefixCollision) {
  auto store = LogStore::Open(TempDir("collision"), Options());
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
TEST(LogStore, FindIdentityAnswersTheFirstEntryOfAStatement) {
  auto store = LogStore::Open(TempDir("identity"), Options());
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

TEST(LogStore, RefusesToOpenWithoutAnIdentityFunction) {
  EXPECT_THAT(LogStore::Open(TempDir("no-identity"), StoreOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the log store needs an entry identity function "
                       "(StoreOptions.identity)"));
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

TEST(LogStore, UpgradesAVersion1StoreOnceWithTheFirstOfEachStatement) {
  const std::string dir = TempDir("upgrade");
  WriteVersion1Store(dir, {"a|1", "b|1", "a|2"});
  {
    auto store = LogStore::Open(dir, Options());
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
  EXPECT_THAT(LogStore::Open(dir, refusing), IsOk());
}

TEST(LogStore, AnUpgradeThatCannotReadAnEntryLeavesTheStoreAtVersion1) {
  const std::string dir = TempDir("upgrade-fails");
  WriteVersion1Store(dir, {"a|1", "junk"});
  EXPECT_THAT(LogStore::Open(dir, Options()),
              StatusIs(absl::StatusCode::kDataLoss,
                       "upgrading the log store: entry 1 has no identity: not "
                       "a test statement"));
  // Still version 1: it tries again (and fails the same way) next time.
  EXPECT_THAT(LogStore::Open(dir, Options()),
              StatusIs(absl::StatusCode::kDataLoss,
                       "upgrading the log store: entry 1 has no identity: not "
                       "a test statement"));
}

}  // namespace
}  // namespace candor::storage
