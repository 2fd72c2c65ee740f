// The real candor-witness binary on 127.0.0.1: key generation, a stream of
// add-checkpoint requests (with fork attempts mixed in) cut by kill -9, and
// a restart. Afterwards the stored checkpoint is at least as large as every
// checkpoint whose 200 the client received, it is on the honest tree, and
// no fork was ever cosigned.

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/http/http_client.h"
#include "gtest/gtest.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "log/keyfile/keyfile.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/subprocess.h"
#include "witness/test_log.h"

namespace candor::testing {
namespace {

using ::candor::witness::testing::TestLog;

constexpr char kBinary[] = "cmd/candor-witness/candor-witness";
constexpr char kListening[] = "candor-witness listening on ";

// Minutes: a bound for a hung test, never what decides an assertion.
absl::Time Far() { return absl::Now() + absl::Minutes(2); }

class WitnessProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/witness_process");
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    absl::StatusOr<CommandResult> made = RunCommand(
        {kBinary, "--generate_key=" + dir_ + "/witness.key", "--name=witness.example/w1"});
    ASSERT_TRUE(made.ok()) << made.status();
    ASSERT_EQ(made->exit_code, 0) << made->err;
    vkey_ = std::string(absl::StripSuffix(made->out, "\n"));
    absl::StatusOr<note::Verifier> v = note::Verifier::FromCosignerKey(vkey_);
    ASSERT_TRUE(v.ok()) << v.status() << " " << vkey_;
    witness_key_ = *v;
    ASSERT_TRUE(keyfile::WritePublicFile(
                    dir_ + "/logs.policy",
                    absl::StrCat("# the logs this witness follows\nlog ",
                                 log_.verifier().EncodedKey(),
                                 " https://log.example/\nquorum none\n"))
                    .ok());
  }

  void StartWitness(bool metrics = false) {
    std::vector<std::string> argv = {
        kBinary, "--key=" + dir_ + "/witness.key", "--logs=" + dir_ + "/logs.policy",
        "--data_dir=" + dir_ + "/db", "--listen=127.0.0.1:0",
        "--rate_per_second=100000", "--rate_burst=100000"};
    if (metrics) argv.push_back("--metrics_addr=127.0.0.1:0");
    absl::StatusOr<std::unique_ptr<Subprocess>> p =
        Subprocess::Start(argv, dir_ + "/witness.log");
    ASSERT_TRUE(p.ok()) << p.status();
    witness_ = *std::move(p);
    while (true) {
      absl::StatusOr<std::string> line = witness_->ReadLine(absl::Minutes(1));
      ASSERT_TRUE(line.ok()) << line.status();
      absl::string_view text = *line;
      if (absl::ConsumePrefix(&text, kListening)) {
        address_ = std::string(text);
        break;
      }
    }
    if (metrics) {
      absl::StatusOr<std::string> line = witness_->ReadLine(absl::Minutes(1));
      ASSERT_TRUE(line.ok()) << line.status();
      absl::string_view text = *line;
      ASSERT_TRUE(absl::ConsumePrefix(&text, "candor-witness metrics on ")) << *line;
      metrics_address_ = std::string(text);
    }
  }

  absl::StatusOr<http::HttpReply> Add(const std::string& body) {
    return http::HttpPost(address_, "/add-checkpoint", body, "text/plain", Far());
  }

  // The witness's stored checkpoint, checked: signed by the log, cosigned.
  note::Checkpoint Stored() {
    std::string hash = HexEncode(DigestBytes(Sha256(log_.origin())));
    absl::StatusOr<http::HttpReply> r =
        http::HttpGet(address_, "/" + hash + "/checkpoint", Far());
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    absl::StatusOr<note::SignedCheckpoint> cp =
        note::OpenCheckpoint(r->body, log_.verifier());
    EXPECT_TRUE(cp.ok()) << cp.status();
    EXPECT_TRUE(note::Open(r->body, {*witness_key_}).ok()) << r->body;
    return cp.ok() ? cp->checkpoint : note::Checkpoint();
  }

  std::string dir_;
  std::string vkey_;
  std::optional<note::Verifier> witness_key_;
  TestLog log_{"example.com/log"};
  std::unique_ptr<Subprocess> witness_;
  std::string address_;
  std::string metrics_address_;
};

TEST_F(WitnessProcessTest, GenerateKeyRefusesToOverwrite) {
  struct stat st;
  ASSERT_EQ(stat((dir_ + "/witness.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  absl::StatusOr<CommandResult> again = RunCommand(
      {kBinary, "--generate_key=" + dir_ + "/witness.key", "--name=witness.example/w1"});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->exit_code, 1);
  EXPECT_TRUE(absl::StrContains(again->err, "ALREADY_EXISTS")) << again->err;
}

TEST_F(WitnessProcessTest, KillDuringAStreamKeepsEveryAcknowledgedCheckpoint) {
  constexpr uint64_t kMaxSize = 2000;
  log_.GrowTo(kMaxSize);
  // The same log key signs a second tree that shares no leaf with the first.
  TestLog fork(log_.signer());
  fork.GrowTo(kMaxSize, "evil");
  StartWitness();

  absl::Mutex mu;
  uint64_t max_acked = 0;     // the largest size whose 200 arrived
  uint64_t max_requested = 0;  // the largest size ever submitted
  int acks = 0;
  int fork_cosigned = 0;
  std::thread stream([&] {
    uint64_t known = 0;
    for (int i = 0; known + 3 < kMaxSize; ++i) {
      if (i % 4 == 3 && known > 0) {
        // A fork at the witnessed size: must never be cosigned.
        absl::StatusOr<http::HttpReply> r =
            Add(witness::testing::MakeBody(known, {}, fork.SignedCheckpoint(known)));
        if (!r.ok()) return;
        absl::MutexLock lock(&mu);
        if (r->status == 200) ++fork_cosigned;
        EXPECT_EQ(r->status, 422) << r->body;
        continue;
      }
      uint64_t next = known + 1 + i % 3;
      {
        absl::MutexLock lock(&mu);
        max_requested = std::max(max_requested, next);
      }
      absl::StatusOr<http::HttpReply> r = Add(log_.Body(known, next));
      if (!r.ok()) return;  // killed
      if (r->status == 409) {
        ASSERT_TRUE(absl::SimpleAtoi(absl::StripSuffix(r->body, "\n"), &known));
        continue;
      }
      ASSERT_EQ(r->status, 200) << r->body;
      EXPECT_TRUE(note::Open(log_.SignedCheckpoint(next) + r->body, {*witness_key_}).ok());
      known = next;
      absl::MutexLock lock(&mu);
      max_acked = next;
      ++acks;
    }
  });
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(+[](int* n) { return *n >= 40; }, &acks));
  }
  int status = witness_->Signal(SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(status));
  stream.join();

  StartWitness(/*metrics=*/true);
  note::Checkpoint stored = Stored();
  absl::MutexLock lock(&mu);
  EXPECT_EQ(fork_cosigned, 0);
  EXPECT_GE(stored.size, max_acked);
  EXPECT_LE(stored.size, max_requested);
  EXPECT_EQ(stored.root, log_.Root(stored.size));  // the honest tree

  // After the restart: stale requests conflict, the fork is refused, the
  // honest log goes on.
  absl::StatusOr<http::HttpReply> r = Add(log_.Body(0, stored.size));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(r->body, absl::StrCat(stored.size, "\n"));
  r = Add(witness::testing::MakeBody(stored.size, {}, fork.SignedCheckpoint(stored.size)));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(r->body, "the checkpoint has the size of the cosigned one but another root\n");
  r = Add(log_.Body(stored.size, stored.size + 2));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;

  // What it did since the restart, in its metrics.
  absl::StatusOr<http::HttpReply> scrape = http::HttpGet(metrics_address_, "/metrics", Far());
  ASSERT_TRUE(scrape.ok()) << scrape.status();
  for (const char* sample :
       {"candor_witness_cosignatures_total{origin=\"example.com/log\"} 1\n",
        "candor_witness_inconsistent_checkpoints_total{origin=\"example.com/log\","
        "reason=\"fork\"} 1\n",
        "candor_witness_http_requests_total{endpoint=\"add-checkpoint\",code=\"409\"} "
        "1\n",
        "candor_witness_http_requests_total{endpoint=\"checkpoint\",code=\"200\"} 1\n"}) {
    EXPECT_TRUE(absl::StrContains(scrape->body, sample)) << sample << scrape->body;
  }
  // Prometheus' own checker accepts the exposition, like the log's and the
  // verifier's.
  EXPECT_EQ(testing::PromtoolFindings(scrape->body), "") << scrape->body;

  // SIGTERM stops it cleanly.
  status = witness_->Signal(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_F(WitnessProcessTest, RefusesBadConfiguration) {
  absl::StatusOr<CommandResult> r =
      RunCommand({kBinary, "--key=" + dir_ + "/witness.key"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 1);
  EXPECT_TRUE(absl::StrContains(r->err, "--key, --logs and --data_dir are required"))
      << r->err;
  ASSERT_TRUE(keyfile::WritePublicFile(dir_ + "/bad.policy", "log nonsense\n").ok());
  r = RunCommand({kBinary, "--key=" + dir_ + "/witness.key",
                  "--logs=" + dir_ + "/bad.policy", "--data_dir=" + dir_ + "/db2"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 1);
  EXPECT_TRUE(absl::StrContains(r->err, "bad.policy: INVALID_ARGUMENT: policy line 1"))
      << r->err;
}

}  // namespace
}  // namespace candor::testing
