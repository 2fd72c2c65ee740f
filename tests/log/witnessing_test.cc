// candor-log asking witnesses (log/witness/witnessing.h), against witnesses
// no one here wrote: the independent Python implementation of C2SP
// tlog-witness in tests/witness/tlogpy.py, run as real HTTP servers on
// 127.0.0.1. Its own verifier checks what the log publishes.
//
//   * the log's checkpoints get cosigned 2-of-2 and are served by
//     GetCheckpoint(witnessed), by GetCheckpoint at their size and as the
//     tiles directory's `checkpoint`; the Python verifier accepts them;
//   * a witness killed with SIGKILL stops nothing: admission and inclusion go
//     on, the witnessed size waits, the status names the failure; once it is
//     back on its port the log catches up;
//   * a restarted log serves the witnessed checkpoint it stored;
//   * a forked log (same key, other entries) gets nothing cosigned.

#include <signal.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/note/checkpoint.h"
#include "log/note/policy.h"
#include "log/witness/witness_client.h"
#include "base/metrics/metrics.h"
#include "tests/support/log_fixture.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_files.h"

namespace candor::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPython[] = "/usr/bin/python3";
constexpr char kTlogPy[] = "tests/witness/tlogpy.py";


// A tlogpy witness-serve process with its own key and state file.
class PyWitness {
 public:
  PyWitness(const std::string& name, const note::Verifier& log_key)
      : name_(name), dir_(TempPath("witness-" + name)) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto keygen = RunCommand({kPython, kTlogPy, "keygen", "--name", "witness.example/" + name,
                              "--type", "witness", "--out-skey", dir_ + "/skey", "--out-vkey",
                              dir_ + "/vkey"});
    EXPECT_THAT(keygen, IsOk());
    EXPECT_EQ(keygen->exit_code, 0) << keygen->err;
    vkey_ = std::string(absl::StripAsciiWhitespace(ReadTestFile(dir_ + "/vkey")));
    WriteTestFile(dir_ + "/logs", absl::StrCat("log ", log_key.EncodedKey(), "\n"));
  }

  // Starts on `port` (0: a free one).
  void Start(int port = 0) {
    auto started = Subprocess::Start(
        {kPython, kTlogPy, "witness-serve", "--skey", dir_ + "/skey", "--policy-or-logs",
         dir_ + "/logs", "--state-file", dir_ + "/state.json", "--port", absl::StrCat(port)},
        dir_ + "/stderr");
    ASSERT_THAT(started, IsOk());
    process_ = *std::move(started);
    auto line = process_->ReadLine(absl::Seconds(30));
    ASSERT_THAT(line, IsOk());
    absl::string_view rest = *line;
    ASSERT_TRUE(absl::ConsumePrefix(&rest, "listening on 127.0.0.1:")) << *line;
    ASSERT_TRUE(absl::SimpleAtoi(rest, &port_)) << *line;
  }
  void Kill() { process_->Signal(SIGKILL); }

  int port() const { return port_; }
  const std::string& vkey() const { return vkey_; }
  std::string PolicyLine(const std::string& as) const {
    return absl::StrCat("witness ", as, " ", vkey_, " http://127.0.0.1:", port_, "\n");
  }

 private:
  std::string name_;
  std::string dir_;
  std::string vkey_;
  int port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

// Checks `note` with the Python verifier under `policy_text`.
CommandResult PyVerify(const std::string& note, const note::Verifier& log_key,
                       const std::string& policy_text) {
  WriteTestFile(TempPath("py-log.vkey"), log_key.EncodedKey() + "\n");
  WriteTestFile(TempPath("py-policy"), policy_text);
  auto result = RunCommand({kPython, kTlogPy, "verify-checkpoint", "--log-vkey",
                            TempPath("py-log.vkey"), "--policy", TempPath("py-policy")},
                           note);
  EXPECT_THAT(result, IsOk());
  return result.ok() ? *result : CommandResult();
}

// A fixture that is never started: it only makes the log's keys, which the
// witnesses must know before the log starts.
std::unique_ptr<LogFixture> Keys(const std::string& name) {
  LogFixtureOptions options;
  options.name = name;
  return std::make_unique<LogFixture>(options);
}

class WitnessingTest : public ::testing::Test {
 protected:
  // A log with tiles whose policy needs both witnesses.
  std::unique_ptr<LogFixture> StartLog(const std::string& name, PyWitness& a, PyWitness& b,
                                       const LogFixture* keys_from = nullptr,
                                       metrics::Registry* registry = nullptr) {
    LogFixtureOptions options;
    options.metrics = registry;
    options.name = name;
    options.with_tiles = true;
    options.keys_from = keys_from;
    auto policy = note::Policy::Parse(Policy(a, b));
    EXPECT_THAT(policy, IsOk());
    options.witness_policy = *policy;
    options.witness_post = witness_client::HttpPostFunction();
    options.witnessing.request_timeout = absl::Seconds(10);
    // Quick retries, so a witness that comes back is asked again soon; the
    // test waits on the witnessed size, never on time.
    options.witnessing.retry_interval = absl::Milliseconds(50);
    auto log = std::make_unique<LogFixture>(options);
    EXPECT_THAT(log->Start(), IsOk());
    return log;
  }

  std::string Policy(const PyWitness& a, const PyWitness& b) const {
    return absl::StrCat(a.PolicyLine("A"), b.PolicyLine("B"), "group both all A B\n",
                        "quorum both\n");
  }
};

TEST_F(WitnessingTest, CosignedTwoOfTwoByAnIndependentWitnessAndServedEverywhere) {
  // The witnesses need the log's key first; a throwaway fixture makes it.
  auto keys_holder = Keys("keys");
  const LogFixture& keys = *keys_holder;
  PyWitness a("a", keys.log_signer().verifier()), b("b", keys.log_signer().verifier());
  a.Start();
  b.Start();
  metrics::Registry registry;
  auto log = StartLog("witnessed-log", a, b, &keys, &registry);
  auto vendor = log->RegisterVendor("vendor.example");
  ASSERT_THAT(vendor, IsOk());
  for (int i = 0; i < 5; ++i) {
    ASSERT_THAT(log->client().AddEntry(LogFixture::TestEntry(*vendor, i), true), IsOk());
  }
  auto latest = log->client().GetCheckpoint();
  ASSERT_THAT(latest, IsOk());
  witnessing::Witnessing* w = log->server().witnessing();
  ASSERT_NE(w, nullptr);
  ASSERT_THAT(w->WaitForWitnessed(latest->tree_size(), absl::Now() + absl::Seconds(60)), IsOk());

  auto witnessed = log->client().GetCheckpoint(0, /*witnessed=*/true);
  ASSERT_THAT(witnessed, IsOk());
  EXPECT_GE(witnessed->tree_size(), latest->tree_size());
  // Our policy check and the independent one agree.
  auto policy = note::Policy::Parse(Policy(a, b));
  ASSERT_THAT(policy, IsOk());
  auto ok = policy->VerifyCheckpoint(witnessed->checkpoint(), keys.log_signer().verifier(),
                                     absl::Now());
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->cosigned_by.size(), 2u);
  CommandResult py = PyVerify(witnessed->checkpoint(), keys.log_signer().verifier(), Policy(a, b));
  EXPECT_EQ(py.exit_code, 0) << py.err;
  EXPECT_THAT(py.out, HasSubstr("\"quorum_ok\": true"));
  // The same note at its size, and as the tiles directory's checkpoint.
  auto at_size = log->client().GetCheckpoint(witnessed->tree_size());
  ASSERT_THAT(at_size, IsOk());
  EXPECT_EQ(at_size->checkpoint(), witnessed->checkpoint());
  EXPECT_EQ(ReadTestFile(log->tiles_dir() + "/checkpoint"), witnessed->checkpoint());
  for (const witnessing::WitnessStatus& s : w->status()) {
    EXPECT_THAT(s.last_result, IsOk()) << s.name;
    EXPECT_EQ(s.cosigned_size, witnessed->tree_size()) << s.name;
    EXPECT_GT(s.cosigned_at, 0u) << s.name;
  }
  // The same over the API, for operators.
  auto status = log->client().GetLogStatus();
  ASSERT_THAT(status, IsOk());
  EXPECT_TRUE(status->witnessed());
  EXPECT_EQ(status->witnessed_size(), witnessed->tree_size());
  ASSERT_EQ(status->witnesses_size(), 2);
  for (const log::v1::WitnessStatus& s : status->witnesses()) {
    EXPECT_EQ(s.cosigned_size(), witnessed->tree_size()) << s.name();
    EXPECT_EQ(s.last_error(), "") << s.name();
  }

  // What each witness did is in the metrics, which promtool accepts.
  const std::string text = registry.Expose();
  EXPECT_EQ(PromtoolFindings(text), "");
  EXPECT_GE(MetricSample(text, "candor_log_witnessed_tree_size"), latest->tree_size()) << text;
  for (const char* w : {"A", "B"}) {
    EXPECT_GE(MetricSample(text, absl::StrCat("candor_log_witness_requests_total{witness=\"", w,
                                              "\",outcome=\"cosigned\"}")),
              1)
        << text;
  }
  EXPECT_GE(MetricSample(text, "candor_log_witnessing_seconds_count"), 1) << text;

  // The witnessed checkpoint survives a restart of the log (metrics are
  // registered once per registry: the restarted log goes without).
  log->Stop();
  log->set_metrics(nullptr);
  ASSERT_THAT(log->Start(), IsOk());
  auto again = log->client().GetCheckpoint(0, /*witnessed=*/true);
  ASSERT_THAT(again, IsOk());
  EXPECT_GE(again->tree_size(), witnessed->tree_size());
}

TEST_F(WitnessingTest, AWitnessKilledStopsNothingAndIsCaughtUpWhenBack) {
  auto keys_holder = Keys("keys2");
  const LogFixture& keys = *keys_holder;
  PyWitness a("a2", keys.log_signer().verifier()), b("b2", keys.log_signer().verifier());
  a.Start();
  b.Start();
  auto log = StartLog("killed-witness-log", a, b, &keys);
  auto vendor = log->RegisterVendor("vendor.example");
  ASSERT_THAT(vendor, IsOk());
  ASSERT_THAT(log->client().AddEntry(LogFixture::TestEntry(*vendor, 0), true), IsOk());
  witnessing::Witnessing* w = log->server().witnessing();
  auto first = log->client().GetCheckpoint();
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(w->WaitForWitnessed(first->tree_size(), absl::Now() + absl::Seconds(60)), IsOk());

  const int b_port = b.port();
  b.Kill();
  const uint64_t rounds_at_kill = w->rounds();
  // Admission and inclusion go on without the witness.
  for (int i = 1; i < 6; ++i) {
    auto added = log->client().AddEntry(LogFixture::TestEntry(*vendor, i), true);
    ASSERT_THAT(added, IsOk());
    EXPECT_FALSE(added->checkpoint().empty());
  }
  auto grown = log->client().GetCheckpoint();
  ASSERT_THAT(grown, IsOk());
  ASSERT_GT(grown->tree_size(), first->tree_size());
  // 1 of 2 is below the quorum: the witnessed size stays where it was. A
  // whole round that began after the kill has failed to reach b.
  ASSERT_THAT(w->WaitForRounds(rounds_at_kill + 2, absl::Now() + absl::Seconds(60)), IsOk());
  absl::Status b_status;
  for (const witnessing::WitnessStatus& s : w->status()) {
    if (s.name == "B") b_status = s.last_result;
  }
  EXPECT_EQ(b_status.code(), absl::StatusCode::kUnavailable) << b_status;
  EXPECT_THAT(std::string(b_status.message()), HasSubstr("witness B"));
  auto still = log->client().GetCheckpoint(0, /*witnessed=*/true);
  ASSERT_THAT(still, IsOk());
  EXPECT_LT(still->tree_size(), grown->tree_size());

  // Back on its port with its state: the log catches up.
  b.Start(b_port);
  ASSERT_THAT(w->WaitForWitnessed(grown->tree_size(), absl::Now() + absl::Seconds(60)), IsOk());
}

TEST_F(WitnessingTest, AForkedLogGetsNothingCosigned) {
  auto keys_holder = Keys("keys3");
  const LogFixture& keys = *keys_holder;
  PyWitness a("a3", keys.log_signer().verifier()), b("b3", keys.log_signer().verifier());
  a.Start();
  b.Start();
  auto honest = StartLog("honest-log", a, b, &keys);
  auto vendor = honest->RegisterVendor("vendor.example");
  ASSERT_THAT(vendor, IsOk());
  ASSERT_THAT(honest->client().AddEntry(LogFixture::TestEntry(*vendor, 0), true), IsOk());
  auto seen = honest->client().GetCheckpoint();
  ASSERT_THAT(seen, IsOk());
  ASSERT_THAT(honest->server().witnessing()->WaitForWitnessed(seen->tree_size(),
                                                              absl::Now() + absl::Seconds(60)),
              IsOk());

  // The same key, another history of the same or greater size.
  auto forked = StartLog("forked-log", a, b, &keys);
  auto other = forked->RegisterVendor("other.example");
  ASSERT_THAT(other, IsOk());
  for (int i = 0; i < 3; ++i) {
    ASSERT_THAT(forked->client().AddEntry(LogFixture::TestEntry(*other, 100 + i), true), IsOk());
  }
  auto fork_cp = forked->client().GetCheckpoint();
  ASSERT_THAT(fork_cp, IsOk());
  ASSERT_GE(fork_cp->tree_size(), seen->tree_size());
  // Each witness says the fork is inconsistent with what it cosigned.
  // A whole round for the fork's newest checkpoint.
  witnessing::Witnessing* w = forked->server().witnessing();
  ASSERT_THAT(w->WaitForRounds(w->rounds() + 2, absl::Now() + absl::Seconds(60)), IsOk());
  for (const witnessing::WitnessStatus& s : w->status()) {
    EXPECT_EQ(s.last_result.code(), absl::StatusCode::kFailedPrecondition) << s.name;
    EXPECT_THAT(std::string(s.last_result.message()), HasSubstr("answered HTTP 422")) << s.name;
    EXPECT_EQ(s.cosigned_size, 0u) << s.name;
  }
  EXPECT_THAT(forked->client().GetCheckpoint(0, /*witnessed=*/true),
              StatusIs(absl::StatusCode::kNotFound,
                       "no checkpoint has met the witness policy yet"));
}

}  // namespace
}  // namespace candor::testing
