// The vendor's workflow end to end against a real log: from nothing to a
// published, verifiable claim (the README's example), the validator's
// refusals, supersession, key rotation and revocation.

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "client/cli.h"
#include "client/cli_testing.h"
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

class ClaimCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/claims");
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_THAT(log_.Start(), IsOk());
    ASSERT_THAT(keyfile::WriteSecretFile(P("admin.key"), log_.admin_key().Pkcs8Pem()), IsOk());
    ASSERT_THAT(keyfile::WritePublicFile(P("log.pub"),
                                         log_.log_signer().verifier().EncodedKey()),
                IsOk());
    ASSERT_EQ(Candor({"keygen", "--name", "vendor", "--out", dir_}).code, 0);
    Register("vendor.pub");
  }

  std::string P(const std::string& name) { return dir_ + "/" + name; }

  void Register(const std::string& pub, bool revoke = false) {
    std::vector<std::string> argv = {"register", "--log", log_.address(), "--admin_key",
                                     P("admin.key"), "--role", "vendor", "--name",
                                     "example-corp", "--app", "android:com.example.app",
                                     "--domain", "example.com", "--wait"};
    if (revoke) {
      argv.push_back("--revoke");
    } else {
      argv.push_back("--pub");
      argv.push_back(P(pub));
    }
    Result r = Candor(argv);
    ASSERT_EQ(r.code, 0) << r.err;
  }

  // The example claim with its placeholders filled in.
  std::string ExampleClaim(const std::string& extra = "") {
    Result init = Candor({"claim", "init"});
    EXPECT_EQ(init.code, 0);
    std::string text = absl::StrReplaceAll(
        init.out, {{"<your.package.name>", "com.example.app"},
                   {"<your-vendor-name>", "example-corp"},
                   {"https://<your-site>/privacy", "https://example.com/privacy"},
                   {"<sha256 of the policy>", std::string(64, 'a')}});
    if (!extra.empty()) text = absl::StrReplaceAll(text, {{"  \"assertions\": [", extra + "  \"assertions\": ["}});
    return text;
  }

  // Lints, signs and submits a claim, its text marked with `name` so that
  // each is a statement of its own; returns the submit result.
  Result Publish(const std::string& text, const std::string& name,
                 const std::string& key = "vendor.key") {
    EXPECT_THAT(keyfile::WritePublicFile(
                    P(name + ".json"),
                    absl::StrReplaceAll(text, {{"\"text\": \"", "\"text\": \"(" + name + ") "}})),
                IsOk());
    Result lint = Candor({"claim", "lint", P(name + ".json")});
    EXPECT_EQ(lint.code, 0) << lint.out << lint.err;
    Result sign = Candor({"claim", "sign", "--key", P(key), P(name + ".json"), "--out",
                          P(name + ".envelope")});
    EXPECT_EQ(sign.code, 0) << sign.err;
    return Candor({"claim", "submit", "--log", log_.address(), P(name + ".envelope"),
                   "--log_pub", P("log.pub"), "--proof_out", P(name + ".tlog-proof")});
  }

  std::string dir_;
  LogFixture log_{{.name = "claims-log"}};
};

TEST_F(ClaimCliTest, FromNothingToAVerifiablePublishedClaim) {
  Result submitted = Publish(ExampleClaim(), "first");
  ASSERT_EQ(submitted.code, 0) << submitted.err;
  Result verified = Candor({"verify", "inclusion", "--log_pub", P("log.pub"), "--proof",
                            P("first.tlog-proof"), "--entry", P("first.envelope")});
  EXPECT_EQ(verified.code, 0) << verified.err;

  Result claims = Candor({"claims", "--log", log_.address(), "--log_pub", P("log.pub"),
                          "--app", "android:com.example.app"});
  ASSERT_EQ(claims.code, 0) << claims.err;
  EXPECT_TRUE(absl::StrContains(claims.out, "in force")) << claims.out;
  EXPECT_TRUE(absl::StrContains(claims.out, "never sends any user data to endpoints "
                                            "located in China (CN)"))
      << claims.out;
}

TEST_F(ClaimCliTest, LintExplainsEveryProblem) {
  std::string text = absl::StrReplaceAll(
      ExampleClaim(), {{"\"contacts.contacts\"", "\"contacts.address_book\""},
                       {"\"CN\"", "\"cn\""}});
  ASSERT_THAT(keyfile::WritePublicFile(P("bad.json"), text), IsOk());
  Result lint = Candor({"claim", "lint", P("bad.json")});
  EXPECT_EQ(lint.code, 1);
  EXPECT_TRUE(absl::StrContains(lint.out, "contacts.address_book")) << lint.out;
  EXPECT_TRUE(absl::StrContains(lint.out, "did you mean \"CN\"")) << lint.out;
  EXPECT_EQ(lint.err, "candor claim lint: 2 problem(s)\n");
  Result sign = Candor({"claim", "sign", "--key", P("vendor.key"), P("bad.json")});
  EXPECT_EQ(sign.code, 1);
  EXPECT_TRUE(absl::StrContains(sign.err, "refusing to sign a claim with 2 problem(s)"));
}

TEST_F(ClaimCliTest, TheLogRefusesClaimsOutsideTheVendorsScope) {
  std::string other = absl::StrReplaceAll(ExampleClaim(),
                                          {{"android:com.example.app", "android:com.other.app"}});
  Result r = Publish(other, "other");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(absl::StrContains(r.err, "android:com.other.app")) << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, "scope")) << r.err;
}

TEST_F(ClaimCliTest, SupersessionRotationAndRevocation) {
  Result first = Publish(ExampleClaim(), "first");
  ASSERT_EQ(first.code, 0) << first.err;
  // The receipt's leaf hash names the claim to supersede.
  size_t at = first.out.find("\"leafHash\": \"");
  ASSERT_NE(at, std::string::npos);
  std::string leaf = first.out.substr(at + 13, 44);
  Result second = Publish(ExampleClaim(absl::StrCat("  \"supersedes\": \"", leaf, "\",\n")),
                          "second");
  ASSERT_EQ(second.code, 0) << second.err;

  Result claims = Candor({"claims", "--log", log_.address(), "--log_pub", P("log.pub"),
                          "--app", "android:com.example.app"});
  ASSERT_EQ(claims.code, 0) << claims.err;
  size_t in_force = claims.out.find("in force");
  size_t superseded = claims.out.find("superseded");
  ASSERT_NE(in_force, std::string::npos) << claims.out;
  ASSERT_NE(superseded, std::string::npos) << claims.out;
  EXPECT_LT(in_force, superseded) << "newest first";

  // Rotate the vendor's key: the old key can no longer sign...
  ASSERT_EQ(Candor({"keygen", "--name", "vendor2", "--out", dir_}).code, 0);
  Register("vendor2.pub");
  Result stale = Publish(ExampleClaim(), "stale");
  EXPECT_EQ(stale.code, 2);
  EXPECT_TRUE(absl::StrContains(stale.err, "was rotated out or revoked at index"))
      << stale.err;
  // ...the new one can, and the old claims stay in the log, valid.
  Result fresh = Publish(ExampleClaim(), "fresh", "vendor2.key");
  EXPECT_EQ(fresh.code, 0) << fresh.err;
  Result show = Candor({"claim", "show", "--log", log_.address(), "--log_pub",
                        P("log.pub"), "--index", "1"});
  ASSERT_EQ(show.code, 0) << show.err;
  EXPECT_TRUE(absl::StrContains(show.out, "superseded")) << show.out;

  // Revocation ends the vendor's voice.
  Register("", /*revoke=*/true);
  Result revoked = Publish(ExampleClaim(), "revoked", "vendor2.key");
  EXPECT_EQ(revoked.code, 2);
  EXPECT_TRUE(absl::StrContains(revoked.err, "was rotated out or revoked at index"))
      << revoked.err;
}

}  // namespace
}  // namespace candor::cli
