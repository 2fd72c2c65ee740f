#include "log/proofs/tlog_proof.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "log/merkle/in_memory_tree.h"
#include "log/merkle/proof.h"
#include "tests/support/status_matchers.h"

namespace candor::proofs {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusCodeIs;
using ::candor::testing::StatusIs;

class TlogProofTest : public ::testing::Test {
 protected:
  TlogProofTest() : signer_(*note::Signer::Generate("example.com/log")) {
    for (int i = 0; i < 13; ++i) tree_.Append(merkle::HashLeaf(absl::StrCat(i)));
    note::Checkpoint cp{"example.com/log", 13, tree_.Root(), {}};
    checkpoint_ = *note::Sign(note::FormatCheckpoint(cp), {signer_});
  }

  TlogProof ProofFor(uint64_t index) {
    TlogProof p;
    p.index = index;
    p.hashes = *merkle::InclusionProof(index, 13, tree_);
    p.checkpoint = checkpoint_;
    return p;
  }

  note::Signer signer_;
  merkle::InMemoryTree tree_;
  std::string checkpoint_;
};

TEST_F(TlogProofTest, RoundTripAndVerify) {
  TlogProof p = ProofFor(5);
  p.extra = std::string("extra\x01", 6);
  std::string text = FormatTlogProof(p);
  EXPECT_TRUE(absl::StartsWith(text, "c2sp.org/tlog-proof@v1\nextra ZXh0cmEB\nindex 5\n"));
  auto parsed = ParseTlogProof(text);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->index, 5u);
  EXPECT_EQ(parsed->hashes, p.hashes);
  EXPECT_EQ(parsed->checkpoint, checkpoint_);
  EXPECT_EQ(*parsed->extra, *p.extra);
  auto cp = VerifyTlogProof(*parsed, signer_.verifier(), merkle::HashLeaf("5"));
  ASSERT_THAT(cp, IsOk());
  EXPECT_EQ(cp->checkpoint.size, 13u);
  EXPECT_THAT(VerifyTlogProof(*parsed, signer_.verifier(), merkle::HashLeaf("6")),
              StatusCodeIs(absl::StatusCode::kInvalidArgument));
  auto other = *note::Signer::Generate("example.com/log");
  EXPECT_FALSE(VerifyTlogProof(*parsed, other.verifier(), merkle::HashLeaf("5")).ok());
}

TEST_F(TlogProofTest, VerifiesAgainstAWitnessPolicy) {
  const note::Signer a = *note::Signer::GenerateCosigner("w.example/a");
  const note::Signer b = *note::Signer::GenerateCosigner("w.example/b");
  auto policy = note::Policy::Parse(absl::StrCat(
      "witness a ", a.verifier().EncodedKey(), "\nwitness b ", b.verifier().EncodedKey(),
      "\ngroup both all a b\nquorum both\n"));
  ASSERT_THAT(policy, IsOk());
  const absl::Time now = absl::FromUnixSeconds(1800000000);
  auto checker = CheckpointChecker::Create(signer_.verifier(), *policy,
                                           note::CosignatureWindow(), [now] { return now; });
  ASSERT_THAT(checker, IsOk());
  TlogProof p = ProofFor(5);
  const std::string text = note::FormatCheckpoint(note::Checkpoint{"example.com/log", 13, tree_.Root(), {}});
  p.checkpoint += *note::Cosign(text, a, 1800000000);
  EXPECT_THAT(VerifyTlogProof(p, *checker, merkle::HashLeaf("5")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "checkpoint example.com/log at size 13 does not meet the witness "
                       "quorum \"both\": cosigned by a; missing b"));
  p.checkpoint += *note::Cosign(text, b, 1800000000);
  auto cp = VerifyTlogProof(p, *checker, merkle::HashLeaf("5"));
  ASSERT_THAT(cp, IsOk());
  EXPECT_EQ(cp->cosigned_by.size(), 2u);
  EXPECT_THAT(VerifyTlogProof(p, *checker, merkle::HashLeaf("6")),
              StatusCodeIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(TlogProofTest, RejectsMalformed) {
  const std::string good = FormatTlogProof(ProofFor(5));
  struct Case {
    std::string text;
    std::string message;
  } cases[] = {
      {"", "tlog-proof line 1: must be \"c2sp.org/tlog-proof@v1\""},
      {"c2sp.org/tlog-proof@v2\n", "tlog-proof line 1: must be \"c2sp.org/tlog-proof@v1\""},
      {"c2sp.org/tlog-proof@v1\nindex 05\n\nx",
       "tlog-proof line 2: must be \"index <N>\" with N in decimal, no leading zeros"},
      {"c2sp.org/tlog-proof@v1\nindex -1\n\nx",
       "tlog-proof line 2: must be \"index <N>\" with N in decimal, no leading zeros"},
      {"c2sp.org/tlog-proof@v1\nextra !!!!\nindex 1\n\nx",
       "tlog-proof line 2: invalid base64: unexpected character at offset 0"},
      {"c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\nx",
       "tlog-proof line 3: hash must be 32 bytes, got 3"},
      {"c2sp.org/tlog-proof@v1\nindex 1\n", "tlog-proof line 3: missing blank line before the checkpoint"},
      {"c2sp.org/tlog-proof@v1\nindex 1\n\n", "tlog-proof line 4: the checkpoint is missing"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseTlogProof(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message))
        << c.text;
  }
  std::string many = "c2sp.org/tlog-proof@v1\nindex 1\n";
  for (int i = 0; i < 65; ++i) {
    many += "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
  }
  EXPECT_THAT(ParseTlogProof(many + "\nx"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "tlog-proof line 67: more than 64 proof hashes"));
  // A truncated proof parses but does not verify.
  std::string truncated = good;
  size_t cut = truncated.find('\n', truncated.find("index"));
  truncated.erase(cut + 1, truncated.find('\n', cut + 1) - cut);
  auto parsed = ParseTlogProof(truncated);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_THAT(VerifyTlogProof(*parsed, signer_.verifier(), merkle::HashLeaf("5")),
              StatusCodeIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace candor::proofs
