#include "verifier/claim/lint.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/statement/statement.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "tests/support/status_matchers.h"
#include "verifier/claim/claim.h"
#include "verifier/taxonomy/taxonomy.h"

namespace candor::claim {
namespace {

using ::candor::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const absl::Time kNow = absl::FromUnixSeconds(1800000000);  // 2027-01-15T08:00:00Z

registry::PrincipalRecord Vendor() {
  registry::PrincipalRecord p;
  p.mutable_registration()->set_name("example");
  p.mutable_registration()->set_role(registry::v1::VENDOR);
  p.mutable_registration()->mutable_scope()->add_apps("android:com.example.app");
  return p;
}

// The example with its placeholders filled in as a vendor would.
std::string Filled(const std::string& example) {
  return absl::StrReplaceAll(
      example, {{"android:<your.package.name>", "android:com.example.app"},
                {"<your-vendor-name>", "example"},
                {"https://<your-site>/privacy", "https://example.com/privacy"},
                {"<sha256 of the policy>", std::string(64, 'e')}});
}

TEST(StripComments, EmptiesCommentLinesAndKeepsLineNumbers) {
  EXPECT_EQ(StripComments("// top\n{\n  // inside\n\t// tab\n  \"a\": 1\n}\n"),
            "\n{\n\n\n  \"a\": 1\n}\n");
  // "//" elsewhere is not a comment: URLs, and text after JSON on a line.
  const std::string kept =
      "{\"url\": \"https://example.com/x\", \"b\": 1 // not a comment\n}";
  EXPECT_EQ(StripComments(kept), kept);
  EXPECT_EQ(StripComments("// windows\r\n{}\r\n"), "\n{}\r\n");
  EXPECT_EQ(StripComments(""), "");
  EXPECT_EQ(StripComments("//"), "");
  EXPECT_EQ(StripComments("/ / not\n"), "/ / not\n");
}

TEST(LintClaim, SyntaxErrorsGiveLineAndColumn) {
  EXPECT_THAT(LintClaim("// a comment\n{\n  \"issuer\": ,\n}\n", {kNow}),
              ElementsAre("line 3, column 13: invalid JSON: unexpected character"));
  EXPECT_THAT(LintClaim("{\"issuer\": \"a\", \"issuer\": \"b\"}", {kNow}),
              SizeIs(1));
  EXPECT_THAT(LintClaim("[]", {kNow}),
              ElementsAre("the claim must be a JSON object, not array"));
}

TEST(LintClaim, ReportsEverySchemaMismatch) {
  const std::string text = R"({
  "app": {"id": "android:com.example.app", "colour": 1},
  "issuer": 7,
  // protobuf accepts either spelling, but not both
  "issuedAt": "yesterday",
  "issued_at": "2027-01-01T00:00:00Z",
  "supersedes": "abc!",
  "documents": {"kind": "PRIVACY_POLICY"},
  "assertions": [
    {"id": "a", "dataTypes": "contacts", "practice": "NEVER",
     "consent": null, "exemptions": [2, "SERVICE_PROVIDER", true]}
  ]
})";
  EXPECT_THAT(
      LintClaim(text, {kNow}),
      ElementsAre(
          "line 2, column 54: app.colour: unknown field; app takes id, "
          "signingCertSha256, minVersion, maxVersion, binarySha256",
          "line 3, column 13: issuer: must be a string, not number",
          "line 5, column 15: issuedAt: must be an RFC 3339 time such as "
          "\"2025-06-01T00:00:00Z\"",
          "line 6, column 16: issued_at: repeats field issuedAt",
          "line 7, column 17: supersedes: must be base64",
          "line 8, column 16: documents: must be an array, not object",
          "line 10, column 30: assertions[0].dataTypes: must be an array, not "
          "string",
          "line 10, column 54: assertions[0].practice: \"NEVER\" is not one of "
          "NOT_COLLECTED, NOT_SHARED_WITH_THIRD_PARTIES, SHARED_ONLY_WITH, "
          "NOT_SENT_TO_COUNTRIES, ONLY_SENT_TO_COUNTRIES, "
          "NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES",
          "line 11, column 61: assertions[0].exemptions[2]: boolean is not one "
          "of SERVICE_PROVIDER, USER_INITIATED, EPHEMERAL_PROCESSING, "
          "LEGAL_REQUEST, ANONYMISED_DATA"));
  EXPECT_THAT(LintClaim("{\"app\": [1]}", {kNow}),
              ElementsAre("line 1, column 9: app: must be an object, not array"));
}

TEST(LintClaim, ReturnsEveryProblem) {
  const std::string text = R"({
  // no issuer, a bad time, a bad country, an unknown type and a
  // contradiction
  "app": {"id": "android:com.example.app", "minVersion": "3", "maxVersion": "2"},
  "issuedAt": "2027-02-01T00:00:00Z",
  "effectiveAt": "2027-01-01T00:00:00Z",
  "assertions": [
    {"id": "none", "dataTypes": ["contacts"], "practice": "NOT_COLLECTED",
     "consent": "ALWAYS"},
    {"id": "cn", "dataTypes": ["contacts", "gps"],
     "practice": "NOT_SENT_TO_COUNTRIES", "countries": ["cn"]},
    {"id": "maps", "dataTypes": ["contacts.contacts"],
     "practice": "SHARED_ONLY_WITH", "organisations": ["Maps Inc"],
     "consent": "WHEN_TRACKING_ACCEPTED"}
  ]
})";
  EXPECT_THAT(
      LintClaim(text, {kNow}),
      ElementsAre(
          "claim app.minVersion: \"3\" is above app.maxVersion \"2\"",
          "claim issuer: missing; give your registered vendor name",
          "claim issuedAt: 2027-02-01T00:00:00Z is 400h after now "
          "(2027-01-15T08:00:00Z); the log admits only signed times within 5m "
          "of its clock: check the signing machine's clock and sign again",
          "claim assertions[1].dataTypes[1] (\"cn\"): \"gps\" is not a Candor "
          "data type or category id",
          "claim assertions[1].consent (\"cn\"): missing; say when the "
          "assertion holds: ALWAYS, WHEN_TRACKING_DECLINED or "
          "WHEN_TRACKING_ACCEPTED",
          "claim assertions[1].countries[0] (\"cn\"): \"cn\" is not an "
          "officially assigned ISO 3166-1 alpha-2 code; did you mean \"CN\"?",
          "claim assertions[2] (\"maps\") contradicts assertions[0] "
          "(\"none\"): for contacts.contacts with consent "
          "WHEN_TRACKING_ACCEPTED (covered by ALWAYS), assertions[2] says the "
          "data is shared only with \"Maps Inc\" but assertions[0] says it is "
          "never collected"));
}

// "We have never provided user data to the Chinese government", read as
// two assertions: no endpoint in CN, no organisation of CN.
TEST(LintClaim, OrganisationsOfCountries) {
  const std::string text = R"({
  "app": {"id": "android:com.example.app"},
  "issuer": "example",
  "issuedAt": "2027-01-15T08:00:00Z",
  "effectiveAt": "2027-01-15T08:00:00Z",
  "assertions": [
    {"id": "no-cn-endpoints", "dataTypes": ["contacts"],
     "practice": "NOT_SENT_TO_COUNTRIES", "countries": ["CN"],
     "consent": "ALWAYS"},
    {"id": "no-cn-organisations", "dataTypes": ["contacts"],
     "practice": "NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES", "countries": ["CN"],
     "consent": "ALWAYS"}
  ]
})";
  EXPECT_THAT(LintClaim(text, {kNow}), IsEmpty());
  const std::string bad = absl::StrReplaceAll(
      text, {{R"("countries": ["CN"],
     "consent": "ALWAYS"}
  ])",
              R"("countries": ["cn"], "organisations": ["Tracker Ltd"],
     "consent": "ALWAYS"}
  ])"}});
  EXPECT_THAT(
      LintClaim(bad, {kNow}),
      ElementsAre(
          "claim assertions[1].organisations (\"no-cn-organisations\"): only "
          "SHARED_ONLY_WITH takes organisations; this assertion is "
          "NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES",
          "claim assertions[1].countries[0] (\"no-cn-organisations\"): \"cn\" "
          "is not an officially assigned ISO 3166-1 alpha-2 code; did you mean "
          "\"CN\"?"));
}

TEST(LintClaim, WithTheVendorChecksIssuerAndScope) {
  const std::string text = Filled(ExampleClaim(kNow));
  const registry::PrincipalRecord vendor = Vendor();
  EXPECT_THAT(LintClaim(text, {kNow, &vendor}), IsEmpty());
  registry::PrincipalRecord other = Vendor();
  other.mutable_registration()->set_name("other");
  other.mutable_registration()->mutable_scope()->clear_apps();
  EXPECT_THAT(
      LintClaim(text, {kNow, &other}),
      ElementsAre("claim app.id: \"android:com.example.app\" is not in the "
                  "scope of vendor \"other\"; the operator must add it to the "
                  "vendor's registration first",
                  "claim issuer: \"example\" is not the signer: the claim is "
                  "signed by vendor \"other\""));
}

TEST(ExampleClaim, LintsCleanExceptForItsPlaceholders) {
  const std::string example = ExampleClaim(kNow);
  EXPECT_TRUE(absl::StartsWith(example, "// A Candor claim"));
  EXPECT_TRUE(absl::StrContains(example, "\"issuedAt\": \"2027-01-15T08:00:00Z\""));
  EXPECT_THAT(
      LintClaim(example, {kNow}),
      ElementsAre(
          "claim app.id: app \"android:<your.package.name>\" contains '<'; "
          "identifiers use letters, digits, '.', '-' and '_'",
          "claim issuer: \"<your-vendor-name>\" is not a registered principal "
          "name (1 to 64 lower-case letters, digits, '.', '-' or '_')",
          "claim documents[0].url: \"https://<your-site>/privacy\" must be an "
          "http:// or https:// URL (no spaces, quotes or angle brackets)",
          "claim documents[0].sha256: \"<sha256 of the policy>\" must be 64 "
          "lower-case hex digits (SHA-256)"));
  EXPECT_THAT(LintClaim(Filled(example), {kNow}), IsEmpty());
}

TEST(ExampleClaim, RoundTripsThroughStripParseAndValidate) {
  const std::string json = StripComments(Filled(ExampleClaim(kNow)));
  v1::Claim claim;
  ASSERT_THAT(ParsePredicate(json, claim), IsOk());
  const registry::PrincipalRecord vendor = Vendor();
  EXPECT_THAT(ValidateClaim(claim, ClaimContext{kNow, vendor}), IsOk());

  // What the README promises the example says.
  EXPECT_EQ(claim.app().id(), "android:com.example.app");
  EXPECT_EQ(claim.issuer(), "example");
  EXPECT_EQ(ToTime(claim.effective_at()), kNow);
  ASSERT_EQ(claim.assertions_size(), 2);
  const v1::Assertion& sharing = claim.assertions(0);
  EXPECT_THAT(sharing.data_types(),
              ElementsAre("contacts.contacts", "personal_info.phone_number",
                          "location.precise", "biometrics.face_data"));
  EXPECT_EQ(sharing.practice(), v1::NOT_SHARED_WITH_THIRD_PARTIES);
  EXPECT_EQ(sharing.consent(), v1::ALWAYS);
  const v1::Assertion& country = claim.assertions(1);
  EXPECT_EQ(country.practice(), v1::NOT_SENT_TO_COUNTRIES);
  EXPECT_THAT(country.countries(), ElementsAre("CN"));
  EXPECT_EQ(country.consent(), v1::ALWAYS);
  // Every category: any user data.
  absl::StatusOr<std::vector<std::string>> all = taxonomy::Expand(
      std::vector<std::string>(country.data_types().begin(),
                               country.data_types().end()));
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->size(), taxonomy::DataTypes().size());
}

// `candor claim init --apk`: the example is about that build, and lints clean
// once the other placeholders are filled in.
TEST(ExampleClaim, AboutOneBuild) {
  const ExampleBuild build{"android:com.example.app", "2.3.1", std::string(64, 'c')};
  const std::string json = StripComments(Filled(ExampleClaim(kNow, &build)));
  EXPECT_THAT(LintClaim(json, {kNow}), IsEmpty());
  v1::Claim claim;
  ASSERT_THAT(ParsePredicate(json, claim), IsOk());
  EXPECT_EQ(claim.app().id(), "android:com.example.app");
  EXPECT_EQ(claim.app().binary_sha256(), std::string(64, 'c'));
  EXPECT_EQ(claim.app().min_version(), "2.3.1");
  EXPECT_EQ(claim.app().max_version(), "2.3.1");

  const ExampleBuild unversioned{"ios:com.example.app", "", std::string(64, 'd')};
  ASSERT_THAT(ParsePredicate(StripComments(Filled(ExampleClaim(kNow, &unversioned))),
                             claim),
              IsOk());
  EXPECT_EQ(claim.app().id(), "ios:com.example.app");
  EXPECT_EQ(claim.app().binary_sha256(), std::string(64, 'd'));
  EXPECT_EQ(claim.app().min_version(), "");
  EXPECT_EQ(claim.app().max_version(), "");
}

TEST(ExampleClaim, TruncatesToTheSecond) {
  EXPECT_TRUE(absl::StrContains(ExampleClaim(kNow + absl::Milliseconds(999)),
                                "\"effectiveAt\": \"2027-01-15T08:00:00Z\""));
}

}  // namespace
}  // namespace candor::claim
