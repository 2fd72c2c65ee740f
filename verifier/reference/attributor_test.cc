#include "verifier/reference/attributor.h"

#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "verifier/reference/ip_country.h"
#include "verifier/reference/organisations.h"

namespace candor::reference {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;
using reference::v1::ReferenceData;

// The verifier's set-up: load the shipped organisations and the real IP
// dataset, publish both as parts, attribute from the parts.
struct World {
  std::vector<ReferenceData> org_parts;
  std::vector<ReferenceData> ip_parts;
  std::unique_ptr<Attributor> attributor;
};

const World& TheWorld() {
  static const World* world = [] {
    auto* w = new World;
    absl::StatusOr<PublicSuffixList> psl = PublicSuffixList::Load();
    EXPECT_THAT(psl, IsOk());
    absl::StatusOr<LoadedOrganisations> orgs =
        LoadOrganisations(std::string(kDefaultOrganisationsPath), "",
                          OperatorMode::kExtend, *psl);
    EXPECT_THAT(orgs, IsOk());
    absl::StatusOr<IpCountryDataset> ips =
        LoadIpCountryDataset(DefaultIpCountryDir());
    if (!psl.ok() || !orgs.ok() || !ips.ok()) {
      ADD_FAILURE() << ips.status()
                    << "\nThe IP-to-country dataset is missing: run "
                       "third_party/setup.sh";
      return w;
    }
    w->org_parts = *SplitOrganisations(orgs->table,
                                       TableInfo{orgs->version, orgs->source});
    w->ip_parts =
        *SplitIpCountries(ips->table, TableInfo{ips->version, ips->source});
    absl::StatusOr<PublishedOrganisations> published_orgs =
        PublishedOrganisations::Reassemble(w->org_parts);
    absl::StatusOr<PublishedIpCountries> published_ips =
        PublishedIpCountries::Reassemble(w->ip_parts);
    EXPECT_THAT(published_orgs, IsOk());
    EXPECT_THAT(published_ips, IsOk());
    w->attributor = std::make_unique<Attributor>(
        *std::move(psl), *std::move(published_orgs), *std::move(published_ips));
    return w;
  }();
  return *world;
}

const Attributor& A() {
  const World& w = TheWorld();
  if (w.attributor != nullptr) return *w.attributor;
  // Without the data every test fails, after the failure that says why.
  ADD_FAILURE() << "no attributor; see the first failure";
  static const Attributor* empty =
      new Attributor(*PublicSuffixList::Parse("com\n"),
                     PublishedOrganisations(), PublishedIpCountries());
  return *empty;
}

std::vector<ReferenceData> PartsUsed(const Attribution& a) {
  std::vector<ReferenceData> out;
  for (const PartRef& ref : a.parts_used) {
    const auto& parts = ref.table == kOrganisationsTable ? TheWorld().org_parts
                                                         : TheWorld().ip_parts;
    out.push_back(parts[ref.part]);
  }
  return out;
}

TEST(Attributor, ThirdPartyTrackerWithServerIp) {
  absl::StatusOr<Attribution> a =
      A().Attribute("App-Measurement.com", "8.8.8.8");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->host, "app-measurement.com");
  EXPECT_EQ(a->registrable_domain, "app-measurement.com");
  EXPECT_EQ(a->public_suffix, "com");
  EXPECT_FALSE(a->private_suffix);
  ASSERT_TRUE(a->organisation.has_value());
  EXPECT_EQ(a->organisation->name, "Google LLC");
  EXPECT_EQ(a->organisation->country, "US");
  EXPECT_EQ(a->organisation->kind, "platform");
  EXPECT_EQ(a->organisation->parent, "Alphabet Inc.");
  EXPECT_EQ(a->organisation->matched_domain, "app-measurement.com");
  EXPECT_EQ(a->endpoint_ip, "8.8.8.8");
  EXPECT_EQ(a->endpoint_country, "US");
  EXPECT_EQ(a->country_source, CountrySource::kServerIp);
  ASSERT_EQ(a->parts_used.size(), 2u);
  EXPECT_EQ(a->parts_used[0].table, "ip-countries");
  EXPECT_EQ(a->parts_used[0].table_sha256,
            TheWorld().ip_parts[0].table_sha256());
  EXPECT_EQ(a->parts_used[1].table, "organisations");
  EXPECT_EQ(a->organisation->part, a->parts_used[1]);
  // Who owns it, with the part listing each owner (not in parts_used).
  ASSERT_EQ(a->organisation->parents.size(), 1u);
  EXPECT_EQ(a->organisation->parents[0].name, "Alphabet Inc.");
  EXPECT_EQ(a->organisation->parents[0].country, "US");
  EXPECT_EQ(a->organisation->parents[0].part.table, "organisations");
}

reference::v1::Organisation Org(const std::string& name, const std::string& parent) {
  reference::v1::Organisation o;
  o.set_name(name);
  o.set_parent(parent);
  return o;
}

TEST(ParentChain, NearestFirstEndingAtAMissingParentOrACycle) {
  std::vector<reference::v1::Organisation> orgs = {
      Org("Sub", "Mid"), Org("Mid", "Top"), Org("Top", ""),
      Org("Orphan", "Gone"), Org("Loop A", "Loop B"), Org("Loop B", "Loop A"),
      Org("Self", "Self")};
  auto find = [&orgs](absl::string_view name) -> const reference::v1::Organisation* {
    for (const auto& o : orgs) {
      if (o.name() == name) return &o;
    }
    return nullptr;
  };
  auto names = [&](const reference::v1::Organisation& o) {
    std::vector<std::string> out;
    for (const auto* p : ParentChain(o, find)) out.push_back(p->name());
    return out;
  };
  EXPECT_THAT(names(orgs[0]), ::testing::ElementsAre("Mid", "Top"));
  EXPECT_THAT(names(orgs[2]), ::testing::IsEmpty());
  EXPECT_THAT(names(orgs[3]), ::testing::IsEmpty());  // "Gone" is not listed
  // Tables refuse cycles; a walk ends anyway, before repeating itself.
  EXPECT_THAT(names(orgs[4]), ::testing::ElementsAre("Loop B"));
  EXPECT_THAT(names(orgs[6]), ::testing::IsEmpty());
}

TEST(Attributor, HostingTenantOnAPrivateSuffix) {
  absl::StatusOr<Attribution> a =
      A().Attribute("d3abcdefgh.cloudfront.net", "::ffff:1.0.1.1");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->registrable_domain, "d3abcdefgh.cloudfront.net");
  EXPECT_EQ(a->public_suffix, "cloudfront.net");
  EXPECT_TRUE(a->private_suffix);
  ASSERT_TRUE(a->organisation.has_value());
  EXPECT_EQ(a->organisation->name, "Amazon Web Services, Inc.");
  EXPECT_EQ(a->organisation->matched_domain, "cloudfront.net");
  EXPECT_EQ(a->endpoint_ip, "1.0.1.1");
  EXPECT_EQ(a->endpoint_country, "CN");
}

TEST(Attributor, UnknownOrganisationUsesEveryOrganisationsPart) {
  absl::StatusOr<Attribution> a = A().Attribute("api.example.org", "");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->registrable_domain, "example.org");
  EXPECT_FALSE(a->organisation.has_value());
  EXPECT_EQ(a->country_source, CountrySource::kNone);
  EXPECT_EQ(a->endpoint_country, "");
  ASSERT_EQ(a->parts_used.size(), TheWorld().org_parts.size());
  for (const PartRef& ref : a->parts_used)
    EXPECT_EQ(ref.table, "organisations");
}

TEST(Attributor, IpLiteralHostAndUnassignedAddress) {
  absl::StatusOr<Attribution> a = A().Attribute("8.8.4.4", "");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->host, "8.8.4.4");
  EXPECT_EQ(a->registrable_domain, "");
  EXPECT_FALSE(a->organisation.has_value());
  EXPECT_EQ(a->endpoint_country, "US");
  EXPECT_EQ(a->country_source, CountrySource::kHostLiteral);
  ASSERT_EQ(a->parts_used.size(), 1u);

  // The connected address wins over the literal.
  a = A().Attribute("8.8.4.4", "1.0.1.1");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->endpoint_country, "CN");
  EXPECT_EQ(a->country_source, CountrySource::kServerIp);

  // Unassigned: no country, but the covering part is cited, because it is
  // what shows that the address is in no range.
  a = A().Attribute("10.0.0.7", "");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->endpoint_country, "");
  EXPECT_EQ(a->endpoint_ip, "10.0.0.7");
  ASSERT_EQ(a->parts_used.size(), 1u);
  EXPECT_EQ(a->parts_used[0].table, "ip-countries");
}

TEST(Attributor, InvalidInput) {
  EXPECT_THAT(A().Attribute("exa mple.com", "8.8.8.8"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "host \"exa mple.com\" has the character \" \" (only "
                       "letters, digits, '-' and '_' are allowed)"));
  EXPECT_THAT(A().Attribute("example.com", "8.8.8"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "server IP \"8.8.8\" is not an IP address"));
  EXPECT_THAT(A().Attribute("", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, "host is empty"));
}

// `candor verify finding` holds only the parts a finding cites: the same
// attribution must come out of them alone.
TEST(Attributor, ReDerivedFromTheCitedPartsOnly) {
  const std::pair<const char*, const char*> flows[] = {
      {"graph.facebook.com", "157.240.1.35"},
      {"api16-normal-useast5.tiktokv.com", "2001:4860:4860::8888"},
      {"d3abcdefgh.cloudfront.net", "1.0.1.1"},
      {"10.0.0.7", ""},
      {"www.example.org", "5.61.192.1"},
  };
  absl::StatusOr<PublicSuffixList> psl = PublicSuffixList::Load();
  ASSERT_THAT(psl, IsOk());
  for (const auto& [host, ip] : flows) {
    absl::StatusOr<Attribution> full = A().Attribute(host, ip);
    ASSERT_THAT(full, IsOk()) << host;
    std::vector<ReferenceData> org_parts, ip_parts;
    for (ReferenceData& part : PartsUsed(*full)) {
      (part.table() == kOrganisationsTable ? org_parts : ip_parts)
          .push_back(std::move(part));
    }
    // An IP literal host needs no organisations part.
    absl::StatusOr<PublishedOrganisations> orgs =
        org_parts.empty() ? PublishedOrganisations()
                          : PublishedOrganisations::FromParts(org_parts);
    absl::StatusOr<PublishedIpCountries> ips =
        ip_parts.empty() ? PublishedIpCountries()
                         : PublishedIpCountries::FromParts(ip_parts);
    ASSERT_THAT(orgs, IsOk());
    ASSERT_THAT(ips, IsOk());
    Attributor offline(*psl, *std::move(orgs), *std::move(ips));
    absl::StatusOr<Attribution> again = offline.Attribute(host, ip);
    ASSERT_THAT(again, IsOk()) << host;
    EXPECT_EQ(again->endpoint_country, full->endpoint_country) << host;
    EXPECT_EQ(again->organisation.has_value(), full->organisation.has_value());
    if (full->organisation.has_value()) {
      EXPECT_EQ(again->organisation->name, full->organisation->name);
    }
    EXPECT_EQ(again->parts_used, full->parts_used) << host;
  }

  // Without any part, nothing is guessed.
  Attributor empty(*psl, PublishedOrganisations(), PublishedIpCountries());
  EXPECT_THAT(empty.Attribute("graph.facebook.com", ""),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "no given part of table \"organisations\" lists "
                       "\"graph.facebook.com\", and only 0 of its 0 parts "
                       "were given: an unknown organisation needs them all"));
  EXPECT_THAT(empty.Attribute("8.8.8.8", ""),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "no given part of table \"ip-countries\" covers "
                       "8.8.8.8"));

  // Parts a bundle lacks are reported, not guessed.
  absl::StatusOr<Attribution> fb =
      A().Attribute("graph.facebook.com", "157.240.1.35");
  ASSERT_THAT(fb, IsOk());
  std::vector<ReferenceData> used = PartsUsed(*fb);
  Attributor partial(*psl, *PublishedOrganisations::FromParts({used[1]}),
                     *PublishedIpCountries::FromParts({used[0]}));
  EXPECT_THAT(
      partial.Attribute("graph.facebook.com", "1.0.1.1"),
      ::candor::testing::StatusCodeIs(absl::StatusCode::kFailedPrecondition));
  const bool facebook_in_part_0 = fb->parts_used[1].part == 0;
  if (facebook_in_part_0) {
    // "zzz-unlisted.test" is not in the part given, and the other part is
    // missing, so "no organisation" cannot be shown.
    EXPECT_THAT(
        partial.Attribute("zzz-unlisted.test", "157.240.1.35"),
        ::candor::testing::StatusCodeIs(absl::StatusCode::kFailedPrecondition));
  }
}

TEST(Attributor, ConcurrentCallsAgree) {
  const Attributor& a = A();
  absl::StatusOr<Attribution> first =
      a.Attribute("sdk.iad-01.braze.com", "8.8.8.8");
  ASSERT_THAT(first, IsOk());
  ASSERT_TRUE(first->organisation.has_value());
  const Attribution expected = *std::move(first);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        absl::StatusOr<Attribution> got =
            a.Attribute("sdk.iad-01.braze.com", "8.8.8.8");
        if (!got.ok() ||
            got->organisation->name != expected.organisation->name ||
            got->endpoint_country != expected.endpoint_country) {
          ++mismatches;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace candor::reference
