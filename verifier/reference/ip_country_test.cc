#include "verifier/reference/ip_country.h"

#include <chrono>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "verifier/reference/ip_address.h"

namespace candor::reference {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;
using ::testing::ElementsAre;

// The real dataset, loaded once. Its absence fails the tests: attribution
// without it is not tested at all.
const IpCountryDataset& Dataset() {
  static const IpCountryDataset* dataset = [] {
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<IpCountryDataset> loaded =
        LoadIpCountryDataset(DefaultIpCountryDir());
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status()
                    << "\nThe IP-to-country dataset is missing: run "
                       "third_party/setup.sh";
      return new IpCountryDataset();
    }
    std::cout << "loaded " << loaded->stats.lines << " lines into "
              << loaded->stats.ipv4_ranges << " IPv4 and "
              << loaded->stats.ipv6_ranges << " IPv6 ranges in " << ms
              << " ms\n";
    return new IpCountryDataset(*std::move(loaded));
  }();
  return *dataset;
}

TEST(IpCountryDataset, DefaultDirIsTheSetupLocation) {
  const char* home = std::getenv("HOME");
  ASSERT_NE(home, nullptr);
  EXPECT_EQ(DefaultIpCountryDir(),
            absl::StrCat(home,
                         "/.cache/candor/npm/node_modules/@ip-location-db/"
                         "geo-whois-asn-country"));
}

TEST(IpCountryDataset, RealDataLoadsFast) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<IpCountryDataset> loaded =
      LoadIpCountryDataset(DefaultIpCountryDir());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_THAT(loaded, IsOk()) << "run third_party/setup.sh";
  EXPECT_EQ(loaded->version, kIpCountryPackageVersion);
  EXPECT_EQ(loaded->source, absl::StrCat("npm @ip-location-db/geo-whois-asn-"
                                         "country@",
                                         kIpCountryPackageVersion));
  EXPECT_EQ(loaded->stats.lines, 334373u + 216295u);
  EXPECT_GT(loaded->stats.overlapping_lines, 7000u);
  EXPECT_THAT(loaded->stats.dropped_codes, ElementsAre("AN", "XK"));
  // A regression guard, generous for an unoptimised build on a busy machine
  // (about 0.55 s there, 0.2 s optimised) and for sanitizers.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  EXPECT_LT(elapsed, std::chrono::seconds(15));
#else
  EXPECT_LT(elapsed, std::chrono::seconds(3));
#endif
}

TEST(IpCountryDataset, RealLookups) {
  const IpCountryTable& table = Dataset().table;
  struct Case {
    const char* ip;
    const char* country;
  };
  const Case cases[] = {
      {"8.8.8.8", "US"},
      {"1.0.1.1", "CN"},
      {"1.0.0.1", "AU"},
      {"2001:4860:4860::8888", "US"},
      {"::ffff:8.8.8.8", "US"},  // IPv4-mapped: looked up as IPv4
      // A geofeed entry nested in a whois allocation overrides it.
      {"2.58.197.15", "BE"},
      {"2.58.197.16", "DE"},
      {"5.61.192.1", "SK"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::string> got = table.CountryOf(c.ip);
    ASSERT_THAT(got, IsOk()) << c.ip;
    EXPECT_EQ(*got, c.country) << c.ip;
  }
  EXPECT_THAT(table.CountryOf("10.1.2.3"),
              StatusIs(absl::StatusCode::kNotFound,
                       "no country is known for 10.1.2.3: the address is in "
                       "no range of the IP-to-country table"));
  EXPECT_THAT(table.CountryOf("127.0.0.1"),
              StatusIs(absl::StatusCode::kNotFound,
                       "no country is known for 127.0.0.1: the address is in "
                       "no range of the IP-to-country table"));
  // Located in Kosovo ("XK", not an assigned ISO code): left out.
  EXPECT_THAT(table.CountryOf("38.110.128.5"),
              ::candor::testing::StatusCodeIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(table.CountryOf("not-an-ip"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "\"not-an-ip\" is not an IP address"));
}

TEST(IpCountryDataset, MissingDatasetSaysWhatToRun) {
  EXPECT_THAT(LoadIpCountryDataset("/nonexistent"),
              StatusIs(absl::StatusCode::kNotFound,
                       "/nonexistent/geo-whois-asn-country-ipv4.csv: not "
                       "found; run third_party/setup.sh to install the "
                       "IP-to-country dataset (npm "
                       "@ip-location-db/geo-whois-asn-country)"));
}

absl::StatusOr<IpCountryTable> FromV4(absl::string_view csv,
                                      IpCountryLoadStats* stats = nullptr) {
  return IpCountryTable::FromCsv("v4.csv", csv, "v6.csv",
                                 "2001:db8::,2001:db8::ffff,NL\n", stats);
}

TEST(IpCountryTable, HostileLines) {
  struct Case {
    std::string v4;
    std::string message;
  };
  const Case cases[] = {
      {"", "v4.csv: no ranges"},
      {"1.0.0.0,1.0.0.255,AU\n\n1.0.1.0,1.0.1.255,AU\n",
       "v4.csv:2: empty line"},
      {"1.0.0.0,1.0.0.255\n",
       "v4.csv:1: expected 3 comma-separated fields (first,last,country), "
       "got 2"},
      {"1.0.0.0,1.0.0.255,AU,extra\n",
       "v4.csv:1: expected 3 comma-separated fields (first,last,country), "
       "got 4"},
      {"1.0.0,1.0.0.255,AU\n",
       "v4.csv:1: first address \"1.0.0\" is not an IPv4 address"},
      {"1.0.0.0,1.0.0.256,AU\n",
       "v4.csv:1: last address \"1.0.0.256\" is not an IPv4 address"},
      {"01.0.0.0,1.0.0.255,AU\n",
       "v4.csv:1: first address \"01.0.0.0\" is not an IPv4 address"},
      {" 1.0.0.0,1.0.0.255,AU\n",
       "v4.csv:1: first address \" 1.0.0.0\" is not an IPv4 address"},
      {"::1,::2,AU\n",
       "v4.csv:1: first address \"::1\" is not an IPv4 address"},
      {"1.0.0.9,1.0.0.1,AU\n",
       "v4.csv:1: first address 1.0.0.9 is after last address 1.0.0.1"},
      {"1.0.0.0,1.0.0.255,au\n",
       "v4.csv:1: country \"au\" is not two upper-case letters"},
      {"1.0.0.0,1.0.0.255,AU\r\n",
       "v4.csv:1: country \"AU\\r\" is not two upper-case letters"},
      {"1.0.0.0,1.0.0.255,\"AU\"\n",
       "v4.csv:1: country \"\\\"AU\\\"\" is not two upper-case letters"},
      {"1.0.0.0,1.0.0.255,AUS\n",
       "v4.csv:1: country \"AUS\" is not two upper-case letters"},
      {"1.0.1.0,1.0.1.255,AU\n1.0.0.0,1.0.0.255,AU\n",
       "v4.csv:2: range starts before the previous line's; lines must be "
       "sorted by first address"},
      {std::string("1.0.0.0,1.0.0.255,A\0\n", 21),
       "v4.csv:1: country \"A\\u0000\" is not two upper-case letters"},
  };
  // Hostile fields are cut in messages.
  const std::string long_field(100000, '9');
  EXPECT_THAT(FromV4(absl::StrCat(long_field, ",1.0.0.255,AU\n")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("v4.csv:1: first address \"",
                                    long_field.substr(0, 64),
                                    "\"... is not an IPv4 address")));
  for (const Case& c : cases) {
    EXPECT_THAT(FromV4(c.v4),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message))
        << c.v4;
  }
  EXPECT_THAT(IpCountryTable::FromCsv("v4.csv", "1.0.0.0,1.0.0.255,AU\n",
                                      "v6.csv", "::ffff:0:0,::ffff:1:0,US\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "v6.csv:1: range overlaps ::ffff:0:0/96, the "
                       "IPv4-mapped addresses, which are looked up as IPv4"));
  EXPECT_THAT(IpCountryTable::FromCsv("v4.csv", "1.0.0.0,1.0.0.255,AU\n",
                                      "v6.csv", "1.0.0.0,1.0.0.255,AU"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "v6.csv:1: first address \"1.0.0.0\" is not an IPv6 "
                       "address"));
}

TEST(IpCountryTable, ResolvesOverlapsAndMerges) {
  IpCountryLoadStats stats;
  absl::StatusOr<IpCountryTable> table = FromV4(
      // An allocation with a nested, more specific entry.
      "10.0.0.0,10.0.0.255,DE\n"
      "10.0.0.16,10.0.0.31,BE\n"
      // The same start, narrower first: the narrower still wins.
      "10.0.1.0,10.0.1.15,FR\n"
      "10.0.1.0,10.0.1.255,IT\n"
      // A partial overlap: each address takes the narrower range.
      "10.0.2.0,10.0.2.99,ES\n"
      "10.0.2.50,10.0.2.59,PT\n"
      "10.0.2.55,10.0.2.200,GR\n"
      // Equal ranges: the later line wins.
      "10.0.3.0,10.0.3.255,AT\n"
      "10.0.3.0,10.0.3.255,CH\n"
      // Adjacent, same country: merged. An unassigned code: left out.
      "10.0.4.0,10.0.4.255,SE\n"
      "10.0.5.0,10.0.5.255,SE\n"
      "10.0.6.0,10.0.6.255,XK\n"
      // The last address of the family.
      "255.255.255.0,255.255.255.255,US\n",
      &stats);
  ASSERT_THAT(table, IsOk());
  const std::pair<const char*, const char*> expected[] = {
      {"10.0.0.15", "DE"},  {"10.0.0.16", "BE"},       {"10.0.0.31", "BE"},
      {"10.0.0.32", "DE"},  {"10.0.1.15", "FR"},       {"10.0.1.16", "IT"},
      {"10.0.2.49", "ES"},  {"10.0.2.50", "PT"},       {"10.0.2.59", "PT"},
      {"10.0.2.60", "ES"},  {"10.0.2.99", "ES"},       {"10.0.2.100", "GR"},
      {"10.0.2.200", "GR"}, {"10.0.3.7", "CH"},        {"10.0.4.0", "SE"},
      {"10.0.5.255", "SE"}, {"255.255.255.255", "US"}, {"2001:db8::ff", "NL"}};
  for (const auto& [ip, country] : expected) {
    absl::StatusOr<std::string> got = table->CountryOf(ip);
    ASSERT_THAT(got, IsOk()) << ip;
    EXPECT_EQ(*got, country) << ip;
  }
  EXPECT_THAT(table->CountryOf("10.0.2.201"),
              ::candor::testing::StatusCodeIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(table->CountryOf("10.0.6.1"),
              ::candor::testing::StatusCodeIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(stats.lines, 14u);
  EXPECT_EQ(stats.overlapping_lines, 5u);
  EXPECT_EQ(stats.dropped_ranges, 1u);
  EXPECT_THAT(stats.dropped_codes, ElementsAre("XK"));
  // DE BE DE | FR IT | ES PT ES GR | CH | SE (merged) | US
  EXPECT_EQ(table->size(IpFamily::kV4), 12u);
  EXPECT_EQ(table->range(IpFamily::kV4, 10).first, *ParseIpAddress("10.0.4.0"));
  EXPECT_EQ(table->range(IpFamily::kV4, 10).last,
            *ParseIpAddress("10.0.5.255"));
}

TEST(IpCountryTable, FromRangesIsStrict) {
  auto range = [](const char* a, const char* b, const char* cc) {
    return IpCountryRange{*ParseIpAddress(a), *ParseIpAddress(b), cc};
  };
  EXPECT_THAT(IpCountryTable::FromRanges({range("1.0.0.0", "1.0.0.255", "AU"),
                                          range("1.0.0.255", "1.0.1.0", "CN")}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "range 1 (1.0.0.255-1.0.1.0 \"CN\") overlaps or "
                       "precedes the range before it"));
  EXPECT_THAT(IpCountryTable::FromRanges({range("::1", "::2", "AU"),
                                          range("1.0.0.0", "1.0.0.1", "CN")}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "range 1 (1.0.0.0-1.0.0.1 \"CN\") is IPv4 but follows "
                       "IPv6 ranges"));
  EXPECT_THAT(IpCountryTable::FromRanges({range("1.0.0.0", "1.0.0.255", "XK")}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "range 0 (1.0.0.0-1.0.0.255 \"XK\") has no assigned "
                       "ISO 3166-1 alpha-2 country code"));
  EXPECT_THAT(IpCountryTable::FromRanges({range("1.0.0.0", "::1", "AU")}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "range 0 (1.0.0.0-::1 \"AU\") mixes IPv4 and IPv6"));
  absl::StatusOr<IpCountryTable> merged =
      IpCountryTable::FromRanges({range("1.0.0.0", "1.0.0.255", "AU"),
                                  range("1.0.1.0", "1.0.1.255", "AU")});
  ASSERT_THAT(merged, IsOk());
  EXPECT_EQ(merged->size(IpFamily::kV4), 1u);
}

TEST(IpAddress, ParseFormatCanonical) {
  EXPECT_EQ(CanonicalIpAddress(*ParseIpAddress("1.0.0.255")), "4 010000ff");
  EXPECT_EQ(CanonicalIpAddress(*ParseIpAddress("2001:db8::1")),
            "6 20010db8000000000000000000000001");
  EXPECT_EQ(FormatIpAddress(*ParseIpAddress("2001:DB8:0:0::1")), "2001:db8::1");
  EXPECT_EQ(
      FormatIpAddress(*ParseIpAddress("2001:2::ffff:ffff:ffff:ffff:ffff")),
      "2001:2:0:ffff:ffff:ffff:ffff:ffff");
  EXPECT_EQ(Unmapped(*ParseIpAddress("::ffff:192.0.2.1")),
            *ParseIpAddress("192.0.2.1"));
  EXPECT_EQ(Unmapped(*ParseIpAddress("::192.0.2.1")).family, IpFamily::kV6);
  EXPECT_THAT(ParseIpAddress("fe80::1%eth0"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "\"fe80::1%eth0\" is not an IP address"));
  EXPECT_THAT(ParseIpAddress("[::1]"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "\"[::1]\" is not an IP address"));
}

}  // namespace
}  // namespace candor::reference
