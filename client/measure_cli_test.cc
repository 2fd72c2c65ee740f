// The auditor's workflow against a real log: from a HAR capture and an
// identities file to a logged measurement with a receipt.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "client/cli.h"
#include "client/cli_testing.h"
#include "gtest/gtest.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "log/keyfile/keyfile.h"
#include "log/statement/statement.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/testdata.h"

namespace candor::cli {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::LogFixture;
using ::candor::testing::ReadFileToString;

constexpr char kTestdata[] = "verifier/detect/testdata/";

class MeasureCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/measure");
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_THAT(log_.Start(), IsOk());
    ASSERT_THAT(keyfile::WriteSecretFile(P("admin.key"), log_.admin_key().Pkcs8Pem()), IsOk());
    ASSERT_THAT(keyfile::WritePublicFile(P("log.pub"),
                                         log_.log_signer().verifier().EncodedKey()),
                IsOk());
    ASSERT_EQ(Candor({"keygen", "--name", "lab", "--out", dir_}).code, 0);
    Result reg = Candor({"register", "--log", log_.address(), "--admin_key", P("admin.key"),
                         "--role", "auditor", "--name", "lab-one", "--pub", P("lab.pub"),
                         "--wait"});
    ASSERT_EQ(reg.code, 0) << reg.err;
  }
  std::string P(const std::string& name) { return dir_ + "/" + name; }

  std::string dir_;
  // The test captures were made in 2024: this log admits measurements of
  // runs that ended up to ten years before its clock.
  LogFixture log_{{.name = "measure-log",
                   .admission = {.max_time_skew = absl::Hours(24 * 365 * 10)}}};
};

TEST_F(MeasureCliTest, FromCaptureToLoggedMeasurementWithReceipt) {
  Result measured = Candor(
      {"measure", "har", "--har", absl::StrCat(kTestdata, "mitmproxy_android.har"),
       "--identities", absl::StrCat(kTestdata, "identities.json"), "--app",
       "android:com.example.app", "--app_version", "3.2.1", "--auditor", "lab-one",
       "--consent", "declined", "--vantage_country", "DE", "--device_model", "Pixel 7",
       "--os", "android", "--os_version", "14", "--key", P("lab.key"), "--out",
       P("m.envelope")});
  ASSERT_EQ(measured.code, 0) << measured.err;
  EXPECT_TRUE(absl::StartsWith(measured.err, "candor measure har: ")) << measured.err;
  EXPECT_TRUE(absl::StrContains(measured.err, " detections, ")) << measured.err;

  Result submitted = Candor({"measure", "submit", "--log", log_.address(), P("m.envelope"),
                             "--log_pub", P("log.pub"), "--proof_out", P("m.tlog-proof")});
  ASSERT_EQ(submitted.code, 0) << submitted.err;
  Result verified = Candor({"verify", "inclusion", "--log_pub", P("log.pub"), "--proof",
                            P("m.tlog-proof"), "--entry", P("m.envelope")});
  EXPECT_EQ(verified.code, 0) << verified.err;
}

TEST_F(MeasureCliTest, MeasurementsFromOtherToolsAreValidatedTheSameWay) {
  ASSERT_THAT(keyfile::WritePublicFile(
                  P("m.json"),
                  R"({"app":"android:com.example.app","auditor":"lab-one","consent":"NO_INTERACTION",)"
                  R"("vantageCountry":"DE","startTime":"2026-01-01T00:00:00Z","endTime":"2026-01-01T01:00:00Z"})"),
              IsOk());
  Result missing = Candor({"measure", "sign", "--measurement", P("m.json"), "--key", P("lab.key")});
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err,
            "candor measure sign: measurement capture_sha256 is missing: give the "
            "SHA-256 of the raw capture\n");
  ASSERT_THAT(keyfile::WritePublicFile(P("bad.json"), R"({"app": 7})"), IsOk());
  Result bad = Candor({"measure", "sign", "--measurement", P("bad.json"), "--key", P("lab.key")});
  EXPECT_EQ(bad.code, 2);
  EXPECT_TRUE(absl::StartsWith(
      bad.err, "candor measure sign: predicate is not a valid candor.measurement.v1.Measurement"))
      << bad.err;
  Result no_har = Candor({"measure", "har", "--har", P("nope.har"), "--identities",
                          absl::StrCat(kTestdata, "identities.json"), "--app",
                          "android:com.example.app", "--auditor", "lab-one", "--consent",
                          "declined", "--vantage_country", "DE"});
  EXPECT_EQ(no_har.code, 2);
  EXPECT_TRUE(absl::StrContains(no_har.err, "nope.har")) << no_har.err;
}

// `measure har --apk`: the measurement names the build by the file's SHA-256,
// its signed statement's subject is that binary, the log admits it, and
// `claims --binary_sha256` finds the app through it.
TEST_F(MeasureCliTest, TheApkMeasuredIsTheSubject) {
  const std::string apk_bytes = std::string("PK\x03\x04\0measured build", 18);
  std::ofstream(P("app.apk"), std::ios::binary) << apk_bytes;
  const std::string hex = HexEncode(DigestBytes(Sha256(apk_bytes)));
  std::vector<std::string> argv = {
      "measure", "har", "--har", absl::StrCat(kTestdata, "mitmproxy_android.har"),
      "--identities", absl::StrCat(kTestdata, "identities.json"), "--app",
      "android:com.example.app", "--app_version", "3.2.1", "--auditor", "lab-one",
      "--consent", "declined", "--vantage_country", "DE", "--apk", P("app.apk"),
      "--key", P("lab.key"), "--out", P("m.envelope")};
  Result measured = Candor(argv);
  ASSERT_EQ(measured.code, 0) << measured.err;
  absl::StatusOr<std::string> envelope = ReadFileToString(P("m.envelope"));
  ASSERT_THAT(envelope, IsOk());
  absl::StatusOr<SignedStatement> st = ParseSignedStatement(
      std::string(absl::StripTrailingAsciiWhitespace(*envelope)));
  ASSERT_THAT(st, IsOk());
  ASSERT_EQ(st->statement.subjects.size(), 1u);
  EXPECT_EQ(st->statement.subjects[0].name, "android:com.example.app@3.2.1");
  EXPECT_EQ(st->statement.subjects[0].digest.at("sha256"), hex);
  EXPECT_EQ(st->statement.subjects[0].annotations.at("version"), "3.2.1");
  EXPECT_TRUE(absl::StrContains(st->statement.predicate_json,
                                absl::StrCat("\"binarySha256\":\"", hex, "\"")))
      << st->statement.predicate_json;

  Result submitted = Candor({"measure", "submit", "--log", log_.address(), P("m.envelope"),
                             "--wait"});
  ASSERT_EQ(submitted.code, 0) << submitted.err;
  // No vendor has claimed anything, but the measurement says which app the
  // binary is.
  Result claims = Candor({"claims", "--log", log_.address(), "--log_pub", P("log.pub"),
                          "--binary_sha256", hex});
  ASSERT_EQ(claims.code, 0) << claims.err;
  EXPECT_EQ(claims.out, absl::StrCat("binary ", hex,
                                     " is android:com.example.app version 3.2.1\n"
                                     "no claim about android:com.example.app covers "
                                     "this binary\n"));

  // --binary_sha256 with --apk must agree.
  argv.push_back("--binary_sha256");
  argv.push_back(std::string(64, '0'));
  Result disagree = Candor(argv);
  EXPECT_EQ(disagree.code, 2);
  EXPECT_EQ(disagree.err,
            absl::StrCat("candor measure har: --binary_sha256 ", std::string(64, '0'),
                         " is not the SHA-256 of --apk ", P("app.apk"), " (", hex,
                         "); give one of them\n"));
}

}  // namespace
}  // namespace candor::cli
