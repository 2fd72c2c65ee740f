#include "witness/witness_store.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "log/merkle/hash.h"
#include "tests/support/status_matchers.h"

namespace candor::witness {
namespace {

TEST(WitnessStore, PutGetAndReopen) {
  std::string dir = ::testing::TempDir() + "/witness_store_reopen";
  WitnessRecord record;
  record.size = 42;
  record.root = merkle::HashLeaf("x");
  record.timestamp = 1700000000;
  record.note = "example.com/log\n42\nroot\n\n\xE2\x80\x94 sig\n";
  {
    absl::StatusOr<std::unique_ptr<WitnessStore>> store = WitnessStore::Open(dir);
    ASSERT_TRUE(store.ok()) << store.status();
    absl::StatusOr<std::optional<WitnessRecord>> missing = (*store)->Get("example.com/log");
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing->has_value());
    ASSERT_TRUE((*store)->Put("example.com/log", record).ok());
    WitnessRecord other = record;
    other.size = 7;
    ASSERT_TRUE((*store)->Put("example.com/other", other).ok());
  }
  absl::StatusOr<std::unique_ptr<WitnessStore>> store = WitnessStore::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status();
  absl::StatusOr<std::optional<WitnessRecord>> got = (*store)->Get("example.com/log");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, record);
  got = (*store)->Get("example.com/other");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->size, 7u);
  // Put replaces.
  record.size = 43;
  ASSERT_TRUE((*store)->Put("example.com/log", record).ok());
  got = (*store)->Get("example.com/log");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->size, 43u);
}

TEST(WitnessStore, OpenFailsOnAFile) {
  std::string path = ::testing::TempDir() + "/witness_store_not_a_dir";
  FILE* f = fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fclose(f);
  absl::StatusOr<std::unique_ptr<WitnessStore>> store = WitnessStore::Open(path);
  EXPECT_FALSE(store.ok());
  EXPECT_TRUE(absl::StartsWith(store.status().message(),
                               "opening the witness store " + path + ": "))
      << store.status();
}

}  // namespace
}  // namespace candor::witness
