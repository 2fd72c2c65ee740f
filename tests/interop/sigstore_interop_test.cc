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
#include <memory>
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
#include "tests/interop/dsse_interop_fixture.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_files.h"
#include "tests/support/test_claims.h"

namespace candor::testing {
namespace {

using ::testing::HasSubstr;

// Debian's (or NodeSource's) node; sigstore-js 4.x/3.x needs >= 20.17.
constexpr char kNode[] = "/usr/bin/node";
constexpr char kScript[] = "tests/interop/dsse_sigstore.mjs";
constexpr char kPinnedLock[] = "tests/interop/sigstore/package-lock.json";

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

class SigstoreTest : public DsseInteropTest {
 protected:
  void SetUp() override {
    // No skipping: setup.sh always installs these, so their absence is a
    // broken checkout, not an optional tool.
    const std::string installed = ReadTestFile(InstallDir() + "/package-lock.json");
    ASSERT_FALSE(installed.empty())
        << "sigstore-js is not installed in " << InstallDir()
        << ": run third_party/setup.sh";
    ASSERT_EQ(installed, ReadTestFile(kPinnedLock))
        << InstallDir() << " is not the sigstore-js pinned by " << kPinnedLock
        << ": run third_party/setup.sh";
    absl::StatusOr<CommandResult> probe = RunCommand({kNode, "--version"});
    ASSERT_THAT(probe, IsOk());
    ASSERT_EQ(probe->exit_code, 0) << kNode << " does not run: " << probe->err;

    StartLog();
  }
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
    const std::string payload = TempPath(c.vendor + ".payload");
    const std::string envelope = TempPath(c.vendor + ".dsse.json");
    const std::string bundle = TempPath(c.vendor + ".sigstore.json");
    const std::string pubkey = TempPath(c.vendor + ".pem");
    WriteTestFile(payload, ClaimPayload(c.vendor, c.app));
    absl::StatusOr<CommandResult> signed_ = Script(
        "sign", {"--scheme", c.scheme, "--keyid", c.keyid, "--payload", payload,
                 "--envelope", envelope, "--bundle", bundle, "--pubkey", pubkey});
    ASSERT_THAT(signed_, IsOk());
    ASSERT_EQ(signed_->exit_code, 0) << signed_->err;
    // sigstore-js writes a Sigstore bundle; the envelope is its dsseEnvelope.
    EXPECT_THAT(
        ReadTestFile(bundle),
        HasSubstr("\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\""));
    const std::string entry = ReadTestFile(envelope);

    absl::StatusOr<dsse::Envelope> env = dsse::ParseEnvelope(entry);
    ASSERT_THAT(env, IsOk());
    ASSERT_EQ(env->signatures.size(), 1u);
    const std::string& keyid = env->signatures[0].keyid;
    if (c.keyid == "npm") {
      EXPECT_EQ(keyid.rfind("SHA256:", 0), 0u) << keyid;
    } else if (c.keyid == "candor") {
      absl::StatusOr<PublicKey> pub = PublicKey::FromPem(ReadTestFile(pubkey));
      ASSERT_THAT(pub, IsOk());
      EXPECT_EQ(keyid, dsse::KeyId(*pub));
    } else {
      EXPECT_EQ(keyid, "");  // sigstore-js leaves the member out
      EXPECT_THAT(entry, ::testing::Not(HasSubstr("keyid")));
    }

    ExpectAdmittedOnceRegistered(entry, keyid, c.vendor, c.app, ReadTestFile(pubkey), next);
  }
}

TEST_F(SigstoreTest, SigstoreVerifiesWhatCandorSigns) {
  for (KeyType type : {KeyType::kEd25519, KeyType::kEcdsaP256}) {
    const std::string name = type == KeyType::kEd25519 ? "ed25519" : "p256";
    SCOPED_TRACE(name);
    PrivateKey key = *PrivateKey::Generate(type);
    const CandorEnvelope signed_ = WriteCandorEnvelope(key, name);
    absl::StatusOr<CommandResult> verified = Script(
        "verify", {"--envelope", signed_.envelope_path, "--pubkey", signed_.pubkey_path});
    ASSERT_THAT(verified, IsOk());
    EXPECT_EQ(verified->exit_code, 0) << verified->out << verified->err;
    EXPECT_EQ(verified->out, "verified\n");

    WriteTampered(signed_);
    verified = Script(
        "verify", {"--envelope", signed_.envelope_path, "--pubkey", signed_.pubkey_path});
    ASSERT_THAT(verified, IsOk());
    EXPECT_EQ(verified->exit_code, 1) << verified->out << verified->err;
    EXPECT_EQ(verified->out,
              "not verified: VerificationError: SIGNATURE_ERROR: signature "
              "verification failed\n");
  }
}

}  // namespace
}  // namespace candor::testing
