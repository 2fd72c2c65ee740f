#include "log/storage/log_store.h"

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
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

TEST(LogStore, EmptyStore) {
  auto store = LogStore::Open(TempDir("empty"), StoreOptions());
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
  const merkle::Hash h0 = merkle::HashLeaf("zero");
  const merkle::Hash h1 = merkle::HashLeaf("one");
  {
    auto store = LogStore::Open(dir, StoreOptions());
    ASSERT_THAT(store, IsOk());
    LogStore::Batch batch = (*store)->NewBatch();
    batch.PutEntry(0, "zero", h0);
    batch.PutEntry(1, "one", h1);
    batch.PutSequencedSize(2);
    batch.PutTile({0, 0}, std::string(64, 'h'));
    batch.PutCheckpoint(2, "note");
    batch.PutTreeState(TreeState{2, h1, "note"});
    batch.PutRegistryRecord("p/x", "record");
    ASSERT_THAT((*store)->Commit(batch), IsOk());
  }
  auto store = LogStore::Open(dir, StoreOptions());
  ASSERT_THAT(store, IsOk());
  LogStore& s = **store;
  EXPECT_EQ(*s.ReadSequencedSize(), 2u);
  EXPECT_EQ(*s.ReadEntry(1), "one");
  std::vector<std::string> entries;
  ASSERT_THAT(s.ReadEntries(0, 10, 1 << 20, entries), IsOk());
  EXPECT_EQ(entries, (std::vector<std::string>{"zero", "one"}));
  EXPECT_EQ(*s.ReadTile({0, 0}), std::string(64, 'h'));
  EXPECT_EQ(*s.ReadCheckpoint(2), "note");
  auto state = s.ReadTreeState();
  EXPECT_EQ(state->size, 2u);
  EXPECT_EQ(state->root, h1);
  EXPECT_EQ(state->checkpoint, "note");
  EXPECT_EQ(**s.FindLeafHash(h1), 1u);
  EXPECT_EQ(**s.FindLeafHash(h0), 0u);
  EXPECT_FALSE(s.FindLeafHash(merkle::HashLeaf("two"))->has_value());
  auto registry = s.ReadRegistry();
  ASSERT_THAT(registry, IsOk());
  ASSERT_EQ(registry->size(), 1u);
  EXPECT_EQ((*registry)[0].first, "p/x");
}

TEST(LogStore, ReadEntriesStopsAtByteLimitButReturnsOne) {
  auto store = LogStore::Open(TempDir("limit"), StoreOptions());
  ASSERT_THAT(store, IsOk());
  LogStore::Batch batch = (*store)->NewBatch();
  for (int i = 0; i < 5; ++i) {
    batch.PutEntry(i, std::string(100, 'a' + i), merkle::HashLeaf(absl::StrCat(i)));
  }
  ASSERT_THAT((*store)->Commit(batch), IsOk());
  std::vector<std::string> out;
  ASSERT_THAT((*store)->ReadEntries(0, 5, 250, out), IsOk());
  EXPECT_EQ(out.size(), 2u);
  out.clear();
  ASSERT_THAT((*store)->ReadEntries(3, 5, 10, out), IsOk());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], std::string(100, 'd'));
  out.clear();
  ASSERT_THAT((*store)->ReadEntries(7, 5, 1000, out), IsOk());
  EXPECT_TRUE(out.empty());
}

// Two leaf hashes sharing the indexed prefix are told apart by the entries.
TEST(LogStore, LeafHashPrefixCollision) {
  auto store = LogStore::Open(TempDir("collision"), StoreOptions());
  ASSERT_THAT(store, IsOk());
  merkle::Hash real = merkle::HashLeaf("real");
  merkle::Hash twin = real;
  twin[31] ^= 1;  // same 8-byte prefix, different hash
  LogStore::Batch batch = (*store)->NewBatch();
  batch.PutEntry(0, "real", real);
  ASSERT_THAT((*store)->Commit(batch), IsOk());
  EXPECT_EQ(**(*store)->FindLeafHash(real), 0u);
  EXPECT_FALSE((*store)->FindLeafHash(twin)->has_value());
}

}  // namespace
}  // namespace candor::storage
