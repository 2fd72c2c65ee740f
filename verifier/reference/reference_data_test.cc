#include "verifier/reference/reference_data.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/crypto/keys.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "tests/support/status_matchers.h"
#include "verifier/finding/finding.h"
#include "verifier/reference/ip_country.h"
#include "verifier/reference/organisations.h"
#include "verifier/reference/psl.h"

namespace candor::reference {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusCodeIs;
using ::candor::testing::StatusIs;
using reference::v1::Organisation;
using reference::v1::ReferenceData;

// Known answers computed by tools/reference_digest.py, an independent
// implementation of the canonical form and digest in README.md.
constexpr absl::string_view kKatIpv4 =
    "1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.3.255,CN\n1.0.2.0,1.0.2.15,JP\n"
    "8.8.8.0,8.8.8.255,US\n8.8.9.0,8.8.9.255,US\n9.9.9.0,9.9.9.255,XK\n";
constexpr absl::string_view kKatIpv6 =
    "2001:db8::,2001:db8::ffff,NL\n"
    "2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,US\n";
constexpr absl::string_view kKatIpDigest =
    "16d0821857e8181a3aa976b17271d11f3da7ca5ef06725460ad0561e092da867";
constexpr absl::string_view kKatOrgDigest =
    "305c0455eca63288a4e24932831887292cb409af3d7a5b305fb5c46af8e95e08";
// The whole real dataset (npm version kIpCountryPackageVersion), with the
// codes verifier/geo assigns (Debian's iso-codes). Changes when either
// changes; recompute with
//   tools/reference_digest.py ip-countries DATASET_DIR
//   /usr/share/iso-codes/json/iso_3166-1.json
// where DATASET_DIR is DefaultIpCountryDir().
constexpr absl::string_view kRealIpDigest =
    "ef35ef8356d0a00853ba0df9919e5e332476f10038799246c27b550e7ca746ec";

IpCountryTable KatIpTable() {
  return *IpCountryTable::FromCsv("v4", kKatIpv4, "v6", kKatIpv6);
}

OrganisationTable KatOrgTable() {
  Organisation zeta;
  zeta.set_name("Zeta Ads GmbH");
  zeta.set_country("DE");
  zeta.set_kind("advertising");
  zeta.add_domains("zeta.test");
  zeta.add_domains("ads-zeta.test");
  Organisation alpha;
  alpha.set_name("Alpha Cloud Inc.");
  alpha.set_country("US");
  alpha.set_kind("cloud");
  alpha.set_parent("Zeta Ads GmbH");
  alpha.add_domains("alpha.test");
  return *OrganisationTable::Create({zeta, alpha});
}

const TableInfo kKatIpInfo{"1.2.3",
                           "npm @ip-location-db/geo-whois-asn-country@1.2.3"};
const TableInfo kKatOrgInfo{"kat-1", "test source"};

TEST(CanonicalForm, KnownAnswers) {
  absl::StatusOr<std::vector<ReferenceData>> ip =
      SplitIpCountries(KatIpTable(), kKatIpInfo);
  ASSERT_THAT(ip, IsOk());
  ASSERT_EQ(ip->size(), 2u);  // one part per address family
  EXPECT_EQ((*ip)[0].table_sha256(), kKatIpDigest);
  EXPECT_EQ((*ip)[0].coverage_first(), "0.0.0.0");
  EXPECT_EQ((*ip)[0].coverage_last(), "255.255.255.255");
  EXPECT_EQ((*ip)[1].coverage_first(), "::");
  EXPECT_EQ((*ip)[1].coverage_last(),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  EXPECT_EQ(*CanonicalPart((*ip)[0]),
            "candor-reference-part/v1\n"
            "table ip-countries\n"
            "version 1.2.3\n"
            "source npm @ip-location-db/geo-whois-asn-country@1.2.3\n"
            "coverage 4 00000000 ffffffff\n"
            "4 01000000 010000ff AU\n"
            "4 01000100 010001ff CN\n"
            "4 01000200 0100020f JP\n"
            "4 01000210 010003ff CN\n"
            "4 08080800 080809ff US\n");

  absl::StatusOr<std::vector<ReferenceData>> orgs =
      SplitOrganisations(KatOrgTable(), kKatOrgInfo);
  ASSERT_THAT(orgs, IsOk());
  ASSERT_EQ(orgs->size(), 1u);
  EXPECT_EQ((*orgs)[0].table_sha256(), kKatOrgDigest);
  EXPECT_EQ(*CanonicalPart((*orgs)[0]),
            "candor-reference-part/v1\n"
            "table organisations\n"
            "version kat-1\n"
            "source test source\n"
            "Alpha Cloud Inc.\tUS\tcloud\tZeta Ads GmbH\talpha.test\n"
            "Zeta Ads GmbH\tDE\tadvertising\t\tads-zeta.test,zeta.test\n");
  EXPECT_EQ(PredicateToJson((*orgs)[0]),
            absl::StrCat(
                "{\"table\":\"organisations\",\"version\":\"kat-1\","
                "\"source\":\"test source\",\"tableSha256\":\"",
                kKatOrgDigest,
                "\",\"parts\":1,\"organisations\":[{\"name\":\"Alpha Cloud "
                "Inc.\",\"country\":\"US\",\"kind\":\"cloud\",\"domains\":["
                "\"alpha.test\"],\"parent\":\"Zeta Ads GmbH\"},{\"name\":"
                "\"Zeta Ads GmbH\",\"country\":\"DE\",\"kind\":\"advertising\","
                "\"domains\":[\"ads-zeta.test\",\"zeta.test\"]}]}"));
}

// The real IP dataset, split once.
struct RealIp {
  IpCountryTable table;
  std::vector<ReferenceData> parts;
};

const RealIp& Real() {
  static const RealIp* real = [] {
    auto* out = new RealIp;
    absl::StatusOr<IpCountryDataset> dataset =
        LoadIpCountryDataset(DefaultIpCountryDir());
    if (!dataset.ok()) {
      ADD_FAILURE() << dataset.status()
                    << "\nThe IP-to-country dataset is missing: run "
                       "third_party/setup.sh";
      return out;
    }
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<std::vector<ReferenceData>> parts = SplitIpCountries(
        dataset->table, TableInfo{dataset->version, dataset->source});
    std::cout << "split into " << (parts.ok() ? parts->size() : 0)
              << " parts in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count()
              << " ms\n";
    EXPECT_THAT(parts, IsOk());
    out->table = std::move(dataset->table);
    if (parts.ok()) out->parts = *std::move(parts);
    return out;
  }();
  return *real;
}

// The part of the real table covering `ip`.
const ReferenceData& PartCovering(absl::string_view ip) {
  for (const ReferenceData& part : Real().parts) {
    absl::StatusOr<PublishedIpCountries> one =
        PublishedIpCountries::FromParts({part});
    if (one.ok() && one->Lookup(*ParseIpAddress(ip)).ok()) return part;
  }
  ADD_FAILURE() << "no part covers " << ip;
  return Real().parts.front();
}

TEST(RealIpCountries, SplitFitsEntriesAndRoundTrips) {
  const RealIp& real = Real();
  ASSERT_FALSE(real.parts.empty());
  EXPECT_EQ(real.parts.size(), 1176u);
  EXPECT_EQ(real.parts[0].table_sha256(), kRealIpDigest);

  // Every part fits in one entry, with room to spare; the largest one is
  // signed with the key type whose signatures are longest.
  size_t largest = 0;
  const ReferenceData* biggest = nullptr;
  for (const ReferenceData& part : real.parts) {
    const size_t size = PredicateToJson(part).size();
    EXPECT_LE(size, kMaxPartJsonBytes);
    if (size > largest) largest = size, biggest = &part;
    // What the log's admission checks of a reference-data statement.
    ASSERT_THAT(finding::ValidateReferenceData(part), IsOk());
  }
  absl::StatusOr<PrivateKey> key = PrivateKey::Generate(KeyType::kEcdsaP256);
  ASSERT_THAT(key, IsOk());
  absl::StatusOr<std::string> entry =
      SignStatement(PartStatement(*biggest), *key);
  ASSERT_THAT(entry, IsOk());
  std::cout << "largest part: " << largest << " bytes of JSON, "
            << entry->size() << " bytes signed\n";
  EXPECT_LE(entry->size() + 4000, kMaxEntrySize);
  absl::StatusOr<SignedStatement> parsed = ParseSignedStatement(*entry);
  ASSERT_THAT(parsed, IsOk());
  ASSERT_EQ(parsed->statement.subjects.size(), 1u);
  EXPECT_EQ(parsed->statement.subjects[0].name, "reference:ip-countries");
  EXPECT_EQ(parsed->statement.predicate_type, kReferenceDataType);
  ReferenceData back;
  ASSERT_THAT(ParsePredicate(parsed->statement.predicate_json, back), IsOk());
  EXPECT_THAT(VerifyPart(back), IsOk());

  const auto start = std::chrono::steady_clock::now();
  // Any order, with a duplicate.
  std::vector<ReferenceData> shuffled(real.parts.rbegin(), real.parts.rend());
  shuffled.push_back(real.parts[7]);
  absl::StatusOr<PublishedIpCountries> whole =
      PublishedIpCountries::Reassemble(shuffled);
  std::cout << "reassembled in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - start)
                   .count()
            << " ms\n";
  ASSERT_THAT(whole, IsOk());
  EXPECT_TRUE(whole->table() == real.table);
  EXPECT_TRUE(whole->info().complete());
  EXPECT_EQ(*whole->CountryOf("8.8.8.8"), "US");
  EXPECT_EQ(*whole->CountryOf("1.0.1.1"), "CN");
  EXPECT_EQ(*whole->CountryOf("2001:4860:4860::8888"), "US");
}

TEST(RealIpCountries, OnePartAnswersForItsCoverage) {
  ASSERT_FALSE(Real().parts.empty());
  const ReferenceData& part = PartCovering("8.8.8.8");
  absl::StatusOr<PublishedIpCountries> one =
      PublishedIpCountries::FromParts({part});
  ASSERT_THAT(one, IsOk());
  EXPECT_FALSE(one->info().complete());
  EXPECT_EQ(*one->CountryOf("8.8.8.8"), "US");
  absl::StatusOr<PublishedIpCountries::Answer> answer =
      one->Lookup(*ParseIpAddress("8.8.8.8"));
  EXPECT_EQ(answer->part, part.part());
  EXPECT_THAT(
      one->CountryOf("1.0.1.1"),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               absl::StrCat("no given part of table \"ip-countries\" (",
                            kRealIpDigest.substr(0, 12), ") covers 1.0.1.1")));

  // An unassigned address is answered by the part covering it.
  const ReferenceData& private_part = PartCovering("10.1.2.3");
  one = PublishedIpCountries::FromParts({private_part});
  ASSERT_THAT(one, IsOk());
  EXPECT_THAT(
      one->CountryOf("10.1.2.3"),
      StatusIs(absl::StatusCode::kNotFound,
               absl::StrCat("no country is known for 10.1.2.3: part ",
                            private_part.part(), " of table \"ip-countries\" (",
                            kRealIpDigest.substr(0, 12),
                            ") covers it and lists it in no range")));
}

TEST(RealIpCountries, MissingPartsAreNamed) {
  std::vector<ReferenceData> parts = Real().parts;
  ASSERT_GT(parts.size(), 10u);
  parts.erase(parts.begin() + 5);
  parts.erase(parts.begin() + 2);
  EXPECT_THAT(PublishedIpCountries::Reassemble(parts),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("table \"ip-countries\" (",
                                    kRealIpDigest.substr(0, 12),
                                    ") has 1176 parts; 2 are missing (2, 5)")));
}

// A copy of a KAT part with `mutate` applied.
ReferenceData Tampered(const ReferenceData& part,
                       const std::function<void(ReferenceData&)>& mutate) {
  ReferenceData copy = part;
  mutate(copy);
  return copy;
}

TEST(Tampering, EveryFieldIsBound) {
  absl::StatusOr<std::vector<ReferenceData>> parts =
      SplitIpCountries(KatIpTable(), kKatIpInfo);
  ASSERT_THAT(parts, IsOk());
  const ReferenceData& v4 = (*parts)[0];
  ASSERT_THAT(VerifyPart(v4), IsOk());
  const std::string prefix =
      absl::StrCat("reference part 0 of 2 of table \"ip-countries\" (",
                   kKatIpDigest.substr(0, 12), "): ");
  const std::string mismatch =
      prefix + "its content and part_proof do not match table_sha256 (";
  struct Case {
    std::function<void(ReferenceData&)> mutate;
    std::string message_prefix;
  };
  const Case cases[] = {
      {[](ReferenceData& p) { p.mutable_ip_ranges(1)->set_country("RU"); },
       mismatch},
      {[](ReferenceData& p) { p.mutable_ip_ranges(4)->set_last("8.8.10.255"); },
       mismatch},
      {[](ReferenceData& p) { p.mutable_ip_ranges()->RemoveLast(); }, mismatch},
      {[](ReferenceData& p) { p.set_version("1.2.4"); }, mismatch},
      {[](ReferenceData& p) { p.set_source("elsewhere"); }, mismatch},
      {[](ReferenceData& p) { p.set_coverage_last("8.255.255.255"); },
       mismatch},
      {[](ReferenceData& p) { p.set_part(1); },
       absl::StrCat(
           "reference part 1 of 2 of table \"ip-countries\" (",
           kKatIpDigest.substr(0, 12),
           "): its content and part_proof do not match table_sha256 (")},
      {[](ReferenceData& p) { p.set_parts(3); },
       absl::StrCat(
           "reference part 0 of 3 of table \"ip-countries\" (",
           kKatIpDigest.substr(0, 12),
           "): its content and part_proof do not match table_sha256 (")},
      {[](ReferenceData& p) {
         std::string d = p.table_sha256();
         d[63] = d[63] == '0' ? '1' : '0';
         p.set_table_sha256(d);
       },
       absl::StrCat(
           "reference part 0 of 2 of table \"ip-countries\" (",
           kKatIpDigest.substr(0, 12),
           "): its content and part_proof do not match table_sha256 (")},
      {[](ReferenceData& p) { (*p.mutable_part_proof(0))[5] ^= 1; }, mismatch},
      {[](ReferenceData& p) { p.clear_part_proof(); }, mismatch},
      {[](ReferenceData& p) { p.mutable_part_proof(0)->pop_back(); },
       prefix + "part_proof hashes must be 32 bytes"},
      {[](ReferenceData& p) { p.set_table_sha256("ABC"); },
       "reference part 0 of 2 of table \"ip-countries\" (ABC): table_sha256 "
       "must be 64 lower-case hex digits"},
      {[](ReferenceData& p) { p.mutable_ip_ranges(1)->set_country("XK"); },
       prefix + "range 1 (1.0.1.0-1.0.1.255 \"XK\") has no assigned ISO "
                "3166-1 alpha-2 country code"},
      {[](ReferenceData& p) { p.mutable_ip_ranges()->SwapElements(0, 1); },
       prefix + "range 1 (1.0.0.0-1.0.0.255 \"AU\") overlaps or precedes the "
                "range before it"},
      {[](ReferenceData& p) { p.mutable_ip_ranges(2)->set_country("CN"); },
       prefix + "has adjacent ranges with the same country, which the "
                "canonical form merges"},
      {[](ReferenceData& p) { p.set_coverage_first("1.0.0.1"); },
       prefix + "ip_ranges[0] is outside the part's coverage"},
      {[](ReferenceData& p) { p.set_coverage_first("::"); },
       prefix + "coverage must be a non-empty span of one family"},
      {[](ReferenceData& p) { p.mutable_ip_ranges(0)->set_first("nope"); },
       prefix + "ip_ranges[0] needs two IP addresses"},
      {[](ReferenceData& p) { p.add_organisations()->set_name("X"); },
       prefix + "an ip-countries part has organisations"},
      {[](ReferenceData& p) { p.set_version("a\nb"); },
       prefix + "version must be non-empty text without control characters"},
  };
  for (const Case& c : cases) {
    absl::Status s = VerifyPart(Tampered(v4, c.mutate));
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.message_prefix;
    EXPECT_THAT(std::string(s.message()),
                ::testing::StartsWith(c.message_prefix));
  }
  // A tampered part can neither be reassembled nor read alone.
  EXPECT_THAT(PublishedIpCountries::FromParts({Tampered(v4, cases[0].mutate)}),
              StatusCodeIs(absl::StatusCode::kInvalidArgument));
}

TEST(Tampering, PartsOfDifferentTablesDoNotMix) {
  std::vector<ReferenceData> a = *SplitIpCountries(KatIpTable(), kKatIpInfo);
  std::vector<ReferenceData> b =
      *SplitIpCountries(KatIpTable(), TableInfo{"1.2.4", kKatIpInfo.source});
  absl::Status s = PublishedIpCountries::Reassemble({a[0], b[1]}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              ::testing::HasSubstr("does not belong to the same table as"));
  EXPECT_THAT(PublishedIpCountries::Reassemble(a), IsOk());
  EXPECT_THAT(PublishedOrganisations::FromParts({a[0]}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("reference part 0 of 2 of table "
                                    "\"ip-countries\" (",
                                    kKatIpDigest.substr(0, 12),
                                    "): is not part of a \"organisations\" "
                                    "table")));
  EXPECT_THAT(PublishedIpCountries::FromParts({}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "no parts of a \"ip-countries\" table given"));
}

TEST(Organisations, ShippedTableSplitsAndRoundTrips) {
  absl::StatusOr<PublicSuffixList> psl = PublicSuffixList::Load();
  ASSERT_THAT(psl, IsOk());
  absl::StatusOr<LoadedOrganisations> loaded = LoadOrganisations(
      std::string(kDefaultOrganisationsPath), "", OperatorMode::kExtend, *psl);
  ASSERT_THAT(loaded, IsOk());
  absl::StatusOr<std::vector<ReferenceData>> parts = SplitOrganisations(
      loaded->table, TableInfo{loaded->version, loaded->source});
  ASSERT_THAT(parts, IsOk());
  // More than kOrganisationsPerPart organisations: two parts.
  ASSERT_EQ(parts->size(), 2u);
  for (const ReferenceData& part : *parts) {
    EXPECT_LE(PredicateToJson(part).size(), kMaxPartJsonBytes);
    EXPECT_THAT(VerifyPart(part), IsOk());
    EXPECT_THAT(finding::ValidateReferenceData(part), IsOk());
  }
  absl::StatusOr<PublishedOrganisations> whole =
      PublishedOrganisations::Reassemble({(*parts)[1], (*parts)[0]});
  ASSERT_THAT(whole, IsOk());
  ASSERT_EQ(whole->table().organisations().size(),
            loaded->table.organisations().size());
  for (size_t i = 0; i < loaded->table.organisations().size(); ++i) {
    EXPECT_EQ(whole->table().organisations()[i].SerializeAsString(),
              loaded->table.organisations()[i].SerializeAsString());
    EXPECT_EQ(whole->PartOf(i), i < kOrganisationsPerPart ? 0u : 1u);
  }
  // One part alone: its organisations, parents possibly in the other part.
  absl::StatusOr<PublishedOrganisations> one =
      PublishedOrganisations::FromParts({(*parts)[1]});
  ASSERT_THAT(one, IsOk());
  EXPECT_FALSE(one->info().complete());
  EXPECT_THAT(PublishedOrganisations::Reassemble({(*parts)[1]}),
              StatusCodeIs(absl::StatusCode::kFailedPrecondition));
}

TEST(Organisations, CanonicalOrderIsRequired) {
  std::vector<ReferenceData> parts =
      *SplitOrganisations(KatOrgTable(), kKatOrgInfo);
  ReferenceData swapped = parts[0];
  swapped.mutable_organisations()->SwapElements(0, 1);
  EXPECT_THAT(
      CanonicalPart(swapped),
      StatusIs(absl::StatusCode::kInvalidArgument,
               absl::StrCat("reference part 0 of 1 of table "
                            "\"organisations\" (",
                            kKatOrgDigest.substr(0, 12),
                            "): organisations[1] is not in name order")));
  ReferenceData unsorted = parts[0];
  unsorted.mutable_organisations(1)->mutable_domains()->SwapElements(0, 1);
  EXPECT_THAT(CanonicalPart(unsorted),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("reference part 0 of 1 of table "
                                    "\"organisations\" (",
                                    kKatOrgDigest.substr(0, 12),
                                    "): organisations[1].domains are not "
                                    "sorted")));
  ReferenceData renamed = parts[0];
  renamed.mutable_organisations(0)->set_country("FR");
  EXPECT_THAT(VerifyPart(renamed),
              StatusCodeIs(absl::StatusCode::kInvalidArgument));
}

TEST(Split, RefusesWhatCannotBePublished) {
  EXPECT_THAT(SplitIpCountries(IpCountryTable(), kKatIpInfo),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the IP-to-country table is empty"));
  EXPECT_THAT(SplitIpCountries(KatIpTable(), TableInfo{"", "x"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "version must be non-empty text without control "
                       "characters"));
  // An organisation too big for any entry.
  Organisation huge;
  huge.set_name("Huge Holdings");
  huge.set_country("US");
  huge.set_kind("holding");
  for (int i = 0; i < 3000; ++i) {
    huge.add_domains(absl::StrCat("domain-number-", 100000 + i, ".test"));
  }
  absl::StatusOr<OrganisationTable> table = OrganisationTable::Create({huge});
  ASSERT_THAT(table, IsOk());
  absl::Status s = SplitOrganisations(*table, kKatOrgInfo).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()),
              ::testing::EndsWith("bytes of JSON; the limit is 45000 so that "
                                  "it fits in one log entry"));
}

}  // namespace
}  // namespace candor::reference
