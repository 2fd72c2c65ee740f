#include "verifier/reference/organisations.h"

#include <fstream>
#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::reference {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;
using reference::v1::Organisation;

const PublicSuffixList& Psl() {
  static const PublicSuffixList* psl =
      new PublicSuffixList(*PublicSuffixList::Load());
  return *psl;
}

const std::string kShipped(kDefaultOrganisationsPath);

std::string WriteFile(absl::string_view name, absl::string_view text) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/", name);
  std::ofstream(path) << text;
  return path;
}

absl::StatusOr<LoadedOrganisations> LoadShipped() {
  return LoadOrganisations(kShipped, "", OperatorMode::kExtend, Psl());
}

// The copy built into binaries is the shipped file, byte for byte, and
// loads into the same table (an empty path selects it).
TEST(ShippedOrganisations, TheBuiltInCopyIsTheFile) {
  std::ifstream in(kShipped, std::ios::binary);
  ASSERT_TRUE(in) << kShipped;
  const std::string file((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  EXPECT_EQ(ShippedOrganisationsJson(), file);
  absl::StatusOr<LoadedOrganisations> built_in =
      LoadOrganisations("", "", OperatorMode::kExtend, Psl());
  absl::StatusOr<LoadedOrganisations> from_file = LoadShipped();
  ASSERT_THAT(built_in, IsOk());
  ASSERT_THAT(from_file, IsOk());
  EXPECT_EQ(built_in->version, from_file->version);
  EXPECT_EQ(built_in->source, from_file->source);
  EXPECT_EQ(built_in->table.organisations().size(),
            from_file->table.organisations().size());
}

// The organisation attributed to `host`, or "" for none.
std::string OrgOf(const OrganisationTable& table, absl::string_view host) {
  auto match = table.FindByHost(host);
  return match.has_value() ? match->organisation->name() : "";
}

TEST(ShippedOrganisations, LoadAndCoverTheMajorCompanies) {
  absl::StatusOr<LoadedOrganisations> loaded = LoadShipped();
  ASSERT_THAT(loaded, IsOk());
  EXPECT_GE(loaded->table.organisations().size(), 100u);
  EXPECT_EQ(loaded->source,
            "candor verifier/reference/data/organisations.json");
  EXPECT_FALSE(loaded->version.empty());
  const OrganisationTable& t = loaded->table;
  const std::pair<const char*, const char*> expected[] = {
      {"doubleclick.net", "Google LLC"},
      {"googleadservices.com", "Google LLC"},
      {"ssl.google-analytics.com", "Google LLC"},
      {"app-measurement.com", "Google LLC"},
      {"myapp-default-rtdb.firebaseio.com", "Google LLC"},
      {"settings.crashlytics.com", "Google LLC"},
      {"firebaseinstallations.googleapis.com", "Google LLC"},
      {"fonts.gstatic.com", "Google LLC"},
      {"graph.facebook.com", "Meta Platforms, Inc."},
      {"connect.facebook.net", "Meta Platforms, Inc."},
      {"scontent.xx.fbcdn.net", "Meta Platforms, Inc."},
      {"i.instagram.com", "Meta Platforms, Inc."},
      {"g.whatsapp.net", "Meta Platforms, Inc."},
      {"s3.eu-west-1.amazonaws.com", "Amazon Web Services, Inc."},
      {"d1234abcd.cloudfront.net", "Amazon Web Services, Inc."},
      {"in.appcenter.ms", "Microsoft Corporation"},
      {"www.bing.com", "Microsoft Corporation"},
      {"myapp.azurewebsites.net", "Microsoft Corporation"},
      {"www.linkedin.com", "LinkedIn Corporation"},
      {"gsp-ssl.ls.apple.com", "Apple Inc."},
      {"api16-normal-useast5.tiktokv.com", "TikTok Pte. Ltd."},
      {"log.byteoversea.com", "ByteDance Ltd."},
      {"sf16-website-login.neutral.ttwstatic.com", "TikTok Pte. Ltd."},
      {"api16-access-sg.pangle.io", "Bytedance Pte. Ltd."},
      {"p16-sign.ibytedtos.com", "ByteDance Ltd."},
      {"wup.qq.com", "Tencent Holdings Limited"},
      {"g.alicdn.com", "Alibaba Group Holding Limited"},
      {"oss-cn-hangzhou.aliyuncs.com", "Alibaba Group Holding Limited"},
      {"mobads.baidu.com", "Baidu, Inc."},
      {"metrics1.data.hicloud.com", "Huawei Technologies Co., Ltd."},
      {"store.dbankcloud.com", "Huawei Technologies Co., Ltd."},
      {"data.mistat.xiaomi.com", "Xiaomi Corporation"},
      {"mc.yandex.ru", "Yandex LLC"},
      {"top-fwz1.mail.ru", "VK IPJSC"},
      {"api.vk.com", "VK IPJSC"},
      {"inapps.appsflyersdk.com", "AppsFlyer Ltd."},
      {"app.adjust.com", "Adjust GmbH"},
      {"api2.branch.io", "Branch Metrics, Inc."},
      {"control.kochava.com", "Kochava Inc."},
      {"sdk-api-v1.singular.net", "Singular Labs, Inc."},
      {"ms.applovin.com", "AppLovin Corporation"},
      {"outcome-ssp.supersonicads.com", "ironSource Ltd."},
      {"auction.unityads.unity3d.com", "Unity Software Inc."},
      {"hb.rayjump.com", "Mintegral International Limited"},
      {"api.vungle.com", "Liftoff Mobile, Inc."},
      {"api.w.inmobi.com", "InMobi Pte. Ltd."},
      {"live.chartboost.com", "Chartboost, Inc."},
      {"bidder.criteo.com", "Criteo S.A."},
      {"match.adsrvr.org", "The Trade Desk, Inc."},
      {"trc.taboola.com", "Taboola.com Ltd."},
      {"widgets.outbrain.com", "Outbrain Inc."},
      {"api.onesignal.com", "OneSignal, Inc."},
      {"sdk.iad-01.braze.com", "Braze, Inc."},
      {"api2.amplitude.com", "Amplitude, Inc."},
      {"api-js.mixpanel.com", "Mixpanel, Inc."},
      {"api.segment.io", "Twilio Inc."},
      {"o123.ingest.sentry.io", "Functional Software, Inc."},
      {"sessions.bugsnag.com", "SmartBear Software Inc."},
      {"mobile-collector.newrelic.com", "New Relic, Inc."},
      {"browser-intake-datadoghq.com", "Datadog, Inc."},
      {"cdnjs.cloudflare.com", "Cloudflare, Inc."},
      {"a248.e.akamai.net", "Akamai Technologies, Inc."},
      {"global.ssl.fastly.net", "Fastly, Inc."},
      {"objectstorage.us-ashburn-1.oraclecloud.com", "Oracle Corporation"},
      {"api.twitter.com", "X Corp."},
      {"tr.snapchat.com", "Snap Inc."},
      {"ct.pinterest.com", "Pinterest, Inc."},
      {"dpm.demdex.net", "Adobe Inc."},
      {"login.salesforce.com", "Salesforce, Inc."},
      {"js.hs-scripts.com", "HubSpot, Inc."},
      {"data.flurry.com", "Yahoo Inc."},
      {"config.samsungads.com", "Samsung Electronics Co., Ltd."},
      // Suffixes match only at label boundaries.
      {"notdoubleclick.net", ""},
      {"doubleclick.net.example.com", ""},
      {"example.com", ""},
  };
  for (const auto& [host, org] : expected) {
    EXPECT_EQ(OrgOf(t, host), org) << host;
  }
  auto match = t.FindByHost("d1234abcd.cloudfront.net");
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->domain, "cloudfront.net");
  EXPECT_EQ(match->organisation->country(), "US");
  EXPECT_EQ(match->organisation->kind(), "cloud");
  EXPECT_EQ(match->organisation->parent(), "Amazon.com, Inc.");
  EXPECT_EQ(t.FindByName("TikTok Pte. Ltd.")->country(), "SG");
  EXPECT_EQ(t.FindByName("ByteDance Ltd.")->country(), "KY");
  EXPECT_EQ(t.FindByName("Huawei Technologies Co., Ltd.")->country(), "CN");
  // Canonical order: by name, domains sorted.
  for (size_t i = 1; i < t.organisations().size(); ++i) {
    EXPECT_LT(t.organisations()[i - 1].name(), t.organisations()[i].name());
  }
}

constexpr absl::string_view kOperatorFile = R"({
  "format": "candor-organisations/v1",
  "version": "op-7",
  "organisations": [
    {"name": "Example Analytics Ltd", "country": "GB", "kind": "analytics",
     "domains": ["example-analytics.test"]},
    {"name": "Criteo S.A.", "country": "FR", "kind": "advertising",
     "domains": ["criteo.com", "criteo.net", "criteo-new.test"]}
  ]
})";

TEST(OperatorFile, ExtendsTheShippedTable) {
  const std::string path = WriteFile("operator.json", kOperatorFile);
  absl::StatusOr<LoadedOrganisations> loaded =
      LoadOrganisations(kShipped, path, OperatorMode::kExtend, Psl());
  ASSERT_THAT(loaded, IsOk());
  absl::StatusOr<LoadedOrganisations> shipped = LoadShipped();
  EXPECT_EQ(loaded->table.organisations().size(),
            shipped->table.organisations().size() + 1);
  EXPECT_EQ(OrgOf(loaded->table, "x.example-analytics.test"),
            "Example Analytics Ltd");
  // The operator's Criteo replaces the shipped one.
  EXPECT_EQ(OrgOf(loaded->table, "criteo-new.test"), "Criteo S.A.");
  EXPECT_EQ(OrgOf(loaded->table, "doubleclick.net"), "Google LLC");
  EXPECT_EQ(loaded->version, shipped->version + "+op-7");
  EXPECT_EQ(loaded->source,
            "candor verifier/reference/data/organisations.json extended by "
            "operator operator.json");
}

TEST(OperatorFile, ReplacesTheShippedTable) {
  const std::string path = WriteFile("replacement.json", kOperatorFile);
  absl::StatusOr<LoadedOrganisations> loaded =
      LoadOrganisations(kShipped, path, OperatorMode::kReplace, Psl());
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->table.organisations().size(), 2u);
  EXPECT_EQ(OrgOf(loaded->table, "doubleclick.net"), "");
  EXPECT_EQ(loaded->version, "op-7");
  EXPECT_EQ(loaded->source, "operator replacement.json");
}

TEST(OperatorFile, DuplicateDomainAcrossOrganisationsIsAnError) {
  const std::string path = WriteFile("dup.json", R"({
    "format": "candor-organisations/v1", "version": "1",
    "organisations": [
      {"name": "Lookalike Ads Inc.", "country": "US", "kind": "advertising",
       "domains": ["doubleclick.net"]}]})");
  EXPECT_THAT(LoadOrganisations(kShipped, path, OperatorMode::kExtend, Psl()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "organisation \"Lookalike Ads Inc.\" lists domain "
                       "\"doubleclick.net\", which \"Google LLC\" lists too"));
}

Organisation Org(const std::string& name, const std::string& domain,
                 const std::string& parent = "") {
  Organisation o;
  o.set_name(name);
  o.set_country("US");
  o.set_kind("advertising");
  o.set_parent(parent);
  o.add_domains(domain);
  return o;
}

TEST(OrganisationTable, ValidationMessages) {
  struct Case {
    std::vector<Organisation> orgs;
    std::string message;
  };
  Organisation bad_country = Org("A", "a.test");
  bad_country.set_country("XK");
  Organisation bad_kind = Org("A", "a.test");
  bad_kind.set_kind("tracking");
  Organisation upper = Org("A", "A.test");
  Organisation twice = Org("A", "a.test");
  twice.add_domains("a.test");
  Organisation tab = Org("A\tB", "a.test");
  Organisation none = Org("A", "a.test");
  none.clear_domains();
  const Case cases[] = {
      {{Org("", "a.test")}, "an organisation has no name"},
      {{bad_country},
       "organisation \"A\" has country \"XK\", not an assigned ISO 3166-1 "
       "alpha-2 code"},
      {{bad_kind}, "organisation \"A\" has unknown kind \"tracking\""},
      {{upper},
       "organisation \"A\" lists domain \"A.test\", which is not lower case"},
      {{Org("A", "a..test")},
       "organisation \"A\" lists an invalid domain: host \"a..test\" has an "
       "empty label"},
      {{Org("A", "192.0.2.1")},
       "organisation \"A\" lists an invalid domain: host \"192.0.2.1\" is an "
       "IP address, not a DNS name"},
      {{twice}, "organisation \"A\" lists domain \"a.test\" twice"},
      {{tab}, "organisation \"A\\tB\" has a control character in its name"},
      {{none}, "organisation \"A\" lists no domains"},
      {{Org("A", "a.test"), Org("A", "b.test")},
       "organisation \"A\" is listed twice"},
      {{Org("A", "a.test", "Nobody")},
       "organisation \"A\" has parent \"Nobody\", which is not in the table"},
      {{Org("A", "a.test", "A")}, "organisation \"A\" is its own parent"},
      {{Org("A", "a.test", "B"), Org("B", "b.test", "A")},
       "organisation \"A\" has a cycle of parents"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(OrganisationTable::Create(c.orgs),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message))
        << c.message;
  }
  // A part of a table may name parents that other parts list.
  EXPECT_THAT(
      OrganisationTable::Create({Org("A", "a.test", "Nobody")},
                                OrganisationTable::Parents::kMayBeMissing),
      IsOk());
}

TEST(OrganisationTable, PublicSuffixDomainsAreRefused) {
  absl::StatusOr<OrganisationTable> table =
      OrganisationTable::Create({Org("A", "co.uk")});
  ASSERT_THAT(table, IsOk());
  EXPECT_THAT(table->CheckAgainst(Psl()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "organisation \"A\" lists domain \"co.uk\", which is a "
                       "public suffix"));
  // A private-section suffix its operator runs is fine.
  table = OrganisationTable::Create({Org("A", "herokuapp.com")});
  EXPECT_THAT(table->CheckAgainst(Psl()), IsOk());
}

TEST(OrganisationTable, LongestListedDomainWins) {
  absl::StatusOr<OrganisationTable> table = OrganisationTable::Create(
      {Org("Host", "hosting.test"), Org("Tenant", "tenant.hosting.test")});
  ASSERT_THAT(table, IsOk());
  EXPECT_EQ(OrgOf(*table, "a.tenant.hosting.test"), "Tenant");
  EXPECT_EQ(OrgOf(*table, "other.hosting.test"), "Host");
  EXPECT_EQ(OrgOf(*table, "hosting.test"), "Host");
}

TEST(OrganisationsFile, ParseErrors) {
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"[]", "f.json: must be a JSON object"},
      {"{\"format\": \"v0\"}",
       "f.json: format must be \"candor-organisations/v1\""},
      {R"({"format": "candor-organisations/v1", "organisations": []})",
       "f.json: version is missing"},
      {R"({"format": "candor-organisations/v1", "version": "1"})",
       "f.json: organisations is missing"},
      {R"({"format": "candor-organisations/v1", "version": "1", "x": 1})",
       "f.json: unknown field \"x\""},
      {R"({"format": "candor-organisations/v1", "version": "1",
           "organisations": [{"name": "A", "country": "US", "kind": "cdn"}]})",
       "f.json: organisations[0].domains is missing"},
      {R"({"format": "candor-organisations/v1", "version": "1",
           "organisations": [{"name": "A", "country": "US", "kind": "cdn",
                              "domains": ["a.test", 7]}]})",
       "f.json: organisations[0].domains[1] must be a string, not number"},
      {R"({"format": "candor-organisations/v1", "version": "1",
           "organisations": [{"name": "A", "country": "US", "kind": "cdn",
                              "domains": [], "notes": "x"}]})",
       "f.json: organisations[0] has unknown field \"notes\""},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseOrganisationsFile(c.text, "f.json"),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message))
        << c.text;
  }
  // Duplicate keys are refused by the strict JSON reader.
  EXPECT_THAT(
      ParseOrganisationsFile(
          R"({"format": "candor-organisations/v1", "version": "1",
                      "version": "2", "organisations": []})",
          "f.json"),
      ::candor::testing::StatusCodeIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ReadOrganisationsFile("/nonexistent.json"),
              StatusIs(absl::StatusCode::kNotFound,
                       "cannot read the organisations file /nonexistent.json"));
}

}  // namespace
}  // namespace candor::reference
