#include "verifier/reference/ip_country.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "log/json/json.h"
#include "verifier/geo/countries.h"

namespace candor::reference {
namespace {

uint16_t PackCountry(absl::string_view cc) {
  return static_cast<uint16_t>((static_cast<uint8_t>(cc[0]) << 8) |
                               static_cast<uint8_t>(cc[1]));
}

std::string UnpackCountry(uint16_t cc) {
  return std::string{static_cast<char>(cc >> 8), static_cast<char>(cc & 0xFF)};
}

bool IsTwoUpperLetters(absl::string_view s) {
  return s.size() == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
         s[1] <= 'Z';
}

absl::string_view FamilyName(IpFamily family) {
  return family == IpFamily::kV4 ? "IPv4" : "IPv6";
}

// ::ffff:0:0/96, where IPv4-mapped addresses live.
constexpr absl::uint128 kMappedFirst = absl::uint128(0xFFFF) << 32;
constexpr absl::uint128 kMappedLast = kMappedFirst | 0xFFFFFFFFu;

bool OverlapsMapped(const IpAddress& first, const IpAddress& last) {
  return first.family == IpFamily::kV6 && first.value <= kMappedLast &&
         last.value >= kMappedFirst;
}

// A line of a CSV file, parsed.
struct RawRange {
  absl::uint128 first;
  absl::uint128 last;
  uint16_t country;
};

// A resolved, non-overlapping range.
struct Segment {
  absl::uint128 first;
  absl::uint128 last;
  uint16_t country;
};

// Parses one CSV file of `family` strictly.
absl::Status ParseCsv(absl::string_view name, absl::string_view text,
                      IpFamily family, std::vector<RawRange>& out,
                      IpCountryLoadStats& stats) {
  size_t line_number = 0;
  size_t pos = 0;
  bool have_previous = false;
  absl::uint128 previous_first = 0;
  absl::uint128 max_last = 0;
  while (pos < text.size()) {
    ++line_number;
    size_t end = text.find('\n', pos);
    if (end == absl::string_view::npos) end = text.size();
    const absl::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    auto error = [&](absl::string_view problem) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ":", line_number, ": ", problem));
    };
    if (line.empty()) return error("empty line");
    absl::string_view fields[3];
    size_t count = 0;
    size_t start = 0;
    while (true) {
      const size_t comma = line.find(',', start);
      const absl::string_view field = line.substr(
          start, comma == absl::string_view::npos ? absl::string_view::npos
                                                  : comma - start);
      if (count < 3) fields[count] = field;
      ++count;
      if (comma == absl::string_view::npos) break;
      start = comma + 1;
    }
    if (count != 3) {
      return error(absl::StrCat(
          "expected 3 comma-separated fields (first,last,country), got ",
          count));
    }
    IpAddress addresses[2];
    for (int i = 0; i < 2; ++i) {
      absl::StatusOr<IpAddress> a = ParseIpAddress(fields[i]);
      if (!a.ok() || a->family != family) {
        return error(absl::StrCat(i == 0 ? "first" : "last", " address ",
                                  QuoteForError(fields[i]), " is not an ",
                                  FamilyName(family), " address"));
      }
      addresses[i] = *a;
    }
    if (addresses[0].value > addresses[1].value) {
      return error(absl::StrCat("first address ", fields[0],
                                " is after last address ", fields[1]));
    }
    if (!IsTwoUpperLetters(fields[2])) {
      return error(absl::StrCat("country ", QuoteForError(fields[2]),
                                " is not two upper-case letters"));
    }
    if (OverlapsMapped(addresses[0], addresses[1])) {
      return error(
          "range overlaps ::ffff:0:0/96, the IPv4-mapped addresses, which "
          "are looked up as IPv4");
    }
    if (have_previous && addresses[0].value < previous_first) {
      return error(
          "range starts before the previous line's; lines must be sorted by "
          "first address");
    }
    if (have_previous && addresses[0].value <= max_last) {
      ++stats.overlapping_lines;
    }
    max_last = have_previous ? std::max(max_last, addresses[1].value)
                             : addresses[1].value;
    previous_first = addresses[0].value;
    have_previous = true;
    out.push_back(RawRange{addresses[0].value, addresses[1].value,
                           PackCountry(fields[2])});
    ++stats.lines;
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": no ranges"));
  }
  return absl::OkStatus();
}

// Resolves overlaps (the narrowest range containing an address wins, the
// later line on a tie), drops codes that are not assigned ISO 3166-1 codes
// and merges adjacent ranges with the same country. `raw` is sorted by first
// address.
std::vector<Segment> Resolve(const std::vector<RawRange>& raw,
                             absl::uint128 max, IpCountryLoadStats& stats,
                             std::set<std::string>& dropped_codes) {
  std::vector<Segment> out;
  auto emit = [&](absl::uint128 first, absl::uint128 last, uint16_t country) {
    const std::string code = UnpackCountry(country);
    if (!geo::IsCountryCode(code)) {
      ++stats.dropped_ranges;
      dropped_codes.insert(code);
      return;
    }
    if (!out.empty() && out.back().country == country &&
        out.back().last + 1 == first) {
      out.back().last = last;
    } else {
      out.push_back(Segment{first, last, country});
    }
  };
  // Ranges containing `cur`; rarely more than a handful.
  std::vector<size_t> active;
  size_t next = 0;
  absl::uint128 cur = 0;
  while (next < raw.size() || !active.empty()) {
    if (active.empty()) cur = raw[next].first;
    while (next < raw.size() && raw[next].first == cur)
      active.push_back(next++);
    size_t best = active[0];
    absl::uint128 end = raw[active[0]].last;
    for (size_t a : active) {
      const absl::uint128 width = raw[a].last - raw[a].first;
      const absl::uint128 best_width = raw[best].last - raw[best].first;
      if (width < best_width || (width == best_width && a > best)) best = a;
      end = std::min(end, raw[a].last);
    }
    // raw[next].first > cur here, so the subtraction cannot wrap.
    if (next < raw.size() && raw[next].first - 1 < end) {
      end = raw[next].first - 1;
    }
    emit(cur, end, raw[best].country);
    if (end == max) break;
    cur = end + 1;
    active.erase(std::remove_if(active.begin(), active.end(),
                                [&](size_t a) { return raw[a].last < cur; }),
                 active.end());
  }
  return out;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(path,
                     ": not found; run third_party/setup.sh to install the "
                     "IP-to-country dataset (npm ",
                     kIpCountryPackage, ")"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat(path, ": read error"));
  }
  return text.str();
}

}  // namespace

std::string DefaultIpCountryDir() {
  std::string home;
  if (const char* env = std::getenv("HOME"); env != nullptr && *env != '\0') {
    home = env;
  } else if (const passwd* pw = getpwuid(getuid()); pw != nullptr) {
    home = pw->pw_dir;
  }
  return absl::StrCat(home, "/.cache/candor/npm/node_modules/",
                      kIpCountryPackage);
}

absl::StatusOr<IpCountryTable> IpCountryTable::FromCsv(
    absl::string_view ipv4_name, absl::string_view ipv4_csv,
    absl::string_view ipv6_name, absl::string_view ipv6_csv,
    IpCountryLoadStats* stats) {
  IpCountryLoadStats local;
  IpCountryLoadStats& s = stats != nullptr ? *stats : local;
  s = IpCountryLoadStats();
  std::set<std::string> dropped_codes;
  IpCountryTable table;

  std::vector<RawRange> raw;
  raw.reserve(ipv4_csv.size() / 28);
  if (absl::Status st = ParseCsv(ipv4_name, ipv4_csv, IpFamily::kV4, raw, s);
      !st.ok()) {
    return st;
  }
  std::vector<Segment> v4 =
      Resolve(raw, MaxAddress(IpFamily::kV4), s, dropped_codes);
  table.v4_.reserve(v4.size());
  for (const Segment& seg : v4) {
    table.v4_.push_back(V4{static_cast<uint32_t>(absl::Uint128Low64(seg.first)),
                           static_cast<uint32_t>(absl::Uint128Low64(seg.last)),
                           seg.country});
  }

  raw.clear();
  raw.reserve(ipv6_csv.size() / 56);
  if (absl::Status st = ParseCsv(ipv6_name, ipv6_csv, IpFamily::kV6, raw, s);
      !st.ok()) {
    return st;
  }
  std::vector<Segment> v6 =
      Resolve(raw, MaxAddress(IpFamily::kV6), s, dropped_codes);
  table.v6_.reserve(v6.size());
  for (const Segment& seg : v6) {
    table.v6_.push_back(V6{seg.first, seg.last, seg.country});
  }

  s.dropped_codes.assign(dropped_codes.begin(), dropped_codes.end());
  s.ipv4_ranges = table.v4_.size();
  s.ipv6_ranges = table.v6_.size();
  return table;
}

absl::StatusOr<IpCountryTable> IpCountryTable::FromRanges(
    absl::Span<const IpCountryRange> ranges) {
  IpCountryTable table;
  const IpCountryRange* previous = nullptr;
  for (size_t i = 0; i < ranges.size(); ++i) {
    const IpCountryRange& r = ranges[i];
    auto error = [&](absl::string_view problem) {
      return absl::InvalidArgumentError(
          absl::StrCat("range ", i, " (", FormatIpAddress(r.first), "-",
                       FormatIpAddress(r.last), " ", QuoteForError(r.country),
                       ") ", problem));
    };
    if (r.first.family != r.last.family) {
      return error("mixes IPv4 and IPv6");
    }
    if (r.first.value > r.last.value ||
        r.last.value > MaxAddress(r.last.family)) {
      return error("is empty or out of range");
    }
    if (!geo::IsCountryCode(r.country)) {
      return error("has no assigned ISO 3166-1 alpha-2 country code");
    }
    if (OverlapsMapped(r.first, r.last)) {
      return error("overlaps ::ffff:0:0/96, the IPv4-mapped addresses");
    }
    if (previous != nullptr) {
      if (previous->first.family == IpFamily::kV6 &&
          r.first.family == IpFamily::kV4) {
        return error("is IPv4 but follows IPv6 ranges");
      }
      if (previous->first.family == r.first.family &&
          r.first.value <= previous->last.value) {
        return error("overlaps or precedes the range before it");
      }
    }
    previous = &r;
    const uint16_t cc = PackCountry(r.country);
    if (r.first.family == IpFamily::kV4) {
      const auto first =
          static_cast<uint32_t>(absl::Uint128Low64(r.first.value));
      const auto last = static_cast<uint32_t>(absl::Uint128Low64(r.last.value));
      if (!table.v4_.empty() && table.v4_.back().country == cc &&
          table.v4_.back().last + uint64_t{1} == first) {
        table.v4_.back().last = last;
      } else {
        table.v4_.push_back(V4{first, last, cc});
      }
    } else {
      if (!table.v6_.empty() && table.v6_.back().country == cc &&
          table.v6_.back().last + 1 == r.first.value) {
        table.v6_.back().last = r.last.value;
      } else {
        table.v6_.push_back(V6{r.first.value, r.last.value, cc});
      }
    }
  }
  return table;
}

std::optional<IpCountryRange> IpCountryTable::Find(
    const IpAddress& address) const {
  const IpAddress a = Unmapped(address);
  if (a.family == IpFamily::kV4) {
    const auto x = static_cast<uint32_t>(absl::Uint128Low64(a.value));
    auto it =
        std::upper_bound(v4_.begin(), v4_.end(), x,
                         [](uint32_t v, const V4& r) { return v < r.first; });
    if (it == v4_.begin()) return std::nullopt;
    --it;
    if (x > it->last) return std::nullopt;
    return range(IpFamily::kV4, it - v4_.begin());
  }
  auto it = std::upper_bound(
      v6_.begin(), v6_.end(), a.value,
      [](const absl::uint128& v, const V6& r) { return v < r.first; });
  if (it == v6_.begin()) return std::nullopt;
  --it;
  if (a.value > it->last) return std::nullopt;
  return range(IpFamily::kV6, it - v6_.begin());
}

absl::StatusOr<std::string> IpCountryTable::CountryOf(
    absl::string_view ip) const {
  absl::StatusOr<IpAddress> address = ParseIpAddress(ip);
  if (!address.ok()) return address.status();
  std::optional<IpCountryRange> r = Find(*address);
  if (!r.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "no country is known for ", FormatIpAddress(*address),
        ": the address is in no range of the IP-to-country table"));
  }
  return std::move(r->country);
}

IpCountryRange IpCountryTable::range(IpFamily family, size_t i) const {
  if (family == IpFamily::kV4) {
    const V4& r = v4_[i];
    return IpCountryRange{IpAddress{IpFamily::kV4, r.first},
                          IpAddress{IpFamily::kV4, r.last},
                          UnpackCountry(r.country)};
  }
  const V6& r = v6_[i];
  return IpCountryRange{IpAddress{IpFamily::kV6, r.first},
                        IpAddress{IpFamily::kV6, r.last},
                        UnpackCountry(r.country)};
}

bool IpCountryTable::operator==(const IpCountryTable& o) const {
  auto same4 = [](const V4& a, const V4& b) {
    return a.first == b.first && a.last == b.last && a.country == b.country;
  };
  auto same6 = [](const V6& a, const V6& b) {
    return a.first == b.first && a.last == b.last && a.country == b.country;
  };
  return std::equal(v4_.begin(), v4_.end(), o.v4_.begin(), o.v4_.end(),
                    same4) &&
         std::equal(v6_.begin(), v6_.end(), o.v6_.begin(), o.v6_.end(), same6);
}

absl::StatusOr<IpCountryDataset> LoadIpCountryDataset(const std::string& dir) {
  const std::string v4_path = absl::StrCat(dir, "/", kIpv4CsvName);
  const std::string v6_path = absl::StrCat(dir, "/", kIpv6CsvName);
  const std::string package_path = absl::StrCat(dir, "/package.json");
  absl::StatusOr<std::string> v4 = ReadFile(v4_path);
  if (!v4.ok()) return v4.status();
  absl::StatusOr<std::string> v6 = ReadFile(v6_path);
  if (!v6.ok()) return v6.status();
  absl::StatusOr<std::string> package = ReadFile(package_path);
  if (!package.ok()) return package.status();

  IpCountryDataset out;
  absl::StatusOr<json::Value> doc = json::Parse(*package);
  const json::Value* version =
      doc.ok() && doc->is_object() ? doc->Find("version") : nullptr;
  if (version == nullptr || !version->is_string() || version->text().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(package_path, ": no \"version\" string"));
  }
  out.version = version->text();
  out.source = absl::StrCat("npm ", kIpCountryPackage, "@", out.version);

  absl::StatusOr<IpCountryTable> table =
      IpCountryTable::FromCsv(v4_path, *v4, v6_path, *v6, &out.stats);
  if (!table.ok()) return table.status();
  out.table = *std::move(table);
  return out;
}

}  // namespace candor::reference
