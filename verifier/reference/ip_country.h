// IP address -> country of the endpoint, from the IP-location dataset npm
// @ip-location-db/geo-whois-asn-country (RIR whois, ASN and geofeed data,
// CC BY 4.0 by the NRO) that third_party/setup.sh installs.
//
// The dataset is two CSV files, geo-whois-asn-country-ipv4.csv and
// geo-whois-asn-country-ipv6.csv, of lines "first,last,CC": an inclusive
// address range and an ISO 3166-1 alpha-2 code, sorted by first address.
// Reading is strict: any other line is an error naming the file and line.
// Two properties of the real data are handled rather than refused:
//  - Ranges overlap (geofeed entries nested in whois allocations, and a few
//    partial overlaps). For every address the narrowest range containing it
//    wins, the later line on a tie, so a more specific entry overrides the
//    allocation it sits in.
//  - A few lines use codes that are not officially assigned ISO 3166-1 codes
//    ("XK" for Kosovo, "AN" for the former Netherlands Antilles). Claims can
//    name only assigned codes (verifier/geo) and the log admits reference
//    data only with them, so those addresses are left out of the table
//    (looked up as unassigned) and counted in IpCountryLoadStats.
// Adjacent ranges with the same country are then merged.
//
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are looked up as the IPv4
// address; a table may not have IPv6 ranges inside ::ffff:0:0/96.
//
// IpCountryTable is immutable after construction and thread-safe.

#ifndef CANDOR_VERIFIER_REFERENCE_IP_COUNTRY_H_
#define CANDOR_VERIFIER_REFERENCE_IP_COUNTRY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "verifier/reference/ip_address.h"

namespace candor::reference {

inline constexpr absl::string_view kIpCountryPackage =
    "@ip-location-db/geo-whois-asn-country";
// The version third_party/setup.sh installs.
inline constexpr absl::string_view kIpCountryPackageVersion = "2.3.2026061719";
inline constexpr absl::string_view kIpv4CsvName =
    "geo-whois-asn-country-ipv4.csv";
inline constexpr absl::string_view kIpv6CsvName =
    "geo-whois-asn-country-ipv6.csv";

// Where third_party/setup.sh installs the dataset:
// $HOME/.cache/candor/npm/node_modules/@ip-location-db/geo-whois-asn-country
// (the password database's home directory if HOME is unset).
std::string DefaultIpCountryDir();

struct IpCountryRange {
  IpAddress first;
  IpAddress last;  // inclusive, same family as first
  std::string country;

  bool operator==(const IpCountryRange& o) const {
    return first == o.first && last == o.last && country == o.country;
  }
};

struct IpCountryLoadStats {
  size_t lines = 0;              // data lines read, both files
  size_t overlapping_lines = 0;  // lines overlapping an earlier line
  // Ranges left out for a code that is not an assigned ISO 3166-1 code, and
  // those codes, sorted.
  size_t dropped_ranges = 0;
  std::vector<std::string> dropped_codes;
  size_t ipv4_ranges = 0;  // in the table, after merging
  size_t ipv6_ranges = 0;
};

class IpCountryTable {
 public:
  // The empty table: every address is unassigned.
  IpCountryTable() = default;

  // Reads the dataset's two CSV texts; the names are used in errors
  // ("<name>:<line>: <problem>"). `stats` may be null.
  static absl::StatusOr<IpCountryTable> FromCsv(
      absl::string_view ipv4_name, absl::string_view ipv4_csv,
      absl::string_view ipv6_name, absl::string_view ipv6_csv,
      IpCountryLoadStats* stats = nullptr);

  // From ranges already resolved: IPv4 before IPv6, each family sorted and
  // non-overlapping, assigned ISO 3166-1 codes. Adjacent ranges with the same
  // country are merged.
  static absl::StatusOr<IpCountryTable> FromRanges(
      absl::Span<const IpCountryRange> ranges);

  // The country of the address `ip` (text form). INVALID_ARGUMENT if `ip` is
  // not an IP address, NOT_FOUND if no range contains it.
  absl::StatusOr<std::string> CountryOf(absl::string_view ip) const;

  // The range containing `address` (after Unmapped()), if any.
  std::optional<IpCountryRange> Find(const IpAddress& address) const;

  size_t size(IpFamily family) const {
    return family == IpFamily::kV4 ? v4_.size() : v6_.size();
  }
  // The i-th range of `family`, in address order; i < size(family).
  IpCountryRange range(IpFamily family, size_t i) const;

  bool operator==(const IpCountryTable& o) const;

 private:
  struct V4 {
    uint32_t first;
    uint32_t last;
    uint16_t country;  // two ASCII letters, first in the high byte
  };
  struct V6 {
    absl::uint128 first;
    absl::uint128 last;
    uint16_t country;
  };

  std::vector<V4> v4_;
  std::vector<V6> v6_;
};

struct IpCountryDataset {
  IpCountryTable table;
  std::string version;  // the npm package's version
  std::string source;   // "npm @ip-location-db/geo-whois-asn-country@<version>"
  IpCountryLoadStats stats;
};

// Loads the dataset installed in `dir` (its two CSV files and package.json).
// NOT_FOUND, telling to run third_party/setup.sh, if it is not there.
absl::StatusOr<IpCountryDataset> LoadIpCountryDataset(const std::string& dir);

}  // namespace candor::reference

#endif  // CANDOR_VERIFIER_REFERENCE_IP_COUNTRY_H_
