// Recognising a planted GPS position in traffic: latitude/longitude numbers
// derived from it, as named members ("lat"/"lng", "latitude"/"longitude",
// "geo_lat"/"geo_lon", ...), "lat,lng" or "lng,lat" text, [lat, lng] or
// [lng, lat] arrays, or geohash cells; and how precise what was sent is.
//
// The rule that keeps a finding from accusing an app of sending a position it
// did not take from the device: a pair counts only if each number is the
// planted coordinate rounded or truncated (up or down) to the decimals the
// number has, that is, within one unit of its last decimal place of the
// planted value; or, with more decimals than were planted, equal to it up to
// floating-point noise (also the planted value stored as a 32-bit float,
// which moves it by less than a metre). Distance alone never counts: a city centre 6 km away,
// or any point "near" the planted one, is not derived from it. Whole degrees
// are ignored (too coarse to tell from unrelated numbers).
//
// Precision follows the decimals: 3 or more (a cell of about 110 m or less)
// is precise, 1 or 2 approximate. Geohashes: a prefix of the planted
// position's geohash of 7 or more characters (about 150 m) is precise, of 5
// or 6 (about 5 km, 1 km) approximate; shorter ones are ignored.
//
// Pure functions, thread-safe.

#ifndef CANDOR_VERIFIER_DETECT_COORDINATES_H_
#define CANDOR_VERIFIER_DETECT_COORDINATES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace candor::detect {

// Thresholds of the classification (see Classify).
inline constexpr int kPreciseMinDecimals = 3;
// Whole degrees are too coarse to be told from unrelated numbers.
inline constexpr int kMinDecimals = 1;
inline constexpr size_t kMinGeohashChars = 5;
inline constexpr size_t kPreciseGeohashChars = 7;
inline constexpr size_t kMaxGeohashChars = 12;

// A number as sent: its value, the digits after its decimal point, and the
// number without its decimal point (-48.8584 is -488584, 4 decimals).
struct Coordinate {
  double degrees = 0;
  int decimals = 0;
  int64_t scaled = 0;
};

// Parses plain decimal notation ("-12.3456"; no exponent, no '+', no
// spaces, at most 20 decimals); nullopt for anything else.
std::optional<Coordinate> ParseCoordinate(absl::string_view text);

// Great-circle distance in kilometres (haversine, mean Earth radius).
double DistanceKm(double lat1, double lng1, double lat2, double lng2);

enum class Precision { kNone, kApproximate, kPrecise };

struct PositionMatch {
  Precision precision = Precision::kNone;
  double distance_km = 0;
  int decimals = 0;  // the fewer of the two numbers'
};

// Whether `c` is `planted` rounded or truncated to c's decimals (see above).
bool DerivedFrom(const Coordinate& c, double planted);

// Classifies a (latitude, longitude) pair against the planted position:
// none unless both numbers are derived from it (DerivedFrom) and have at
// least kMinDecimals; then precise with kPreciseMinDecimals or more (the
// fewer of the two), approximate otherwise. Out-of-range numbers are none.
PositionMatch Classify(const Coordinate& lat, const Coordinate& lng,
                       double honey_lat, double honey_lng);

// The geohash of a position, `chars` characters long (base 32,
// "0123456789bcdefghjkmnpqrstuvwxyz").
std::string Geohash(double latitude, double longitude, size_t chars);

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

// Calls `fn(first, second, begin, end)` for each pair of numbers written as
// text ("48.8584,2.2945", also with one space after the comma; which is the
// latitude is for the caller to try), where both are plain decimals not
// embedded in longer dotted or alphanumeric runs (so "1.2.3,4.5" and version
// strings are not pairs).
void ForEachCoordinatePair(
    absl::string_view text,
    absl::FunctionRef<void(const Coordinate&, const Coordinate&, size_t,
                           size_t)>
        fn);

}  // namespace candor::detect

#endif  // CANDOR_VERIFIER_DETECT_COORDINATES_H_
