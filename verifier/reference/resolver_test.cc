#include "verifier/reference/resolver.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "verifier/reference/ip_country.h"
#include "verifier/reference/organisations.h"

namespace candor::reference {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusCodeIs;
using ::candor::testing::StatusIs;
using ::testing::ElementsAre;
using reference::v1::ReferenceData;

IpCountryRange Range(absl::string_view first, absl::string_view last,
                     absl::string_view country) {
  return IpCountryRange{*ParseIpAddress(first), *ParseIpAddress(last),
                        std::string(country)};
}

// The shipped organisations and a small IP table, split into parts.
struct Tables {
  std::vector<ReferenceData> organisations;
  std::vector<ReferenceData> ip_countries;
};

Tables MakeTables() {
  Tables t;
  absl::StatusOr<PublicSuffixList> psl = PublicSuffixList::Load();
  EXPECT_THAT(psl, IsOk());
  absl::StatusOr<LoadedOrganisations> orgs = LoadOrganisations(
      std::string(kDefaultOrganisationsPath), "", OperatorMode::kExtend, *psl);
  EXPECT_THAT(orgs, IsOk());
  t.organisations = *SplitOrganisations(orgs->table, TableInfo{orgs->version, orgs->source});
  absl::StatusOr<IpCountryTable> ips = IpCountryTable::FromRanges(
      {Range("1.0.1.0", "1.0.3.255", "CN"), Range("8.8.8.0", "8.8.8.255", "US"),
       Range("203.0.113.0", "203.0.113.255", "DE")});
  EXPECT_THAT(ips, IsOk());
  t.ip_countries = *SplitIpCountries(*ips, TableInfo{"test", "resolver_test"});
  return t;
}

std::unique_ptr<PartsResolver> Make(std::vector<ReferenceData> parts) {
  absl::StatusOr<std::unique_ptr<PartsResolver>> r =
      PartsResolver::Create(*PublicSuffixList::Load(), std::move(parts));
  EXPECT_THAT(r, IsOk());
  return r.ok() ? *std::move(r) : nullptr;
}

TEST(PartsResolverTest, AttributesHostAndAddressAndCitesPositions) {
  Tables t = MakeTables();
  ASSERT_FALSE(t.organisations.empty());
  ASSERT_EQ(t.ip_countries.size(), 1u);
  std::vector<ReferenceData> all = t.organisations;
  all.insert(all.end(), t.ip_countries.begin(), t.ip_countries.end());
  std::unique_ptr<PartsResolver> r = Make(all);
  ASSERT_NE(r, nullptr);

  absl::StatusOr<evaluate::Destination> d = r->Resolve("c.igexin.com", "1.0.1.7");
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->registrable_domain, "igexin.com");
  EXPECT_EQ(d->organisation, "Merit Interactive Co., Ltd.");
  EXPECT_EQ(d->endpoint_country, "CN");
  // The ip-countries part and the organisations part listing the
  // organisation, by position in the parts given.
  size_t merit_part = all.size();
  for (size_t i = 0; i < t.organisations.size(); ++i) {
    for (const auto& o : all[i].organisations()) {
      if (o.name() == "Merit Interactive Co., Ltd.") merit_part = i;
    }
  }
  EXPECT_THAT(d->references, ::testing::UnorderedElementsAre(merit_part, all.size() - 1));
}

TEST(PartsResolverTest, UnlistedHostCitesEveryOrganisationsPart) {
  Tables t = MakeTables();
  std::vector<ReferenceData> all = t.organisations;
  all.insert(all.end(), t.ip_countries.begin(), t.ip_countries.end());
  std::unique_ptr<PartsResolver> r = Make(all);
  ASSERT_NE(r, nullptr);
  absl::StatusOr<evaluate::Destination> d = r->Resolve("api.example-app.com", "203.0.113.9");
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->organisation, "");
  EXPECT_EQ(d->endpoint_country, "DE");
  EXPECT_EQ(d->references.size(), all.size());
}

TEST(PartsResolverTest, UnassignedAddressHasNoCountry) {
  Tables t = MakeTables();
  std::unique_ptr<PartsResolver> r = Make(t.ip_countries);
  ASSERT_NE(r, nullptr);
  // No organisations part: a host name cannot be attributed.
  EXPECT_THAT(r->Resolve("c.igexin.com", "9.9.9.9"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "no given part of table \"organisations\" lists \"c.igexin.com\", "
                       "and only 0 of its 0 parts were given: an unknown organisation "
                       "needs them all"));
  absl::StatusOr<evaluate::Destination> d = r->Resolve("9.9.9.9", "");
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->endpoint_country, "");
  EXPECT_THAT(d->references, ElementsAre(0));
}

// An organisation whose parent is listed in another part: more than
// kOrganisationsPerPart organisations between them.
std::vector<ReferenceData> ChainParts() {
  std::vector<reference::v1::Organisation> orgs;
  auto add = [&orgs](std::string name, std::string country, std::string parent,
                     std::string domain) {
    reference::v1::Organisation& o = orgs.emplace_back();
    o.set_name(std::move(name));
    o.set_country(std::move(country));
    o.set_kind("analytics");
    o.set_parent(std::move(parent));
    o.add_domains(std::move(domain));
  };
  add("A Sub Ltd", "GB", "Z Holdings", "sub.example");
  for (int i = 0; i < 120; ++i) {
    add(absl::StrCat("F", 1000 + i), "US", "", absl::StrCat("f", i, ".example"));
  }
  add("Z Holdings", "CN", "", "zholdings.example");
  absl::StatusOr<OrganisationTable> table = OrganisationTable::Create(std::move(orgs));
  EXPECT_THAT(table, IsOk());
  absl::StatusOr<std::vector<ReferenceData>> parts =
      SplitOrganisations(*table, TableInfo{"test", "resolver_test"});
  EXPECT_THAT(parts, IsOk());
  return parts.ok() ? *std::move(parts) : std::vector<ReferenceData>{};
}

TEST(PartsResolverTest, OrganisationChainCitesThePartOfEachOwner) {
  std::vector<ReferenceData> parts = ChainParts();
  ASSERT_EQ(parts.size(), 2u);
  std::unique_ptr<PartsResolver> r = Make(parts);
  ASSERT_NE(r, nullptr);
  absl::StatusOr<evaluate::Destination> d = r->Resolve("api.sub.example", "");
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->organisation, "A Sub Ltd");
  ASSERT_EQ(d->organisation_chain.size(), 2u);
  EXPECT_EQ(d->organisation_chain[0].name, "A Sub Ltd");
  EXPECT_EQ(d->organisation_chain[0].country, "GB");
  EXPECT_THAT(d->organisation_chain[0].references, ElementsAre(0));
  EXPECT_EQ(d->organisation_chain[1].name, "Z Holdings");
  EXPECT_EQ(d->organisation_chain[1].country, "CN");
  EXPECT_THAT(d->organisation_chain[1].references, ElementsAre(1));
  // The parent's part is the chain's, not the attribution's.
  EXPECT_THAT(d->references, ElementsAre(0));

  // Without the parent's part (a bundle of another practice's finding), the
  // chain ends where the parts given end, and nothing fails.
  std::unique_ptr<PartsResolver> first_only = Make({parts[0]});
  ASSERT_NE(first_only, nullptr);
  d = first_only->Resolve("api.sub.example", "");
  ASSERT_THAT(d, IsOk());
  ASSERT_EQ(d->organisation_chain.size(), 1u);
  EXPECT_EQ(d->organisation_chain[0].name, "A Sub Ltd");
  EXPECT_THAT(d->references, ElementsAre(0));

  // No organisation, no chain.
  d = r->Resolve("api.nobody.example", "");
  ASSERT_THAT(d, IsOk());
  EXPECT_TRUE(d->organisation_chain.empty());
}

TEST(PartsResolverTest, RejectsUnknownTableAndTamperedPart) {
  Tables t = MakeTables();
  ReferenceData unknown = t.ip_countries[0];
  unknown.set_table("colours");
  EXPECT_THAT(PartsResolver::Create(*PublicSuffixList::Load(), {unknown}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "reference part 0: unknown table \"colours\""));
  ReferenceData tampered = t.ip_countries[0];
  tampered.mutable_ip_ranges(0)->set_country("FR");
  absl::StatusOr<std::unique_ptr<PartsResolver>> r =
      PartsResolver::Create(*PublicSuffixList::Load(), {tampered});
  EXPECT_THAT(r, StatusCodeIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(r.status().message()),
              ::testing::HasSubstr("its content and part_proof do not match table_sha256"));
}

}  // namespace
}  // namespace candor::reference
