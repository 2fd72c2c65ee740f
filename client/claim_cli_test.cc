// The vendor's workflow end to end against a real log: from nothing to a
// published, verifiable claim (the README's example), the validator's
// refusals, supersession, key rotation and revocation.

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "client/cli.h"
#include "client/cli_testing.h"
#include "gtest/gtest.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "log/keyfile/keyfile.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/testdata.h"
#include "verifier/claim/data_safety.h"

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

  // The command's output read through the verifiable index (the default)
  // is the output of reading the whole log (--scan), and says so on stderr.
  // Both as of one moment, which the listing prints.
  void ExpectIndexAgreesWithScan(std::vector<std::string> argv) {
    argv.push_back("--at");
    argv.push_back(absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()));
    Result indexed = Candor(argv);
    ASSERT_EQ(indexed.code, 0) << indexed.err;
    EXPECT_TRUE(absl::StrContains(indexed.err, "in the log's verifiable index, complete for "
                                               "its tree of "))
        << indexed.err;
    argv.push_back("--scan");
    Result scanned = Candor(argv);
    ASSERT_EQ(scanned.code, 0) << scanned.err;
    EXPECT_EQ(indexed.out, scanned.out) << absl::StrJoin(argv, " ");
    EXPECT_EQ(scanned.err, "");
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

// A Play Data safety form (the whole of it but the usage rows of undeclared
// types) that collects email addresses and shares device IDs.
std::string PlayForm() {
  std::string csv = absl::StrCat(claim::kDataSafetyHeader, "\n",
                                 "PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA,,true,REQUIRED,"
                                 "\"Collects, or shares?\"\n");
  for (const claim::PlayDataType& t : claim::PlayDataTypes()) {
    const bool declared = t.play_id == "PSL_EMAIL" || t.play_id == "PSL_DEVICE_ID";
    absl::StrAppend(&csv, t.group, ",", t.play_id, ",", declared ? "true" : "",
                    ",MULTIPLE_CHOICE,x\n");
  }
  const std::string email = "PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:";
  const std::string ids = "PSL_DATA_USAGE_RESPONSES:PSL_DEVICE_ID:";
  absl::StrAppend(
      &csv, email, "PSL_DATA_USAGE_COLLECTION_AND_SHARING,PSL_DATA_USAGE_ONLY_COLLECTED,true,,x\n",
      email, "PSL_DATA_USAGE_EPHEMERAL,,false,,x\n", email,
      "DATA_USAGE_COLLECTION_PURPOSE,PSL_ACCOUNT_MANAGEMENT,true,,x\n", ids,
      "PSL_DATA_USAGE_COLLECTION_AND_SHARING,PSL_DATA_USAGE_ONLY_SHARED,true,,x\n", ids,
      "DATA_USAGE_SHARING_PURPOSE,PSL_ADVERTISING,true,,x\n");
  return csv;
}

TEST_F(ClaimCliTest, ImportsSignsAndPublishesAPlayDataSafetyForm) {
  ASSERT_THAT(keyfile::WritePublicFile(P("form.csv"), PlayForm()), IsOk());
  Result imported = Candor({"claim", "import", "--play-data-safety", P("form.csv"), "--app",
                            "android:com.example.app", "--issuer", "example-corp", "--out",
                            P("play.json")});
  ASSERT_EQ(imported.code, 0) << imported.err;
  EXPECT_TRUE(absl::StrContains(
      imported.err, "row 43 (PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:DATA_USAGE_COLLECTION_"
                    "PURPOSE,PSL_ACCOUNT_MANAGEMENT): purpose; traffic cannot show why "
                    "data is sent"))
      << imported.err;
  absl::StatusOr<std::string> read = ReadFileToString(P("play.json"));
  ASSERT_THAT(read.status(), IsOk());
  const std::string json = *read;
  EXPECT_TRUE(absl::StrContains(json, "\"DATA_SAFETY_FORM\"")) << json;
  EXPECT_TRUE(absl::StrContains(json, "\"LEGAL_REQUEST\"")) << json;

  Result submitted = Publish(json, "play");
  ASSERT_EQ(submitted.code, 0) << submitted.err;
  Result claims = Candor({"claims", "--log", log_.address(), "--log_pub", P("log.pub"),
                          "--app", "android:com.example.app"});
  ASSERT_EQ(claims.code, 0) << claims.err;
  EXPECT_TRUE(absl::StrContains(claims.out, "in force")) << claims.out;

  // Never overwrites; a form that is not Play's is refused with the row.
  Result again = Candor({"claim", "import", "--play-data-safety", P("form.csv"), "--app",
                         "android:com.example.app", "--issuer", "example-corp", "--out",
                         P("play.json")});
  EXPECT_EQ(again.code, 2);
  ASSERT_THAT(keyfile::WritePublicFile(
                  P("bad.csv"), absl::StrReplaceAll(PlayForm(), {{"PSL_NAME,", "PSL_NICK,"}})),
              IsOk());
  Result bad = Candor({"claim", "import", "--play-data-safety", P("bad.csv"), "--app",
                       "android:com.example.app", "--issuer", "example-corp"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err, absl::StrCat("candor claim import: ", P("bad.csv"),
                                  ": row 5 (PSL_DATA_TYPES_PERSONAL,PSL_NICK): unknown data "
                                  "type \"PSL_NICK\" under PSL_DATA_TYPES_PERSONAL\n"));
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

  // Claims signed under a rotated-out key and by a revoked vendor read the
  // same through the index as from the whole log.
  ExpectIndexAgreesWithScan({"claims", "--log", log_.address(), "--log_pub", P("log.pub"),
                             "--app", "android:com.example.app"});
  ExpectIndexAgreesWithScan({"claim", "show", "--log", log_.address(), "--log_pub",
                             P("log.pub"), "--index", "1"});
}

// Binary-digest subjects: `claim init --apk` makes a claim about one build,
// whose signed statement's subject is the file's SHA-256; `claims
// --binary_sha256` finds it, with the claims about every build that cover
// its version.
class BinaryClaimCliTest : public ClaimCliTest {
 protected:
  // A stand-in APK: only its bytes matter, for hashing.
  std::string WriteApk(const std::string& name, const std::string& bytes) {
    std::ofstream(P(name), std::ios::binary) << bytes;
    return HexEncode(DigestBytes(Sha256(bytes)));
  }

  static std::string Filled(const std::string& text) {
    return absl::StrReplaceAll(
        text, {{"<your-vendor-name>", "example-corp"},
               {"https://<your-site>/privacy", "https://example.com/privacy"},
               {"<sha256 of the policy>", std::string(64, 'a')}});
  }

  Result Claims(const std::string& hex) {
    return Candor({"claims", "--log", log_.address(), "--log_pub", P("log.pub"),
                   "--binary_sha256", hex});
  }
};

TEST_F(BinaryClaimCliTest, AClaimAboutOneBuildIsFoundByItsDigest) {
  // Bytes that are not text (a NUL, 0xff): the digest is of the file's bytes
  // exactly.
  const std::string hex = WriteApk("app.apk", std::string("PK\x03\x04\0\xff fake apk", 16));
  Result init = Candor({"claim", "init", "--apk", P("app.apk"), "--app",
                        "android:com.example.app", "--version", "2.3.1"});
  ASSERT_EQ(init.code, 0) << init.err;
  EXPECT_TRUE(absl::StrContains(init.out, absl::StrCat("\"binarySha256\": \"", hex,
                                                       "\",\n    \"minVersion\": \"2.3.1\",\n"
                                                       "    \"maxVersion\": \"2.3.1\"")))
      << init.out;

  // First a claim about every version from 1.0 on, then one about the build.
  ASSERT_EQ(Publish(ExampleClaim(), "every").code, 0);
  Result build = Publish(Filled(init.out), "build");
  ASSERT_EQ(build.code, 0) << build.err;

  // The signed statement's subject is the binary.
  absl::StatusOr<std::string> envelope = ReadFileToString(P("build.envelope"));
  ASSERT_THAT(envelope, IsOk());
  absl::StatusOr<SignedStatement> st = ParseSignedStatement(
      std::string(absl::StripTrailingAsciiWhitespace(*envelope)));
  ASSERT_THAT(st, IsOk());
  ASSERT_EQ(st->statement.subjects.size(), 1u);
  const Subject& subject = st->statement.subjects[0];
  EXPECT_EQ(subject.name, "android:com.example.app@2.3.1");
  EXPECT_EQ(subject.digest.at("sha256"), hex);
  EXPECT_EQ(subject.annotations,
            (std::map<std::string, std::string>{{"app", "android:com.example.app"},
                                                {"package", "com.example.app"},
                                                {"version", "2.3.1"}}));

  // Looked up by digest: both claims bear on the build, each with its status
  // in the app's history (the newer one replaced the older).
  Result found = Claims(hex);
  ASSERT_EQ(found.code, 0) << found.err;
  EXPECT_TRUE(absl::StartsWith(
      found.out, absl::StrCat("binary ", hex, " is android:com.example.app version 2.3.1\n")))
      << found.out;
  EXPECT_TRUE(absl::StrContains(found.out, absl::StrCat("  Build:       only the binary with "
                                                        "SHA-256 ", hex, "\n")))
      << found.out;
  EXPECT_TRUE(absl::StrContains(found.out, "  Versions:    1.0 and later\n")) << found.out;
  EXPECT_TRUE(absl::StrContains(found.out, "in force")) << found.out;
  EXPECT_TRUE(absl::StrContains(found.out, "superseded")) << found.out;
  ExpectIndexAgreesWithScan({"claims", "--log", log_.address(), "--log_pub", P("log.pub"),
                             "--binary_sha256", hex});

  // Another build of the same app is not named by any statement.
  const std::string other = WriteApk("other.apk", "another build");
  Result none = Claims(other);
  ASSERT_EQ(none.code, 0) << none.err;
  EXPECT_EQ(none.out,
            absl::StrCat("no claim or measurement in the log names the binary ", other, "\n"));
}

TEST_F(BinaryClaimCliTest, RefusesWhatCannotBeRight) {
  WriteApk("app.apk", "apk bytes");
  struct Case {
    std::vector<std::string> argv;
    std::string err;
  } cases[] = {
      {{"claim", "init", "--apk", P("app.apk")},
       "candor claim init: --apk needs --app android:<package> (or ios:<bundle id>): "
       "the package is not read from the file\n"},
      {{"claim", "init", "--apk", P("app.apk"), "--app", "web:https://example.com"},
       "candor claim init: --app: \"web:https://example.com\" has no binary: only "
       "android: and ios: apps have an APK, AAB or IPA to name by digest\n"},
      {{"claim", "init", "--apk", P("app.apk"), "--app", "android:com.example.app",
        "--version", "2.x"},
       "candor claim init: --version: version \"2.x\" has a non-numeric component "
       "\"x\"; versions are dot-separated numbers such as \"2.10.1\"\n"},
      {{"claim", "init", "--version", "2.3"},
       "candor claim init: --app and --version describe the binary given with --apk; "
       "give --apk FILE too (without --apk the example covers every version of a "
       "placeholder app)\n"},
      {{"claims", "--log", log_.address(), "--log_pub", P("log.pub"), "--binary_sha256",
        "ABC"},
       "candor claims: --binary_sha256 \"ABC\" must be 64 lower-case hex digits, as "
       "sha256sum prints them\n"},
      {{"claims", "--log", log_.address(), "--log_pub", P("log.pub")},
       "candor claims: give --app APP, or --binary_sha256 HEX to look an app up by the "
       "SHA-256 of its APK, AAB or IPA (not both)\n"},
  };
  for (const Case& c : cases) {
    Result r = Candor(c.argv);
    EXPECT_EQ(r.code, 2) << absl::StrJoin(c.argv, " ");
    EXPECT_EQ(r.err, c.err);
  }
}

// The log refuses a claim about one build signed with the app subject (as a
// tool unaware of binary subjects would sign it).
TEST_F(BinaryClaimCliTest, TheLogRefusesAClaimAboutABuildWithTheAppSubject) {
  const std::string hex = WriteApk("app.apk", "apk bytes");
  Result init = Candor({"claim", "init", "--apk", P("app.apk"), "--app",
                        "android:com.example.app"});
  ASSERT_EQ(init.code, 0) << init.err;
  std::string json;
  for (absl::string_view line : absl::StrSplit(Filled(init.out), '\n')) {
    if (!absl::StartsWith(absl::StripLeadingAsciiWhitespace(line), "//")) {
      absl::StrAppend(&json, line, "\n");
    }
  }
  ASSERT_THAT(keyfile::WritePublicFile(P("build.json"), json), IsOk());
  Result sign = Candor({"sign", "--key", P("vendor.key"), "--predicate_type",
                        "https://candor.dev/claim/v1", "--subject", "android:com.example.app",
                        "--predicate", P("build.json"), "--out", P("build.envelope")});
  ASSERT_EQ(sign.code, 0) << sign.err;
  Result submit = Candor({"claim", "submit", "--log", log_.address(), P("build.envelope")});
  EXPECT_EQ(submit.code, 2);
  EXPECT_TRUE(absl::StrContains(
      submit.err,
      absl::StrCat("a claim statement about the build app.binarySha256 ", hex,
                   " must have that binary as its subject (\"android:com.example.app@"
                   "<version or *>\" with that sha256 digest), not the app subject "
                   "\"android:com.example.app\"")))
      << submit.err;
}


// Issue 21: claims vendors have already made, recorded by a recorder (a
// statement to a newspaper, a store label), listed beside the vendor's own,
// disputed and superseded by the vendor.
class RecordedClaimCliTest : public ClaimCliTest {
 protected:
  void SetUp() override {
    ClaimCliTest::SetUp();
    ASSERT_EQ(Candor({"keygen", "--name", "press-desk", "--out", dir_}).code, 0);
    RegisterAs({"--role", "recorder", "--name", "press-desk", "--display_name",
                "The Press Desk", "--pub", P("press-desk.pub")});
    std::ofstream(P("article.html"), std::ios::binary) << "<p>We never send data to China.</p>";
  }

  void RegisterAs(std::vector<std::string> args) {
    std::vector<std::string> argv = {"register", "--log", log_.address(), "--admin_key",
                                     P("admin.key"), "--wait"};
    argv.insert(argv.end(), args.begin(), args.end());
    Result r = Candor(argv);
    ASSERT_EQ(r.code, 0) << r.err;
  }

  // A statement recording's JSON: the vendor told a newspaper that no data
  // goes to China; `sentence` is the part of the quote the reading rests on.
  static std::string StatementJson(
      const std::string& sentence = "Our app never sends any data to China.") {
    return absl::StrCat(R"({
  "speaker": {"principal": "example-corp", "name": "Example Corp spokesperson"},
  "source": {"url": "https://daily.example/2026/09/14/answers",
             "publication": "The Daily Example", "publishedAt": "2026-09-14T00:00:00Z"},
  "quotes": [{"id": "q1", "language": "en",
              "text": "Our app never sends any data to China. We care about privacy."}],
  "reading": {
    "app": {"id": "android:com.example.app"},
    "assertions": [
      {"id": "no-user-data-to-cn", "dataTypes": ["location", "personal_info",
        "financial_info", "health_and_fitness", "messages", "photos_and_videos", "audio",
        "files_and_docs", "calendar", "contacts", "app_activity", "web_browsing",
        "app_info_and_performance", "device_or_other_ids", "biometrics"],
       "practice": "NOT_SENT_TO_COUNTRIES", "countries": ["CN"], "consent": "ALWAYS"}
    ]
  },
  "interpretations": [
    {"assertion": "no-user-data-to-cn", "quote": "q1",
     "sentence": ")",
                        sentence, R"(",
     "reading": "any data read as any user data, sent to endpoints in China"}
  ]
})");
  }

  Result RecordStatement(const std::string& json, const std::string& key = "press-desk.key",
                         const std::string& recorder = "press-desk") {
    EXPECT_THAT(keyfile::WritePublicFile(P("statement.json"), json), IsOk());
    std::filesystem::remove(P("statement.dsse"));
    return Candor({"claim", "record", "--statement", P("statement.json"), "--archive",
                   P("article.html"), "--recorder", recorder, "--key", P(key), "--out",
                   P("statement.dsse")});
  }

  Result Submit(const std::string& file) {
    return Candor({"submit", "--log", log_.address(), P(file), "--wait"});
  }

  Result ListClaims() {
    return Candor({"claims", "--log", log_.address(), "--log_pub", P("log.pub"), "--app",
                   "android:com.example.app"});
  }

  // A receipt's (JSON) string field.
  static std::string Field(const std::string& receipt, const std::string& name) {
    const std::string key = absl::StrCat("\"", name, "\": ");
    size_t at = receipt.find(key);
    if (at == std::string::npos) return "";
    at += key.size();
    if (receipt[at] == '"') ++at;
    size_t end = receipt.find_first_of("\",\n", at);
    return receipt.substr(at, end - at);
  }

  // The rendering of the recording or claim whose header starts `header`, up
  // to the next blank line.
  static std::string Block(const std::string& out, const std::string& header) {
    size_t at = out.find(header);
    if (at == std::string::npos) return "";
    size_t end = out.find("\n\n", at);
    return out.substr(at, end == std::string::npos ? std::string::npos : end - at + 1);
  }
};

TEST_F(RecordedClaimCliTest, RecordsListsDisputesAndSupersedesWhatAVendorSaid) {
  Result claim = Publish(ExampleClaim(), "vendor");
  ASSERT_EQ(claim.code, 0) << claim.err;

  // A statement, signed by the recorder, with the archive's digest.
  Result recorded = RecordStatement(StatementJson());
  ASSERT_EQ(recorded.code, 0) << recorded.err;
  absl::StatusOr<std::string> envelope = ReadFileToString(P("statement.dsse"));
  ASSERT_THAT(envelope, IsOk());
  absl::StatusOr<SignedStatement> st = ParseSignedStatement(
      std::string(absl::StripTrailingAsciiWhitespace(*envelope)));
  ASSERT_THAT(st, IsOk());
  EXPECT_EQ(st->statement.predicate_type, "https://candor.dev/recorded-claim/v1");
  EXPECT_EQ(st->statement.predicate_type, kRecordedClaimType);
  claim::v1::RecordedClaim recording;
  ASSERT_THAT(ParsePredicate(st->statement.predicate_json, recording), IsOk());
  EXPECT_EQ(recording.source().archive_sha256(),
            HexEncode(DigestBytes(Sha256("<p>We never send data to China.</p>"))));
  EXPECT_EQ(recording.reading().issuer(), "press-desk");
  EXPECT_EQ(recording.recorder(), "press-desk");
  EXPECT_EQ(recording.kind(), claim::v1::RecordedClaim::STATEMENT);
  ASSERT_EQ(st->statement.subjects.size(), 1u);
  EXPECT_EQ(st->statement.subjects[0].name, "android:com.example.app");
  Result statement = Submit("statement.dsse");
  ASSERT_EQ(statement.code, 0) << statement.err;
  const std::string statement_leaf = Field(statement.out, "leafHash");
  const std::string statement_index = Field(statement.out, "index");
  ASSERT_EQ(statement_leaf.size(), 44u) << statement.out;

  // A store label, from a Play Data safety CSV.
  ASSERT_THAT(keyfile::WritePublicFile(P("label.csv"), PlayForm()), IsOk());
  std::ofstream(P("listing.html"), std::ios::binary) << "<p>Data safety</p>";
  Result label = Candor(
      {"claim", "record", "--play-data-safety", P("label.csv"), "--app",
       "android:com.example.app", "--source",
       "https://play.google.com/store/apps/datasafety?id=com.example.app", "--published",
       "2026-10-01", "--speaker", "Example Corp", "--speaker_principal", "example-corp",
       "--archive", P("listing.html"), "--recorder", "press-desk", "--key",
       P("press-desk.key"), "--out", P("label.dsse")});
  ASSERT_EQ(label.code, 0) << label.err;
  Result label_submitted = Submit("label.dsse");
  ASSERT_EQ(label_submitted.code, 0) << label_submitted.err;

  // The three kinds side by side, each with its provenance.
  Result listed = ListClaims();
  ASSERT_EQ(listed.code, 0) << listed.err;
  const std::string vendor_block = Block(listed.out, "Claim by example-corp about ");
  EXPECT_TRUE(absl::StrContains(vendor_block, "  Provenance:  the vendor's signed claim\n"))
      << listed.out;
  const std::string statement_block =
      Block(listed.out, "Statement about android:com.example.app, recorded by press-desk\n");
  EXPECT_TRUE(absl::StrContains(
      statement_block,
      "  Speaker:     Example Corp spokesperson (registered as example-corp)\n"
      "  Source:      The Daily Example, https://daily.example/2026/09/14/answers, "
      "published 2026-09-14T00:00:00Z\n"))
      << listed.out;
  EXPECT_TRUE(absl::StrContains(
      statement_block,
      "  Provenance:  The Press Desk's reading of a statement quoted in The Daily Example "
      "(https://daily.example/2026/09/14/answers)\n"))
      << listed.out;
  EXPECT_TRUE(absl::StrContains(
      statement_block,
      absl::StrCat("  Log entry:   ", statement_index, ", in force at ")))
      << listed.out;
  EXPECT_TRUE(absl::StrContains(statement_block,
                                "      reads \"Our app never sends any data to China.\" "
                                "(quote q1): any data read as any user data, sent to "
                                "endpoints in China\n"))
      << listed.out;
  const std::string label_block =
      Block(listed.out, "Store label about android:com.example.app, recorded by press-desk\n");
  EXPECT_TRUE(absl::StrContains(
      label_block,
      "  Provenance:  the Data-safety label published on 2026-10-01, as The Press Desk "
      "observed it on https://play.google.com/store/apps/datasafety?id=com.example.app\n"))
      << listed.out;

  // The vendor disputes the statement's reading.
  Result dispute = Candor({"claim", "dispute", "--app", "android:com.example.app", "--issuer",
                           "example-corp", "--recording", statement_leaf, "--text",
                           "Misquoted.\nThe spokesperson spoke of the web site.", "--key",
                           P("vendor.key"), "--out", P("dispute.dsse")});
  ASSERT_EQ(dispute.code, 0) << dispute.err;
  Result dispute_submitted = Submit("dispute.dsse");
  ASSERT_EQ(dispute_submitted.code, 0) << dispute_submitted.err;
  listed = ListClaims();
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_TRUE(absl::StrContains(
      Block(listed.out, "Statement about android:com.example.app, recorded by press-desk\n"),
      absl::StrCat("  Disputed by example-corp (log entry ",
                   Field(dispute_submitted.out, "index"), ", ")))
      << listed.out;
  EXPECT_TRUE(absl::StrContains(
      Block(listed.out, "Statement about android:com.example.app, recorded by press-desk\n"),
      "):\n    Misquoted.\n    The spokesperson spoke of the web site.\n"))
      << listed.out;
  EXPECT_FALSE(absl::StrContains(Block(listed.out, "Store label about "), "Disputed"))
      << listed.out;

  // The vendor's signed claim naming the recording supersedes it.
  Result answer = Publish(
      ExampleClaim(absl::StrCat("  \"supersedes\": \"", statement_leaf, "\",\n")), "answer");
  ASSERT_EQ(answer.code, 0) << answer.err;
  listed = ListClaims();
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_TRUE(absl::StrContains(
      Block(listed.out, "Statement about android:com.example.app, recorded by press-desk\n"),
      absl::StrCat("  Log entry:   ", statement_index, ", superseded by entry ",
                   Field(answer.out, "index"), " at ")))
      << listed.out;
  EXPECT_TRUE(absl::StrContains(listed.out, "  Supersedes:  claim with leaf hash " +
                                                statement_leaf + "\n"))
      << listed.out;
  ExpectIndexAgreesWithScan({"claims", "--log", log_.address(), "--log_pub", P("log.pub"),
                             "--app", "android:com.example.app"});
}

TEST_F(RecordedClaimCliTest, RefusesWhatCannotBeRecorded) {
  const std::string both_or_neither =
      "candor claim record: give --statement FILE.json (words someone said, with your "
      "reading) or --play-data-safety FILE.csv (a store label as the store shows it)\n";
  ASSERT_THAT(keyfile::WritePublicFile(P("statement.json"), StatementJson()), IsOk());
  Result neither = Candor({"claim", "record", "--archive", P("article.html"), "--recorder",
                           "press-desk", "--key", P("press-desk.key")});
  EXPECT_EQ(neither.code, 2);
  EXPECT_EQ(neither.err, both_or_neither);
  Result both = Candor({"claim", "record", "--statement", P("statement.json"),
                        "--play-data-safety", P("statement.json"), "--archive",
                        P("article.html"), "--recorder", "press-desk", "--key",
                        P("press-desk.key")});
  EXPECT_EQ(both.code, 2);
  EXPECT_EQ(both.err, both_or_neither);

  // A reading resting on a sentence the quote does not contain.
  Result misread = RecordStatement(StatementJson("Our app never sends data to China."));
  EXPECT_EQ(misread.code, 1);
  EXPECT_EQ(misread.err,
            "recording interpretations[0].sentence: \"Our app never sends data to China.\" "
            "is not, verbatim, part of quote \"q1\"\n"
            "candor claim record: refusing to sign a recording with 1 problem(s)\n");
  EXPECT_FALSE(std::filesystem::exists(P("statement.dsse")));

  Result no_archive = Candor({"claim", "record", "--statement", P("statement.json"),
                              "--archive", P("missing.html"), "--recorder", "press-desk",
                              "--key", P("press-desk.key")});
  EXPECT_EQ(no_archive.code, 2);
  EXPECT_EQ(no_archive.err, absl::StrCat("candor claim record: cannot open ",
                                        P("missing.html"), ": No such file or directory\n"));

  Result not_a_leaf = Candor({"claim", "dispute", "--app", "android:com.example.app",
                              "--issuer", "example-corp", "--recording", "abc", "--text",
                              "wrong", "--key", P("vendor.key")});
  EXPECT_EQ(not_a_leaf.code, 2);
  EXPECT_EQ(not_a_leaf.err,
            "candor claim dispute: --recording must be a leaf hash: base64, as a receipt "
            "gives it, or 64 hex digits\n");
}

TEST_F(RecordedClaimCliTest, TheLogRefusesRecordingsAndDisputesFromTheWrongSigner) {
  // A vendor cannot record: recordings are a recorder's.
  Result as_vendor = RecordStatement(StatementJson(), "vendor.key", "example-corp");
  ASSERT_EQ(as_vendor.code, 0) << as_vendor.err;
  Result refused = Submit("statement.dsse");
  EXPECT_EQ(refused.code, 2);
  EXPECT_TRUE(absl::StartsWith(refused.err, "candor submit: key ")) << refused.err;
  EXPECT_TRUE(absl::EndsWith(refused.err,
                             " belongs to \"example-corp\", a vendor; this statement needs "
                             "a recorder\n"))
      << refused.err;

  // A vendor without the app in scope cannot dispute a recording of it.
  Result recorded = RecordStatement(StatementJson());
  ASSERT_EQ(recorded.code, 0) << recorded.err;
  Result statement = Submit("statement.dsse");
  ASSERT_EQ(statement.code, 0) << statement.err;
  ASSERT_EQ(Candor({"keygen", "--name", "other", "--out", dir_}).code, 0);
  RegisterAs({"--role", "vendor", "--name", "other-corp", "--pub", P("other.pub"), "--app",
              "android:com.other.app", "--domain", "other.example"});
  Result dispute = Candor({"claim", "dispute", "--app", "android:com.example.app", "--issuer",
                           "other-corp", "--recording", Field(statement.out, "leafHash"),
                           "--text", "not ours", "--key", P("other.key"), "--out",
                           P("dispute.dsse")});
  ASSERT_EQ(dispute.code, 0) << dispute.err;
  Result out_of_scope = Submit("dispute.dsse");
  EXPECT_EQ(out_of_scope.code, 2);
  EXPECT_EQ(out_of_scope.err,
            "candor submit: dispute app: \"android:com.example.app\" is not in the scope of "
            "vendor \"other-corp\"; only the app's vendor answers for it\n");
}

TEST_F(RecordedClaimCliTest, ARecorderCorrectsItselfAndOnlyRecordingsCanBeDisputed) {
  Result recorded = RecordStatement(StatementJson());
  ASSERT_EQ(recorded.code, 0) << recorded.err;
  Result statement = Submit("statement.dsse");
  ASSERT_EQ(statement.code, 0) << statement.err;
  const std::string leaf = Field(statement.out, "leafHash");

  // The recorder's correction supersedes its first reading.
  Result corrected = RecordStatement(absl::StrReplaceAll(
      StatementJson(), {{"\"reading\": {", absl::StrCat("\"reading\": {\"supersedes\": \"",
                                                        leaf, "\",")}}));
  ASSERT_EQ(corrected.code, 0) << corrected.err;
  Result correction = Submit("statement.dsse");
  ASSERT_EQ(correction.code, 0) << correction.err;
  Result listed = ListClaims();
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_TRUE(absl::StrContains(
      listed.out, absl::StrCat("  Log entry:   ", Field(statement.out, "index"),
                               ", superseded by entry ", Field(correction.out, "index"),
                               " at ")))
      << listed.out;
  EXPECT_TRUE(absl::StrContains(
      listed.out, absl::StrCat("  Log entry:   ", Field(correction.out, "index"),
                               ", in force at ")))
      << listed.out;
  EXPECT_TRUE(absl::StrContains(listed.out, absl::StrCat("  Supersedes:  recording with leaf "
                                                         "hash ",
                                                         leaf, "\n")))
      << listed.out;

  // A dispute names a recording, not a vendor's own claim.
  Result claim = Publish(ExampleClaim(), "vendor");
  ASSERT_EQ(claim.code, 0) << claim.err;
  Result dispute = Candor({"claim", "dispute", "--app", "android:com.example.app", "--issuer",
                           "example-corp", "--recording", Field(claim.out, "leafHash"),
                           "--text", "wrong", "--key", P("vendor.key"), "--out",
                           P("dispute.dsse")});
  ASSERT_EQ(dispute.code, 0) << dispute.err;
  Result refused = Submit("dispute.dsse");
  EXPECT_EQ(refused.code, 2);
  EXPECT_EQ(refused.err, absl::StrCat("candor submit: dispute recording: log entry ",
                                      Field(claim.out, "index"), " is not a recording\n"));

  // The archive given must be the one the recording names.
  Result mismatch = RecordStatement(absl::StrReplaceAll(
      StatementJson(), {{"\"publication\": ", absl::StrCat("\"archiveSha256\": \"",
                                                           std::string(64, 'a'), "\", "
                                                           "\"publication\": ")}}));
  EXPECT_EQ(mismatch.code, 2);
  EXPECT_EQ(mismatch.err,
            absl::StrCat("candor claim record: the recording's source.archiveSha256 is ",
                         std::string(64, 'a'), " but --archive ", P("article.html"),
                         " has SHA-256 ",
                         HexEncode(DigestBytes(Sha256("<p>We never send data to China.</p>"))),
                         "\n"));
}

}  // namespace
}  // namespace candor::cli
