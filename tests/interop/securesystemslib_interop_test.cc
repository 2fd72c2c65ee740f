// DSSE with Python's securesystemslib (Debian python3-securesystemslib), which
// no one here wrote, through candor-log's real gRPC API:
//   * securesystemslib signs an in-toto claim (Ed25519 and ECDSA P-256, with
//     its own key id scheme or no key id at all); Candor admits it once the
//     key is registered to the vendor the claim names;
//   * Candor signs; securesystemslib verifies, and refuses a tampered copy.
// The helper is tests/interop/dsse_securesystemslib.py. Skipped, saying so,
// if securesystemslib is not installed (third_party/setup.sh installs it).

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "log/registry/registry.h"
#include "log/statement/dsse.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_claims.h"
#include "tests/support/subprocess.h"

namespace candor::testing {
namespace {

// Debian's interpreter, where python3-securesystemslib installs.
constexpr char kPython[] = "/usr/bin/python3";
constexpr char kScript[] = "tests/interop/dsse_securesystemslib.py";

std::string Path(const std::string& name) {
  return absl::StrCat(::testing::TempDir(), "/", name);
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::StatusOr<CommandResult> Script(std::vector<std::string> args) {
  args.insert(args.begin(), {kPython, kScript});
  return RunCommand(args);
}

class SecuresystemslibTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<CommandResult> probe =
        RunCommand({kPython, "-c", "import securesystemslib"});
    if (!probe.ok() || probe->exit_code != 0) {
      GTEST_SKIP() << "python3-securesystemslib is not installed (run "
                      "third_party/setup.sh, or apt-get install "
                      "python3-securesystemslib): the interop test is skipped";
    }
    log_ = std::make_unique<LogFixture>(LogFixtureOptions{
        .name = ::testing::UnitTest::GetInstance()->current_test_info()->name(),
        .clock = [this] { return now_; }});
    ASSERT_THAT(log_->Start(), IsOk());
  }

  // An in-toto statement of a claim by `vendor` about `app`.
  std::string ClaimPayload(const std::string& vendor, const std::string& app) {
    return SerializeStatement(MinimalClaimStatement(app, vendor, now_, now_));
  }

  absl::Time now_ = absl::FromUnixSeconds(1800000000);
  std::unique_ptr<LogFixture> log_;
};

TEST_F(SecuresystemslibTest, CandorAdmitsWhatSecuresystemslibSigns) {
  struct Case {
    std::string scheme, keyid, vendor, app;
  } cases[] = {
      {"ed25519", "sslib", "vendor-a", "android:com.example.a"},
      {"ed25519", "none", "vendor-b", "android:com.example.b"},
      {"ecdsa", "sslib", "vendor-c", "android:com.example.c"},
      {"ecdsa", "none", "vendor-d", "android:com.example.d"},
  };
  uint64_t next = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.scheme + " " + c.keyid);
    const std::string payload = Path(c.vendor + ".payload");
    const std::string envelope = Path(c.vendor + ".dsse.json");
    const std::string pubkey = Path(c.vendor + ".pem");
    WriteFile(payload, ClaimPayload(c.vendor, c.app));
    absl::StatusOr<CommandResult> signed_ =
        Script({"sign", "--scheme", c.scheme, "--keyid", c.keyid, "--payload",
                payload, "--envelope", envelope, "--pubkey", pubkey});
    ASSERT_THAT(signed_, IsOk());
    ASSERT_EQ(signed_->exit_code, 0) << signed_->err;
    const std::string entry = ReadFile(envelope);

    // Before the key is registered: refused, with the log's exact reason.
    absl::StatusOr<dsse::Envelope> env = dsse::ParseEnvelope(entry);
    ASSERT_THAT(env, IsOk());
    EXPECT_THAT(
        log_->client().AddEntry(entry, false),
        StatusIs(absl::StatusCode::kPermissionDenied,
                 c.keyid == "none"
                     ? "signature 0 has no key id, and the predicate's issuer \"" +
                           c.vendor +
                           "\" is not a registered vendor whose keys could be "
                           "tried: name the signer in issuer or give the "
                           "signature its key id"
                     : "key " + env->signatures[0].keyid + " is not registered"));

    registry::Registration r;
    r.set_name(c.vendor);
    r.set_role(registry::v1::VENDOR);
    r.add_public_keys(ReadFile(pubkey));
    r.mutable_scope()->add_apps(c.app);
    auto registered = log_->client().AddEntry(log_->RegistrationEntry(r), false);
    ASSERT_THAT(registered, IsOk());
    EXPECT_EQ(registered->index(), next++);

    auto added = log_->client().AddEntry(entry, /*wait_for_inclusion=*/true);
    ASSERT_THAT(added, IsOk());
    EXPECT_FALSE(added->duplicate());
    EXPECT_EQ(added->index(), next++);
  }
}

TEST_F(SecuresystemslibTest, SecuresystemslibVerifiesWhatCandorSigns) {
  for (KeyType type : {KeyType::kEd25519, KeyType::kEcdsaP256}) {
    const std::string name = type == KeyType::kEd25519 ? "ed25519" : "p256";
    SCOPED_TRACE(name);
    PrivateKey key = *PrivateKey::Generate(type);
    absl::StatusOr<Statement> st =
        ParseStatement(ClaimPayload("example", "android:com.example.app"));
    ASSERT_THAT(st, IsOk());
    absl::StatusOr<std::string> entry = SignStatement(*st, key);
    ASSERT_THAT(entry, IsOk());
    const std::string envelope = Path(name + ".candor.dsse.json");
    const std::string pubkey = Path(name + ".candor.pem");
    WriteFile(envelope, *entry);
    WriteFile(pubkey, key.public_key().Pem());
    absl::StatusOr<CommandResult> verified =
        Script({"verify", "--envelope", envelope, "--pubkey", pubkey});
    ASSERT_THAT(verified, IsOk());
    EXPECT_EQ(verified->exit_code, 0) << verified->out << verified->err;
    EXPECT_EQ(verified->out, "verified\n");

    // A statement other than the one signed.
    dsse::Envelope tampered = *dsse::ParseEnvelope(*entry);
    tampered.payload += " ";
    WriteFile(envelope, dsse::SerializeEnvelope(tampered));
    verified = Script({"verify", "--envelope", envelope, "--pubkey", pubkey});
    ASSERT_THAT(verified, IsOk());
    EXPECT_EQ(verified->exit_code, 1) << verified->out << verified->err;
    EXPECT_EQ(verified->out.rfind("not verified: UnverifiedSignatureError", 0), 0u)
        << verified->out;
  }
}

}  // namespace
}  // namespace candor::testing
