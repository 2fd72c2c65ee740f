#include "tests/verifier/demo_tables.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "verifier/reference/ip_country.h"
#include "verifier/reference/organisations.h"

namespace candor::testing {

std::unique_ptr<reference::PartsResolver> DemoTables(absl::string_view source) {
  absl::StatusOr<reference::PublicSuffixList> psl = reference::PublicSuffixList::Load();
  EXPECT_THAT(psl, IsOk());
  absl::StatusOr<reference::LoadedOrganisations> orgs = reference::LoadOrganisations(
      std::string(reference::kDefaultOrganisationsPath), "",
      reference::OperatorMode::kExtend, *psl);
  EXPECT_THAT(orgs, IsOk());
  auto range = [](const char* first, const char* last, const char* country) {
    return reference::IpCountryRange{*reference::ParseIpAddress(first),
                                     *reference::ParseIpAddress(last), country};
  };
  absl::StatusOr<reference::IpCountryTable> ips = reference::IpCountryTable::FromRanges(
      {range("1.0.1.0", "1.0.3.255", "CN"), range("93.184.216.0", "93.184.216.255", "US")});
  EXPECT_THAT(ips, IsOk());
  std::vector<reference::v1::ReferenceData> parts = *reference::SplitOrganisations(
      orgs->table, reference::TableInfo{orgs->version, orgs->source});
  std::vector<reference::v1::ReferenceData> ip_parts =
      *reference::SplitIpCountries(*ips, reference::TableInfo{"test", std::string(source)});
  parts.insert(parts.end(), ip_parts.begin(), ip_parts.end());
  absl::StatusOr<std::unique_ptr<reference::PartsResolver>> r =
      reference::PartsResolver::Create(*std::move(psl), std::move(parts));
  EXPECT_THAT(r, IsOk());
  return *std::move(r);
}

}  // namespace candor::testing
