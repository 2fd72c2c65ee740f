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
  void Corrupt(size_t index) { entries_[index] += "!"; }

  absl::StatusOr<std::string> LatestCheckpoint() override { return checkpoint_; }
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
  const std::string honest = *log_.LatestCheckpoint();

  // The operator signs a different tree of the same size.
  log_.SetCheckpoint(log_.Sign(10, merkle::HashLeaf("forged")));
  auto polled = f->Poll(Collect());
  EXPECT_THAT(polled, StatusCodeIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(absl::StrContains(polled.status().message(),
                                "the log equivocates: two different roots for size 10"));
  ASSERT_TRUE(f->equivocation().has_value());
  EXPECT_EQ(f->equivocation()->older, honest);
  EXPECT_EQ(f->equivocation()->newer, *log_.LatestCheckpoint());
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

}  // namespace
}  // namespace candor::follower
