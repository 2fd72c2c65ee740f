#include "verifier/follower/follower.h"

#include <functional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "log/merkle/in_memory_tree.h"
#include "log/merkle/proof.h"
#include "tests/support/status_matchers.h"

namespace candor::follower {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusCodeIs;
using ::candor::testing::StatusIs;

// An in-memory log whose operator can misbehave.
class FakeLog : public LogSource {
 public:
  explicit FakeLog(note::Signer signer) : signer_(std::move(signer)) {}

  void Add(const std::string& entry) {
    entries_.push_back(entry);
    tree_.Append(merkle::HashLeaf(entry));
  }
  void Publish() { checkpoint_ = Sign(tree_.size(), tree_.Root()); }
  std::string Sign(uint64_t size, const merkle::Hash& root) {
    note::Checkpoint cp{signer_.name(), size, root, {}};
    return *note::Sign(note::FormatCheckpoint(cp), {signer_});
  }
  void SetCheckpoint(std::string cp) { checkpoint_ = std::move(cp); }
  // What the log answers when asked for its newest witnessed checkpoint.
  void SetWitnessed(std::string cp) { witnessed_ = std::move(cp); }
  // The checkpoint text of the tree as it is (what witnesses cosign).
  std::string Text() {
    return note::FormatCheckpoint(note::Checkpoint{signer_.name(), tree_.size(), tree_.Root(), {}});
  }
  void Corrupt(size_t index) { entries_[index] += "!"; }

  absl::StatusOr<std::string> LatestCheckpoint(bool witnessed) override {
    if (!witnessed) return checkpoint_;
    if (witnessed_.empty()) return absl::NotFoundError("no checkpoint witnessed yet");
    return witnessed_;
  }
  absl::StatusOr<std::vector<merkle::Hash>> ConsistencyProof(uint64_t from,
                                                             uint64_t to) override {
    // For a tree it never built, a lying log makes up a proof.
    if (to > tree_.size()) return std::vector<merkle::Hash>{merkle::HashLeaf("lie")};
    return merkle::ConsistencyProof(from, to, tree_);
  }
  absl::StatusOr<std::vector<std::string>> Entries(uint64_t start,
                                                   uint64_t count) override {
    uint64_t end = std::min<uint64_t>(entries_.size(), start + count);
    return std::vector<std::string>(entries_.begin() + start, entries_.begin() + end);
  }

  merkle::InMemoryTree tree_;

 private:
  note::Signer signer_;
  std::vector<std::string> entries_;
  std::string checkpoint_;
  std::string witnessed_;
};

class FollowerTest : public ::testing::Test {
 protected:
  FollowerTest()
      : signer_(*note::Signer::Generate("example.com/log")), log_(signer_) {
    log_.Publish();
  }

  // Collects what the follower hands on. (A FunctionRef must not outlive
  // its callable, so the callable is a member.)
  Follower::Consumer Collect() { return collect_; }
  std::function<absl::Status(uint64_t, const std::vector<std::string>&,
                             const FollowerState&)>
      collect_ = [this](uint64_t start, const std::vector<std::string>& entries,
                        const FollowerState& state) {
        EXPECT_EQ(start, seen_.size());
        seen_.insert(seen_.end(), entries.begin(), entries.end());
        saved_ = state;
        return absl::OkStatus();
      };

  note::Signer signer_;
  FakeLog log_;
  std::vector<std::string> seen_;
  FollowerState saved_;
};

TEST_F(FollowerTest, FollowsInChunksAndResumes) {
  auto f = Follower::Resume(&log_, signer_.verifier(), FollowerState());
  ASSERT_THAT(f, IsOk());
  EXPECT_EQ(*f->Poll(Collect()), 0u);
  for (int i = 0; i < 2500; ++i) log_.Add(absl::StrCat("entry ", i));
  log_.Publish();
  EXPECT_EQ(*f->Poll(Collect(), /*chunk=*/700), 2500u);
  ASSERT_EQ(seen_.size(), 2500u);
  EXPECT_EQ(seen_[1234], "entry 1234");
  EXPECT_EQ(saved_.size, 2500u);

  // A new follower resumes from the saved state and sees only what is new.
  for (int i = 2500; i < 2600; ++i) log_.Add(absl::StrCat("entry ", i));
  log_.Publish();
  auto resumed = Follower::Resume(&log_, signer_.verifier(), saved_);
  ASSERT_THAT(resumed, IsOk());
  EXPECT_EQ(*resumed->Poll(Collect()), 100u);
  EXPECT_EQ(seen_.size(), 2600u);
  EXPECT_EQ(*resumed->Poll(Collect()), 0u);
}

TEST_F(FollowerTest, DetectsForkAtTheSameSize) {
  for (int i = 0; i < 10; ++i) log_.Add(absl::StrCat("entry ", i));
  log_.Publish();
  auto f = Follower::Resume(&log_, signer_.verifier(), FollowerState());
  ASSERT_THAT(f->Poll(Collect()), IsOk());
  const std::string honest = *log_.LatestCheckpoint(false);

  // The operator signs a different tree of the same size.
  log_.SetCheckpoint(log_.Sign(10, merkle::HashLeaf("forged")));
  auto polled = f->Poll(Collect());
  EXPECT_THAT(polled, StatusCodeIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(absl::StrContains(polled.status().message(),
                                "the log equivocates: two different roots for size 10"));
  ASSERT_TRUE(f->equivocation().has_value());
  EXPECT_EQ(f->equivocation()->older, honest);
  EXPECT_EQ(f->equivocation()->newer, *log_.LatestCheckpoint(false));
  // It stays stopped.
  EXPECT_THAT(f->Poll(Collect()), StatusCodeIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(FollowerTest, DetectsShrinkAndInconsistentGrowth) {
  for (int i = 0; i < 10; ++i) log_.Add(absl::StrCat("entry ", i));
  log_.Publish();
  auto f = Follower::Resume(&log_, signer_.verifier(), FollowerState());
  ASSERT_THAT(f->Poll(Collect()), IsOk());
  log_.SetCheckpoint(log_.Sign(5, merkle::HashLeaf("x")));
  EXPECT_TRUE(absl::StrContains(f->Poll(Collect()).status().message(),
                                "its tree shrank from 10 to 5 entries"));

  auto g = Follower::Resume(&log_, signer_.verifier(), FollowerState());
  seen_.clear();
  log_.Publish();
  ASSERT_THAT(g->Poll(Collect()), IsOk());
  // A bigger tree that is not an extension of the one seen.
  log_.SetCheckpoint(log_.Sign(20, merkle::HashLeaf("other history")));
  EXPECT_TRUE(absl::StrContains(g->Poll(Collect()).status().message(),
                                "no valid consistency proof from size 10 to 20"));
}

TEST_F(FollowerTest, RefusesEntriesThatAreNotTheSignedOnes) {
  for (int i = 0; i < 10; ++i) log_.Add(absl::StrCat("entry ", i));
  log_.Publish();
  log_.Corrupt(5);
  auto f = Follower::Resume(&log_, signer_.verifier(), FollowerState());
  auto polled = f->Poll(Collect(), 4);
  EXPECT_THAT(polled, StatusCodeIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(absl::StrContains(polled.status().message(),
                                "the entries it serves up to index 7 are not the "
                                "ones its signed tree holds"));
  EXPECT_EQ(seen_.size(), 4u);  // the good first chunk only
}

TEST_F(FollowerTest, RefusesCheckpointsNotSignedByTheLog) {
  auto other = *note::Signer::Generate("example.com/log");
  FakeLog impostor(other);
  impostor.Publish();
  auto f = Follower::Resume(&impostor, signer_.verifier(), FollowerState());
  EXPECT_THAT(f->Poll(Collect()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the log's checkpoint does not verify: note has no "
                       "verifiable signature by a known key"));
}

TEST_F(FollowerTest, WithAWitnessPolicyFollowsOnlyWitnessedCheckpoints) {
  std::vector<note::Signer> w;
  std::string policy_text;
  for (const char* name : {"a", "b", "c"}) {
    w.push_back(*note::Signer::GenerateCosigner(absl::StrCat("w.example/", name)));
    absl::StrAppend(&policy_text, "witness ", name, " ", w.back().verifier().EncodedKey(), "\n");
  }
  absl::StrAppend(&policy_text, "group two 2 a b c\nquorum two\n");
  constexpr uint64_t kNow = 1800000000;
  auto checker = proofs::CheckpointChecker::Create(
      signer_.verifier(), *note::Policy::Parse(policy_text), note::CosignatureWindow(),
      [] { return absl::FromUnixSeconds(kNow); });
  ASSERT_THAT(checker, IsOk());

  for (int i = 0; i < 10; ++i) log_.Add(absl::StrCat("entry ", i));
  const std::string at10 = log_.Sign(10, log_.tree_.Root());
  const std::string text10 = log_.Text();
  for (int i = 10; i < 12; ++i) log_.Add(absl::StrCat("entry ", i));
  log_.Publish();  // size 12, not witnessed
  auto f = Follower::Resume(&log_, *checker, FollowerState());
  ASSERT_THAT(f, IsOk());
  EXPECT_THAT(f->Poll(Collect()),
              StatusIs(absl::StatusCode::kNotFound, "no checkpoint witnessed yet"));

  // One witness of the two needed: refused like a bad signature.
  log_.SetWitnessed(at10 + *note::Cosign(text10, w[1], kNow - 5));
  EXPECT_THAT(f->Poll(Collect()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the log's checkpoint does not verify: checkpoint example.com/log "
                       "at size 10 does not meet the witness quorum \"two\": cosigned by "
                       "b; missing a, c"));
  EXPECT_TRUE(seen_.empty());
  EXPECT_TRUE(f->state().checkpoint.empty());
  EXPECT_FALSE(f->equivocation().has_value());

  // Two: followed up to the witnessed size, not the latest, and the state
  // keeps the cosigned note verbatim.
  const std::string witnessed = at10 + *note::Cosign(text10, w[0], kNow - 5) +
                                *note::Cosign(text10, w[2], kNow - 5);
  log_.SetWitnessed(witnessed);
  auto polled = f->Poll(Collect());
  ASSERT_THAT(polled, IsOk());
  EXPECT_EQ(*polled, 10u);
  EXPECT_EQ(f->state().checkpoint, witnessed);
  EXPECT_EQ(saved_.checkpoint, witnessed);

  // Resuming later needs only the log's signature on the saved checkpoint,
  // whatever the cosignatures' age.
  auto later = proofs::CheckpointChecker::Create(
      signer_.verifier(), *note::Policy::Parse(policy_text),
      note::CosignatureWindow{absl::Minutes(10), absl::Hours(1)},
      [] { return absl::FromUnixSeconds(kNow + 86400); });
  ASSERT_THAT(later, IsOk());
  auto resumed = Follower::Resume(&log_, *later, saved_);
  ASSERT_THAT(resumed, IsOk());
  // The same checkpoint, now too old to count: refused.
  EXPECT_THAT(resumed->Poll(Collect()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the log's checkpoint does not verify: checkpoint example.com/log "
                       "at size 10 does not meet the witness quorum \"two\": cosigned by "
                       "no witness; missing a, b, c (cosignatures older than 1h do not "
                       "count: a, c)"));
}

}  // namespace
}  // namespace candor::follower
