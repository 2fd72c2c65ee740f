// C2SP tlog-policy parsing and quorum checks (log/note/policy.h).

#include "log/note/policy.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/merkle/hash.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"
#include "tests/support/status_matchers.h"

namespace candor::note {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Pair;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
constexpr uint64_t kNow = 1800000000;

struct Keys {
  Signer log = *Signer::Generate("example.com/log");
  std::vector<Signer> witnesses;
  Keys() {
    for (const char* name : {"w.example/x1", "w.example/x2", "w.example/x3",
                             "w.example/y1", "w.example/y2"}) {
      witnesses.push_back(*Signer::GenerateCosigner(name));
    }
  }
  std::string Witness(const std::string& as, size_t i) const {
    return absl::StrCat("witness ", as, " ", witnesses[i].verifier().EncodedKey(), "\n");
  }
};

const Keys& K() {
  static const Keys* keys = new Keys;
  return *keys;
}

// The structure of the C2SP example: 2 of X, any of Y, both.
std::string ExamplePolicy() {
  return absl::StrCat("# C2SP's example\n", "log ", K().log.verifier().EncodedKey(),
                      " https://log.example/\n", K().Witness("X1", 0), K().Witness("X2", 1),
                      K().Witness("X3", 2), "group X-witnesses 2 X1 X2 X3\n",
                      K().Witness("Y1", 3), "\t", K().Witness("Y2", 4),
                      "group Y-witnesses any Y1 Y2\n",
                      "group X-and-Y all X-witnesses Y-witnesses\n", "quorum X-and-Y\n");
}

std::string CheckpointCosignedBy(const std::vector<size_t>& witnesses,
                                 uint64_t time = kNow - 60) {
  const std::string text =
      FormatCheckpoint(Checkpoint{"example.com/log", 7, merkle::EmptyRoot(), {}});
  std::string note = *Sign(text, {K().log});
  for (size_t i : witnesses) {
    note += *Cosign(text, K().witnesses[i], time);
  }
  return note;
}

TEST(Policy, ParsesTheC2spExample) {
  auto policy = Policy::Parse(ExamplePolicy());
  ASSERT_THAT(policy, IsOk());
  ASSERT_EQ(policy->logs().size(), 1u);
  EXPECT_EQ(policy->logs()[0].url, "https://log.example/");
  EXPECT_EQ(policy->witnesses().size(), 5u);
  EXPECT_TRUE(policy->requires_cosignatures());
}

TEST(Policy, QuorumOfNestedGroups) {
  auto policy = Policy::Parse(ExamplePolicy());
  ASSERT_THAT(policy, IsOk());
  const absl::Time now = absl::FromUnixSeconds(kNow);
  auto ok = policy->VerifyCheckpoint(CheckpointCosignedBy({0, 2, 4}), now);
  ASSERT_THAT(ok, IsOk());
  EXPECT_THAT(ok->cosigned_by, ElementsAre(Pair("X1", kNow - 60), Pair("X3", kNow - 60),
                                           Pair("Y2", kNow - 60)));
  EXPECT_EQ(ok->checkpoint.checkpoint.size, 7u);
  // Two X but no Y; one X and both Y; nobody.
  EXPECT_THAT(policy->VerifyCheckpoint(CheckpointCosignedBy({0, 1}), now),
              StatusIs(kInvalid,
                       "checkpoint example.com/log at size 7 does not meet the witness "
                       "quorum \"X-and-Y\": cosigned by X1, X2; missing X3, Y1, Y2"));
  EXPECT_THAT(policy->VerifyCheckpoint(CheckpointCosignedBy({1, 3, 4}), now),
              StatusIs(kInvalid,
                       "checkpoint example.com/log at size 7 does not meet the witness "
                       "quorum \"X-and-Y\": cosigned by X2, Y1, Y2; missing X1, X3"));
  EXPECT_THAT(policy->VerifyCheckpoint(CheckpointCosignedBy({}), now),
              StatusIs(kInvalid,
                       "checkpoint example.com/log at size 7 does not meet the witness "
                       "quorum \"X-and-Y\": cosigned by no witness; missing X1, X2, X3, "
                       "Y1, Y2"));
}

TEST(Policy, TwoOfThree) {
  auto policy = Policy::Parse(absl::StrCat(
      K().Witness("a", 0), K().Witness("b", 1), K().Witness("c", 2),
      "group two 2 a b c\nquorum two\n"));
  ASSERT_THAT(policy, IsOk());
  const absl::Time now = absl::FromUnixSeconds(kNow);
  const Verifier log = K().log.verifier();
  EXPECT_THAT(policy->VerifyCheckpoint(CheckpointCosignedBy({1}), log, now),
              StatusIs(kInvalid,
                       "checkpoint example.com/log at size 7 does not meet the witness "
                       "quorum \"two\": cosigned by b; missing a, c"));
  EXPECT_THAT(policy->VerifyCheckpoint(CheckpointCosignedBy({1, 2}), log, now), IsOk());
  // Cosignatures by keys outside the policy do not count (nor fail).
  EXPECT_THAT(policy->VerifyCheckpoint(CheckpointCosignedBy({1, 3, 4}), log, now),
              StatusIs(kInvalid,
                       "checkpoint example.com/log at size 7 does not meet the witness "
                       "quorum \"two\": cosigned by b; missing a, c"));
  // Without log lines the policy takes the caller's log key, and none other.
  EXPECT_THAT(policy->VerifyCheckpoint(CheckpointCosignedBy({0, 1}), now),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "the witness policy lists no log; give the log's key"));
  const Signer other = *Signer::Generate("example.com/log");
  EXPECT_THAT(policy->VerifyCheckpoint(CheckpointCosignedBy({0, 1}), other.verifier(), now),
              StatusIs(kInvalid, "note has no verifiable signature by a known key"));
}

TEST(Policy, CosignatureTimes) {
  auto policy = Policy::Parse(absl::StrCat(K().Witness("a", 0), K().Witness("b", 1),
                                           "group both all a b\nquorum both\n"));
  ASSERT_THAT(policy, IsOk());
  const absl::Time now = absl::FromUnixSeconds(kNow);
  const Verifier log = K().log.verifier();
  CosignatureWindow window;
  window.max_future = absl::Minutes(5);
  window.max_age = absl::Hours(24);
  EXPECT_THAT(policy->VerifyCheckpoint(CheckpointCosignedBy({0, 1}, kNow + 300), log, now,
                                       window),
              IsOk());
  EXPECT_THAT(policy->VerifyCheckpoint(CheckpointCosignedBy({0, 1}, kNow + 301), log, now,
                                       window),
              StatusIs(kInvalid, "witness \"a\" cosigned at 1800000301, more than 5m "
                                 "after now (1800000000)"));
  EXPECT_THAT(policy->VerifyCheckpoint(CheckpointCosignedBy({0, 1}, kNow - 86401), log, now,
                                       window),
              StatusIs(kInvalid,
                       "checkpoint example.com/log at size 7 does not meet the witness "
                       "quorum \"both\": cosigned by no witness; missing a, b "
                       "(cosignatures older than 24h do not count: a, b)"));
}

TEST(Policy, ABadCosignatureByAPolicyWitnessFails) {
  auto policy = Policy::Parse(absl::StrCat(K().Witness("a", 0), "quorum a\n"));
  ASSERT_THAT(policy, IsOk());
  const std::string text =
      FormatCheckpoint(Checkpoint{"example.com/log", 7, merkle::EmptyRoot(), {}});
  const std::string other =
      FormatCheckpoint(Checkpoint{"example.com/log", 8, merkle::EmptyRoot(), {}});
  // A cosignature over another checkpoint, pasted under this one.
  const std::string note = *Sign(text, {K().log}) + *Cosign(other, K().witnesses[0], kNow);
  EXPECT_THAT(policy->VerifyCheckpoint(note, K().log.verifier(), absl::FromUnixSeconds(kNow)),
              StatusIs(kInvalid, absl::StrCat("invalid cosignature for key w.example/x1+",
                                              absl::Hex(K().witnesses[0].key_hash(),
                                                        absl::kZeroPad8))));
}

TEST(Policy, QuorumNone) {
  auto policy = Policy::Parse("quorum none\n");
  ASSERT_THAT(policy, IsOk());
  EXPECT_FALSE(policy->requires_cosignatures());
  EXPECT_THAT(policy->VerifyCheckpoint(CheckpointCosignedBy({}), K().log.verifier(),
                                       absl::FromUnixSeconds(kNow)),
              IsOk());
}

TEST(Policy, ParseErrors) {
  const std::string x1 = K().Witness("X1", 0);
  const std::string log_vkey = K().log.verifier().EncodedKey();
  const std::string w_vkey = K().witnesses[1].verifier().EncodedKey();
  struct Case {
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"", "policy has no quorum line"},
      {"log\nquorum none\n", "policy line 1: want: log <vkey> [<url>]"},
      {"quorum none\nquorum none\n", "policy line 2: a second quorum line"},
      {"quorum X1\n", "policy line 1: quorum \"X1\" is not defined on an earlier line"},
      {"frobnicate\n", "policy line 1: unknown keyword \"frobnicate\""},
      {x1 + x1, "policy line 2: name \"X1\" is already defined"},
      {"witness none " + w_vkey + "\n", "policy line 1: name \"none\" is already defined"},
      {x1 + "witness X2 " + K().witnesses[0].verifier().EncodedKey() + "\n",
       "policy line 2: witness \"X2\" has the same key as \"X1\""},
      {"witness X1 " + log_vkey + "\n",
       "policy line 1: unknown cosigner verifier key algorithm 1; this is a note key (1), not "
       "a witness cosigner key (4)"},
      {"log " + w_vkey + "\n",
       "policy line 1: unknown verifier key algorithm 4; this is a witness cosigner key (4), "
       "not a note key (1)"},
      {"log " + log_vkey + "\nlog " + log_vkey + "\n",
       "policy line 2: the same log key is listed twice"},
      {x1 + "group g 2 X1\n", "policy line 2: threshold 2 is outside 1..1 (the member count)"},
      {x1 + "group g 0 X1\n", "policy line 2: threshold 0 is outside 1..1 (the member count)"},
      {x1 + "group g -1 X1\n",
       "policy line 2: threshold \"-1\" is not all, any or a decimal number"},
      {x1 + "group g\n", "policy line 2: want: group <name> all|any|<k> <member>..."},
      {x1 + "group g any X1 X1\n", "policy line 2: \"X1\" is already a member of group \"g\""},
      {x1 + "group g any X1\ngroup h any X1\n",
       "policy line 3: \"X1\" is already a member of group \"g\""},
      {x1 + "group g any X2\n", "policy line 2: member \"X2\" is not defined on an earlier line"},
      {x1 + "group g any g\n", "policy line 2: member \"g\" is not defined on an earlier line"},
      {"quorum none\r\n", "policy line 1: control character 0xd"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Policy::Parse(c.text), StatusIs(kInvalid, c.error)) << c.text;
  }
}

}  // namespace
}  // namespace candor::note
