#include "verifier/claim/claim.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/crypto/keys.h"
#include "log/merkle/hash.h"
#include "log/statement/dsse.h"
#include "log/statement/statement.h"
#include "tests/support/status_matchers.h"
#include "verifier/subject/app_subject.h"

namespace candor::claim {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;
using ::testing::ElementsAre;

const absl::Time kNow = absl::FromUnixSeconds(1800000000);  // 2027-01-15T08:00:00Z
constexpr char kApp[] = "android:com.example.app";

google::protobuf::Timestamp At(absl::Duration before_now) {
  google::protobuf::Timestamp t;
  t.set_seconds(absl::ToUnixSeconds(kNow - before_now));
  return t;
}

registry::PrincipalRecord Vendor(const std::string& name = "example") {
  registry::PrincipalRecord p;
  p.mutable_registration()->set_name(name);
  p.mutable_registration()->set_role(registry::v1::VENDOR);
  p.mutable_registration()->mutable_scope()->add_apps(kApp);
  p.mutable_registration()->mutable_scope()->add_apps("ios:com.example.app");
  return p;
}

v1::Assertion MakeAssertion(const std::string& id, std::vector<std::string> types,
                            v1::Practice practice,
                            v1::Consent consent = v1::ALWAYS) {
  v1::Assertion a;
  a.set_id(id);
  for (const std::string& t : types) a.add_data_types(t);
  a.set_practice(practice);
  a.set_consent(consent);
  return a;
}

v1::Assertion Countries(v1::Assertion a, std::vector<std::string> codes) {
  for (const std::string& c : codes) a.add_countries(c);
  return a;
}

v1::Assertion Orgs(v1::Assertion a, std::vector<std::string> orgs) {
  for (const std::string& o : orgs) a.add_organisations(o);
  return a;
}

v1::Claim Valid() {
  v1::Claim c;
  c.mutable_app()->set_id(kApp);
  c.mutable_app()->set_min_version("2.0");
  c.mutable_app()->set_max_version("2.10.1");
  c.set_issuer("example");
  *c.mutable_issued_at() = At(absl::Minutes(1));
  *c.mutable_effective_at() = At(absl::Hours(1));
  c.set_text("We never share contacts with third parties.");
  auto* d = c.add_documents();
  d->set_kind(v1::Document::PRIVACY_POLICY);
  d->set_url("https://example.com/privacy");
  d->set_sha256(std::string(64, 'a'));
  *c.add_assertions() =
      MakeAssertion("no-contacts", {"contacts", "personal_info.phone_number"},
                    v1::NOT_SHARED_WITH_THIRD_PARTIES);
  *c.add_assertions() = Countries(
      MakeAssertion("no-cn", {"location", "contacts.contacts"},
                    v1::NOT_SENT_TO_COUNTRIES),
      {"CN", "RU"});
  c.mutable_assertions(1)->add_exemptions(v1::SERVICE_PROVIDER);
  return c;
}

absl::Status Validate(const v1::Claim& c) {
  const registry::PrincipalRecord vendor = Vendor();
  return ValidateClaim(c, ClaimContext{kNow, vendor});
}

// ---------------------------------------------------------------------------
// Versions

TEST(Versions, ParseAndCompareNumerically) {
  EXPECT_THAT(ParseVersion("2.10.1"), IsOk());
  EXPECT_EQ(*ParseVersion("2.10.1"), (std::vector<uint64_t>{2, 10, 1}));
  EXPECT_EQ(*CompareVersions("2.10.1", "2.9"), 1);
  EXPECT_EQ(*CompareVersions("2.9", "2.10.1"), -1);
  EXPECT_EQ(*CompareVersions("2.9", "2.9.0"), 0);
  EXPECT_EQ(*CompareVersions("2.09", "2.9"), 0);
  EXPECT_EQ(*CompareVersions("10", "9.99.99"), 1);
  EXPECT_EQ(*CompareVersions("999999999999999999", "999999999999999998"), 1);
}

TEST(Versions, RefuseMalformed) {
  const std::string form = "; versions are dot-separated numbers such as \"2.10.1\"";
  EXPECT_THAT(ParseVersion(""), StatusIs(absl::StatusCode::kInvalidArgument,
                                         "version is empty" + form));
  EXPECT_THAT(ParseVersion("2..1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "version \"2..1\" has an empty component" + form));
  EXPECT_THAT(ParseVersion("2.1."),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "version \"2.1.\" has an empty component" + form));
  EXPECT_THAT(ParseVersion("2.1-beta"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "version \"2.1-beta\" has a non-numeric component "
                       "\"1-beta\"" + form));
  EXPECT_THAT(ParseVersion(" 2.1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "version \" 2.1\" has a non-numeric component \" 2\"" + form));
  EXPECT_THAT(ParseVersion("1.1234567890123456789"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "version \"1.1234567890123456789\" has a component "
                       "longer than 18 digits"));
  EXPECT_THAT(ParseVersion(std::string(65, '1')),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "version \"11111111111111111111\"... is longer than 64 "
                       "characters"));
  EXPECT_THAT(CompareVersions("1.0", "x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "version \"x\" has a non-numeric component \"x\"" + form));
}

TEST(Versions, CoversVersion) {
  v1::App app;
  EXPECT_TRUE(CoversVersion(app, "1.0"));
  EXPECT_TRUE(CoversVersion(app, ""));  // unbounded: every version
  EXPECT_TRUE(CoversVersion(app, "not a version"));
  app.set_min_version("2.9");
  EXPECT_TRUE(CoversVersion(app, "2.9"));
  EXPECT_TRUE(CoversVersion(app, "2.10"));
  EXPECT_FALSE(CoversVersion(app, "2.8.99"));
  EXPECT_FALSE(CoversVersion(app, ""));
  EXPECT_FALSE(CoversVersion(app, "2.10-beta"));
  app.set_max_version("3.0");
  EXPECT_TRUE(CoversVersion(app, "3"));
  EXPECT_TRUE(CoversVersion(app, "3.0.0"));
  EXPECT_FALSE(CoversVersion(app, "3.0.1"));
  app.clear_min_version();
  EXPECT_TRUE(CoversVersion(app, "0.1"));
  app.set_max_version("bad");  // refused at admission; covers nothing
  EXPECT_FALSE(CoversVersion(app, "0.1"));
}

TEST(Times, FormatTimestamp) {
  EXPECT_EQ(FormatTimestamp(kNow), "2027-01-15T08:00:00Z");
  EXPECT_EQ(FormatTimestamp(kNow + absl::Milliseconds(250)),
            "2027-01-15T08:00:00.25Z");
}

// ---------------------------------------------------------------------------
// ValidateClaim

TEST(ValidateClaim, AcceptsValid) {
  EXPECT_THAT(Validate(Valid()), IsOk());
  v1::Claim organisations_of = Valid();
  organisations_of.mutable_assertions(1)->set_practice(
      v1::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES);
  EXPECT_THAT(Validate(organisations_of), IsOk());
  v1::Claim minimal;
  minimal.mutable_app()->set_id("web:https://example.com");
  minimal.set_issuer("example");
  *minimal.mutable_issued_at() = At(-absl::Minutes(4));  // within the window
  *minimal.mutable_effective_at() = At(-absl::Hours(24 * 364));
  *minimal.add_assertions() =
      MakeAssertion("a", {"location"}, v1::NOT_COLLECTED,
                    v1::WHEN_TRACKING_DECLINED);
  registry::PrincipalRecord vendor = Vendor();
  vendor.mutable_registration()->mutable_scope()->add_apps("web:https://example.com");
  EXPECT_THAT(ValidateClaim(minimal, ClaimContext{kNow, vendor}), IsOk());
  // A claim about the past: effective long before it was issued.
  *minimal.mutable_effective_at() = At(absl::Hours(24 * 365 * 5));
  EXPECT_THAT(ValidateClaim(minimal, ClaimContext{kNow, vendor}), IsOk());
}

TEST(ValidateClaim, RefusesEachProblem) {
  using Code = absl::StatusCode;
  struct Case {
    std::function<void(v1::Claim&)> mutate;
    Code code;
    std::string message;
  } cases[] = {
      {[](auto& c) { c.mutable_app()->clear_id(); }, Code::kInvalidArgument,
       "claim app.id: missing; give \"android:<package>\", \"ios:<bundle id>\" "
       "or \"web:https://<host>\""},
      {[](auto& c) { c.mutable_app()->set_id("com.example.app"); },
       Code::kInvalidArgument,
       "claim app.id: app \"com.example.app\" must be \"android:<package>\", "
       "\"ios:<bundle id>\" or \"web:https://<host>\""},
      {[](auto& c) { c.mutable_app()->set_id("android:com.other.app"); },
       Code::kPermissionDenied,
       "claim app.id: \"android:com.other.app\" is not in the scope of vendor "
       "\"example\"; the operator must add it to the vendor's registration "
       "first"},
      {[](auto& c) { c.mutable_app()->set_signing_cert_sha256("AB:CD"); },
       Code::kInvalidArgument,
       "claim app.signingCertSha256: \"AB:CD\" must be 64 lower-case hex "
       "digits (SHA-256)"},
      {[](auto& c) { c.mutable_app()->set_binary_sha256("ABC"); },
       Code::kInvalidArgument,
       "claim app.binarySha256: \"ABC\" must be 64 lower-case hex digits "
       "(SHA-256 of the APK, AAB or IPA)"},
      {[](auto& c) { c.mutable_app()->set_min_version("2.x"); },
       Code::kInvalidArgument,
       "claim app.minVersion: version \"2.x\" has a non-numeric component "
       "\"x\"; versions are dot-separated numbers such as \"2.10.1\""},
      {[](auto& c) { c.mutable_app()->set_max_version("3..0"); },
       Code::kInvalidArgument,
       "claim app.maxVersion: version \"3..0\" has an empty component; "
       "versions are dot-separated numbers such as \"2.10.1\""},
      {[](auto& c) { c.mutable_app()->set_min_version("2.11"); },
       Code::kInvalidArgument,
       "claim app.minVersion: \"2.11\" is above app.maxVersion \"2.10.1\""},
      {[](auto& c) { c.clear_issuer(); }, Code::kInvalidArgument,
       "claim issuer: missing; give your registered vendor name"},
      {[](auto& c) { c.set_issuer("other"); }, Code::kPermissionDenied,
       "claim issuer: \"other\" is not the signer: the claim is signed by "
       "vendor \"example\""},
      {[](auto& c) { c.clear_issued_at(); }, Code::kInvalidArgument,
       "claim issuedAt: missing; give the time you sign the claim (RFC 3339, "
       "e.g. \"2025-06-01T00:00:00Z\")"},
      {[](auto& c) { *c.mutable_issued_at() = At(-absl::Minutes(6)); },
       Code::kInvalidArgument,
       "claim issuedAt: 2027-01-15T08:06:00Z is 6m after now "
       "(2027-01-15T08:00:00Z); the log admits only signed times within 5m of "
       "its clock: check the signing machine's clock and sign again"},
      // Backdated: by 6 minutes, and by an hour.
      {[](auto& c) { *c.mutable_issued_at() = At(absl::Minutes(6)); },
       Code::kInvalidArgument,
       "claim issuedAt: 2027-01-15T07:54:00Z is 6m before now "
       "(2027-01-15T08:00:00Z); the log admits only signed times within 5m of "
       "its clock: sign it again with the current time"},
      {[](auto& c) { *c.mutable_issued_at() = At(absl::Hours(1)); },
       Code::kInvalidArgument,
       "claim issuedAt: 2027-01-15T07:00:00Z is 1h before now "
       "(2027-01-15T08:00:00Z); the log admits only signed times within 5m of "
       "its clock: sign it again with the current time"},
      {[](auto& c) { c.mutable_issued_at()->set_nanos(-1); },
       Code::kInvalidArgument, "claim issuedAt: is not a valid timestamp"},
      {[](auto& c) { c.clear_effective_at(); }, Code::kInvalidArgument,
       "claim effectiveAt: missing; give the time the claim takes effect (RFC "
       "3339, e.g. \"2025-06-01T00:00:00Z\")"},
      {[](auto& c) {
         *c.mutable_effective_at() = At(-absl::Hours(24 * 365) - absl::Seconds(1));
       },
       Code::kInvalidArgument,
       "claim effectiveAt: 2028-01-15T08:00:01Z is more than 365 days in the "
       "future (now is 2027-01-15T08:00:00Z); publish a claim at most a year "
       "before it takes effect"},
      {[](auto& c) { c.mutable_effective_at()->set_seconds(253402300800); },
       Code::kInvalidArgument, "claim effectiveAt: is not a valid timestamp"},
      {[](auto& c) { c.mutable_documents(0)->clear_kind(); },
       Code::kInvalidArgument,
       "claim documents[0].kind: missing; PRIVACY_POLICY, DATA_SAFETY_FORM, "
       "APP_PRIVACY_LABEL or OTHER"},
      {[](auto& c) { c.mutable_documents(0)->clear_url(); },
       Code::kInvalidArgument,
       "claim documents[0].url: missing; give where the document was "
       "retrieved"},
      {[](auto& c) { c.mutable_documents(0)->set_url("ftp://example.com/p"); },
       Code::kInvalidArgument,
       "claim documents[0].url: \"ftp://example.com/p\" must be an http:// or "
       "https:// URL (no spaces, quotes or angle brackets)"},
      {[](auto& c) { c.mutable_documents(0)->set_url("https://<your-site>/p"); },
       Code::kInvalidArgument,
       "claim documents[0].url: \"https://<your-site>/p\" must be an http:// "
       "or https:// URL (no spaces, quotes or angle brackets)"},
      {[](auto& c) { c.mutable_documents(0)->clear_sha256(); },
       Code::kInvalidArgument,
       "claim documents[0].sha256: missing; give the lower-case hex SHA-256 "
       "of the document as retrieved"},
      {[](auto& c) { c.mutable_documents(0)->set_sha256(std::string(64, 'A')); },
       Code::kInvalidArgument,
       "claim documents[0].sha256: \"" + std::string(64, 'A') +
           "\" must be 64 lower-case hex digits (SHA-256)"},
      {[](auto& c) { c.set_supersedes("short"); }, Code::kInvalidArgument,
       "claim supersedes: must be a 32-byte leaf hash (base64 in JSON); got 5 "
       "bytes"},
      {[](auto& c) { c.clear_assertions(); }, Code::kInvalidArgument,
       "claim assertions: empty; a claim must make at least one assertion"},
      {[](auto& c) {
         for (int i = 0; i < kMaxAssertions; ++i) {
           *c.add_assertions() = c.assertions(0);
         }
       },
       Code::kInvalidArgument, "claim assertions: 258 assertions; at most 256"},
      {[](auto& c) { c.mutable_assertions(0)->clear_id(); },
       Code::kInvalidArgument,
       "claim assertions[0].id: missing; give each assertion a unique id such "
       "as \"no-contacts-to-third-parties\""},
      {[](auto& c) { c.mutable_assertions(0)->set_id("no contacts"); },
       Code::kInvalidArgument,
       "claim assertions[0].id: \"no contacts\" must be 1 to 64 letters, "
       "digits, '.', '-' or '_'"},
      {[](auto& c) { c.mutable_assertions(1)->set_id("no-contacts"); },
       Code::kInvalidArgument,
       "claim assertions[1].id: \"no-contacts\" repeats assertions[0].id"},
      {[](auto& c) { c.mutable_assertions(1)->clear_data_types(); },
       Code::kInvalidArgument,
       "claim assertions[1].dataTypes (\"no-cn\"): empty; list data type ids "
       "(\"location.precise\") or category ids (\"location\")"},
      {[](auto& c) { c.mutable_assertions(1)->add_data_types("gps"); },
       Code::kInvalidArgument,
       "claim assertions[1].dataTypes[2] (\"no-cn\"): \"gps\" is not a Candor "
       "data type or category id"},
      {[](auto& c) { c.mutable_assertions(0)->clear_practice(); },
       Code::kInvalidArgument,
       "claim assertions[0].practice (\"no-contacts\"): missing; "
       "NOT_COLLECTED, NOT_SHARED_WITH_THIRD_PARTIES, SHARED_ONLY_WITH, "
       "NOT_SENT_TO_COUNTRIES, ONLY_SENT_TO_COUNTRIES or "
       "NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES"},
      {[](auto& c) {
         c.mutable_assertions(0)->set_practice(static_cast<v1::Practice>(42));
       },
       Code::kInvalidArgument,
       "claim assertions[0].practice (\"no-contacts\"): unknown value 42"},
      {[](auto& c) { c.mutable_assertions(0)->clear_consent(); },
       Code::kInvalidArgument,
       "claim assertions[0].consent (\"no-contacts\"): missing; say when the "
       "assertion holds: ALWAYS, WHEN_TRACKING_DECLINED or "
       "WHEN_TRACKING_ACCEPTED"},
      {[](auto& c) {
         c.mutable_assertions(0)->set_consent(static_cast<v1::Consent>(7));
       },
       Code::kInvalidArgument,
       "claim assertions[0].consent (\"no-contacts\"): unknown value 7"},
      {[](auto& c) { c.mutable_assertions(0)->set_practice(v1::SHARED_ONLY_WITH); },
       Code::kInvalidArgument,
       "claim assertions[0].organisations (\"no-contacts\"): empty; "
       "SHARED_ONLY_WITH needs the organisations the data is shared with"},
      {[](auto& c) { c.mutable_assertions(0)->add_organisations("Maps Inc"); },
       Code::kInvalidArgument,
       "claim assertions[0].organisations (\"no-contacts\"): only "
       "SHARED_ONLY_WITH takes organisations; this assertion is "
       "NOT_SHARED_WITH_THIRD_PARTIES"},
      {[](auto& c) {
         auto* a = c.mutable_assertions(0);
         a->set_practice(v1::SHARED_ONLY_WITH);
         a->add_organisations("Maps Inc");
         a->add_organisations("");
       },
       Code::kInvalidArgument,
       "claim assertions[0].organisations[1] (\"no-contacts\"): must be 1 to "
       "200 characters"},
      {[](auto& c) {
         auto* a = c.mutable_assertions(0);
         a->set_practice(v1::SHARED_ONLY_WITH);
         a->add_organisations("Maps Inc");
         a->add_organisations("Maps Inc");
       },
       Code::kInvalidArgument,
       "claim assertions[0].organisations[1] (\"no-contacts\"): \"Maps Inc\" "
       "repeats organisations[0]"},
      {[](auto& c) { c.mutable_assertions(1)->clear_countries(); },
       Code::kInvalidArgument,
       "claim assertions[1].countries (\"no-cn\"): empty; "
       "NOT_SENT_TO_COUNTRIES needs ISO 3166-1 alpha-2 country codes"},
      {[](auto& c) {
         c.mutable_assertions(1)->set_practice(v1::ONLY_SENT_TO_COUNTRIES);
         c.mutable_assertions(1)->clear_countries();
       },
       Code::kInvalidArgument,
       "claim assertions[1].countries (\"no-cn\"): empty; "
       "ONLY_SENT_TO_COUNTRIES needs ISO 3166-1 alpha-2 country codes"},
      {[](auto& c) { c.mutable_assertions(0)->add_countries("CN"); },
       Code::kInvalidArgument,
       "claim assertions[0].countries (\"no-contacts\"): only "
       "NOT_SENT_TO_COUNTRIES, ONLY_SENT_TO_COUNTRIES and "
       "NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES take countries; this "
       "assertion is NOT_SHARED_WITH_THIRD_PARTIES"},
      // Who receives the data: countries as for the endpoint practices.
      {[](auto& c) {
         c.mutable_assertions(1)->set_practice(
             v1::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES);
         c.mutable_assertions(1)->clear_countries();
       },
       Code::kInvalidArgument,
       "claim assertions[1].countries (\"no-cn\"): empty; "
       "NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES needs ISO 3166-1 alpha-2 "
       "country codes"},
      {[](auto& c) {
         c.mutable_assertions(1)->set_practice(
             v1::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES);
         c.mutable_assertions(1)->add_organisations("Tracker Ltd");
       },
       Code::kInvalidArgument,
       "claim assertions[1].organisations (\"no-cn\"): only "
       "SHARED_ONLY_WITH takes organisations; this assertion is "
       "NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES"},
      {[](auto& c) {
         c.mutable_assertions(1)->set_practice(
             v1::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES);
         c.mutable_assertions(1)->set_countries(1, "XK");
       },
       Code::kInvalidArgument,
       "claim assertions[1].countries[1] (\"no-cn\"): \"XK\" is not an "
       "officially assigned ISO 3166-1 alpha-2 code"},
      {[](auto& c) {
         c.mutable_assertions(1)->set_practice(
             v1::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES);
         c.mutable_assertions(1)->set_countries(0, "cn");
       },
       Code::kInvalidArgument,
       "claim assertions[1].countries[0] (\"no-cn\"): \"cn\" is not an "
       "officially assigned ISO 3166-1 alpha-2 code; did you mean \"CN\"?"},
      {[](auto& c) {
         c.mutable_assertions(1)->set_practice(
             v1::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES);
         c.mutable_assertions(1)->add_countries("RU");
       },
       Code::kInvalidArgument,
       "claim assertions[1].countries[2] (\"no-cn\"): \"RU\" repeats "
       "countries[1]"},
      {[](auto& c) { c.mutable_assertions(1)->set_countries(1, "XK"); },
       Code::kInvalidArgument,
       "claim assertions[1].countries[1] (\"no-cn\"): \"XK\" is not an "
       "officially assigned ISO 3166-1 alpha-2 code"},
      {[](auto& c) { c.mutable_assertions(1)->set_countries(0, "cn"); },
       Code::kInvalidArgument,
       "claim assertions[1].countries[0] (\"no-cn\"): \"cn\" is not an "
       "officially assigned ISO 3166-1 alpha-2 code; did you mean \"CN\"?"},
      {[](auto& c) { c.mutable_assertions(1)->set_countries(0, "China"); },
       Code::kInvalidArgument,
       "claim assertions[1].countries[0] (\"no-cn\"): \"China\" is not an "
       "officially assigned ISO 3166-1 alpha-2 code"},
      {[](auto& c) { c.mutable_assertions(1)->add_countries("CN"); },
       Code::kInvalidArgument,
       "claim assertions[1].countries[2] (\"no-cn\"): \"CN\" repeats "
       "countries[0]"},
      {[](auto& c) { c.mutable_assertions(1)->add_exemptions(v1::SERVICE_PROVIDER); },
       Code::kInvalidArgument,
       "claim assertions[1].exemptions[1] (\"no-cn\"): SERVICE_PROVIDER "
       "repeats exemptions[0]"},
      {[](auto& c) {
         c.mutable_assertions(1)->add_exemptions(v1::EXEMPTION_UNSPECIFIED);
       },
       Code::kInvalidArgument,
       "claim assertions[1].exemptions[1] (\"no-cn\"): unspecified or "
       "unknown; SERVICE_PROVIDER, USER_INITIATED, EPHEMERAL_PROCESSING, LEGAL_REQUEST or "
       "ANONYMISED_DATA"},
  };
  for (const Case& c : cases) {
    v1::Claim claim = Valid();
    c.mutate(claim);
    EXPECT_THAT(Validate(claim), StatusIs(c.code, c.message));
  }
}

TEST(ValidateClaim, WithoutSignerChecksIssuerSyntaxOnly) {
  v1::Claim c = Valid();
  c.mutable_app()->set_id("android:com.not.in.scope");
  c.set_issuer("someone-else");
  EXPECT_TRUE(ClaimProblems(c, kNow, nullptr).empty());
  c.set_issuer("<your-vendor-name>");
  std::vector<absl::Status> problems = ClaimProblems(c, kNow, nullptr);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0],
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "claim issuer: \"<your-vendor-name>\" is not a "
                       "registered principal name (1 to 64 lower-case "
                       "letters, digits, '.', '-' or '_')"));
}

TEST(ValidateClaim, ClaimProblemsListsEveryProblemInFieldOrder) {
  v1::Claim c = Valid();
  c.mutable_app()->set_id("android:com.other");
  c.set_issuer("mallory");
  c.clear_effective_at();
  c.mutable_assertions(0)->clear_consent();
  c.mutable_assertions(1)->set_countries(0, "ZZ");
  const registry::PrincipalRecord vendor = Vendor();
  std::vector<std::string> messages;
  for (const absl::Status& s : ClaimProblems(c, kNow, &vendor)) {
    messages.emplace_back(s.message());
  }
  EXPECT_THAT(
      messages,
      ElementsAre(
          "claim app.id: \"android:com.other\" is not in the scope of vendor "
          "\"example\"; the operator must add it to the vendor's registration "
          "first",
          "claim issuer: \"mallory\" is not the signer: the claim is signed by "
          "vendor \"example\"",
          "claim effectiveAt: missing; give the time the claim takes effect "
          "(RFC 3339, e.g. \"2025-06-01T00:00:00Z\")",
          "claim assertions[0].consent (\"no-contacts\"): missing; say when the "
          "assertion holds: ALWAYS, WHEN_TRACKING_DECLINED or "
          "WHEN_TRACKING_ACCEPTED",
          "claim assertions[1].countries[0] (\"no-cn\"): \"ZZ\" is not an "
          "officially assigned ISO 3166-1 alpha-2 code"));
}

// ---------------------------------------------------------------------------
// Contradictions

struct PairCase {
  v1::Assertion first;
  v1::Assertion second;
  std::string message;  // empty: no contradiction
};

void ExpectPair(const PairCase& p) {
  v1::Claim c = Valid();
  c.clear_assertions();
  *c.add_assertions() = p.first;
  *c.add_assertions() = p.second;
  if (p.message.empty()) {
    EXPECT_THAT(Validate(c), IsOk())
        << p.first.ShortDebugString() << " / " << p.second.ShortDebugString();
  } else {
    EXPECT_THAT(Validate(c),
                StatusIs(absl::StatusCode::kInvalidArgument, p.message));
  }
}

TEST(Contradictions, NotCollectedVersusAffirmativePractices) {
  const v1::Assertion none =
      MakeAssertion("none", {"contacts"}, v1::NOT_COLLECTED);
  ExpectPair({none,
              Orgs(MakeAssertion("maps", {"contacts.contacts", "location"},
                                 v1::SHARED_ONLY_WITH),
                   {"Maps Inc"}),
              "claim assertions[1] (\"maps\") contradicts assertions[0] "
              "(\"none\"): for contacts.contacts with consent ALWAYS, "
              "assertions[1] says the data is shared only with \"Maps Inc\" "
              "but assertions[0] says it is never collected"});
  ExpectPair({Countries(MakeAssertion("eu", {"personal_info", "contacts"},
                                      v1::ONLY_SENT_TO_COUNTRIES),
                        {"DE", "FR"}),
              none,
              "claim assertions[1] (\"none\") contradicts assertions[0] "
              "(\"eu\"): for contacts.contacts with consent ALWAYS, "
              "assertions[0] says the data is sent only to endpoints in DE, "
              "FR but assertions[1] says it is never collected"});
  // The narrower consent: NOT_COLLECTED ALWAYS holds wherever the declined
  // assertion does.
  ExpectPair({none,
              Orgs(MakeAssertion("maps", {"contacts"}, v1::SHARED_ONLY_WITH,
                                 v1::WHEN_TRACKING_DECLINED),
                   {"Maps Inc"}),
              "claim assertions[1] (\"maps\") contradicts assertions[0] "
              "(\"none\"): for contacts.contacts with consent "
              "WHEN_TRACKING_DECLINED (covered by ALWAYS), assertions[1] says "
              "the data is shared only with \"Maps Inc\" but assertions[0] "
              "says it is never collected"});
}

TEST(Contradictions, AffirmativeVersusAffirmativeAndCountryLists) {
  const v1::Assertion only_de = Countries(
      MakeAssertion("only-de", {"location.precise"}, v1::ONLY_SENT_TO_COUNTRIES),
      {"DE"});
  ExpectPair({only_de,
              Countries(MakeAssertion("not-de", {"location"},
                                      v1::NOT_SENT_TO_COUNTRIES),
                        {"CN", "DE"}),
              "claim assertions[1] (\"not-de\") contradicts assertions[0] "
              "(\"only-de\"): for location.precise with consent ALWAYS, "
              "assertions[0] says the data is sent only to endpoints in DE but "
              "assertions[1] says it is never sent to endpoints in CN, DE"});
  ExpectPair({only_de,
              Countries(MakeAssertion("only-us", {"location.precise"},
                                      v1::ONLY_SENT_TO_COUNTRIES),
                        {"US"}),
              "claim assertions[1] (\"only-us\") contradicts assertions[0] "
              "(\"only-de\"): for location.precise with consent ALWAYS, "
              "assertions[0] says the data is sent only to endpoints in DE but "
              "assertions[1] says it is sent only to endpoints in US"});
  ExpectPair({Orgs(MakeAssertion("x", {"contacts"}, v1::SHARED_ONLY_WITH),
                   {"X Corp"}),
              Orgs(MakeAssertion("y", {"contacts"}, v1::SHARED_ONLY_WITH),
                   {"Y Corp", "Z Corp"}),
              "claim assertions[1] (\"y\") contradicts assertions[0] (\"x\"): "
              "for contacts.contacts with consent ALWAYS, assertions[0] says "
              "the data is shared only with \"X Corp\" but assertions[1] says "
              "it is shared only with \"Y Corp\", \"Z Corp\""});
  ExpectPair({Orgs(MakeAssertion("x", {"contacts"}, v1::SHARED_ONLY_WITH),
                   {"X Corp"}),
              MakeAssertion("nobody", {"contacts"},
                            v1::NOT_SHARED_WITH_THIRD_PARTIES),
              "claim assertions[1] (\"nobody\") contradicts assertions[0] "
              "(\"x\"): for contacts.contacts with consent ALWAYS, "
              "assertions[0] says the data is shared only with \"X Corp\" but "
              "assertions[1] says it is never shared with third parties"});
}

TEST(Contradictions, AllowedCombinations) {
  const v1::Assertion none = MakeAssertion("none", {"contacts"}, v1::NOT_COLLECTED);
  const v1::Assertion all_not_cn = Countries(
      MakeAssertion("not-cn", {"contacts", "location"}, v1::NOT_SENT_TO_COUNTRIES),
      {"CN"});
  // Redundant prohibitions.
  ExpectPair({none, all_not_cn, ""});
  ExpectPair({none,
              MakeAssertion("nobody", {"contacts"},
                            v1::NOT_SHARED_WITH_THIRD_PARTIES),
              ""});
  // No data type in common.
  ExpectPair({none,
              Orgs(MakeAssertion("maps", {"location"}, v1::SHARED_ONLY_WITH),
                   {"Maps Inc"}),
              ""});
  // Disjoint consent states.
  ExpectPair({MakeAssertion("none", {"contacts"}, v1::NOT_COLLECTED,
                            v1::WHEN_TRACKING_DECLINED),
              Orgs(MakeAssertion("ads", {"contacts"}, v1::SHARED_ONLY_WITH,
                                 v1::WHEN_TRACKING_ACCEPTED),
                   {"Ads Inc"}),
              ""});
  // A narrower assertion under a narrower consent refines the broader one.
  ExpectPair({Orgs(MakeAssertion("maps", {"location"}, v1::SHARED_ONLY_WITH),
                   {"Maps Inc"}),
              MakeAssertion("declined", {"location"}, v1::NOT_COLLECTED,
                            v1::WHEN_TRACKING_DECLINED),
              ""});
  // Overlapping organisation lists: the data may go to Y.
  ExpectPair({Orgs(MakeAssertion("xy", {"contacts"}, v1::SHARED_ONLY_WITH),
                   {"X", "Y"}),
              Orgs(MakeAssertion("yz", {"contacts"}, v1::SHARED_ONLY_WITH),
                   {"Y", "Z"}),
              ""});
  // Only DE and FR, never CN: DE and FR remain.
  ExpectPair({Countries(MakeAssertion("eu", {"contacts"},
                                      v1::ONLY_SENT_TO_COUNTRIES),
                        {"DE", "FR"}),
              Countries(MakeAssertion("not-fr", {"contacts"},
                                      v1::NOT_SENT_TO_COUNTRIES),
                        {"FR", "CN"}),
              ""});
  // Organisation and country practices constrain different things.
  ExpectPair({Orgs(MakeAssertion("x", {"contacts"}, v1::SHARED_ONLY_WITH),
                   {"X"}),
              Countries(MakeAssertion("only-de", {"contacts"},
                                      v1::ONLY_SENT_TO_COUNTRIES),
                        {"DE"}),
              ""});
  ExpectPair({MakeAssertion("nobody", {"contacts"},
                            v1::NOT_SHARED_WITH_THIRD_PARTIES),
              Countries(MakeAssertion("only-de", {"contacts"},
                                      v1::ONLY_SENT_TO_COUNTRIES),
                        {"DE"}),
              ""});
}

// NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES is never affirmative, and whether
// it rules out an organisation or an endpoint country takes reference data:
// it contradicts nothing (claim.h).
TEST(Contradictions, OrganisationsOfCountriesContradictNothing) {
  const v1::Assertion no_cn_orgs =
      Countries(MakeAssertion("no-cn-orgs", {"contacts"},
                              v1::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES),
                {"CN"});
  // Tracker Ltd may or may not be Chinese: only reference data can tell.
  ExpectPair({Orgs(MakeAssertion("tracker", {"contacts"}, v1::SHARED_ONLY_WITH),
                   {"Tracker Ltd"}),
              no_cn_orgs, ""});
  // Endpoints in CN may be run by organisations of other countries.
  ExpectPair({Countries(MakeAssertion("only-cn", {"contacts"},
                                      v1::ONLY_SENT_TO_COUNTRIES),
                        {"CN"}),
              no_cn_orgs, ""});
  // The statement this practice exists for: neither endpoints in CN nor
  // organisations of CN.
  ExpectPair({Countries(MakeAssertion("no-cn", {"contacts"},
                                      v1::NOT_SENT_TO_COUNTRIES),
                        {"CN"}),
              no_cn_orgs, ""});
  ExpectPair({MakeAssertion("none", {"contacts"}, v1::NOT_COLLECTED), no_cn_orgs,
              ""});
  ExpectPair({MakeAssertion("nobody", {"contacts"},
                            v1::NOT_SHARED_WITH_THIRD_PARTIES),
              no_cn_orgs, ""});
  // Not affirmative either: it names no destination another could forbid.
  ExpectPair({no_cn_orgs,
              MakeAssertion("none", {"contacts"}, v1::NOT_COLLECTED,
                            v1::WHEN_TRACKING_DECLINED),
              ""});
}

TEST(Contradictions, EveryContradictingPairIsReported) {
  v1::Claim c = Valid();
  c.clear_assertions();
  *c.add_assertions() = MakeAssertion("none", {"contacts"}, v1::NOT_COLLECTED);
  *c.add_assertions() =
      Orgs(MakeAssertion("x", {"contacts"}, v1::SHARED_ONLY_WITH), {"X"});
  *c.add_assertions() =
      Orgs(MakeAssertion("y", {"contacts"}, v1::SHARED_ONLY_WITH), {"Y"});
  // An assertion with a problem of its own takes no part.
  *c.add_assertions() =
      Orgs(MakeAssertion("bad", {"contacts", "gps"}, v1::SHARED_ONLY_WITH), {"Z"});
  const registry::PrincipalRecord vendor = Vendor();
  std::vector<std::string> messages;
  for (const absl::Status& s : ClaimProblems(c, kNow, &vendor)) {
    messages.emplace_back(s.message());
  }
  EXPECT_THAT(
      messages,
      ElementsAre(
          "claim assertions[3].dataTypes[1] (\"bad\"): \"gps\" is not a "
          "Candor data type or category id",
          "claim assertions[1] (\"x\") contradicts assertions[0] (\"none\"): "
          "for contacts.contacts with consent ALWAYS, assertions[1] says the "
          "data is shared only with \"X\" but assertions[0] says it is never "
          "collected",
          "claim assertions[2] (\"y\") contradicts assertions[0] (\"none\"): "
          "for contacts.contacts with consent ALWAYS, assertions[2] says the "
          "data is shared only with \"Y\" but assertions[0] says it is never "
          "collected",
          "claim assertions[2] (\"y\") contradicts assertions[1] (\"x\"): for "
          "contacts.contacts with consent ALWAYS, assertions[1] says the data "
          "is shared only with \"X\" but assertions[2] says it is shared only "
          "with \"Y\""));
}

// ---------------------------------------------------------------------------
// Supersedes and the validator

class FakeLog : public admission::LogView {
 public:
  absl::Time Now() const override { return kNow; }
  absl::StatusOr<std::optional<admission::IndexedEntry>> FindEntry(
      const merkle::Hash& leaf_hash) const override {
    if (!fail.ok()) return fail;
    for (const admission::IndexedEntry& e : entries) {
      if (merkle::HashLeaf(e.entry) == leaf_hash) return e;
    }
    return std::nullopt;
  }
  // Appends `entry`; its leaf hash as bytes.
  std::string Add(const std::string& entry) {
    entries.push_back({entries.size(), entry});
    return std::string(merkle::AsBytes(merkle::HashLeaf(entry)));
  }

  std::vector<admission::IndexedEntry> entries;
  absl::Status fail;
};

class ClaimValidatorTest : public ::testing::Test {
 protected:
  ClaimValidatorTest()
      : admin_(*PrivateKey::Generate(KeyType::kEd25519)),
        example_key_(*PrivateKey::Generate(KeyType::kEd25519)),
        other_key_(*PrivateKey::Generate(KeyType::kEcdsaP256)),
        admission_(admin_.public_key(), &validators_) {
    RegisterClaimValidator(validators_);
    EXPECT_THAT(registry_.Apply(Registration("example", example_key_), 0), IsOk());
    EXPECT_THAT(registry_.Apply(Registration("other", other_key_), 1), IsOk());
    log_.entries.push_back({0, "registration of example"});
    log_.entries.push_back({1, "registration of other"});
  }

  static registry::Registration Registration(const std::string& name,
                                             const PrivateKey& key) {
    registry::Registration r;
    r.set_name(name);
    r.set_role(registry::v1::VENDOR);
    r.add_public_keys(key.public_key().Pem());
    r.mutable_scope()->add_apps(kApp);
    r.mutable_scope()->add_apps("ios:com.example.app");
    return r;
  }

  static std::string Entry(const v1::Claim& c, const PrivateKey& key,
                           std::vector<std::string> subjects = {}) {
    Statement st;
    if (subjects.empty()) subjects.push_back(c.app().id());
    for (const std::string& s : subjects) st.subjects.push_back(NamedSubject(s));
    st.predicate_type = std::string(kClaimPredicateType);
    st.predicate_json = PredicateToJson(c);
    return *SignStatement(st, key);
  }

  absl::Status Admit(const std::string& entry) {
    return admission_.Admit(entry, registry_, log_.entries.size(), log_).status();
  }

  static v1::Claim By(const std::string& issuer) {
    v1::Claim c = Valid();
    c.set_issuer(issuer);
    return c;
  }

  PrivateKey admin_;
  PrivateKey example_key_;
  PrivateKey other_key_;
  admission::ValidatorRegistry validators_;
  admission::Admission admission_;
  registry::RegistryState registry_;
  FakeLog log_;
};

TEST_F(ClaimValidatorTest, AdmitsValidClaimSignedByItsIssuer) {
  EXPECT_EQ(kClaimPredicateType, "https://candor.dev/claim/v1");
  ASSERT_NE(validators_.Find(kClaimPredicateType), nullptr);
  EXPECT_EQ(validators_.Find(kClaimPredicateType)->signer_role(),
            registry::v1::VENDOR);
  EXPECT_THAT(Admit(Entry(By("example"), example_key_)), IsOk());
  EXPECT_THAT(Admit(Entry(By("other"), other_key_)), IsOk());
}

TEST_F(ClaimValidatorTest, RefusesIssuerOtherThanSigner) {
  EXPECT_THAT(Admit(Entry(By("other"), example_key_)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "claim issuer: \"other\" is not the signer: the claim "
                       "is signed by vendor \"example\""));
}

TEST_F(ClaimValidatorTest, RefusesAppOutsideSignersScope) {
  v1::Claim c = By("example");
  c.mutable_app()->set_id("android:com.someone.else");
  EXPECT_THAT(Admit(Entry(c, example_key_)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "claim app.id: \"android:com.someone.else\" is not in "
                       "the scope of vendor \"example\"; the operator must add "
                       "it to the vendor's registration first"));
}

TEST_F(ClaimValidatorTest, RefusesUnparsablePredicateAndWrongSubjects) {
  Statement st;
  st.subjects.push_back(NamedSubject(kApp));
  st.predicate_type = std::string(kClaimPredicateType);
  st.predicate_json = R"({"app":{"id":"android:com.example.app"},"colour":1})";
  absl::Status s = Admit(*SignStatement(st, example_key_));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(
      s.message(), "predicate is not a valid candor.claim.v1.Claim: "))
      << s;

  EXPECT_THAT(Admit(Entry(By("example"), example_key_, {"ios:com.example.app"})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a claim statement's subject must be named "
                       "\"android:com.example.app\" after its app, not "
                       "\"ios:com.example.app\""));
  EXPECT_THAT(
      Admit(Entry(By("example"), example_key_, {kApp, "ios:com.example.app"})),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "a claim statement must have exactly one subject, has 2"));
}

// A claim about one build: app.binarySha256 set, the subject that binary.
TEST_F(ClaimValidatorTest, AdmitsAClaimAboutOneBuildWithItsBinarySubject) {
  const std::string hex(64, 'c');
  v1::Claim c = By("example");
  c.mutable_app()->set_binary_sha256(hex);
  Statement st;
  st.subjects.push_back(*subject::BinarySubject(kApp, "2.3.1", hex));
  st.predicate_type = std::string(kClaimPredicateType);
  st.predicate_json = PredicateToJson(c);
  EXPECT_THAT(Admit(*SignStatement(st, example_key_)), IsOk());
  // Without a stated version, too.
  st.subjects[0] = *subject::BinarySubject(kApp, "", hex);
  EXPECT_THAT(Admit(*SignStatement(st, example_key_)), IsOk());
}

TEST_F(ClaimValidatorTest, RefusesABinarySubjectInconsistentWithTheClaim) {
  const std::string hex(64, 'c');
  v1::Claim c = By("example");  // versions 2.0 to 2.10.1
  c.mutable_app()->set_binary_sha256(hex);
  auto entry = [&](const v1::Claim& claim, const Subject& subject) {
    Statement st;
    st.subjects.push_back(subject);
    st.predicate_type = std::string(kClaimPredicateType);
    st.predicate_json = PredicateToJson(claim);
    return *SignStatement(st, example_key_);
  };
  EXPECT_THAT(
      Admit(entry(c, *subject::BinarySubject("ios:com.example.app", "2.3", hex))),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "a claim statement's subject is a binary of "
               "\"ios:com.example.app\", not of the claim's app "
               "\"android:com.example.app\""));
  EXPECT_THAT(
      Admit(entry(c, *subject::BinarySubject(kApp, "3.0", hex))),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "a claim statement's subject is version \"3.0\" of the app, "
               "which the claim's app.minVersion/app.maxVersion (\"2.0\" to "
               "\"2.10.1\") do not cover"));
  EXPECT_THAT(
      Admit(entry(c, NamedSubject(kApp))),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "a claim statement about the build app.binarySha256 " + hex +
                   " must have that binary as its subject "
                   "(\"android:com.example.app@<version or *>\" with that "
                   "sha256 digest), not the app subject "
                   "\"android:com.example.app\""));
  EXPECT_THAT(
      Admit(entry(By("example"), *subject::BinarySubject(kApp, "2.3", hex))),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "a claim statement's subject \"android:com.example.app@2.3\" is "
               "a binary (it has annotations or an '@' in its name) but the "
               "claim names no app.binarySha256: set it to the binary's "
               "digest, or make the subject the app, "
               "\"android:com.example.app\""));
}

TEST(ClaimProblems, RefusesABinaryForAWebApp) {
  v1::Claim c = Valid();
  c.mutable_app()->set_id("web:https://example.com");
  c.mutable_app()->set_binary_sha256(std::string(64, 'c'));
  std::vector<absl::Status> problems = ClaimProblems(c, kNow, nullptr);
  ASSERT_FALSE(problems.empty());
  EXPECT_THAT(problems[0],
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "claim app.binarySha256: \"web:https://example.com\" has "
                       "no binary: only android: and ios: apps have an APK, AAB "
                       "or IPA to name by digest"));
}

TEST_F(ClaimValidatorTest, AdmitsSupersedingOwnClaimForSameApp) {
  const std::string first = log_.Add(Entry(By("example"), example_key_));
  v1::Claim next = By("example");
  next.set_supersedes(first);
  EXPECT_THAT(Admit(Entry(next, example_key_)), IsOk());
  EXPECT_THAT(CheckSupersedes(next, log_, registry_), IsOk());
  EXPECT_THAT(CheckSupersedes(By("example"), log_, registry_), IsOk());
}

TEST_F(ClaimValidatorTest, RefusesEachBadSupersedes) {
  const std::string by_example = log_.Add(Entry(By("example"), example_key_));
  const std::string by_other = log_.Add(Entry(By("other"), other_key_));
  v1::Claim ios = By("example");
  ios.mutable_app()->set_id("ios:com.example.app");
  const std::string other_app = log_.Add(Entry(ios, example_key_));
  Statement st;
  st.subjects.push_back(NamedSubject(kApp));
  st.predicate_type = "https://candor.dev/measurement/v1";
  st.predicate_json = "{}";
  const std::string not_claim = log_.Add(*SignStatement(st, example_key_));
  // A claim whose issuer field names "example" but that "other" signed: the
  // validator would never have admitted it, and CheckSupersedes does not rely
  // on that.
  const std::string forged = log_.Add(Entry(By("example"), other_key_));
  const std::string unknown(32, '\x07');

  struct Case {
    std::string supersedes;
    absl::StatusCode code;
    std::string message;
  } cases[] = {
      {unknown, absl::StatusCode::kFailedPrecondition,
       "claim supersedes: no entry in the log has leaf hash " +
           absl::Base64Escape(unknown) +
           "; name the leaf hash of your earlier claim for "
           "\"android:com.example.app\" as its receipt gives it"},
      {by_other, absl::StatusCode::kPermissionDenied,
       "claim supersedes: log entry 3 is a claim by \"other\", not by "
       "\"example\"; a vendor may supersede only its own claims"},
      {other_app, absl::StatusCode::kInvalidArgument,
       "claim supersedes: log entry 4 is a claim about "
       "\"ios:com.example.app\", not \"android:com.example.app\"; a claim may "
       "supersede only a claim about the same app"},
      {not_claim, absl::StatusCode::kInvalidArgument,
       "claim supersedes: log entry 5 is a "
       "\"https://candor.dev/measurement/v1\" statement, not a claim or a recording"},
      {forged, absl::StatusCode::kPermissionDenied,
       "claim supersedes: log entry 6 is signed (signature 0, key \"" +
           dsse::KeyId(other_key_.public_key()) +
           "\") by someone other than \"example\"; a vendor may supersede "
           "only its own claims"},
      {"short", absl::StatusCode::kInvalidArgument,
       "claim supersedes: must be a 32-byte leaf hash (base64 in JSON); got 5 "
       "bytes"},
  };
  for (const Case& c : cases) {
    v1::Claim claim = By("example");
    claim.set_supersedes(c.supersedes);
    EXPECT_THAT(Admit(Entry(claim, example_key_)), StatusIs(c.code, c.message));
  }
  // The well-formed one still passes.
  v1::Claim ok = By("example");
  ok.set_supersedes(by_example);
  EXPECT_THAT(Admit(Entry(ok, example_key_)), IsOk());
}

// The vendor answers a recorder's reading of what it said with a claim of
// its own; CheckSupersedes needs only the recording's app (who may supersede
// it is the validator's scope check and history's rule).
TEST_F(ClaimValidatorTest, SupersedesARecordingAboutTheSameApp) {
  auto recording_about = [&](const std::string& app) {
    v1::RecordedClaim r;
    r.set_recorder("journalist");
    *r.mutable_reading() = Valid();
    r.mutable_reading()->mutable_app()->set_id(app);
    Statement st;
    st.subjects.push_back(NamedSubject(app));
    st.predicate_type = std::string(kRecordedClaimType);
    st.predicate_json = PredicateToJson(r);
    return log_.Add(*SignStatement(st, other_key_));
  };
  const std::string same_app = recording_about(kApp);
  const std::string other_app = recording_about("ios:com.example.app");
  v1::Claim answer = By("example");
  answer.set_supersedes(same_app);
  EXPECT_THAT(Admit(Entry(answer, example_key_)), IsOk());
  answer.set_supersedes(other_app);
  EXPECT_THAT(Admit(Entry(answer, example_key_)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "claim supersedes: log entry 3 is a recording about "
                       "\"ios:com.example.app\", not \"android:com.example.app\"; a "
                       "claim may supersede only a recording about the same app"));
}

TEST_F(ClaimValidatorTest, PassesOnLogErrors) {
  v1::Claim c = By("example");
  c.set_supersedes(std::string(32, '\x01'));
  log_.fail = absl::UnavailableError("storage is closed");
  EXPECT_THAT(CheckSupersedes(c, log_, registry_),
              StatusIs(absl::StatusCode::kUnavailable,
                       "claim supersedes: looking up " +
                           absl::Base64Escape(c.supersedes()) +
                           " in the log: storage is closed"));
}

TEST(ClaimFromEntry, ParsesClaimsAndRefusesOtherStatements) {
  PrivateKey key = *PrivateKey::Generate(KeyType::kEd25519);
  Statement st;
  st.subjects.push_back(NamedSubject(kApp));
  st.predicate_type = std::string(kClaimPredicateType);
  st.predicate_json = PredicateToJson(Valid());
  absl::StatusOr<v1::Claim> c = ClaimFromEntry(*SignStatement(st, key));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->app().id(), kApp);
  st.predicate_type = "https://candor.dev/finding/v1";
  EXPECT_THAT(ClaimFromEntry(*SignStatement(st, key)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the entry is a \"https://candor.dev/finding/v1\" "
                       "statement, not a claim"));
}

}  // namespace
}  // namespace candor::claim
