// DSSE with Python's securesystemslib (Debian python3-securesystemslib), which
// no one here wrote, through candor-log's real gRPC API:
//   * securesystemslib signs an in-toto claim (Ed25519 and ECDSA P-256, with
//     its own key id scheme or no key id at all); Candor admits it once the
//     key is registered to the vendor the claim names;
//   * Candor signs; securesystemslib verifies, and refuses a tampered copy.
// The helper is tests/interop/dsse_securesystemslib.py. Fails, saying so, if
// securesystemslib is missing (third_party/setup.sh installs it).

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "log/registry/registry.h"
#include "log/statement/dsse.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "tests/interop/dsse_interop_fixture.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_claims.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_files.h"

namespace candor::testing {
namespace {

// Debian's interpreter, where python3-securesystemslib installs.
constexpr char kPython[] = "/usr/bin/python3";
constexpr char kScript[] = "tests/interop/dsse_securesystemslib.py";

absl::StatusOr<CommandResult> Script(std::vector<std::string> args) {
  args.insert(args.begin(), {kPython, kScript});
  return RunCommand(args);
}

class SecuresystemslibTest : public DsseInteropTest {
 protected:
  void SetUp() override {
    // No skipping: setup.sh always installs it, so its absence is a broken
    // machine, not an optional tool.
    absl::StatusOr<CommandResult> probe =
        RunCommand({kPython, "-c", "import securesystemslib"});
    ASSERT_THAT(probe, IsOk());
    ASSERT_EQ(probe->exit_code, 0)
        << "python3-securesystemslib is not installed: run third_party/setup.sh";
    StartLog();
  }
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
    const std::string payload = TempPath(c.vendor + ".payload");
    const std::string envelope = TempPath(c.vendor + ".dsse.json");
    const std::string pubkey = TempPath(c.vendor + ".pem");
    WriteTestFile(payload, ClaimPayload(c.vendor, c.app));
    absl::StatusOr<CommandResult> signed_ =
        Script({"sign", "--scheme", c.scheme, "--keyid", c.keyid, "--payload",
                payload, "--envelope", envelope, "--pubkey", pubkey});
    ASSERT_THAT(signed_, IsOk());
    ASSERT_EQ(signed_->exit_code, 0) << signed_->err;
    const std::string entry = ReadTestFile(envelope);
    absl::StatusOr<dsse::Envelope> env = dsse::ParseEnvelope(entry);
    ASSERT_THAT(env, IsOk());
    ExpectAdmittedOnceRegistered(entry, env->signatures[0].keyid, c.vendor, c.app,
                                 ReadTestFile(pubkey), next);
  }
}

TEST_F(SecuresystemslibTest, SecuresystemslibVerifiesWhatCandorSigns) {
  for (KeyType type : {KeyType::kEd25519, KeyType::kEcdsaP256}) {
    const std::string name = type == KeyType::kEd25519 ? "ed25519" : "p256";
    SCOPED_TRACE(name);
    PrivateKey key = *PrivateKey::Generate(type);
    const CandorEnvelope signed_ = WriteCandorEnvelope(key, name);
    absl::StatusOr<CommandResult> verified = Script(
        {"verify", "--envelope", signed_.envelope_path, "--pubkey", signed_.pubkey_path});
    ASSERT_THAT(verified, IsOk());
    EXPECT_EQ(verified->exit_code, 0) << verified->out << verified->err;
    EXPECT_EQ(verified->out, "verified\n");

    WriteTampered(signed_);
    verified = Script(
        {"verify", "--envelope", signed_.envelope_path, "--pubkey", signed_.pubkey_path});
    ASSERT_THAT(verified, IsOk());
    EXPECT_EQ(verified->exit_code, 1) << verified->out << verified->err;
    EXPECT_EQ(verified->out.rfind("not verified: UnverifiedSignatureError", 0), 0u)
        << verified->out;
  }
}

}  // namespace
}  // namespace candor::testing
