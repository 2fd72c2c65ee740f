#include "log/sequencer/integrator.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "log/merkle/in_memory_tree.h"
#include "log/merkle/proof.h"
#include "log/storage/open_store.h"
#include "log/tiles/tiles.h"
#include "tests/support/status_matchers.h"

namespace candor::sequencer {
namespace {

using ::candor::testing::IsOk;

class IntegratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/integrator-",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    storage::StoreOptions options;
    options.identity = [](absl::string_view entry) -> absl::StatusOr<Sha256Digest> {
      return Sha256(entry);
    };
    absl::StatusOr<std::unique_ptr<storage::LogStore>> store =
        storage::OpenLogStore(dir_, options);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
  }

  // Sequences entries [size, size + n) and integrates them.
  void Grow(uint64_t n) {
    storage::LogStore::Batch batch = store_->NewBatch();
    for (uint64_t i = tree_.size(); i < tree_.size() + n; ++i) {
      std::string entry = absl::StrCat("entry ", i);
      batch.PutEntry(i, entry, merkle::HashLeaf(entry), Sha256(entry));
    }
    const uint64_t size = tree_.size() + n;
    batch.PutSequencedSize(size);
    ASSERT_THAT(store_->Commit(batch), IsOk());
    for (uint64_t i = tree_.size(); i < size; ++i) {
      tree_.Append(merkle::HashLeaf(absl::StrCat("entry ", i)));
    }
    IntegratorOptions options;
    options.interval = absl::Milliseconds(1);
    options.batch_entries = 1;
    options.max_batch_entries = 700;  // several batches, ending mid-tile
    absl::StatusOr<std::unique_ptr<Integrator>> integrator = Integrator::Start(
        store_.get(), signer_, signer_.name(), nullptr, options);
    ASSERT_THAT(integrator, IsOk());
    (*integrator)->NotifySequenced(size);
    absl::Time deadline = absl::Now() + absl::Seconds(30);
    while ((*integrator)->latest()->size < size && absl::Now() < deadline) {
      ASSERT_THAT((*integrator)->health(), IsOk());
      absl::SleepFor(absl::Milliseconds(5));
    }
    ASSERT_EQ((*integrator)->latest()->size, size);
    EXPECT_EQ((*integrator)->latest()->root, tree_.Root());
  }

  void ExpectProofsMatch() {
    tiles::TileNodeReader reader(*store_);
    for (uint64_t index = 0; index < tree_.size(); index += 97) {
      auto proof = merkle::InclusionProof(index, tree_.size(), reader);
      ASSERT_THAT(proof, IsOk());
      EXPECT_EQ(*proof, *merkle::InclusionProof(index, tree_.size(), tree_));
    }
  }

  std::string dir_;
  note::Signer signer_ = *note::Signer::Generate("example.com/integrator-test");
  std::unique_ptr<storage::LogStore> store_;
  merkle::InMemoryTree tree_;
};

TEST_F(IntegratorTest, KeepsEachTilesMiddleRow) {
  Grow(70000);
  // Every complete group of 16 base hashes has its middle-row node.
  for (uint32_t level = 0; level < 2; ++level) {
    for (uint64_t index : {uint64_t{0}, uint64_t{1}}) {
      tiles::TileId tile{level, index};
      uint32_t width = tiles::TileWidth(level, index, tree_.size());
      absl::StatusOr<std::string> mid = store_->ReadMidRow(tile);
      ASSERT_THAT(mid, IsOk());
      EXPECT_EQ(mid->size(), (width >> tiles::kMidRowLevel) * merkle::kHashSize);
    }
  }
  ExpectProofsMatch();
}

TEST_F(IntegratorTest, LogsWithoutMiddleRowsKeepWorking) {
  Grow(1000);
  // A log written before middle rows were kept: none stored.
  storage::LogStore::Batch batch = store_->NewBatch();
  for (uint32_t level = 0; level < 2; ++level) {
    for (uint64_t index = 0; index < 4; ++index) batch.PutMidRow({level, index}, "");
  }
  ASSERT_THAT(store_->Commit(batch), IsOk());
  Grow(3000);  // continues the partial tile 3 and starts new ones
  absl::StatusOr<std::string> continued = store_->ReadMidRow({0, 3});
  ASSERT_THAT(continued, IsOk());
  EXPECT_EQ(*continued, "");  // left without: its nodes come from the base row
  absl::StatusOr<std::string> fresh = store_->ReadMidRow({0, 4});
  ASSERT_THAT(fresh, IsOk());
  EXPECT_EQ(fresh->size(), tiles::kMidRowWidth * merkle::kHashSize);
  ExpectProofsMatch();
}

}  // namespace
}  // namespace candor::sequencer
