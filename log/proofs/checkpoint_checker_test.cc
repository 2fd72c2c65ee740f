// CheckpointChecker: the log's signature, and a witness policy's quorum at
// the checker's clock (log/proofs/checkpoint_checker.h).

#include "log/proofs/checkpoint_checker.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "log/merkle/hash.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"
#include "log/note/policy.h"
#include "tests/support/status_matchers.h"

namespace candor::proofs {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
constexpr uint64_t kNow = 1800000000;

class CheckpointCheckerTest : public ::testing::Test {
 protected:
  CheckpointCheckerTest() {
    for (const char* name : {"w.example/a", "w.example/b", "w.example/c", "w.example/d"}) {
      witnesses_.push_back(*note::Signer::GenerateCosigner(name));
    }
  }

  // 2 of a, b, c; with the log's line when `with_log`. Witness d is not in it.
  note::Policy TwoOfThree(bool with_log) const {
    std::string text = with_log ? absl::StrCat("log ", log_.verifier().EncodedKey(), "\n") : "";
    for (size_t i = 0; i < 3; ++i) {
      absl::StrAppend(&text, "witness ", std::string(1, 'a' + i), " ",
                      witnesses_[i].verifier().EncodedKey(), "\n");
    }
    absl::StrAppend(&text, "group two 2 a b c\nquorum two\n");
    return *note::Policy::Parse(text);
  }

  std::string CosignedBy(const std::vector<size_t>& who, uint64_t time = kNow - 60) const {
    const std::string text = note::FormatCheckpoint(
        note::Checkpoint{"example.com/log", 7, merkle::EmptyRoot(), {}});
    std::string signed_note = *note::Sign(text, {log_});
    for (size_t i : who) signed_note += *note::Cosign(text, witnesses_[i], time);
    return signed_note;
  }

  CheckpointChecker Checker(std::optional<note::Verifier> key, std::optional<note::Policy> policy,
                            note::CosignatureWindow window = note::CosignatureWindow()) const {
    return *CheckpointChecker::Create(std::move(key), std::move(policy), window,
                                      [] { return absl::FromUnixSeconds(kNow); });
  }

  note::Signer log_ = *note::Signer::Generate("example.com/log");
  std::vector<note::Signer> witnesses_;
};

TEST_F(CheckpointCheckerTest, WithoutAPolicyOnlyTheLogsSignature) {
  CheckpointChecker checker(log_.verifier());
  EXPECT_FALSE(checker.has_policy());
  EXPECT_FALSE(checker.requires_cosignatures());
  auto cp = checker.Check(CosignedBy({}));
  ASSERT_THAT(cp, IsOk());
  EXPECT_EQ(cp->checkpoint.checkpoint.size, 7u);
  EXPECT_TRUE(cp->cosigned_by.empty());
  EXPECT_EQ(DescribeWitnesses(*cp, checker),
            "not checked for witnesses (no witness policy given)");
  const note::Signer other = *note::Signer::Generate("example.com/log");
  EXPECT_THAT(CheckpointChecker(other.verifier()).Check(CosignedBy({0, 1})),
              StatusIs(kInvalid, "note has no verifiable signature by a known key"));
}

TEST_F(CheckpointCheckerTest, TwoOfThreeWithTheLogKey) {
  CheckpointChecker checker = Checker(log_.verifier(), TwoOfThree(false));
  EXPECT_TRUE(checker.requires_cosignatures());
  EXPECT_THAT(checker.Check(CosignedBy({1})),
              StatusIs(kInvalid,
                       "checkpoint example.com/log at size 7 does not meet the witness "
                       "quorum \"two\": cosigned by b; missing a, c"));
  // d is not in the policy: its cosignature does not count.
  EXPECT_THAT(checker.Check(CosignedBy({1, 3})),
              StatusIs(kInvalid,
                       "checkpoint example.com/log at size 7 does not meet the witness "
                       "quorum \"two\": cosigned by b; missing a, c"));
  auto cp = checker.Check(CosignedBy({0, 2}));
  ASSERT_THAT(cp, IsOk());
  EXPECT_EQ(DescribeWitnesses(*cp, checker),
            "cosigned by a (at 2027-01-15T07:59:00Z), c (at 2027-01-15T07:59:00Z), "
            "meeting the witness policy's quorum");
  // The log's signature alone, for a checkpoint compared with.
  EXPECT_THAT(checker.CheckLogSignature(CosignedBy({})), IsOk());
}

TEST_F(CheckpointCheckerTest, ThePolicysLogLinesStandInForTheLogKey) {
  CheckpointChecker checker = Checker(std::nullopt, TwoOfThree(true));
  EXPECT_FALSE(checker.log_key().has_value());
  EXPECT_THAT(checker.Check(CosignedBy({0, 1})), IsOk());
  EXPECT_THAT(checker.CheckLogSignature(CosignedBy({})), IsOk());
  // Another log of the same name is not the policy's.
  const note::Signer impostor = *note::Signer::Generate("example.com/log");
  const std::string text = note::FormatCheckpoint(
      note::Checkpoint{"example.com/log", 7, merkle::EmptyRoot(), {}});
  EXPECT_THAT(checker.CheckLogSignature(*note::Sign(text, {impostor})),
              StatusIs(kInvalid, "note has no verifiable signature by a known key"));
  const note::Signer elsewhere = *note::Signer::Generate("other.example/log");
  const std::string other_text = note::FormatCheckpoint(
      note::Checkpoint{"other.example/log", 7, merkle::EmptyRoot(), {}});
  EXPECT_THAT(checker.CheckLogSignature(*note::Sign(other_text, {elsewhere})),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "the witness policy lists no log with origin \"other.example/log\""));
}

TEST_F(CheckpointCheckerTest, NeedsALogKeyFromSomewhere) {
  EXPECT_THAT(CheckpointChecker::Create(std::nullopt, std::nullopt),
              StatusIs(kInvalid, "no log key and no witness policy to check with"));
  EXPECT_THAT(CheckpointChecker::Create(std::nullopt, TwoOfThree(false)),
              StatusIs(kInvalid, "the witness policy lists no log; give the log's key"));
}

TEST_F(CheckpointCheckerTest, CosignatureTimesAreJudgedAtTheClock) {
  note::CosignatureWindow window;
  window.max_future = absl::Minutes(10);
  window.max_age = absl::Hours(1);
  CheckpointChecker checker = Checker(log_.verifier(), TwoOfThree(false), window);
  EXPECT_THAT(checker.Check(CosignedBy({0, 1}, kNow + 600)), IsOk());
  EXPECT_THAT(checker.Check(CosignedBy({0, 1}, kNow + 601)),
              StatusIs(kInvalid, "witness \"a\" cosigned at 1800000601, more than 10m "
                                 "after now (1800000000)"));
  EXPECT_THAT(checker.Check(CosignedBy({0, 1}, kNow - 3601)),
              StatusIs(kInvalid,
                       "checkpoint example.com/log at size 7 does not meet the witness "
                       "quorum \"two\": cosigned by no witness; missing a, b, c "
                       "(cosignatures older than 1h do not count: a, b)"));
}

TEST_F(CheckpointCheckerTest, QuorumNoneNeedsNoCosignature) {
  CheckpointChecker checker = Checker(log_.verifier(), *note::Policy::Parse("quorum none\n"));
  EXPECT_TRUE(checker.has_policy());
  EXPECT_FALSE(checker.requires_cosignatures());
  auto cp = checker.Check(CosignedBy({}));
  ASSERT_THAT(cp, IsOk());
  EXPECT_EQ(DescribeWitnesses(*cp, checker), "the witness policy requires no cosignatures");
}

}  // namespace
}  // namespace candor::proofs
