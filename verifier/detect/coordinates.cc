#include "verifier/detect/coordinates.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace candor::detect {
namespace {

constexpr double kEarthRadiusKm = 6371.0088;
constexpr double kPi = 3.14159265358979323846;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Characters that, next to a number, make it part of something else: a
// version ("1.2.3"), an identifier ("v1.5"), a longer number.
bool Glued(char c) {
  return IsDigit(c) || c == '.' ||
         absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_';
}

}  // namespace

std::optional<Coordinate> ParseCoordinate(absl::string_view text) {
  if (text.empty() || text.size() > 25) return std::nullopt;
  size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative) ++i;
  const size_t int_begin = i;
  int64_t scaled = 0;
  while (i < text.size() && IsDigit(text[i])) scaled = scaled * 10 + (text[i++] - '0');
  if (i == int_begin || i - int_begin > 3) return std::nullopt;
  int decimals = 0;
  if (i < text.size()) {
    if (text[i] != '.') return std::nullopt;
    ++i;
    const size_t frac_begin = i;
    // Past 15 decimals a number is a double printed in full; its value is
    // what counts then (see DerivedFrom), and `scaled` stops growing.
    while (i < text.size() && IsDigit(text[i]) && i - frac_begin < 20) {
      if (i - frac_begin < 15) scaled = scaled * 10 + (text[i] - '0');
      ++i;
    }
    if (i == frac_begin || i != text.size()) return std::nullopt;
    decimals = static_cast<int>(i - frac_begin);
  }
  Coordinate c;
  c.decimals = decimals;
  c.scaled = negative ? -scaled : scaled;
  c.degrees = std::strtod(std::string(text).c_str(), nullptr);
  return c;
}

double DistanceKm(double lat1, double lng1, double lat2, double lng2) {
  const double r = kPi / 180.0;
  const double dlat = (lat2 - lat1) * r;
  const double dlng = (lng2 - lng1) * r;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * r) * std::cos(lat2 * r) *
                       std::sin(dlng / 2) * std::sin(dlng / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

bool DerivedFrom(const Coordinate& c, double planted) {
  // Planted positions have at most a few decimals more than any rounding of
  // them: more decimals than that is the planted value itself, printed from
  // a double.
  constexpr int kExactFrom = 9;
  if (c.decimals >= kExactFrom) return std::fabs(c.degrees - planted) < 1e-9;
  // The planted value kept as a 32-bit float (as some SDKs do) and printed:
  // a float's spacing below 128 degrees is 2^-17, about 7.6e-6.
  if (c.decimals >= 5 &&
      static_cast<double>(static_cast<float>(planted)) ==
          static_cast<double>(static_cast<float>(c.degrees))) {
    return true;
  }
  const double x = planted * std::pow(10.0, c.decimals);
  const double nearest = std::round(x);
  // The planted value has no more decimals than this: only itself counts.
  // (The slack absorbs the double's error in `x`.)
  if (std::fabs(x - nearest) < 1e-6) {
    return static_cast<double>(c.scaled) == nearest;
  }
  // Rounded, or truncated towards or away from zero.
  const double value = static_cast<double>(c.scaled);
  return value == std::floor(x) || value == std::ceil(x);
}

PositionMatch Classify(const Coordinate& lat, const Coordinate& lng,
                       double honey_lat, double honey_lng) {
  PositionMatch m;
  if (std::fabs(lat.degrees) > 90 || std::fabs(lng.degrees) > 180) return m;
  m.decimals = std::min(lat.decimals, lng.decimals);
  if (m.decimals < kMinDecimals) return m;
  if (!DerivedFrom(lat, honey_lat) || !DerivedFrom(lng, honey_lng)) return m;
  m.distance_km = DistanceKm(lat.degrees, lng.degrees, honey_lat, honey_lng);
  m.precision = m.decimals >= kPreciseMinDecimals ? Precision::kPrecise
                                                  : Precision::kApproximate;
  return m;
}

std::string Geohash(double latitude, double longitude, size_t chars) {
  static constexpr char kBase32[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  double lat_lo = -90, lat_hi = 90, lng_lo = -180, lng_hi = 180;
  std::string out;
  bool even = true;  // longitude bits first
  int bit = 0;
  int value = 0;
  while (out.size() < chars) {
    if (even) {
      const double mid = (lng_lo + lng_hi) / 2;
      if (longitude >= mid) {
        value = value * 2 + 1;
        lng_lo = mid;
      } else {
        value = value * 2;
        lng_hi = mid;
      }
    } else {
      const double mid = (lat_lo + lat_hi) / 2;
      if (latitude >= mid) {
        value = value * 2 + 1;
        lat_lo = mid;
      } else {
        value = value * 2;
        lat_hi = mid;
      }
    }
    even = !even;
    if (++bit == 5) {
      out.push_back(kBase32[value]);
      bit = 0;
      value = 0;
    }
  }
  return out;
}

AxisName ClassifyAxisName(absl::string_view name) {
  static constexpr struct {
    absl::string_view word;
    Axis axis;
  } kWords[] = {
      {"latitude", Axis::kLatitude},   {"lat", Axis::kLatitude},
      {"longitude", Axis::kLongitude}, {"long", Axis::kLongitude},
      {"lng", Axis::kLongitude},       {"lon", Axis::kLongitude},
  };
  AxisName out;
  if (name.size() > 64) return out;
  const std::string lower = absl::AsciiStrToLower(name);
  for (const auto& w : kWords) {
    if (!absl::EndsWith(lower, w.word)) continue;
    const size_t at = lower.size() - w.word.size();
    if (at > 0) {
      const char before = name[at - 1];
      const bool separated = before == '_' || before == '-' || before == '.';
      const bool camel =
          absl::ascii_isupper(static_cast<unsigned char>(name[at])) &&
          !absl::ascii_isupper(static_cast<unsigned char>(before));
      if (!separated && !camel) continue;
    }
    std::string prefix = lower.substr(0, at);
    while (!prefix.empty() && (prefix.back() == '_' || prefix.back() == '-' ||
                               prefix.back() == '.')) {
      prefix.pop_back();
    }
    out.axis = w.axis;
    out.prefix = std::move(prefix);
    return out;
  }
  return out;
}

void ForEachCoordinatePair(
    absl::string_view text,
    absl::FunctionRef<void(const Coordinate&, const Coordinate&, size_t,
                           size_t)>
        fn) {
  for (size_t comma = text.find(','); comma != absl::string_view::npos;
       comma = text.find(',', comma + 1)) {
    // The number before the comma.
    size_t begin = comma;
    while (begin > 0 && (IsDigit(text[begin - 1]) || text[begin - 1] == '.')) {
      --begin;
    }
    if (begin > 0 && text[begin - 1] == '-') --begin;
    if (begin == comma) continue;
    if (begin > 0 && Glued(text[begin - 1])) continue;
    // The number after it.
    size_t start = comma + 1;
    if (start < text.size() && text[start] == ' ') ++start;
    size_t end = start;
    if (end < text.size() && text[end] == '-') ++end;
    while (end < text.size() && (IsDigit(text[end]) || text[end] == '.')) ++end;
    if (end == start) continue;
    if (end < text.size() && Glued(text[end])) continue;
    std::optional<Coordinate> lat =
        ParseCoordinate(text.substr(begin, comma - begin));
    std::optional<Coordinate> lng =
        ParseCoordinate(text.substr(start, end - start));
    if (!lat.has_value() || !lng.has_value()) continue;
    fn(*lat, *lng, begin, end);
  }
}

}  // namespace candor::detect
