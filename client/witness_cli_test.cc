// `candor verify ...` with a witness policy (--policy, C2SP tlog-policy),
// offline: checkpoints, tlog-proofs, consistency proofs and finding bundles
// below a 2-of-3 quorum are refused (exit 1) with a message that names who
// cosigned and who is missing. (Against a real witnessed log:
// tests/verifier/witnessed_log_test.cc.)

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/cli_testing.h"
#include "gtest/gtest.h"
#include "log/encoding/encoding.h"
#include "log/keyfile/keyfile.h"
#include "log/merkle/hash.h"
#include "log/merkle/in_memory_tree.h"
#include "log/merkle/proof.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"
#include "log/proofs/tlog_proof.h"
#include "tests/support/status_matchers.h"
#include "verifier/bundle/bundle.h"

namespace candor::cli {
namespace {

using ::candor::testing::IsOk;

constexpr absl::string_view kBelowQuorum =
    "checkpoint example.com/log at size 5 does not meet the witness quorum \"two\": "
    "cosigned by b; missing a, c\n";

std::string JsonString(absl::string_view s) {
  return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}}),
                      "\"");
}

class WitnessCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/witness_cli");
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    for (int i = 0; i < 5; ++i) tree_.Append(merkle::HashLeaf(absl::StrCat("entry ", i)));
    // a, b and c are the policy's witnesses; d is not.
    for (const char* name : {"a", "b", "c", "d"}) {
      witnesses_.push_back(*note::Signer::GenerateCosigner(absl::StrCat("w.example/", name)));
    }
    std::string witness_lines;
    for (size_t i = 0; i < 3; ++i) {
      absl::StrAppend(&witness_lines, "witness ", std::string(1, 'a' + i), " ",
                      witnesses_[i].verifier().EncodedKey(), "\n");
    }
    Write("log.pub", log_.verifier().EncodedKey());
    Write("policy", absl::StrCat(witness_lines, "group two 2 a b c\nquorum two\n"));
    Write("policy_with_log", absl::StrCat("log ", log_.verifier().EncodedKey(), "\n",
                                          witness_lines, "group two 2 a b c\nquorum two\n"));
  }

  std::string P(const std::string& name) const { return dir_ + "/" + name; }
  std::string Write(const std::string& name, const std::string& content) {
    EXPECT_THAT(keyfile::WritePublicFile(P(name), content), IsOk());
    return P(name);
  }

  // The log's checkpoint of its tree, cosigned by `who` (indices into
  // witnesses_) at `when`.
  std::string Checkpoint(const std::vector<size_t>& who, absl::Time when = absl::Now()) {
    const std::string text =
        note::FormatCheckpoint(note::Checkpoint{"example.com/log", tree_.size(), tree_.Root(), {}});
    std::string signed_note = *note::Sign(text, {log_});
    for (size_t i : who) {
      signed_note += *note::Cosign(text, witnesses_[i], absl::ToUnixSeconds(when));
    }
    return signed_note;
  }

  // A tlog-proof of entry 2 to Checkpoint(who).
  std::string TlogProof(const std::vector<size_t>& who) {
    proofs::TlogProof p;
    p.index = 2;
    p.hashes = *merkle::InclusionProof(2, tree_.size(), tree_);
    p.checkpoint = Checkpoint(who);
    return proofs::FormatTlogProof(p);
  }

  std::string dir_;
  note::Signer log_ = *note::Signer::Generate("example.com/log");
  std::vector<note::Signer> witnesses_;
  merkle::InMemoryTree tree_;
};

TEST_F(WitnessCliTest, VerifyCheckpointTwoOfThree) {
  const std::vector<std::string> with = {"verify", "checkpoint", "--log_pub", P("log.pub"),
                                         "--policy", P("policy")};
  auto run = [&](const std::string& file, std::vector<std::string> more = {}) {
    std::vector<std::string> argv = with;
    argv.insert(argv.end(), more.begin(), more.end());
    argv.push_back(file);
    return Candor(argv);
  };
  Result one = run(Write("one", Checkpoint({1})));
  EXPECT_EQ(one.code, 1);
  EXPECT_EQ(one.err, absl::StrCat("candor verify checkpoint: ", kBelowQuorum));

  // d's cosignature is not the policy's: it does not count.
  Result outsider = run(Write("outsider", Checkpoint({1, 3})));
  EXPECT_EQ(outsider.code, 1);
  EXPECT_EQ(outsider.err, absl::StrCat("candor verify checkpoint: ", kBelowQuorum));

  const absl::Time t = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  Result two = run(Write("two", Checkpoint({0, 2}, t)));
  EXPECT_EQ(two.code, 0) << two.err;
  const std::string at = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
  EXPECT_EQ(two.out, absl::StrCat("OK: checkpoint of \"example.com/log\" at size 5 is signed "
                                  "by example.com/log\n  cosigned by a (at ", at, "), c (at ",
                                  at, "), meeting the witness policy's quorum\n"));

  // The policy's log line stands in for --log_pub.
  Result by_policy = Candor({"verify", "checkpoint", "--policy", P("policy_with_log"),
                             P("two")});
  EXPECT_EQ(by_policy.code, 0) << by_policy.err;
  Result no_log = Candor({"verify", "checkpoint", "--policy", P("policy"), P("two")});
  EXPECT_EQ(no_log.code, 2);
  EXPECT_EQ(no_log.err,
            "candor verify checkpoint: --log_pub is required: the witness policy lists no log\n");

  // Without a policy, as before: the log's signature alone.
  Result unwitnessed = Candor({"verify", "checkpoint", "--log_pub", P("log.pub"), P("one")});
  EXPECT_EQ(unwitnessed.code, 0) << unwitnessed.err;
  EXPECT_EQ(unwitnessed.out,
            "OK: checkpoint of \"example.com/log\" at size 5 is signed by example.com/log\n");
}

TEST_F(WitnessCliTest, CosignatureTimes) {
  const std::vector<std::string> with = {"verify", "checkpoint", "--log_pub", P("log.pub"),
                                         "--policy", P("policy")};
  // Dated an hour ahead: refused, whoever else cosigned.
  const int64_t future = absl::ToUnixSeconds(absl::Now() + absl::Hours(1));
  std::vector<std::string> argv = with;
  argv.push_back(Write("future", Checkpoint({0, 2}, absl::FromUnixSeconds(future))));
  Result r = Candor(argv);
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(absl::StartsWith(
      r.err, absl::StrCat("candor verify checkpoint: witness \"a\" cosigned at ", future,
                          ", more than 10m after now (")))
      << r.err;
  // --max_cosignature_future widens the window.
  argv = with;
  argv.insert(argv.end(), {"--max_cosignature_future", "2h", P("future")});
  EXPECT_EQ(Candor(argv).code, 0);

  // Two hours old: counts by default, not with --max_cosignature_age 1h.
  argv = with;
  argv.push_back(Write("old", Checkpoint({0, 2}, absl::Now() - absl::Hours(2))));
  Result old = Candor(argv);
  EXPECT_EQ(old.code, 0) << old.err;
  argv = with;
  argv.insert(argv.end(), {"--max_cosignature_age", "1h", P("old")});
  Result aged = Candor(argv);
  EXPECT_EQ(aged.code, 1);
  EXPECT_EQ(aged.err,
            "candor verify checkpoint: checkpoint example.com/log at size 5 does not meet the "
            "witness quorum \"two\": cosigned by no witness; missing a, b, c (cosignatures "
            "older than 1h do not count: a, c)\n");

  // The window needs a policy to apply to.
  Result no_policy = Candor({"verify", "checkpoint", "--log_pub", P("log.pub"),
                             "--max_cosignature_age", "1h", P("old")});
  EXPECT_EQ(no_policy.code, 2);
  EXPECT_EQ(no_policy.err, "candor verify checkpoint: --max_cosignature_age needs --policy\n");
}

TEST_F(WitnessCliTest, AnUnreadablePolicyIsAUsageError) {
  Write("bad_policy", "quorum nobody\n");
  Result r = Candor({"verify", "checkpoint", "--log_pub", P("log.pub"), "--policy",
                     P("bad_policy"), Write("cp", Checkpoint({0, 1}))});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, absl::StrCat("candor verify checkpoint: witness policy ", P("bad_policy"),
                                ": policy line 1: quorum \"nobody\" is not defined on an "
                                "earlier line\n"));
}

TEST_F(WitnessCliTest, VerifyInclusionTwoOfThree) {
  const std::string entry = Write("entry", "entry 2");
  auto run = [&](const std::string& proof) {
    return Candor({"verify", "inclusion", "--log_pub", P("log.pub"), "--policy", P("policy"),
                   "--proof", proof, "--entry", entry});
  };
  Result one = run(Write("one.tlog-proof", TlogProof({1})));
  EXPECT_EQ(one.code, 1);
  EXPECT_EQ(one.err, absl::StrCat("candor verify inclusion: ", kBelowQuorum));
  Result two = run(Write("two.tlog-proof", TlogProof({1, 2})));
  EXPECT_EQ(two.code, 0) << two.err;
  EXPECT_TRUE(absl::StartsWith(two.out,
                               "OK: entry 2 is in the log \"example.com/log\" of size 5\n"
                               "  cosigned by b (at "))
      << two.out;
}

TEST_F(WitnessCliTest, VerifyConsistencyNeedsTheNewerCheckpointWitnessed) {
  // The older checkpoint, at size 3, was never witnessed: only the newer,
  // relied on now, must meet the quorum.
  merkle::InMemoryTree old_tree;
  for (int i = 0; i < 3; ++i) old_tree.Append(merkle::HashLeaf(absl::StrCat("entry ", i)));
  const std::string old_cp = Write(
      "old", *note::Sign(note::FormatCheckpoint(
                             note::Checkpoint{"example.com/log", 3, old_tree.Root(), {}}),
                         {log_}));
  std::vector<std::string> hashes;
  const std::vector<merkle::Hash> raw = *merkle::ConsistencyProof(3, 5, tree_);
  ASSERT_THAT(merkle::VerifyConsistency(3, 5, raw, merkle::AsBytes(old_tree.Root()),
                                        merkle::AsBytes(tree_.Root())),
              IsOk());
  for (const merkle::Hash& h : raw) {
    hashes.push_back(JsonString(Base64Encode(merkle::AsBytes(h))));
  }
  auto proof = [&](const std::string& name, const std::vector<size_t>& who) {
    return Write(name, absl::StrCat("{\"fromSize\": \"3\", \"toSize\": \"5\", \"proof\": [",
                                    absl::StrJoin(hashes, ", "), "], \"checkpoint\": ",
                                    JsonString(Checkpoint(who)), "}"));
  };
  auto run = [&](const std::string& proof_file) {
    return Candor({"verify", "consistency", "--log_pub", P("log.pub"), "--policy", P("policy"),
                   "--old", old_cp, "--proof", proof_file});
  };
  Result one = run(proof("one.json", {1}));
  EXPECT_EQ(one.code, 1);
  EXPECT_EQ(one.err, absl::StrCat("candor verify consistency: new checkpoint: ", kBelowQuorum));
  Result two = run(proof("two.json", {0, 1}));
  EXPECT_EQ(two.code, 0) << two.err;
  EXPECT_TRUE(absl::StartsWith(two.out,
                               "OK: the log \"example.com/log\" at size 5 extends its tree of "
                               "size 3\n  the newer cosigned by a (at "))
      << two.out;
}

TEST_F(WitnessCliTest, VerifyFindingRefusesABundleBelowTheQuorum) {
  // Its checkpoint is checked first; the rest of a real bundle is checked
  // in tests/verifier (which also shows one accepted with a policy).
  finding::v1::FindingBundle b;
  b.set_format(std::string(bundle::kBundleFormat));
  b.set_checkpoint(Checkpoint({1, 3}));
  Result r = Candor({"verify", "finding", Write("bundle.json", bundle::BundleToJson(b)),
                     "--log_pub", P("log.pub"), "--policy", P("policy")});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, absl::StrCat("candor verify finding: FAILED: the bundle's checkpoint: ",
                                kBelowQuorum));
}

}  // namespace
}  // namespace candor::cli
