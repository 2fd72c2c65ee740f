#include "witness/witness.h"

#include <atomic>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "log/merkle/hash.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"
#include "tests/support/status_matchers.h"
#include "witness/test_log.h"

namespace candor::witness {
namespace {

using ::candor::testing::StatusIs;
using ::candor::witness::testing::MakeBody;
using ::candor::witness::testing::TestLog;

constexpr int64_t kStart = 1767225600;  // 2026-01-01

std::string OriginHash(const std::string& origin) {
  return HexEncode(DigestBytes(Sha256(origin)));
}

class WitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    absl::StatusOr<note::Signer> key = note::Signer::GenerateCosigner("witness.example/w1");
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = *key;
    absl::StatusOr<note::Verifier> vkey =
        note::Verifier::FromCosignerKey(key_->verifier().EncodedKey());
    ASSERT_TRUE(vkey.ok()) << vkey.status();
    vkey_ = *vkey;
    Open();
  }

  void Open() {
    witness_.reset();
    store_.reset();
    absl::StatusOr<std::unique_ptr<WitnessStore>> store = WitnessStore::Open(dir_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    WitnessOptions options;
    options.clock = [this] { return absl::FromUnixSeconds(now_.load()); };
    registry_ = std::make_unique<metrics::Registry>();
    options.metrics = registry_.get();
    absl::StatusOr<std::unique_ptr<Witness>> w =
        Witness::Create(*key_, {log_.verifier()}, store_.get(), options);
    ASSERT_TRUE(w.ok()) << w.status();
    witness_ = *std::move(w);
  }

  // Checks a 200 answer for `size` of log_ and returns its timestamp.
  uint64_t ExpectCosigned(const WitnessResponse& r, const TestLog& log, uint64_t size) {
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
    EXPECT_TRUE(absl::StartsWith(r.body, "\xE2\x80\x94 witness.example/w1 ")) << r.body;
    EXPECT_TRUE(absl::EndsWith(r.body, "\n"));
    EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 1);
    absl::StatusOr<note::Note> opened =
        note::Open(log.SignedCheckpoint(size) + r.body, {*vkey_});
    EXPECT_TRUE(opened.ok()) << opened.status();
    if (!opened.ok() || opened->verified.size() != 1) return 0;
    return opened->verified[0].timestamp;
  }

  std::string dir_;
  std::atomic<int64_t> now_{kStart};
  std::optional<note::Signer> key_;
  std::optional<note::Verifier> vkey_;
  TestLog log_{"example.com/log"};
  std::unique_ptr<metrics::Registry> registry_;
  std::unique_ptr<WitnessStore> store_;
  std::unique_ptr<Witness> witness_;
};

TEST_F(WitnessTest, CosignsAGrowingLog) {
  log_.GrowTo(20);
  EXPECT_EQ(ExpectCosigned(witness_->AddCheckpoint(log_.Body(0, 5)), log_, 5),
            static_cast<uint64_t>(kStart));
  now_ += 10;
  EXPECT_EQ(ExpectCosigned(witness_->AddCheckpoint(log_.Body(5, 9)), log_, 9),
            static_cast<uint64_t>(kStart + 10));
  // The same checkpoint again: consistent, cosigned again.
  ExpectCosigned(witness_->AddCheckpoint(log_.Body(9, 9)), log_, 9);
  ExpectCosigned(witness_->AddCheckpoint(log_.Body(9, 20)), log_, 20);

  // The monitoring view: the log's signature and the witness's cosignature.
  WitnessResponse got = witness_->GetCheckpoint(OriginHash("example.com/log"));
  ASSERT_EQ(got.status, 200) << got.body;
  absl::StatusOr<note::SignedCheckpoint> cp =
      note::OpenCheckpoint(got.body, log_.verifier());
  ASSERT_TRUE(cp.ok()) << cp.status();
  EXPECT_EQ(cp->checkpoint.size, 20u);
  absl::StatusOr<note::Note> cosigned = note::Open(got.body, {*vkey_});
  ASSERT_TRUE(cosigned.ok()) << cosigned.status();
  EXPECT_EQ(cosigned->verified[0].timestamp, static_cast<uint64_t>(kStart + 10));
  EXPECT_EQ(cosigned->unverified.size(), 1u);  // the log's

  EXPECT_NE(registry_->Expose().find(
                "candor_witness_cosignatures_total{origin=\"example.com/log\"} 4"),
            std::string::npos)
      << registry_->Expose();
}

TEST_F(WitnessTest, EmptyTreeAndZeroTimes) {
  now_ = 0;  // a clock at the epoch still gives a non-zero timestamp
  EXPECT_EQ(ExpectCosigned(witness_->AddCheckpoint(log_.Body(0, 0)), log_, 0), 1u);
}

TEST_F(WitnessTest, TimestampsNeverGoBack) {
  log_.GrowTo(3);
  EXPECT_EQ(ExpectCosigned(witness_->AddCheckpoint(log_.Body(0, 1)), log_, 1),
            static_cast<uint64_t>(kStart));
  now_ = kStart - 3600;  // the clock steps back
  EXPECT_EQ(ExpectCosigned(witness_->AddCheckpoint(log_.Body(1, 3)), log_, 3),
            static_cast<uint64_t>(kStart));
  Open();  // and across restarts
  EXPECT_EQ(ExpectCosigned(witness_->AddCheckpoint(log_.Body(3, 3)), log_, 3),
            static_cast<uint64_t>(kStart));
}

TEST_F(WitnessTest, StaleOldSizeIsConflict) {
  log_.GrowTo(9);
  ExpectCosigned(witness_->AddCheckpoint(log_.Body(0, 5)), log_, 5);
  ExpectCosigned(witness_->AddCheckpoint(log_.Body(5, 9)), log_, 9);
  // A replay of an older request, and a client that knows nothing.
  for (const std::string& body : {log_.Body(5, 9), log_.Body(0, 5), log_.Body(5, 5)}) {
    WitnessResponse r = witness_->AddCheckpoint(body);
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.content_type, "text/x.tlog.size");
    EXPECT_EQ(r.body, "9\n");
  }
}

TEST_F(WitnessTest, ForkIsRefusedAndOnlyOneBranchCosigned) {
  log_.GrowTo(9);
  ExpectCosigned(witness_->AddCheckpoint(log_.Body(0, 5)), log_, 5);
  // The same log key signs a second tree: the first 5 leaves, then others.
  TestLog fork(log_.signer());
  fork.GrowTo(5);
  fork.GrowTo(9, "evil");
  ASSERT_EQ(fork.Root(5), log_.Root(5));
  ASSERT_NE(fork.Root(9), log_.Root(9));
  ExpectCosigned(witness_->AddCheckpoint(log_.Body(5, 9)), log_, 9);
  WitnessResponse stale = witness_->AddCheckpoint(fork.Body(5, 9));
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.body, "9\n");
  WitnessResponse forked = witness_->AddCheckpoint(fork.Body(9, 9));
  EXPECT_EQ(forked.status, 422);
  EXPECT_EQ(forked.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(forked.body,
            "the checkpoint has the size of the cosigned one but another root\n");
  // A proof from 9 to a larger fork does not verify either.
  fork.GrowTo(12, "evil");
  WitnessResponse grown = witness_->AddCheckpoint(
      MakeBody(9, log_.Proof(9, 9), fork.SignedCheckpoint(12)));
  EXPECT_EQ(grown.status, 422);
  EXPECT_TRUE(absl::StartsWith(grown.body,
                               "the consistency proof does not verify: "))
      << grown.body;
  // The evidence (the two signed checkpoints of size 9) was logged; the
  // stored checkpoint is still the honest one.
  WitnessResponse got = witness_->GetCheckpoint(OriginHash("example.com/log"));
  absl::StatusOr<note::SignedCheckpoint> cp =
      note::OpenCheckpoint(got.body, log_.verifier());
  ASSERT_TRUE(cp.ok()) << cp.status();
  EXPECT_EQ(cp->checkpoint.root, log_.Root(9));
  EXPECT_NE(registry_->Expose().find(
                "candor_witness_inconsistent_checkpoints_total{origin=\"example.com/"
                "log\",reason=\"fork\"} 1"),
            std::string::npos)
      << registry_->Expose();
}

TEST_F(WitnessTest, UnprocessableConsistency) {
  log_.GrowTo(8);
  // Size 0 with another root than the empty tree's.
  note::Checkpoint zero;
  zero.origin = "example.com/log";
  zero.size = 0;
  zero.root = merkle::HashLeaf("not empty");
  absl::StatusOr<std::string> signed_zero =
      note::Sign(note::FormatCheckpoint(zero), {log_.signer()});
  ASSERT_TRUE(signed_zero.ok());
  WitnessResponse r = witness_->AddCheckpoint(MakeBody(0, {}, *signed_zero));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body, "a checkpoint of size 0 must have the empty tree's root\n");
  // A proof from old size 0.
  r = witness_->AddCheckpoint(
      MakeBody(0, {merkle::HashLeaf("x")}, log_.SignedCheckpoint(4)));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body, "old size 0 needs an empty consistency proof\n");
  // A wrong proof.
  ExpectCosigned(witness_->AddCheckpoint(log_.Body(0, 3)), log_, 3);
  std::vector<merkle::Hash> proof = log_.Proof(3, 8);
  proof[0] = merkle::HashLeaf("wrong");
  r = witness_->AddCheckpoint(MakeBody(3, proof, log_.SignedCheckpoint(8)));
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(absl::StartsWith(r.body, "the consistency proof does not verify: "))
      << r.body;
  // A proof for equal sizes must be empty.
  r = witness_->AddCheckpoint(
      MakeBody(3, {merkle::HashLeaf("x")}, log_.SignedCheckpoint(3)));
  EXPECT_EQ(r.status, 422);
  // Nothing of it was cosigned.
  EXPECT_EQ(witness_->AddCheckpoint(log_.Body(0, 8)).body, "3\n");
}

TEST_F(WitnessTest, MalformedRequests) {
  log_.GrowTo(70);
  const std::string cp = log_.SignedCheckpoint(5);
  struct Case {
    std::string body;
    std::string error;
  };
  const std::string kOldLine =
      "malformed request: the first line must be \"old <size>\", the size in "
      "decimal without leading zeroes\n";
  std::vector<merkle::Hash> too_long(64, merkle::HashLeaf("x"));
  std::vector<Case> cases = {
      {"", "malformed request: no old size line\n"},
      {"old 01\n\n" + cp, kOldLine},
      {"old 00\n\n" + cp, kOldLine},
      {"old -1\n\n" + cp, kOldLine},
      {"old  1\n\n" + cp, kOldLine},
      {"Old 1\n\n" + cp, kOldLine},
      {"old 1\r\n\n" + cp, kOldLine},
      {"old 18446744073709551616\n\n" + cp, kOldLine},
      {"old 6\n\n" + cp, "malformed request: old size 6 exceeds the checkpoint size 5\n"},
      {"old 0\n" + cp,
       "malformed request: consistency proof line 1 is not a base64 SHA-256 hash\n"},
      {"old 0\nAAAA\n\n" + cp,
       "malformed request: consistency proof line 1 is not a base64 SHA-256 hash\n"},
      {"old 0\n", "malformed request: no blank line before the checkpoint\n"},
      {MakeBody(0, too_long, cp),
       "malformed request: more than 63 consistency proof lines\n"},
  };
  for (const Case& c : cases) {
    WitnessResponse r = witness_->AddCheckpoint(c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_EQ(r.body, c.error) << c.body;
  }
  // 63 lines parse (and then fail as a proof, after the signature check).
  std::vector<merkle::Hash> max(63, merkle::HashLeaf("x"));
  EXPECT_EQ(witness_->AddCheckpoint(MakeBody(0, max, cp)).status, 422);
  // Not a signed note, not a checkpoint.
  WitnessResponse r = witness_->AddCheckpoint("old 0\n\nhello\n");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(absl::StartsWith(r.body, "malformed request: checkpoint: ")) << r.body;
  absl::StatusOr<std::string> not_cp = note::Sign("hello\n", {log_.signer()});
  ASSERT_TRUE(not_cp.ok());
  r = witness_->AddCheckpoint("old 0\n\n" + *not_cp);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(absl::StartsWith(r.body, "malformed request: checkpoint: ")) << r.body;
}

TEST_F(WitnessTest, UnknownOriginIsNotFound) {
  TestLog stranger("example.com/stranger");
  stranger.GrowTo(2);
  WitnessResponse r = witness_->AddCheckpoint(stranger.Body(0, 2));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "unknown log origin\n");
}

TEST_F(WitnessTest, UntrustedOrBadSignatureIsForbidden) {
  log_.GrowTo(2);
  // The log's name with another key.
  TestLog impostor("example.com/log");
  impostor.GrowTo(2);
  WitnessResponse r = witness_->AddCheckpoint(impostor.Body(0, 2));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body,
            "checkpoint not signed by a trusted key of its log: note has no "
            "verifiable signature by a known key\n");
  // The trusted key's line over other text: the signature fails.
  std::string good = log_.SignedCheckpoint(2);
  std::string other = log_.SignedCheckpoint(1);
  std::string forged = log_.CheckpointText(1) + good.substr(good.find("\n\n") + 1);
  ASSERT_NE(forged, other);
  r = witness_->AddCheckpoint(MakeBody(0, {}, forged));
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(absl::StartsWith(r.body,
                               "checkpoint not signed by a trusted key of its log: "
                               "invalid signature for key example.com/log+"))
      << r.body;
  // The witness's own cosignature does not count as the log's.
  ExpectCosigned(witness_->AddCheckpoint(log_.Body(0, 1)), log_, 1);
  WitnessResponse mine = witness_->GetCheckpoint(OriginHash("example.com/log"));
  std::string only_cosigned =
      log_.CheckpointText(1) + "\n" +
      mine.body.substr(mine.body.rfind("\xE2\x80\x94 witness.example/w1"));
  r = witness_->AddCheckpoint(MakeBody(1, {}, only_cosigned));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body,
            "checkpoint not signed by a trusted key of its log: note has no "
            "verifiable signature by a known key\n");
}

TEST_F(WitnessTest, CosignatureCoversOnlyItsCheckpoint) {
  log_.GrowTo(4);
  WitnessResponse r = witness_->AddCheckpoint(log_.Body(0, 3));
  ExpectCosigned(r, log_, 3);
  // Moved onto another checkpoint, the cosignature does not verify.
  EXPECT_THAT(note::Open(log_.SignedCheckpoint(4) + r.body, {*vkey_}).status(),
              ::candor::testing::StatusCodeIs(absl::StatusCode::kInvalidArgument));
  // And a verifier of another witness key ignores it.
  absl::StatusOr<note::Signer> stranger = note::Signer::GenerateCosigner("witness.example/w1");
  ASSERT_TRUE(stranger.ok());
  EXPECT_FALSE(note::Open(log_.SignedCheckpoint(3) + r.body,
                          {stranger->verifier()}).ok());
}

TEST_F(WitnessTest, StateSurvivesRestart) {
  log_.GrowTo(6);
  ExpectCosigned(witness_->AddCheckpoint(log_.Body(0, 6)), log_, 6);
  Open();
  WitnessResponse r = witness_->AddCheckpoint(log_.Body(0, 3));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body, "6\n");
  WitnessResponse got = witness_->GetCheckpoint(OriginHash("example.com/log"));
  EXPECT_EQ(got.status, 200);
  EXPECT_TRUE(note::OpenCheckpoint(got.body, log_.verifier()).ok());
}

TEST_F(WitnessTest, GetCheckpointNotFound) {
  WitnessResponse r = witness_->GetCheckpoint(OriginHash("example.com/log"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "no checkpoint cosigned for this log\n");
  r = witness_->GetCheckpoint(OriginHash("example.com/other"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "unknown log\n");
}

TEST_F(WitnessTest, ConcurrentRequestsCosignOneCheckpointPerOldSize) {
  log_.GrowTo(40);
  std::vector<std::string> bodies;
  for (uint64_t size = 1; size <= 32; ++size) bodies.push_back(log_.Body(0, size));
  std::atomic<int> cosigned{0};
  std::vector<std::thread> threads;
  for (const std::string& body : bodies) {
    threads.emplace_back([&, body] {
      WitnessResponse r = witness_->AddCheckpoint(body);
      if (r.status == 200) {
        ++cosigned;
      } else {
        EXPECT_EQ(r.status, 409);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(cosigned.load(), 1);
}

TEST(WitnessCreate, RefusesWrongKeys) {
  absl::StatusOr<std::unique_ptr<WitnessStore>> store =
      WitnessStore::Open(::testing::TempDir() + "/witness_create");
  ASSERT_TRUE(store.ok());
  TestLog log("example.com/log");
  absl::StatusOr<note::Signer> cosigner = note::Signer::GenerateCosigner("w");
  ASSERT_TRUE(cosigner.ok());
  EXPECT_THAT(Witness::Create(log.signer(), {log.verifier()}, store->get()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the witness key must be a cosigner key (tlog-cosignature, "
                       "algorithm 0x04)"));
  EXPECT_THAT(Witness::Create(*cosigner, {}, store->get()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, "the witness knows no log"));
  EXPECT_THAT(Witness::Create(*cosigner, {cosigner->verifier()}, store->get()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "log key \"w\" is a cosigner key, not a note key"));
  EXPECT_THAT(
      Witness::Create(*cosigner, {log.verifier(), log.verifier()}, store->get()).status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "log key \"example.com/log\" is listed twice"));
}

TEST(LogsFromPolicy, ReadsLogLines) {
  TestLog a("example.com/a");
  TestLog b("example.com/b");
  absl::StatusOr<std::vector<note::Verifier>> logs = LogsFromPolicy(absl::StrCat(
      "# logs this witness follows\nlog ", a.verifier().EncodedKey(),
      " https://a.example/\nlog ", b.verifier().EncodedKey(), "\nquorum none\n"));
  ASSERT_TRUE(logs.ok()) << logs.status();
  ASSERT_EQ(logs->size(), 2u);
  EXPECT_EQ((*logs)[0].name(), "example.com/a");
  EXPECT_EQ((*logs)[1].name(), "example.com/b");
  EXPECT_THAT(LogsFromPolicy("quorum none\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the logs policy has no \"log\" line"));
  EXPECT_FALSE(LogsFromPolicy("log nonsense\nquorum none\n").ok());
}

}  // namespace
}  // namespace candor::witness
