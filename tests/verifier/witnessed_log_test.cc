// Witnessing end to end: a candor-log on 127.0.0.1 whose witnesses (a 2-of-3
// policy; in-process, a and b cosign every checkpoint, c is down) cosign its
// checkpoints. The candor CLI with --policy fetches the witnessed
// checkpoint, proves against it and watches it; candor-verifier with a
// witness policy follows only witnessed checkpoints. A stricter policy (all
// three) refuses what the log has, naming who cosigned and who is missing.

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/cli_testing.h"
#include "client/verifier_client.h"
#include "gtest/gtest.h"
#include "base/http/http_client.h"
#include "log/keyfile/keyfile.h"
#include "log/note/note.h"
#include "log/note/policy.h"
#include "log/witness/witness_client.h"
#include "log/witness/witnessing.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "verifier/reference/psl.h"
#include "verifier/reference/resolver.h"
#include "verifier/server/verifier_server.h"

namespace candor {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::LogFixture;
using cli::Candor;
using cli::Result;

// Witnesses a, b and c of a 2-of-3 policy, in-process: a and b cosign every
// checkpoint they are sent; c is down.
class WitnessedLogCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/witnessed_log_cli");
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::map<std::string, note::Signer> up;
    std::string lines;
    for (const char* name : {"a", "b", "c"}) {
      note::Signer w = *note::Signer::GenerateCosigner(absl::StrCat("w.example/", name));
      const std::string url = absl::StrCat("http://127.0.0.1:9/", name);
      absl::StrAppend(&lines, "witness ", name, " ", w.verifier().EncodedKey(), " ", url, "\n");
      if (std::string(name) != "c") up.emplace(url, std::move(w));
    }
    policy_ = absl::StrCat(lines, "group two 2 a b c\nquorum two\n");
    Write("policy", policy_);
    Write("strict", absl::StrCat(lines, "group all all a b c\nquorum all\n"));
    testing::LogFixtureOptions options;
    options.name = "witnessed-cli-log";
    options.witness_policy = *note::Policy::Parse(policy_);
    options.witness_post = [up](const std::string& url, const std::string& body,
                                absl::Time) -> absl::StatusOr<http::HttpReply> {
      auto it = up.find(url);
      if (it == up.end()) return absl::UnavailableError("witness c is down");
      absl::StatusOr<note::Note> checkpoint = note::Parse(body.substr(body.find("\n\n") + 2));
      if (!checkpoint.ok()) return checkpoint.status();
      absl::StatusOr<std::string> line =
          note::Cosign(checkpoint->text, it->second, absl::ToUnixSeconds(absl::Now()));
      if (!line.ok()) return line.status();
      return http::HttpReply{200, "text/plain; charset=utf-8", *line, ""};
    };
    log_ = std::make_unique<LogFixture>(options);
    ASSERT_THAT(log_->Start(), IsOk());
    Write("log.pub", log_->log_signer().verifier().EncodedKey());
  }

  // A candor-verifier following the log under the witness policy `policy`.
  std::unique_ptr<verifier::VerifierServer> StartVerifier(const std::string& policy,
                                                          const std::string& db) {
    verifier::VerifierServerConfig config;
    config.data_dir = P(db);
    config.log_address = log_->address();
    config.core.name = "watchdog";
    config.core.key = *keyfile::ReadPrivateKey(P("watchdog.key"));
    config.core.log_key = log_->log_signer().verifier();
    config.core.admin_key = log_->admin_key().public_key();
    config.core.witness_policy = *note::Policy::Parse(policy);
    config.tables = *reference::PartsResolver::Create(*reference::PublicSuffixList::Load(), {});
    config.poll_interval = absl::Milliseconds(50);
    absl::StatusOr<std::unique_ptr<verifier::VerifierServer>> server =
        verifier::VerifierServer::Start(std::move(config));
    EXPECT_THAT(server, IsOk());
    return server.ok() ? *std::move(server) : nullptr;
  }

  std::string P(const std::string& name) const { return dir_ + "/" + name; }
  std::string Write(const std::string& name, const std::string& content) {
    EXPECT_THAT(keyfile::WritePublicFile(P(name), content), IsOk());
    return P(name);
  }

  std::string dir_;
  std::string policy_;
  std::unique_ptr<LogFixture> log_;
};

TEST_F(WitnessedLogCliTest, CheckpointProveAndWatchUseTheWitnessedCheckpoint) {
  ASSERT_THAT(log_->RegisterVendor("vendor"), IsOk());
  ASSERT_THAT(log_->server().witnessing()->WaitForWitnessed(
                  1, absl::Now() + absl::Seconds(60)),
              IsOk());

  // The log's status says what each witness last did.
  Result status = Candor({"log", "status", "--log", log_->address()});
  ASSERT_EQ(status.code, 0) << status.err;
  EXPECT_TRUE(absl::StartsWith(status.out,
                               "log example.com/candor-test: 1 entries\n"
                               "newest witnessed checkpoint: size 1\n"
                               "witness a (http://127.0.0.1:9/a): cosigned size 1 at "))
      << status.out;
  EXPECT_TRUE(absl::StrContains(status.out, "\nwitness b (http://127.0.0.1:9/b): cosigned size 1 at "))
      << status.out;
  EXPECT_TRUE(absl::EndsWith(status.out,
                             "\nwitness c (http://127.0.0.1:9/c): nothing cosigned yet; last "
                             "request failed: witness c: witness c is down\n"))
      << status.out;

  Result cp = Candor({"checkpoint", "--log", log_->address(), "--log_pub", P("log.pub"),
                      "--policy", P("policy")});
  ASSERT_EQ(cp.code, 0) << cp.err;
  EXPECT_TRUE(absl::StrContains(cp.out, "\n\xe2\x80\x94 w.example/a ")) << cp.out;
  EXPECT_TRUE(absl::StrContains(cp.out, "\n\xe2\x80\x94 w.example/b ")) << cp.out;
  Result checked = Candor({"verify", "checkpoint", "--log_pub", P("log.pub"), "--policy",
                           P("policy"), Write("cp", cp.out)});
  EXPECT_EQ(checked.code, 0) << checked.err;

  // The proof is to the witnessed checkpoint, and checks offline with the
  // policy.
  Result proved = Candor({"prove", "inclusion", "--log", log_->address(), "--index", "0",
                          "--policy", P("policy"), "--log_pub", P("log.pub"), "--out",
                          P("p.tlog-proof")});
  ASSERT_EQ(proved.code, 0) << proved.err;
  Result entry = Candor({"get", "--log", log_->address(), "--index", "0"});
  ASSERT_EQ(entry.code, 0) << entry.err;
  Result included = Candor({"verify", "inclusion", "--log_pub", P("log.pub"), "--policy",
                            P("policy"), "--proof", P("p.tlog-proof"), "--entry",
                            Write("entry", entry.out)});
  EXPECT_EQ(included.code, 0) << included.err;
  EXPECT_TRUE(absl::StartsWith(included.out,
                               "OK: entry 0 is in the log \"example.com/candor-test\" of size "
                               "1\n  cosigned by a (at "))
      << included.out;

  Result watch = Candor({"watch", "--log", log_->address(), "--log_pub", P("log.pub"),
                         "--policy", P("policy"), "--name", "vendor", "--once"});
  EXPECT_EQ(watch.code, 0) << watch.err;
  EXPECT_TRUE(absl::EndsWith(watch.out, "verified the log up to size 1\n")) << watch.out;

  // A policy that needs c too: what the log has witnessed is not enough.
  const std::string below =
      "the log's checkpoint does not verify: checkpoint example.com/candor-test at size 1 "
      "does not meet the witness quorum \"all\": cosigned by a, b; missing c\n";
  Result strict = Candor({"checkpoint", "--log", log_->address(), "--log_pub", P("log.pub"),
                          "--policy", P("strict")});
  EXPECT_EQ(strict.code, 1);
  EXPECT_EQ(strict.err, absl::StrCat("candor checkpoint: ", below));
  Result strict_watch = Candor({"watch", "--log", log_->address(), "--log_pub", P("log.pub"),
                                "--policy", P("strict"), "--name", "vendor", "--once"});
  EXPECT_EQ(strict_watch.code, 1);
  EXPECT_EQ(strict_watch.err, absl::StrCat("candor watch: ", below));
  Result strict_prove = Candor({"prove", "inclusion", "--log", log_->address(), "--index", "0",
                                "--policy", P("strict"), "--log_pub", P("log.pub")});
  EXPECT_EQ(strict_prove.code, 1);
  EXPECT_EQ(strict_prove.err, absl::StrCat("candor prove inclusion: ", below));
}


TEST_F(WitnessedLogCliTest, TheVerifierFollowsOnlyWitnessedCheckpoints) {
  ASSERT_EQ(Candor({"keygen", "--name", "watchdog", "--out", dir_}).code, 0);
  ASSERT_THAT(keyfile::WriteSecretFile(P("admin.key"), log_->admin_key().Pkcs8Pem()), IsOk());
  Result reg = Candor({"register", "--log", log_->address(), "--admin_key", P("admin.key"),
                       "--role", "verifier", "--name", "watchdog", "--pub", P("watchdog.pub"),
                       "--wait"});
  ASSERT_EQ(reg.code, 0) << reg.err;
  ASSERT_THAT(log_->server().witnessing()->WaitForWitnessed(
                  1, absl::Now() + absl::Seconds(60)),
              IsOk());

  std::unique_ptr<verifier::VerifierServer> verifier = StartVerifier(policy_, "verifier-db");
  ASSERT_NE(verifier, nullptr);
  client::ClientOptions options;
  options.timeout = absl::Seconds(60);
  client::VerifierClient client(verifier->address(), options);
  const absl::Time deadline = absl::Now() + absl::Minutes(2);
  absl::StatusOr<verifier::v1::GetStatusResponse> status;
  while (true) {
    const uint64_t round = verifier->rounds();
    status = client.GetStatus();
    ASSERT_THAT(status, IsOk());
    if (status->followed_size() >= 1) break;
    ASSERT_THAT(verifier->WaitForRounds(round + 1, deadline), IsOk()) << status->last_error();
  }
  // What it verified, and would put in a finding bundle, is the cosigned note.
  EXPECT_TRUE(absl::StrContains(status->checkpoint(), "\n\xe2\x80\x94 w.example/a "))
      << status->checkpoint();
  EXPECT_TRUE(absl::StrContains(status->checkpoint(), "\n\xe2\x80\x94 w.example/b "))
      << status->checkpoint();
  verifier.reset();

  // Under a policy that needs c too, it follows nothing and says why.
  std::unique_ptr<verifier::VerifierServer> strict = StartVerifier(
      *keyfile::ReadSmallFile(P("strict")), "strict-db");
  ASSERT_NE(strict, nullptr);
  ASSERT_THAT(strict->WaitForRounds(2, deadline), IsOk());
  client::VerifierClient strict_client(strict->address(), options);
  absl::StatusOr<verifier::v1::GetStatusResponse> refused = strict_client.GetStatus();
  ASSERT_THAT(refused, IsOk());
  EXPECT_EQ(refused->followed_size(), 0u);
  EXPECT_TRUE(absl::StartsWith(
      refused->last_error(),
      "the log's checkpoint does not verify: checkpoint example.com/candor-test at size "))
      << refused->last_error();
  EXPECT_TRUE(absl::EndsWith(refused->last_error(),
                             "does not meet the witness quorum \"all\": cosigned by a, b; "
                             "missing c"))
      << refused->last_error();
}

}  // namespace
}  // namespace candor
