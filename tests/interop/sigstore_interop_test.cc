// DSSE with sigstore-js (@sigstore/sign, @sigstore/verify, @sigstore/bundle,
// @sigstore/core, as the npm registry uses them), which no one here wrote,
// through candor-log's real gRPC API, fully offline (no Fulcio, Rekor, TSA
// or TUF):
//   * @sigstore/sign's DSSEBundleBuilder signs an in-toto claim (Ed25519 and
//     ECDSA P-256; key id in npm's "SHA256:<base64>" scheme, Candor's hex
//     scheme, or none) into a Sigstore bundle; its dsseEnvelope is what is
//     submitted. Candor admits it once the key is registered to the vendor
//     the claim names;
//   * Candor signs; @sigstore/verify's Verifier verifies the envelope (in a
//     bundle naming the public key) and refuses a tampered copy.
// The helper is tests/interop/dsse_sigstore.mjs. sigstore-js is pinned by
// tests/interop/sigstore/package-lock.json; third_party/setup.sh installs it
// into ~/.cache/candor/npm-sigstore. The test FAILS, saying so, if it is
// missing or not the pinned lock file.

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/registry/registry.h"
#include "log/statement/dsse.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_claims.h"

namespace candor::testing {
namespace {

using ::testing::HasSubstr;

// Debian's (or NodeSource's) node; sigstore-js 4.x/3.x needs >= 20.17.
constexpr char kNode[] = "/usr/bin/node";
constexpr char kScript[] = "tests/interop/dsse_sigstore.mjs";
constexpr char kPinnedLock[] = "tests/interop/sigstore/package-lock.json";

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

// Where third_party/setup.sh installs sigstore-js (bazel passes HOME).
std::string InstallDir() {
  const char* home = std::getenv("HOME");
  return absl::StrCat(home == nullptr ? "" : home, "/.cache/candor/npm-sigstore");
}

absl::StatusOr<CommandResult> Script(const std::string& command,
                                     std::vector<std::string> args) {
  args.insert(args.begin(), {kNode, kScript, command, "--modules",
                             InstallDir() + "/node_modules"});
  return RunCommand(args);
}

class SigstoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // No skipping: setup.sh always installs these, so their absence is a
    // broken checkout, not an optional tool.
    const std::string installed = ReadFile(InstallDir() + "/package-lock.json");
    ASSERT_FALSE(installed.empty())
        << "sigstore-js is not installed in " << InstallDir()
        << ": run third_party/setup.sh";
    ASSERT_EQ(installed, ReadFile(kPinnedLock))
        << InstallDir() << " is not the sigstore-js pinned by " << kPinnedLock
        << ": run third_party/setup.sh";
    absl::StatusOr<CommandResult> probe = RunCommand({kNode, "--version"});
    ASSERT_THAT(probe, IsOk());
    ASSERT_EQ(probe->exit_code, 0) << kNode << " does not run: " << probe->err;

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

TEST_F(SigstoreTest, CandorAdmitsWhatSigstoreSigns) {
  struct Case {
    std::string scheme, keyid, vendor, app;
  } cases[] = {
      {"ed25519", "npm", "vendor-a", "android:com.example.a"},
      {"ed25519", "candor", "vendor-b", "android:com.example.b"},
      {"ed25519", "none", "vendor-c", "android:com.example.c"},
      {"ecdsa", "npm", "vendor-d", "android:com.example.d"},
      {"ecdsa", "candor", "vendor-e", "android:com.example.e"},
      {"ecdsa", "none", "vendor-f", "android:com.example.f"},
  };
  uint64_t next = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.scheme + " " + c.keyid);
    const std::string payload = Path(c.vendor + ".payload");
    const std::string envelope = Path(c.vendor + ".dsse.json");
    const std::string bundle = Path(c.vendor + ".sigstore.json");
    const std::string pubkey = Path(c.vendor + ".pem");
    WriteFile(payload, ClaimPayload(c.vendor, c.app));
    absl::StatusOr<CommandResult> signed_ = Script(
        "sign", {"--scheme", c.scheme, "--keyid", c.keyid, "--payload", payload,
                 "--envelope", envelope, "--bundle", bundle, "--pubkey", pubkey});
    ASSERT_THAT(signed_, IsOk());
    ASSERT_EQ(signed_->exit_code, 0) << signed_->err;
    // sigstore-js writes a Sigstore bundle; the envelope is its dsseEnvelope.
    EXPECT_THAT(
        ReadFile(bundle),
        HasSubstr("\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\""));
    const std::string entry = ReadFile(envelope);

    absl::StatusOr<dsse::Envelope> env = dsse::ParseEnvelope(entry);
    ASSERT_THAT(env, IsOk());
    ASSERT_EQ(env->signatures.size(), 1u);
    const std::string& keyid = env->signatures[0].keyid;
    if (c.keyid == "npm") {
      EXPECT_EQ(keyid.rfind("SHA256:", 0), 0u) << keyid;
    } else if (c.keyid == "candor") {
      absl::StatusOr<PublicKey> pub = PublicKey::FromPem(ReadFile(pubkey));
      ASSERT_THAT(pub, IsOk());
      EXPECT_EQ(keyid, dsse::KeyId(*pub));
    } else {
      EXPECT_EQ(keyid, "");  // sigstore-js leaves the member out
      EXPECT_THAT(entry, ::testing::Not(HasSubstr("keyid")));
    }

    // Before the key is registered: refused, with the log's exact reason.
    EXPECT_THAT(
        log_->client().AddEntry(entry, false),
        StatusIs(absl::StatusCode::kPermissionDenied,
                 c.keyid == "none"
                     ? "signature 0 has no key id, and the predicate's issuer \"" +
                           c.vendor +
                           "\" is not a registered vendor whose keys could be "
                           "tried: name the signer in issuer or give the "
                           "signature its key id"
                     : "key " + keyid + " is not registered"));

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

TEST_F(SigstoreTest, SigstoreVerifiesWhatCandorSigns) {
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
        Script("verify", {"--envelope", envelope, "--pubkey", pubkey});
    ASSERT_THAT(verified, IsOk());
    EXPECT_EQ(verified->exit_code, 0) << verified->out << verified->err;
    EXPECT_EQ(verified->out, "verified\n");

    // A statement other than the one signed.
    dsse::Envelope tampered = *dsse::ParseEnvelope(*entry);
    tampered.payload += " ";
    WriteFile(envelope, dsse::SerializeEnvelope(tampered));
    verified = Script("verify", {"--envelope", envelope, "--pubkey", pubkey});
    ASSERT_THAT(verified, IsOk());
    EXPECT_EQ(verified->exit_code, 1) << verified->out << verified->err;
    EXPECT_EQ(verified->out,
              "not verified: VerificationError: SIGNATURE_ERROR: signature "
              "verification failed\n");
  }
}

}  // namespace
}  // namespace candor::testing
