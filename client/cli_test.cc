// The candor CLI against a real log on 127.0.0.1: every command's output and
// exit code.

#include "client/cli.h"
#include "client/cli_testing.h"

#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "log/keyfile/keyfile.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/testdata.h"

namespace candor::cli {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::LogFixture;
using ::candor::testing::ReadFileToString;

// A time as in-toto predicates write it, to the second.
std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/cli");
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_THAT(log_.Start(), IsOk());
    ASSERT_THAT(keyfile::WriteSecretFile(dir_ + "/admin.key",
                                         log_.admin_key().Pkcs8Pem()),
                IsOk());
    ASSERT_THAT(keyfile::WritePublicFile(dir_ + "/log.pub",
                                         log_.log_signer().verifier().EncodedKey()),
                IsOk());
  }

  std::string dir_;
  LogFixture log_{{.name = "cli-log"}};
};

TEST_F(CliTest, KeygenWritesStrictModesAndNeverOverwrites) {
  Result r = Candor({"keygen", "--name", "vendor", "--out", dir_ + "/keys"});
  ASSERT_EQ(r.code, 0) << r.err;
  struct stat st;
  ASSERT_EQ(::stat((dir_ + "/keys/vendor.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_TRUE(absl::StartsWith(*ReadFileToString(dir_ + "/keys/vendor.key"),
                               "PRIVATE+KEY+vendor+"));
  Result again = Candor({"keygen", "--name", "vendor", "--out", dir_ + "/keys"});
  EXPECT_EQ(again.code, 2);
  EXPECT_EQ(again.err, "candor keygen: " + dir_ +
                           "/keys/vendor.key already exists; refusing to "
                           "overwrite a key\n");
  Result p256 = Candor({"keygen", "--name", "v2", "--out", dir_ + "/keys",
                        "--type", "ecdsa-p256"});
  ASSERT_EQ(p256.code, 0) << p256.err;
  EXPECT_TRUE(absl::StrContains(*ReadFileToString(dir_ + "/keys/v2.pub"),
                                "BEGIN PUBLIC KEY"));
}

TEST_F(CliTest, RegisterSubmitProveVerifyAndWatch) {
  ASSERT_EQ(Candor({"keygen", "--name", "lab", "--out", dir_}).code, 0);
  Result reg = Candor({"register", "--log", log_.address(), "--admin_key",
                       dir_ + "/admin.key", "--role", "auditor", "--name", "lab",
                       "--pub", dir_ + "/lab.pub", "--wait"});
  ASSERT_EQ(reg.code, 0) << reg.err;
  EXPECT_TRUE(absl::StrContains(reg.out, "\"index\": \"0\"")) << reg.out;

  // A measurement signed by the auditor goes through sign and submit.
  const std::string predicate = dir_ + "/m.json";
  ASSERT_THAT(keyfile::WritePublicFile(
                  predicate,
                  R"({"app":"android:com.example.app","auditor":"lab",)"
                  R"("captureSha256":")" + std::string(64, 'a') +
                      R"(","consent":"NO_INTERACTION","vantageCountry":"DE",)"
                      R"("startTime":")" + Rfc3339(absl::Now() - absl::Minutes(10)) +
                      R"(","endTime":")" + Rfc3339(absl::Now() - absl::Minutes(1)) + R"("})"),
              IsOk());
  Result sign = Candor({"sign", "--key", dir_ + "/lab.key", "--predicate_type",
                        "https://candor.dev/measurement/v1", "--subject",
                        "android:com.example.app", "--predicate", predicate,
                        "--out", dir_ + "/m.envelope"});
  ASSERT_EQ(sign.code, 0) << sign.err;
  Result submit = Candor({"submit", "--log", log_.address(), dir_ + "/m.envelope",
                          "--log_pub", dir_ + "/log.pub", "--proof_out",
                          dir_ + "/m.tlog-proof"});
  ASSERT_EQ(submit.code, 0) << submit.err;
  EXPECT_TRUE(absl::StrContains(submit.out, "\"index\": \"1\"")) << submit.out;

  Result verified = Candor({"verify", "inclusion", "--log_pub", dir_ + "/log.pub",
                            "--proof", dir_ + "/m.tlog-proof", "--entry",
                            dir_ + "/m.envelope"});
  EXPECT_EQ(verified.code, 0) << verified.err;
  EXPECT_EQ(verified.out,
            "OK: entry 1 is in the log \"example.com/candor-test\" of size 2\n");
  Result wrong = Candor({"verify", "inclusion", "--log_pub", dir_ + "/log.pub",
                         "--proof", dir_ + "/m.tlog-proof", "--entry", predicate});
  EXPECT_EQ(wrong.code, 1);
  EXPECT_TRUE(absl::StartsWith(wrong.err,
                               "candor verify inclusion: inclusion proof does not "
                               "lead to the root: calculated "))
      << wrong.err;

  // Checkpoints and consistency, offline.
  Result cp = Candor({"checkpoint", "--log", log_.address(), "--log_pub",
                      dir_ + "/log.pub"});
  ASSERT_EQ(cp.code, 0) << cp.err;
  // A log without witnesses says so.
  Result status = Candor({"log", "status", "--log", log_.address()});
  ASSERT_EQ(status.code, 0) << status.err;
  EXPECT_TRUE(absl::EndsWith(status.out,
                             " entries\nno witnesses: its checkpoints are signed by the log "
                             "alone\n"))
      << status.out;
  EXPECT_TRUE(absl::StartsWith(status.out, "log example.com/candor-test: ")) << status.out;
  ASSERT_THAT(keyfile::WritePublicFile(dir_ + "/cp2", cp.out), IsOk());
  Result old_cp = Candor({"checkpoint", "--log", log_.address(), "--size", "1"});
  ASSERT_EQ(old_cp.code, 0) << old_cp.err;
  ASSERT_THAT(keyfile::WritePublicFile(dir_ + "/cp1", old_cp.out), IsOk());
  Result proof = Candor({"prove", "consistency", "--log", log_.address(), "--from",
                         "1", "--out", dir_ + "/c.json"});
  ASSERT_EQ(proof.code, 0) << proof.err;
  Result consistent = Candor({"verify", "consistency", "--log_pub", dir_ + "/log.pub",
                              "--old", dir_ + "/cp1", "--proof", dir_ + "/c.json"});
  EXPECT_EQ(consistent.code, 0) << consistent.err;
  EXPECT_EQ(consistent.out,
            "OK: the log \"example.com/candor-test\" at size 2 extends its tree "
            "of size 1\n");
  Result checked = Candor({"verify", "checkpoint", "--log_pub", dir_ + "/log.pub",
                           dir_ + "/cp2"});
  EXPECT_EQ(checked.code, 0) << checked.err;

  Result get = Candor({"get", "--log", log_.address(), "--index", "1"});
  // Byte for byte as submitted, trailing newline included.
  EXPECT_EQ(get.out, *ReadFileToString(dir_ + "/m.envelope"));

  Result watch = Candor({"watch", "--log", log_.address(), "--log_pub",
                         dir_ + "/log.pub", "--name", "lab", "--once"});
  ASSERT_EQ(watch.code, 0) << watch.err;
  EXPECT_TRUE(absl::StartsWith(
      watch.out,
      "[0] registration of lab as a auditor with 1 key(s)\n[1] "
      "https://candor.dev/measurement/v1 about android:com.example.app, signed "
      "by lab with key "))
      << watch.out;
  EXPECT_TRUE(absl::EndsWith(watch.out, "verified the log up to size 2\n"));
}

TEST_F(CliTest, WatchRemembersTheCheckpointAndCatchesAForkedLog) {
  ASSERT_THAT(log_.RegisterVendor("vendor"), IsOk());
  ASSERT_THAT(log_.WaitForSize(1), IsOk());
  const std::string remembered = dir_ + "/watch.checkpoint";
  Result first = Candor({"watch", "--log", log_.address(), "--log_pub", dir_ + "/log.pub",
                         "--name", "vendor", "--once", "--checkpoint_file", remembered});
  ASSERT_EQ(first.code, 0) << first.err;
  absl::StatusOr<std::string> seen = ReadFileToString(remembered);
  ASSERT_THAT(seen, IsOk());
  EXPECT_TRUE(absl::StartsWith(*seen, "example.com/candor-test\n1\n")) << *seen;

  // The same log again: it extends what was seen.
  Result again = Candor({"watch", "--log", log_.address(), "--log_pub", dir_ + "/log.pub",
                         "--name", "vendor", "--once", "--checkpoint_file", remembered});
  EXPECT_EQ(again.code, 0) << again.err;

  // A log under the same key with another history, larger than what was
  // seen: the watcher would accept it on its own, but not after that.
  LogFixture fork({.name = "cli-fork", .keys_from = &log_});
  ASSERT_THAT(fork.Start(), IsOk());
  absl::StatusOr<PrivateKey> other = fork.RegisterVendor("other");
  ASSERT_THAT(other, IsOk());
  for (int n = 0; n < 4; ++n) {
    ASSERT_THAT(fork.client().AddEntry(LogFixture::TestEntry(*other, n), false), IsOk());
  }
  ASSERT_THAT(fork.WaitForSize(5), IsOk());
  Result forked = Candor({"watch", "--log", fork.address(), "--log_pub", dir_ + "/log.pub",
                          "--name", "vendor", "--once", "--checkpoint_file", remembered});
  EXPECT_EQ(forked.code, 1);
  EXPECT_TRUE(absl::StartsWith(forked.err,
                               "candor watch: the log equivocates: no valid consistency proof "
                               "from size 1 to 5"))
      << forked.err;
  EXPECT_TRUE(absl::StrContains(forked.err, "--- earlier\n" + *seen + "--- later\n"))
      << forked.err;
  // The evidence is kept: the file still holds what was seen first.
  EXPECT_EQ(*ReadFileToString(remembered), *seen);
}

// Submitting another form of a logged statement: the receipt is the
// original entry's, checked to carry the same statement, and says so.
TEST_F(CliTest, SubmittingAnotherFormOfALoggedStatementGivesTheOriginalsReceipt) {
  absl::StatusOr<PrivateKey> key = log_.RegisterVendor("vendor");
  ASSERT_THAT(key, IsOk());
  const std::string entry = LogFixture::TestEntry(*key, 1);
  ASSERT_THAT(keyfile::WritePublicFile(dir_ + "/e.json", entry), IsOk());
  ASSERT_THAT(keyfile::WritePublicFile(dir_ + "/spaced.json", "  " + entry + "\n"), IsOk());
  Result first = Candor({"submit", "--log", log_.address(), dir_ + "/e.json"});
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_TRUE(absl::StrContains(first.out, "\"index\": \"1\"")) << first.out;

  Result again = Candor({"submit", "--log", log_.address(), dir_ + "/spaced.json",
                         "--log_pub", dir_ + "/log.pub", "--proof_out",
                         dir_ + "/again.tlog-proof"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_TRUE(absl::StrContains(again.out, "\"index\": \"1\"")) << again.out;
  EXPECT_TRUE(absl::StrContains(again.out, "\"duplicate\": true")) << again.out;
  EXPECT_EQ(again.err,
            "candor submit: the log already holds this statement, in other bytes, as "
            "entry 1; the receipt is for that entry (`candor get --index 1` prints it)\n");
  Result verified = Candor({"verify", "inclusion", "--log_pub", dir_ + "/log.pub", "--proof",
                            dir_ + "/again.tlog-proof", "--entry", dir_ + "/e.json"});
  EXPECT_EQ(verified.code, 0) << verified.err;
}

TEST_F(CliTest, UsageAndConnectionErrorsExitTwo) {
  Result none = Candor({});
  EXPECT_EQ(none.code, 2);
  Result unknown = Candor({"frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_EQ(unknown.err,
            "candor: unknown command \"frobnicate\"; `candor help` lists the "
            "commands\n");
  Result missing = Candor({"checkpoint"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err, "candor checkpoint: --log is required\n");
  Result bad_flag = Candor({"get", "--log", "x", "--bogus"});
  EXPECT_EQ(bad_flag.code, 2);
  EXPECT_TRUE(absl::StartsWith(bad_flag.err, "candor get: unknown option --bogus\n"));
  Result down = Candor({"checkpoint", "--log", "127.0.0.1:1", "--timeout", "2s"});
  EXPECT_EQ(down.code, 2);
  EXPECT_TRUE(absl::StartsWith(down.err, "candor checkpoint: log at 127.0.0.1:1: "))
      << down.err;
  Result help = Candor({"help", "prove", "inclusion"});
  EXPECT_EQ(help.code, 0);
  EXPECT_TRUE(absl::StartsWith(help.out, "usage: candor prove inclusion --log ADDR"));
}

// One rule for every `candor verify`: input that is not of the form it should
// be (an empty file included) exits 2; input of the right form that does not
// verify exits 1.
TEST_F(CliTest, VerifyExitsTwoForUnusableInputAndOneForWhatDoesNotVerify) {
  for (const char* name : {"a", "b"}) {
    ASSERT_EQ(Candor({"keygen", "--name", name, "--out", dir_}).code, 0);
    Result reg = Candor({"register", "--log", log_.address(), "--admin_key",
                         dir_ + "/admin.key", "--role", "auditor", "--name", name, "--pub",
                         absl::StrCat(dir_, "/", name, ".pub"), "--wait"});
    ASSERT_EQ(reg.code, 0) << reg.err;
  }
  auto write = [&](const std::string& name, const std::string& text) {
    EXPECT_THAT(keyfile::WritePublicFile(dir_ + "/" + name, text), IsOk());
    return dir_ + "/" + name;
  };
  Result cp1 = Candor({"checkpoint", "--log", log_.address(), "--size", "1"});
  Result cp2 = Candor({"checkpoint", "--log", log_.address(), "--size", "2"});
  ASSERT_EQ(cp1.code, 0) << cp1.err;
  ASSERT_EQ(cp2.code, 0) << cp2.err;
  const std::string old_cp = write("cp1", cp1.out);
  const std::string new_cp = write("cp2", cp2.out);
  ASSERT_EQ(Candor({"prove", "inclusion", "--log", log_.address(), "--index", "0",
                    "--size", "2", "--out", dir_ + "/p.tlog-proof"})
                .code,
            0);
  ASSERT_EQ(Candor({"prove", "consistency", "--log", log_.address(), "--from", "1",
                    "--to", "2", "--out", dir_ + "/c.json"})
                .code,
            0);
  Result entry = Candor({"get", "--log", log_.address(), "--index", "0"});
  ASSERT_EQ(entry.code, 0);
  const std::string entry0 = write("entry0", entry.out);
  const std::string empty = write("empty", "");
  const std::string garbage = write("garbage", "not a checkpoint\n");
  // The right form, the wrong bytes: a root changed after signing.
  std::string forged = cp2.out;
  char& root0 = forged[forged.find('\n', forged.find('\n') + 1) + 1];
  root0 = root0 == 'A' ? 'B' : 'A';
  const std::string forged_cp = write("forged", forged);
  std::string proof = *ReadFileToString(dir_ + "/p.tlog-proof");
  const std::string forged_proof =
      write("forged.tlog-proof", proof.substr(0, proof.find("\n\n") + 2) + forged);
  // Another log's checkpoint: well formed, not signed by this log's key.
  LogFixture other({.name = "cli-other-log"});
  ASSERT_THAT(other.Start(), IsOk());
  const std::string other_pub =
      write("other.pub", other.log_signer().verifier().EncodedKey());
  const std::string log_pub = dir_ + "/log.pub";

  struct Case {
    std::vector<std::string> argv;
    int code;
    std::string err;  // how the message starts
  } cases[] = {
      {{"verify", "checkpoint", "--log_pub", log_pub, new_cp}, 0, ""},
      {{"verify", "checkpoint", "--log_pub", log_pub, empty}, 2,
       "candor verify checkpoint: not a checkpoint: "},
      {{"verify", "checkpoint", "--log_pub", log_pub, garbage}, 2,
       "candor verify checkpoint: not a checkpoint: "},
      {{"verify", "checkpoint", "--log_pub", log_pub, dir_ + "/missing"}, 2,
       "candor verify checkpoint: "},
      {{"verify", "checkpoint", "--log_pub", log_pub, forged_cp}, 1,
       "candor verify checkpoint: invalid signature for key "},
      {{"verify", "checkpoint", "--log_pub", other_pub, new_cp}, 1,
       "candor verify checkpoint: note has no verifiable signature by a known key"},

      {{"verify", "inclusion", "--log_pub", log_pub, "--proof", dir_ + "/p.tlog-proof",
        "--entry", entry0},
       0, ""},
      {{"verify", "inclusion", "--log_pub", log_pub, "--proof", empty, "--entry", entry0},
       2, "candor verify inclusion: not a tlog-proof: "},
      {{"verify", "inclusion", "--log_pub", log_pub, "--proof", new_cp, "--entry", entry0},
       2, "candor verify inclusion: not a tlog-proof: "},
      {{"verify", "inclusion", "--log_pub", log_pub, "--proof", forged_proof, "--entry",
        entry0},
       1, "candor verify inclusion: invalid signature for key "},
      {{"verify", "inclusion", "--log_pub", log_pub, "--proof", dir_ + "/p.tlog-proof",
        "--entry", new_cp},
       1, "candor verify inclusion: inclusion proof does not lead to the root"},

      {{"verify", "consistency", "--log_pub", log_pub, "--old", old_cp, "--proof",
        dir_ + "/c.json"},
       0, ""},
      {{"verify", "consistency", "--log_pub", log_pub, "--old", old_cp, "--proof", empty},
       2, "candor verify consistency: not a consistency proof: "},
      {{"verify", "consistency", "--log_pub", log_pub, "--old", empty, "--proof",
        dir_ + "/c.json"},
       2, "candor verify consistency: old checkpoint: not a checkpoint: "},
      {{"verify", "consistency", "--log_pub", log_pub, "--old", old_cp, "--new", empty,
        "--proof", dir_ + "/c.json"},
       2, "candor verify consistency: new checkpoint: not a checkpoint: "},
      {{"verify", "consistency", "--log_pub", log_pub, "--old", old_cp, "--new",
        forged_cp, "--proof", dir_ + "/c.json"},
       1, "candor verify consistency: new checkpoint: invalid signature for key "},
      {{"verify", "consistency", "--log_pub", other_pub, "--old", old_cp, "--proof",
        dir_ + "/c.json"},
       1, "candor verify consistency: old checkpoint: note has no verifiable signature"},

      {{"verify", "finding", "--log_pub", log_pub, empty}, 2,
       "candor verify finding: finding bundle: "},
      {{"verify", "finding", "--log_pub", log_pub, garbage}, 2,
       "candor verify finding: finding bundle: "},
  };
  for (const Case& c : cases) {
    Result r = Candor(c.argv);
    EXPECT_EQ(r.code, c.code) << absl::StrJoin(c.argv, " ") << "\n" << r.err;
    EXPECT_TRUE(absl::StartsWith(r.err, c.err)) << absl::StrJoin(c.argv, " ") << "\n"
                                                << r.err;
  }
}

}  // namespace
}  // namespace candor::cli
