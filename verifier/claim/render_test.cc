#include "verifier/claim/render.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "proto/candor/claim/v1/claim.pb.h"

namespace candor::claim {
namespace {

v1::Assertion MakeAssertion(std::vector<std::string> types, v1::Practice practice,
                            v1::Consent consent = v1::ALWAYS) {
  v1::Assertion a;
  for (const std::string& t : types) a.add_data_types(t);
  a.set_practice(practice);
  a.set_consent(consent);
  return a;
}

const std::vector<std::string> kAllCategories = {
    "location",       "personal_info",
    "financial_info", "health_and_fitness",
    "messages",       "photos_and_videos",
    "audio",          "files_and_docs",
    "calendar",       "contacts",
    "app_activity",   "web_browsing",
    "app_info_and_performance", "device_or_other_ids",
    "biometrics"};

TEST(Describe, DataTypesUseTaxonomyLabels) {
  EXPECT_EQ(DescribeDataTypes({"contacts.contacts", "personal_info.phone_number",
                               "location.precise", "biometrics.face_data"}),
            "Contacts, Phone number, Precise location, Face data (face prints, "
            "face photos)");
  EXPECT_EQ(DescribeDataTypes({"location", "device_or_other_ids"}),
            "Location, Device or other IDs");
  EXPECT_EQ(DescribeDataTypes(kAllCategories), "any user data");
  EXPECT_EQ(DescribeDataTypes({"gps\x1b[2J"}), "gps\\x1b[2J");
}

TEST(Describe, CountriesByNameAndCode) {
  EXPECT_EQ(DescribeCountries({"CN"}), "China (CN)");
  EXPECT_EQ(DescribeCountries({"CN", "RU"}), "China (CN) or Russia (RU)");
  EXPECT_EQ(DescribeCountries({"DE", "FR", "IE"}),
            "Germany (DE), France (FR) or Ireland (IE)");
  EXPECT_EQ(DescribeCountries({"XX"}), "\"XX\"");
}

TEST(Describe, EachPracticeInPlainEnglish) {
  EXPECT_EQ(DescribeAssertion(MakeAssertion(
                {"contacts.contacts", "personal_info.phone_number",
                 "location.precise", "biometrics.face_data"},
                v1::NOT_SHARED_WITH_THIRD_PARTIES)),
            "never shares Contacts, Phone number, Precise location, Face data "
            "(face prints, face photos) with third parties, whatever the user "
            "chose about tracking");
  v1::Assertion cn = MakeAssertion(kAllCategories, v1::NOT_SENT_TO_COUNTRIES);
  cn.add_countries("CN");
  EXPECT_EQ(DescribeAssertion(cn),
            "never sends any user data to endpoints located in China (CN), "
            "whatever the user chose about tracking");
  v1::Assertion loc = MakeAssertion({"location"}, v1::NOT_SENT_TO_COUNTRIES,
                                    v1::WHEN_TRACKING_DECLINED);
  loc.add_countries("CN");
  loc.add_countries("RU");
  EXPECT_EQ(DescribeAssertion(loc),
            "never sends Location to endpoints located in China (CN) or Russia "
            "(RU), once the user has declined tracking");
  v1::Assertion cn_orgs = MakeAssertion(
      kAllCategories, v1::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES);
  cn_orgs.add_countries("CN");
  EXPECT_EQ(DescribeAssertion(cn_orgs),
            "never sends any user data to organisations attributed to China "
            "(CN) (incorporated there or owned from there), wherever their "
            "endpoints are located, whatever the user chose about tracking");
  cn_orgs.add_countries("RU");
  cn_orgs.set_consent(v1::WHEN_TRACKING_DECLINED);
  cn_orgs.add_exemptions(v1::USER_INITIATED);
  EXPECT_EQ(DescribeAssertion(cn_orgs),
            "never sends any user data to organisations attributed to China "
            "(CN) or Russia (RU) (incorporated there or owned from there), "
            "wherever their endpoints are located, once the user has declined "
            "tracking; relies on exemptions: user-initiated");
  v1::Assertion eu = MakeAssertion({"health_and_fitness"},
                                   v1::ONLY_SENT_TO_COUNTRIES,
                                   v1::WHEN_TRACKING_ACCEPTED);
  eu.add_countries("DE");
  eu.add_countries("FR");
  EXPECT_EQ(DescribeAssertion(eu),
            "sends Health and fitness only to endpoints located in Germany (DE) "
            "or France (FR), once the user has accepted tracking");
  v1::Assertion maps = MakeAssertion({"location.precise"}, v1::SHARED_ONLY_WITH);
  maps.add_organisations("Maps Inc");
  maps.add_organisations("Crash \"Reports\" Ltd");
  maps.add_exemptions(v1::SERVICE_PROVIDER);
  maps.add_exemptions(v1::EPHEMERAL_PROCESSING);
  EXPECT_EQ(DescribeAssertion(maps),
            "shares Precise location with no third party other than \"Maps "
            "Inc\" and \"Crash \"Reports\" Ltd\", whatever the user chose about "
            "tracking; relies on exemptions: service provider, ephemeral "
            "processing");
  EXPECT_EQ(DescribeAssertion(MakeAssertion({"contacts"}, v1::NOT_COLLECTED)),
            "never collects Contacts: none of it leaves the device, whatever "
            "the user chose about tracking");
  EXPECT_EQ(DescribeAssertion(MakeAssertion({"contacts"}, v1::PRACTICE_UNSPECIFIED,
                                            v1::CONSENT_UNSPECIFIED)),
            "(no practice given) about Contacts, under a consent state not "
            "given");
}

TEST(Printable, EscapesWhatCouldRewriteATerminal) {
  EXPECT_EQ(Printable("plain text, ünïcode 中文"), "plain text, ünïcode 中文");
  EXPECT_EQ(Printable("a\x1b]0;pwned\x07z"), "a\\x1b]0;pwned\\x07z");
  EXPECT_EQ(Printable("tab\there\nnl"), "tab\\x09here\\x0anl");
  EXPECT_EQ(Printable("abc\xE2\x80\xAE" "cba"), "abc\\u202ecba");  // RLO
  EXPECT_EQ(Printable("c1\xC2\x9B" "31m"), "c1\\u009b31m");          // CSI
  EXPECT_EQ(Printable("bad\xFF\xC3"), "bad\\xff\\xc3");
  EXPECT_EQ(Printable("\xC0\xAF"), "\\xc0\\xaf");  // overlong '/'
  EXPECT_EQ(Printable("back\\slash"), "back\\\\slash");
}

v1::Claim ReadmeClaim() {
  v1::Claim c;
  c.mutable_app()->set_id("android:com.example.app");
  c.mutable_app()->set_min_version("1.0");
  c.set_issuer("example");
  c.mutable_issued_at()->set_seconds(1800000000);
  c.mutable_effective_at()->set_seconds(1800000000);
  c.set_text("We never share contacts.\nNothing goes to China.");
  auto* d = c.add_documents();
  d->set_kind(v1::Document::PRIVACY_POLICY);
  d->set_url("https://example.com/privacy");
  d->set_sha256(std::string(64, 'e'));
  v1::Assertion a = MakeAssertion({"contacts.contacts", "personal_info.phone_number",
                                   "location.precise", "biometrics.face_data"},
                                  v1::NOT_SHARED_WITH_THIRD_PARTIES);
  a.set_id("no-sensitive-data-to-third-parties");
  *c.add_assertions() = a;
  v1::Assertion cn = MakeAssertion(kAllCategories, v1::NOT_SENT_TO_COUNTRIES);
  cn.set_id("no-user-data-to-cn");
  cn.add_countries("CN");
  *c.add_assertions() = cn;
  return c;
}

TEST(RenderClaim, TheReadmeExample) {
  EXPECT_EQ(
      RenderClaim(ReadmeClaim()),
      "Claim by example about android:com.example.app\n"
      "  Versions:    1.0 and later\n"
      "  Issued:      2027-01-15T08:00:00Z\n"
      "  Effective:   2027-01-15T08:00:00Z\n"
      "  Documents:\n"
      "    Privacy policy: https://example.com/privacy (SHA-256 " +
          std::string(64, 'e') +
          ")\n"
          "  In the vendor's words:\n"
          "    We never share contacts.\n"
          "    Nothing goes to China.\n"
          "  Assertions:\n"
          "    no-sensitive-data-to-third-parties: never shares Contacts, Phone "
          "number, Precise location, Face data (face prints, face photos) with "
          "third parties, whatever the user chose about tracking.\n"
          "    no-user-data-to-cn: never sends any user data to endpoints "
          "located in China (CN), whatever the user chose about tracking.\n");
}

TEST(RenderClaim, WithLogEntryStatusAndSupersedes) {
  v1::Claim c = ReadmeClaim();
  c.clear_documents();
  c.clear_text();
  c.mutable_assertions()->DeleteSubrange(1, 1);
  c.mutable_app()->set_max_version("2.9");
  c.mutable_app()->set_signing_cert_sha256(std::string(64, 'c'));
  c.set_supersedes(std::string(32, '\0'));
  ClaimListing listing;
  listing.log_index = 42;
  listing.status = ClaimStatus::kSuperseded;
  listing.superseded_by = 57;
  listing.as_of = absl::FromUnixSeconds(1900000000);
  EXPECT_EQ(RenderClaim(c, listing),
            "Claim by example about android:com.example.app\n"
            "  Versions:    1.0 to 2.9\n"
            "  Issued:      2027-01-15T08:00:00Z\n"
            "  Effective:   2027-01-15T08:00:00Z\n"
            "  Log entry:   42, superseded by entry 57 at 2030-03-17T17:46:40Z\n"
            "  Supersedes:  claim with leaf hash "
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
            "  Signing certificate SHA-256: " +
                std::string(64, 'c') +
                "\n"
                "  Assertions:\n"
                "    no-sensitive-data-to-third-parties: never shares Contacts, "
                "Phone number, Precise location, Face data (face prints, face "
                "photos) with third parties, whatever the user chose about "
                "tracking.\n");
  c.mutable_app()->set_binary_sha256(std::string(64, 'b'));
  EXPECT_NE(RenderClaim(c, listing).find(
                "  Versions:    1.0 to 2.9\n"
                "  Build:       only the binary with SHA-256 " +
                std::string(64, 'b') + "\n  Issued:"),
            std::string::npos)
      << RenderClaim(c, listing);
  listing.status = ClaimStatus::kInForce;
  EXPECT_NE(RenderClaim(c, listing).find("  Log entry:   42, in force at "
                                         "2030-03-17T17:46:40Z\n"),
            std::string::npos);
}

TEST(RenderClaim, AnEmptyOrHostileClaim) {
  v1::Claim c;
  c.set_issuer("evil\x1b[2J");
  c.set_text("line\x1b[31m red");
  c.mutable_app()->set_max_version("3");
  EXPECT_EQ(RenderClaim(c),
            "Claim by evil\\x1b[2J about (missing)\n"
            "  Versions:    up to 3\n"
            "  Issued:      (missing)\n"
            "  Effective:   (missing)\n"
            "  In the vendor's words:\n"
            "    line\\x1b[31m red\n"
            "  Assertions:\n"
            "    (none)\n");
}


TEST(RenderClaim, ShowsProvenanceWhenListed) {
  v1::Claim c = ReadmeClaim();
  c.clear_documents();
  c.clear_text();
  c.mutable_assertions()->DeleteSubrange(1, 1);
  ClaimListing listing;
  listing.log_index = 3;
  listing.as_of = absl::FromUnixSeconds(1900000000);
  listing.provenance = "the vendor's signed claim\x1b[2J";
  EXPECT_EQ(RenderClaim(c, listing),
            "Claim by example about android:com.example.app\n"
            "  Provenance:  the vendor's signed claim\\x1b[2J\n"
            "  Versions:    1.0 and later\n"
            "  Issued:      2027-01-15T08:00:00Z\n"
            "  Effective:   2027-01-15T08:00:00Z\n"
            "  Log entry:   3, in force at 2030-03-17T17:46:40Z\n"
            "  Assertions:\n"
            "    no-sensitive-data-to-third-parties: never shares Contacts, "
            "Phone number, Precise location, Face data (face prints, face "
            "photos) with third parties, whatever the user chose about "
            "tracking.\n");
  listing.provenance.clear();
  EXPECT_EQ(RenderClaim(c, listing).find("Provenance"), std::string::npos);
}

v1::RecordedClaim InterviewStatement() {
  v1::RecordedClaim r;
  r.set_recorder("press-archive");
  r.set_kind(v1::RecordedClaim::STATEMENT);
  r.mutable_speaker()->set_name("Jane Doe, CEO of Example");
  r.mutable_source()->set_url("https://news.example.org/interview");
  r.mutable_source()->set_publication("Example News");
  r.mutable_source()->mutable_published_at()->set_seconds(1790000000);
  r.mutable_source()->set_archive_sha256(std::string(64, 'a'));
  v1::Quote* q = r.add_quotes();
  q->set_id("q1");
  q->set_language("en");
  q->set_text("Our app never sends data to China. Contacts stay private.");
  v1::Quote* q2 = r.add_quotes();
  q2->set_id("q2");
  q2->set_language("en");
  q2->set_text("We do not sell contacts.");
  v1::Claim* c = r.mutable_reading();
  c->mutable_app()->set_id("android:com.example.app");
  c->set_issuer("press-archive");
  c->mutable_issued_at()->set_seconds(1800000000);
  c->mutable_effective_at()->set_seconds(1790000000);
  v1::Assertion cn = MakeAssertion(kAllCategories, v1::NOT_SENT_TO_COUNTRIES);
  cn.set_id("no-data-to-cn");
  cn.add_countries("CN");
  *c->add_assertions() = cn;
  v1::Assertion contacts =
      MakeAssertion({"contacts.contacts"}, v1::NOT_SHARED_WITH_THIRD_PARTIES);
  contacts.set_id("contacts-private");
  *c->add_assertions() = contacts;
  v1::Interpretation* i1 = r.add_interpretations();
  i1->set_assertion("no-data-to-cn");
  i1->set_quote("q1");
  i1->set_sentence("Our app never sends data to China.");
  i1->set_reading("\"data\" read as any user data");
  v1::Interpretation* i2 = r.add_interpretations();
  i2->set_assertion("contacts-private");
  i2->set_quote("q1");
  i2->set_sentence("Contacts stay private.");
  i2->set_reading("private read as not shared");
  v1::Interpretation* i3 = r.add_interpretations();
  i3->set_assertion("contacts-private");
  i3->set_quote("q2");
  i3->set_sentence("We do not sell contacts.");
  i3->set_reading("not sold read as not shared");
  return r;
}

TEST(RenderRecording, AStatementInFull) {
  ClaimListing listing;
  listing.log_index = 7;
  listing.as_of = absl::FromUnixSeconds(1900000000);
  listing.provenance = "a statement recorded by press-archive";
  RecordingDispute dispute;
  dispute.log_index = 9;
  dispute.dispute.set_issuer("example");
  dispute.dispute.mutable_issued_at()->set_seconds(1850000000);
  dispute.dispute.set_text("Misquoted.\nShe spoke of the web site.");
  const RecordingDispute disputes[] = {dispute};
  EXPECT_EQ(
      RenderRecording(InterviewStatement(), listing, disputes),
      "Statement about android:com.example.app, recorded by press-archive\n"
      "  Speaker:     Jane Doe, CEO of Example (not a registered principal)\n"
      "  Source:      Example News, https://news.example.org/interview, "
      "published 2026-09-21T14:13:20Z\n"
      "  Archived:    SHA-256 " +
          std::string(64, 'a') +
          " (the recorder keeps the archive)\n"
          "  Quote q1 (en): \"Our app never sends data to China. Contacts "
          "stay private.\"\n"
          "  Quote q2 (en): \"We do not sell contacts.\"\n"
          "  Provenance:  a statement recorded by press-archive\n"
          "  Versions:    all versions\n"
          "  Recorded:    2027-01-15T08:00:00Z\n"
          "  Effective:   2026-09-21T14:13:20Z\n"
          "  Log entry:   7, in force at 2030-03-17T17:46:40Z\n"
          "  Assertions (the recorder's reading, not the speaker's words):\n"
          "    no-data-to-cn: never sends any user data to endpoints located "
          "in China (CN), whatever the user chose about tracking.\n"
          "      reads \"Our app never sends data to China.\" (quote q1): "
          "\"data\" read as any user data\n"
          "    contacts-private: never shares Contacts with third parties, "
          "whatever the user chose about tracking.\n"
          "      reads \"Contacts stay private.\" (quote q1): private read as "
          "not shared\n"
          "      reads \"We do not sell contacts.\" (quote q2): not sold read "
          "as not shared\n"
          "  Disputed by example (log entry 9, 2028-08-16T00:53:20Z):\n"
          "    Misquoted.\n"
          "    She spoke of the web site.\n");
}

TEST(RenderRecording, RegisteredSpeakerAndEscapedQuotes) {
  v1::RecordedClaim r = InterviewStatement();
  r.mutable_speaker()->set_principal("example");
  r.mutable_quotes(0)->set_text("line one\nline\x1b[2J two\xE2\x80\xAE");
  const std::string out = RenderRecording(r, std::nullopt);
  EXPECT_NE(out.find("  Speaker:     Jane Doe, CEO of Example (registered as "
                     "example)\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  Quote q1 (en): \"line one\\x0aline\\x1b[2J two\\u202e\"\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("Log entry"), std::string::npos) << out;
  EXPECT_EQ(out.find("Disputed"), std::string::npos) << out;
}

TEST(RenderRecording, AStoreLabel) {
  v1::RecordedClaim r;
  r.set_recorder("label-watch");
  r.set_kind(v1::RecordedClaim::STORE_LABEL);
  r.mutable_speaker()->set_name("Example Ltd");
  r.mutable_speaker()->set_principal("example");
  r.mutable_source()->set_url(
      "https://play.google.com/store/apps/datasafety?id=com.example.app");
  r.mutable_source()->set_publication("Google Play");
  r.mutable_source()->set_archive_sha256(std::string(64, 'b'));
  r.mutable_first_party()->add_organisations("Example Ltd");
  r.mutable_first_party()->add_domains("example.com");
  v1::Claim* c = r.mutable_reading();
  c->mutable_app()->set_id("android:com.example.app");
  c->set_issuer("label-watch");
  c->mutable_issued_at()->set_seconds(1800000000);
  c->mutable_effective_at()->set_seconds(1800000000);
  v1::Assertion a =
      MakeAssertion({"contacts.contacts"}, v1::NOT_SHARED_WITH_THIRD_PARTIES);
  a.set_id("contacts-not-shared");
  *c->add_assertions() = a;
  EXPECT_EQ(RenderRecording(r, std::nullopt),
            "Store label about android:com.example.app, recorded by label-watch\n"
            "  Speaker:     Example Ltd (registered as example)\n"
            "  Source:      Google Play, "
            "https://play.google.com/store/apps/datasafety?id=com.example.app, "
            "published (missing)\n"
            "  Archived:    SHA-256 " +
                std::string(64, 'b') +
                " (the recorder keeps the archive)\n"
                "  First party (the recorder's reading): \"Example Ltd\", "
                "example.com\n"
                "  Versions:    all versions\n"
                "  Recorded:    2027-01-15T08:00:00Z\n"
                "  Effective:   2027-01-15T08:00:00Z\n"
                "  Assertions (the recorder's reading, not the speaker's "
                "words):\n"
                "    contacts-not-shared: never shares Contacts with third "
                "parties, whatever the user chose about tracking.\n");
}

}  // namespace
}  // namespace candor::claim
