// The witness over a RocksDB file system that fails writes or loses power:
// a cosignature is returned only once its checkpoint is synced, so every
// acknowledged checkpoint survives a power cut, and a failed write
// acknowledges nothing.

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "log/note/note.h"
#include "rocksdb/io_status.h"
#include "tests/support/fault_fs.h"
#include "witness/test_log.h"
#include "witness/witness.h"
#include "witness/witness_store.h"

namespace candor::witness {
namespace {

using ::candor::witness::testing::TestLog;

class WitnessDurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    key_ = *note::Signer::GenerateCosigner("witness.example/w1");
    log_.GrowTo(100);
  }

  // Opens the store over a fresh fault file system.
  void Open() {
    witness_.reset();
    store_.reset();
    fs_ = candor::testing::FaultFileSystem::Create();
    absl::StatusOr<std::unique_ptr<WitnessStore>> store =
        WitnessStore::Open(dir_, fs_->env());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    absl::StatusOr<std::unique_ptr<Witness>> w =
        Witness::Create(*key_, {log_.verifier()}, store_.get());
    ASSERT_TRUE(w.ok()) << w.status();
    witness_ = *std::move(w);
  }

  void CloseAfterPowerCut() {
    witness_.reset();
    store_.reset();
    ASSERT_TRUE(fs_->DropUnsyncedData().ok());
  }

  std::string dir_;
  std::optional<note::Signer> key_;
  TestLog log_{"example.com/log"};
  std::shared_ptr<candor::testing::FaultFileSystem> fs_;
  std::unique_ptr<WitnessStore> store_;
  std::unique_ptr<Witness> witness_;
};

TEST_F(WitnessDurabilityTest, EveryAcknowledgedCheckpointSurvivesAPowerCut) {
  for (int cut_at = 0; cut_at < 4; ++cut_at) {
    SCOPED_TRACE(absl::StrCat("power cut at sync ", cut_at));
    std::filesystem::remove_all(dir_);
    Open();
    fs_->CrashAtSync(cut_at);
    uint64_t acked = 0;
    uint64_t size = 0;
    for (int i = 0; i < 6; ++i) {
      uint64_t next = size + 3;
      WitnessResponse r = witness_->AddCheckpoint(log_.Body(size, next));
      if (r.status != 200) {
        EXPECT_EQ(r.status, 500);
        EXPECT_EQ(r.body, "internal error: the witness store failed\n");
        break;
      }
      acked = size = next;
    }
    EXPECT_TRUE(fs_->crashed());
    CloseAfterPowerCut();
    Open();
    // The stored size is the last acknowledged one: a stale request says so.
    WitnessResponse r = witness_->AddCheckpoint(log_.Body(acked + 1, 99));
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.body, absl::StrCat(acked, "\n"));
    EXPECT_EQ(witness_->AddCheckpoint(log_.Body(acked, 99)).status, 200);
  }
}

TEST_F(WitnessDurabilityTest, AFailedWriteCosignsNothing) {
  Open();
  ASSERT_EQ(witness_->AddCheckpoint(log_.Body(0, 10)).status, 200);
  fs_->SetWriteError(rocksdb::IOStatus::NoSpace("disk full"));
  WitnessResponse r = witness_->AddCheckpoint(log_.Body(10, 20));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "internal error: the witness store failed\n");
  fs_->ClearWriteError();
  Open();  // after the operator frees space and restarts
  r = witness_->AddCheckpoint(log_.Body(20, 30));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body, "10\n");
  EXPECT_EQ(witness_->AddCheckpoint(log_.Body(10, 20)).status, 200);
}

}  // namespace
}  // namespace candor::witness
