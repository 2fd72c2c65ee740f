// Recognising a planted GPS position in traffic: latitude/longitude numbers
// near it, as named members ("lat"/"lng", "latitude"/"longitude",
// "geo_lat"/"geo_lon", ...), "lat,lng" text, or [lng, lat] arrays, and how
// precise what was sent is.
//
// Pure functions, thread-safe.

#ifndef CANDOR_VERIFIER_DETECT_COORDINATES_H_
#define CANDOR_VERIFIER_DETECT_COORDINATES_H_

#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace candor::detect {

// Thresholds of the classification (see Classify).
inline constexpr int kPreciseMinDecimals = 3;
inline constexpr double kPreciseMaxKm = 3.0;
inline constexpr double kApproximateMaxKm = 50.0;
// Whole degrees are too coarse to be told from unrelated numbers.
inline constexpr int kMinDecimals = 1;

// A number as sent: its value and the digits after its decimal point.
struct Coordinate {
  double degrees = 0;
  int decimals = 0;
};

// Parses plain decimal notation ("-12.3456"; no exponent, no '+', no
// spaces); nullopt for anything else.
std::optional<Coordinate> ParseCoordinate(absl::string_view text);

// Great-circle distance in kilometres (haversine, mean Earth radius).
double DistanceKm(double lat1, double lng1, double lat2, double lng2);

enum class Precision { kNone, kApproximate, kPrecise };

struct PositionMatch {
  Precision precision = Precision::kNone;
  double distance_km = 0;
  int decimals = 0;  // the fewer of the two numbers'
};

// Classifies a (latitude, longitude) pair against the planted position:
// precise if both numbers have at least kPreciseMinDecimals decimals and lie
// within kPreciseMaxKm; approximate if coarser (but at least kMinDecimals)
// or farther, up to kApproximateMaxKm; otherwise none. Out-of-range numbers
// are none.
PositionMatch Classify(const Coordinate& lat, const Coordinate& lng,
                       double honey_lat, double honey_lng);

enum class Axis { kNone, kLatitude, kLongitude };

struct AxisName {
  Axis axis = Axis::kNone;
  // What the name has besides the axis word, lower-cased and without
  // separators, so "geo_lat" pairs with "geo_lng" but not with "lng".
  std::string prefix;
};

// Whether a member or parameter name names a latitude or longitude: "lat",
// "latitude", "lng", "lon", "long", "longitude", in any case, alone or after
// a prefix ending in '_', '-', '.' or a camelCase boundary ("userLat").
AxisName ClassifyAxisName(absl::string_view name);

// Calls `fn(lat, lng, begin, end)` for each "lat,lng" pair written as text
// ("48.8584,2.2945", also with one space after the comma), where both are
// plain decimals not embedded in longer dotted or alphanumeric runs (so
// "1.2.3,4.5" and version strings are not pairs).
void ForEachCoordinatePair(
    absl::string_view text,
    absl::FunctionRef<void(const Coordinate&, const Coordinate&, size_t,
                           size_t)>
        fn);

}  // namespace candor::detect

#endif  // CANDOR_VERIFIER_DETECT_COORDINATES_H_
