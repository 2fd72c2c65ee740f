// kill -9 of a real candor-log process while clients add entries: after a
// restart every acknowledged entry is at its acknowledged index, and the new
// checkpoints are consistent with every checkpoint published before. On
// both engines: RocksDB in a directory, and a real PostgreSQL server (skipped,
// saying why, only where it cannot start), where the restarted process first
// waits for the killed one's lease to expire.

#include <signal.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "log/client/log_client.h"
#include "log/keyfile/keyfile.h"
#include "log/merkle/proof.h"
#include "log/note/checkpoint.h"
#include "log/registry/registry.h"
#include "log/statement/statement.h"
#include "tests/support/postgres_cluster.h"
#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"

namespace candor::testing {
namespace {

constexpr char kBinary[] = "cmd/candor-log/candor-log";

enum class Engine { kRocksDb, kPostgres };

class CrashTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::kPostgres) {
      auto cluster = PostgresCluster::Start(/*with_standby=*/false);
      if (absl::IsFailedPrecondition(cluster.status())) {
        GTEST_SKIP() << "PostgreSQL cannot start here: " << cluster.status().message();
      }
      ASSERT_THAT(cluster, IsOk());
      postgres_ = *std::move(cluster);
    }
    dir_ = absl::StrCat(::testing::TempDir(), "/crash");
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    signer_ = *note::Signer::Generate("example.com/crash");
    admin_ = *PrivateKey::Generate(KeyType::kEd25519);
    ASSERT_THAT(keyfile::WriteSecretFile(dir_ + "/log.key", signer_->EncodedKey()),
                IsOk());
    ASSERT_THAT(keyfile::WritePublicFile(dir_ + "/admin.pub", admin_->public_key().Pem()),
                IsOk());
  }

  void StartServer() {
    const std::string storage = postgres_ != nullptr ? "--storage=" + postgres_->Uri()
                                                     : "--data_dir=" + dir_ + "/db";
    auto p = Subprocess::Start({kBinary, storage, "--lease_ttl=1s",
                                "--listen=127.0.0.1:0", "--log_key=" + dir_ + "/log.key",
                                "--admin_pub=" + dir_ + "/admin.pub",
                                "--batch_interval_ms=30", "--batch_size=50"},
                               dir_ + "/server.log");
    ASSERT_THAT(p, IsOk());
    server_ = *std::move(p);
    auto address = server_->ReadLine(absl::Seconds(30));
    ASSERT_THAT(address, IsOk());
    client::ClientOptions options;
    options.timeout = absl::Seconds(5);
    client_ = std::make_unique<client::LogClient>(*address, options);
  }

  // A registration of a fresh auditor: a distinct, admissible entry.
  std::string NewEntry(int n) {
    registry::Registration r;
    r.set_name(absl::StrCat("auditor-", n));
    r.set_role(registry::v1::AUDITOR);
    r.add_public_keys(PrivateKey::Generate(KeyType::kEd25519)->public_key().Pem());
    return *registry::SignRegistration(r, absl::Now(), *admin_);
  }

  note::SignedCheckpoint Open(const std::string& text) {
    auto cp = note::OpenCheckpoint(text, signer_->verifier());
    EXPECT_THAT(cp, IsOk());
    return *cp;
  }

  std::unique_ptr<PostgresCluster> postgres_;
  std::string dir_;
  std::optional<note::Signer> signer_;
  std::optional<PrivateKey> admin_;
  std::unique_ptr<Subprocess> server_;
  std::unique_ptr<client::LogClient> client_;
};

TEST_P(CrashTest, AcknowledgedEntriesSurviveKillNine) {
  std::map<uint64_t, std::string> acknowledged;
  std::vector<std::string> checkpoints;  // every checkpoint seen, in order
  std::atomic<int> counter{0};

  for (int round = 0; round < 3; ++round) {
    StartServer();
    absl::Mutex mu;
    std::atomic<bool> crashed{false};
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&] {
        while (!crashed) {
          std::string entry = NewEntry(counter++);
          auto added = client_->AddEntry(entry, false);
          if (!added.ok()) continue;  // refused or the server is gone
          absl::MutexLock lock(&mu);
          acknowledged[added->index()] = entry;
        }
      });
    }
    std::thread watcher([&] {
      while (!crashed) {
        auto cp = client_->GetCheckpoint();
        if (cp.ok()) {
          absl::MutexLock lock(&mu);
          checkpoints.push_back(cp->checkpoint());
        }
        absl::SleepFor(absl::Milliseconds(20));
      }
    });
    // Killed after a number of acknowledgements that grows with the round
    // (not after a time: on PostgreSQL the restarted process first waits for
    // the killed one's lease to expire, and a loaded machine is slow).
    {
      absl::MutexLock lock(&mu);
      const size_t kill_at = acknowledged.size() + 60 + 60 * round;
      auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
        return acknowledged.size() >= kill_at;
      };
      // On failure the round still ends below, so that the threads stop.
      EXPECT_TRUE(mu.AwaitWithTimeout(absl::Condition(&enough), absl::Minutes(3)))
          << "round " << round << ": only " << acknowledged.size() << " of " << kill_at
          << " entries acknowledged";
    }
    int status = server_->Signal(SIGKILL);
    EXPECT_TRUE(WIFSIGNALED(status));
    crashed = true;
    for (auto& w : writers) w.join();
    watcher.join();
  }
  ASSERT_GT(acknowledged.size(), 50u);

  StartServer();
  const uint64_t needed = acknowledged.rbegin()->first + 1;
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  std::string latest;
  while (absl::Now() < deadline) {
    auto cp = client_->GetCheckpoint();
    ASSERT_THAT(cp, IsOk());
    latest = cp->checkpoint();
    if (cp->tree_size() >= needed) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  note::SignedCheckpoint head = Open(latest);
  ASSERT_GE(head.checkpoint.size, needed);

  for (const auto& [index, entry] : acknowledged) {
    auto got = client_->GetEntries(index, 1);
    ASSERT_THAT(got, IsOk());
    ASSERT_EQ(got->entries_size(), 1);
    EXPECT_EQ(got->entries(0), entry) << "entry " << index << " changed";
  }
  // Every checkpoint ever published is a prefix of the tree now.
  int verified = 0;
  for (const std::string& text : checkpoints) {
    note::SignedCheckpoint old_cp = Open(text);
    if (old_cp.checkpoint.size == 0) continue;
    auto proof = client_->GetConsistencyProof(old_cp.checkpoint.size, head.checkpoint.size);
    ASSERT_THAT(proof, IsOk());
    auto hashes = merkle::HashesFromBytes(
        std::vector<std::string>(proof->proof().begin(), proof->proof().end()));
    ASSERT_THAT(hashes, IsOk());
    EXPECT_THAT(merkle::VerifyConsistency(old_cp.checkpoint.size, head.checkpoint.size,
                                          *hashes, merkle::AsBytes(old_cp.checkpoint.root),
                                          merkle::AsBytes(head.checkpoint.root)),
                IsOk());
    ++verified;
  }
  EXPECT_GT(verified, 5);
}

INSTANTIATE_TEST_SUITE_P(Engines, CrashTest,
                         ::testing::Values(Engine::kRocksDb, Engine::kPostgres),
                         [](const ::testing::TestParamInfo<Engine>& info) {
                           return info.param == Engine::kRocksDb ? "RocksDb" : "Postgres";
                         });

}  // namespace
}  // namespace candor::testing
