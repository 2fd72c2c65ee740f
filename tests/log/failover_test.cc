// Failover for real: two candor-log processes share a PostgreSQL primary
// with a synchronous standby (real servers from Debian's postgresql-15)
// while writers add entries through whichever instance sequences. In turn:
// the primary database is killed with kill -9 and the standby promoted; the
// leading candor-log is killed with kill -9; the leading candor-log is
// paused with SIGSTOP until another took the lease over, then resumed, and
// must stop without writing. Afterwards every acknowledged entry is at its
// acknowledged index, every checkpoint any instance served is consistent
// with the final one (Candor's verifier and Go's x/mod/sumdb/tlog over the
// published tiles), and no two checkpoints of one size differ.
//
// Skipped, saying why, only where PostgreSQL cannot start. Timings are
// printed, never asserted.

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "log/client/log_client.h"
#include "log/keyfile/keyfile.h"
#include "log/merkle/proof.h"
#include "log/note/checkpoint.h"
#include "log/registry/registry.h"
#include "tests/support/go_tool.h"
#include "tests/support/postgres_cluster.h"
#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"

namespace candor::testing {
namespace {

constexpr char kBinary[] = "cmd/candor-log/candor-log";

class FailoverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = PostgresCluster::Start(/*with_standby=*/true);
    if (absl::IsFailedPrecondition(cluster.status())) {
      GTEST_SKIP() << "PostgreSQL cannot start here: " << cluster.status().message();
    }
    ASSERT_THAT(cluster, IsOk());
    postgres_ = *std::move(cluster);
    dir_ = absl::StrCat(::testing::TempDir(), "/failover");
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/tiles");
    signer_ = *note::Signer::Generate("example.com/failover");
    admin_ = *PrivateKey::Generate(KeyType::kEd25519);
    ASSERT_THAT(keyfile::WriteSecretFile(dir_ + "/log.key", signer_->EncodedKey()), IsOk());
    ASSERT_THAT(keyfile::WritePublicFile(dir_ + "/admin.pub", admin_->public_key().Pem()),
                IsOk());
    ASSERT_THAT(keyfile::WritePublicFile(dir_ + "/log.vkey", signer_->verifier().EncodedKey()),
                IsOk());
  }

  struct Instance {
    std::unique_ptr<Subprocess> process;
    std::string address;
  };

  // Starts one more candor-log on the shared database (both hosts in its
  // URI, so that it follows a failover), all publishing into one tiles
  // directory as a web server in front of them would serve.
  void StartInstance() {
    const int n = started_++;
    auto p = Subprocess::Start(
        {kBinary, "--storage=" + postgres_->Uri(), "--listen=127.0.0.1:0",
         "--log_key=" + dir_ + "/log.key", "--admin_pub=" + dir_ + "/admin.pub",
         "--tiles_dir=" + dir_ + "/tiles", "--batch_interval_ms=30", "--batch_size=50",
         "--lease_ttl=2s", "--pg_timeout=5s"},
        absl::StrCat(dir_, "/log-", n, ".err"));
    ASSERT_THAT(p, IsOk());
    auto address = (*p)->ReadLine(absl::Seconds(60));
    ASSERT_THAT(address, IsOk()) << "see " << dir_ << "/log-" << n << ".err";
    absl::MutexLock lock(&mu_);
    instances_.push_back(Instance{*std::move(p), *address});
  }

  // Restarts instances that exited (as a supervisor would), keeping two.
  void KeepTwoRunning() {
    int running = 0;
    {
      absl::MutexLock lock(&mu_);
      for (Instance& i : instances_) {
        if (i.process != nullptr && !i.process->WaitForExit(absl::ZeroDuration()).ok()) {
          ++running;
        }
      }
    }
    for (; running < 2; ++running) StartInstance();
  }

  client::LogClient& ClientFor(const std::string& address) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto& c = clients_[address];
    if (c == nullptr) {
      client::ClientOptions options;
      options.timeout = absl::Seconds(5);
      c = std::make_unique<client::LogClient>(address, options);
    }
    return *c;
  }

  std::vector<std::string> Addresses() {
    absl::MutexLock lock(&mu_);
    std::vector<std::string> out;
    for (Instance& i : instances_) {
      if (i.process != nullptr && !i.process->WaitForExit(absl::ZeroDuration()).ok()) {
        out.push_back(i.address);
      }
    }
    return out;
  }

  client::LogClient* Client(const std::string& address) {
    absl::MutexLock lock(&mu_);
    return &ClientFor(address);
  }

  // Adds `entry` through whichever instance takes it, `preferred` (the
  // caller's last good one) first, since a paused instance costs a client
  // its deadline; true once acknowledged.
  bool Add(const std::string& entry, std::string& preferred) {
    std::vector<std::string> addresses = Addresses();
    std::stable_partition(addresses.begin(), addresses.end(),
                          [&](const std::string& a) { return a == preferred; });
    for (const std::string& address : addresses) {
      auto added = Client(address)->AddEntry(entry, false);
      if (!added.ok()) continue;
      preferred = address;
      absl::MutexLock lock(&mu_);
      auto [it, inserted] = acknowledged_.emplace(added->index(), entry);
      EXPECT_TRUE(inserted || it->second == entry)
          << "two entries acknowledged at index " << added->index();
      ++acked_count_;
      last_acked_by_ = address;
      return true;
    }
    return false;
  }

  std::string NewEntry() {
    registry::Registration r;
    r.set_name(absl::StrCat("auditor-", counter_++));
    r.set_role(registry::v1::AUDITOR);
    r.add_public_keys(PrivateKey::Generate(KeyType::kEd25519)->public_key().Pem());
    return *registry::SignRegistration(r, absl::Now(), *admin_);
  }

  // Waits until `count` more entries are acknowledged; the time it took.
  absl::StatusOr<absl::Duration> WaitForWrites(uint64_t count) {
    const absl::Time start = absl::Now();
    absl::MutexLock lock(&mu_);
    const uint64_t target = acked_count_ + count;
    auto enough = [this, target]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return acked_count_ >= target;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(60))) {
      return absl::DeadlineExceededError(
          absl::StrCat("writes did not resume within 60 s; see ", dir_, "/log-*.err and ",
                       postgres_->dir()));
    }
    return absl::Now() - start;
  }

  // The instance holding the lease: the one that acknowledges the next
  // write, since only the lease holder sequences.
  absl::StatusOr<Instance*> Leader() {
    if (absl::StatusOr<absl::Duration> waited = WaitForWrites(1); !waited.ok()) {
      return waited.status();
    }
    absl::MutexLock lock(&mu_);
    for (Instance& i : instances_) {
      if (i.address == last_acked_by_ && i.process != nullptr &&
          !i.process->WaitForExit(absl::ZeroDuration()).ok()) {
        return &i;
      }
    }
    return absl::NotFoundError(absl::StrCat("the instance at ", last_acked_by_,
                                            " acknowledged a write but no longer runs"));
  }

  // Waits until an instance other than the one at `address` acknowledges a
  // write: another took the lease over.
  absl::Status WaitForWriteNotThrough(const std::string& address) {
    absl::MutexLock lock(&mu_);
    auto elsewhere = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return acked_count_ > 0 && last_acked_by_ != address;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&elsewhere), absl::Seconds(60))) {
      return absl::DeadlineExceededError(
          absl::StrCat("no instance but ", address, " acknowledged a write in 60 s"));
    }
    return absl::OkStatus();
  }

  // Adds `entry` and waits for a checkpoint that includes it, through
  // whichever instance takes it; the answer and that instance's address.
  absl::StatusOr<std::pair<log::v1::AddEntryResponse, std::string>> AddWithInclusion(
      const std::string& entry) {
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (true) {
      for (const std::string& address : Addresses()) {
        auto added = Client(address)->AddEntry(entry, /*wait_for_inclusion=*/true);
        if (added.ok()) return std::make_pair(*std::move(added), address);
        if (absl::Now() > deadline) return added.status();
      }
    }
  }

  bool Stopping() {
    absl::MutexLock lock(&mu_);
    return stop_;
  }
  void RequestStop() {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }

  note::SignedCheckpoint Open(const std::string& text) {
    auto cp = note::OpenCheckpoint(text, signer_->verifier());
    EXPECT_THAT(cp, IsOk()) << text;
    return cp.ok() ? *cp : note::SignedCheckpoint();
  }

  std::unique_ptr<PostgresCluster> postgres_;
  std::string dir_;
  std::optional<note::Signer> signer_;
  std::optional<PrivateKey> admin_;
  int started_ = 0;
  std::atomic<int> counter_{0};

  absl::Mutex mu_;
  std::vector<Instance> instances_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::unique_ptr<client::LogClient>> clients_ ABSL_GUARDED_BY(mu_);
  std::map<uint64_t, std::string> acknowledged_ ABSL_GUARDED_BY(mu_);
  uint64_t acked_count_ ABSL_GUARDED_BY(mu_) = 0;
  std::string last_acked_by_ ABSL_GUARDED_BY(mu_);
  // Set when the writers and the watcher are to stop.
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
};

TEST_F(FailoverTest, NothingAcknowledgedIsLostAndNoForkThroughDatabaseAndLeaderFailures) {
  StartInstance();
  StartInstance();
  std::vector<std::thread> threads;
  // Stops the writers and the watcher however the test ends.
  struct Stopper {
    std::function<void()> request_stop;
    std::vector<std::thread>& threads;
    void Stop() {
      request_stop();
      for (auto& t : threads) {
        if (t.joinable()) t.join();
      }
    }
    ~Stopper() { Stop(); }
  } stopper{[this] { RequestStop(); }, threads};
  // Writers: as fast as the log takes entries, each retried until an
  // instance acknowledges it.
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::string preferred, entry;
      while (!Stopping()) {
        if (entry.empty()) entry = NewEntry();
        if (Add(entry, preferred)) entry.clear();
      }
    });
  }
  // The watcher: after every new acknowledgement, the checkpoint each
  // instance serves.
  std::vector<std::string> checkpoints;  // every checkpoint served, by anyone
  absl::Mutex checkpoints_mu;
  threads.emplace_back([&] {
    uint64_t seen = 0;
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        auto news = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return stop_ || acked_count_ > seen;
        };
        mu_.Await(absl::Condition(&news));
        if (stop_) return;
        seen = acked_count_;
      }
      for (const std::string& address : Addresses()) {
        auto cp = Client(address)->GetCheckpoint();
        if (cp.ok() && cp->tree_size() > 0) {
          absl::MutexLock lock(&checkpoints_mu);
          checkpoints.push_back(cp->checkpoint());
        }
      }
    }
  });

  ASSERT_THAT(WaitForWrites(200), IsOk());

  // 1. The primary database dies; the standby, which has every commit, is
  // promoted; the instances reconnect to it.
  ASSERT_THAT(postgres_->KillPrimary(), IsOk());
  const absl::Time db_down = absl::Now();
  ASSERT_THAT(postgres_->PromoteStandby(), IsOk());
  auto resumed = WaitForWrites(100);
  ASSERT_THAT(resumed, IsOk());
  std::cerr << "database failover: writes resumed "
            << absl::FormatDuration(absl::Now() - db_down) << " after kill -9 of the primary\n";
  KeepTwoRunning();  // an instance whose lease lapsed meanwhile has stopped

  // 2. The leading candor-log dies.
  auto leader = Leader();
  ASSERT_THAT(leader, IsOk());
  {
    const int status = (*leader)->process->Signal(SIGKILL);
    EXPECT_TRUE(WIFSIGNALED(status));
  }
  const absl::Time leader_down = absl::Now();
  ASSERT_THAT(WaitForWriteNotThrough((*leader)->address), IsOk());
  std::cerr << "leader failover: first write accepted by the new leader "
            << absl::FormatDuration(absl::Now() - leader_down) << " after kill -9\n";
  ASSERT_THAT(WaitForWrites(100), IsOk());
  KeepTwoRunning();

  // 3. The leader is paused past its lease; another takes over and writes;
  // the old one, resumed, must stop without writing.
  leader = Leader();
  ASSERT_THAT(leader, IsOk());
  Instance* paused = *leader;
  const std::string paused_address = paused->address;
  paused->process->Send(SIGSTOP);
  ASSERT_THAT(WaitForWriteNotThrough(paused_address), IsOk());
  ASSERT_THAT(WaitForWrites(100), IsOk());
  paused->process->Send(SIGCONT);
  auto exited = paused->process->WaitForExit(absl::Seconds(30));
  ASSERT_THAT(exited, IsOk()) << "the resumed former leader kept running";
  EXPECT_TRUE(WIFEXITED(*exited) && WEXITSTATUS(*exited) == 3)
      << "wait status " << *exited;
  KeepTwoRunning();
  ASSERT_THAT(WaitForWrites(100), IsOk());

  stopper.Stop();

  // Every acknowledged entry is in the final tree at its index.
  std::map<uint64_t, std::string> acknowledged;
  {
    absl::MutexLock lock(&mu_);
    acknowledged = acknowledged_;
  }
  ASSERT_GT(acknowledged.size(), 500u);
  const uint64_t needed = acknowledged.rbegin()->first + 1;
  // One more entry, waiting for its inclusion: the checkpoint that includes
  // it includes every entry acknowledged before.
  auto last = AddWithInclusion(NewEntry());
  ASSERT_THAT(last, IsOk());
  const std::string latest = last->first.checkpoint();
  client::LogClient* reader = Client(last->second);
  const note::SignedCheckpoint head = Open(latest);
  ASSERT_GE(head.checkpoint.size, needed);
  for (const auto& [index, entry] : acknowledged) {
    auto got = reader->GetEntries(index, 1);
    ASSERT_THAT(got, IsOk());
    ASSERT_EQ(got->entries_size(), 1);
    ASSERT_EQ(got->entries(0), entry) << "acknowledged entry " << index << " changed";
  }

  // No fork: one root per size, and every checkpoint is a prefix of the head.
  std::map<uint64_t, merkle::Hash> roots;
  std::map<uint64_t, std::string> one_per_size;
  for (const std::string& text : checkpoints) {
    const note::SignedCheckpoint cp = Open(text);
    auto [it, inserted] = roots.emplace(cp.checkpoint.size, cp.checkpoint.root);
    EXPECT_TRUE(inserted || it->second == cp.checkpoint.root)
        << "two roots for tree size " << cp.checkpoint.size;
    one_per_size.emplace(cp.checkpoint.size, text);
  }
  ASSERT_GT(one_per_size.size(), 10u);
  for (const auto& [size, text] : one_per_size) {
    const note::SignedCheckpoint old_cp = Open(text);
    auto proof = reader->GetConsistencyProof(size, head.checkpoint.size);
    ASSERT_THAT(proof, IsOk());
    auto hashes = merkle::HashesFromBytes(
        std::vector<std::string>(proof->proof().begin(), proof->proof().end()));
    ASSERT_THAT(hashes, IsOk());
    EXPECT_THAT(merkle::VerifyConsistency(size, head.checkpoint.size, *hashes,
                                          merkle::AsBytes(old_cp.checkpoint.root),
                                          merkle::AsBytes(head.checkpoint.root)),
                IsOk())
        << "checkpoint of size " << size;
  }

  // Go's tlog, over the tiles the leaders published one after another, agrees:
  // old checkpoints from before each failure are prefixes of the published
  // one, and acknowledged entries are in it.
  auto tlogcheck = BuildGoProgram("tests/go/tlogcheck/main.go");
  ASSERT_THAT(tlogcheck, IsOk());
  // The integrator publishes a checkpoint's files before it integrates the
  // next batch: once a later entry is included, the tiles directory holds a
  // tree at least as large as `head`.
  ASSERT_THAT(AddWithInclusion(NewEntry()), IsOk());
  std::ifstream in(dir_ + "/tiles/checkpoint");
  std::stringstream published;
  published << in.rdbuf();
  ASSERT_GE(Open(published.str()).checkpoint.size, head.checkpoint.size);
  std::vector<uint64_t> sizes;
  for (const auto& [size, text] : one_per_size) sizes.push_back(size);
  for (uint64_t size : {sizes.front(), sizes[sizes.size() / 3], sizes[2 * sizes.size() / 3]}) {
    ASSERT_THAT(keyfile::WritePublicFile(dir_ + "/old.checkpoint", one_per_size[size]), IsOk());
    std::vector<std::string> argv = {*tlogcheck, dir_ + "/tiles", dir_ + "/log.vkey",
                                     dir_ + "/old.checkpoint"};
    int k = 0;
    for (const auto& [index, entry] : acknowledged) {
      if (k++ % 97 == 0) argv.push_back(absl::StrCat(index));
    }
    auto result = RunCommand(argv);
    ASSERT_THAT(result, IsOk());
    EXPECT_EQ(result->exit_code, 0) << "Go tlog refused (old size " << size
                                    << "): " << result->err;
  }
}

}  // namespace
}  // namespace candor::testing
