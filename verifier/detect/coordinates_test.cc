#include "verifier/detect/coordinates.h"

#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"

namespace candor::detect {
namespace {

constexpr double kLat = 48.858370;  // the Eiffel Tower
constexpr double kLng = 2.294481;

Coordinate C(absl::string_view text) { return *ParseCoordinate(text); }

TEST(Coordinates, ParsesPlainDecimalsOnly) {
  ASSERT_TRUE(ParseCoordinate("-12.3456").has_value());
  EXPECT_DOUBLE_EQ(C("-12.3456").degrees, -12.3456);
  EXPECT_EQ(C("-12.3456").decimals, 4);
  EXPECT_EQ(C("48").decimals, 0);
  for (const char* bad : {"", "-", "1.", ".5", "1e5", "+1.5", "1.2.3", "1234.5",
                          " 1.5", "1,5", "0x10"}) {
    EXPECT_FALSE(ParseCoordinate(bad).has_value()) << bad;
  }
}

TEST(Coordinates, Distance) {
  // Paris to London, about 344 km.
  EXPECT_NEAR(DistanceKm(48.8566, 2.3522, 51.5072, -0.1276), 343.9, 0.5);
  EXPECT_DOUBLE_EQ(DistanceKm(kLat, kLng, kLat, kLng), 0);
}

TEST(Coordinates, ClassifiesOnlyWhatIsDerivedFromThePlantedPosition) {
  auto classify = [](absl::string_view lat, absl::string_view lng) {
    return Classify(C(lat), C(lng), kLat, kLng).precision;
  };
  EXPECT_EQ(classify("48.858370", "2.294481"), Precision::kPrecise);
  EXPECT_EQ(classify("48.85837", "2.294481"), Precision::kPrecise);
  // Truncated, rounded, rounded up.
  EXPECT_EQ(classify("48.858", "2.294"), Precision::kPrecise);
  EXPECT_EQ(classify("48.8584", "2.2945"), Precision::kPrecise);
  EXPECT_EQ(classify("48.859", "2.295"), Precision::kPrecise);
  // The planted value printed from a double.
  EXPECT_EQ(classify("48.858369999999994", "2.2944809999999998"), Precision::kPrecise);
  // The planted value as a 32-bit float, printed.
  EXPECT_EQ(classify("48.858372", "2.2944810"), Precision::kPrecise);
  // Coarser than 3 decimals: approximate.
  EXPECT_EQ(classify("48.86", "2.29"), Precision::kApproximate);
  EXPECT_EQ(classify("48.85", "2.29"), Precision::kApproximate);
  EXPECT_EQ(classify("48.9", "2.3"), Precision::kApproximate);
  // Near but not derived: the city centre 6 km away, a fuzzed point, a
  // point a few metres away with more decimals. Never a detection.
  EXPECT_EQ(classify("48.8566", "2.3522"), Precision::kNone);
  EXPECT_EQ(classify("48.86", "2.35"), Precision::kNone);
  EXPECT_EQ(classify("48.95", "2.60"), Precision::kNone);
  EXPECT_EQ(classify("48.8587", "2.2947"), Precision::kNone);
  EXPECT_EQ(classify("48.858390", "2.294481"), Precision::kNone);
  // Whole degrees, swapped axes, out of range: nothing.
  EXPECT_EQ(classify("49", "2"), Precision::kNone);
  EXPECT_EQ(classify("2.294481", "48.858370"), Precision::kNone);
  EXPECT_EQ(classify("95.0", "2.2"), Precision::kNone);
  const PositionMatch m = Classify(C("48.8584"), C("2.2945"), kLat, kLng);
  EXPECT_EQ(m.decimals, 4);
  EXPECT_LT(m.distance_km, 0.01);
}

TEST(Coordinates, NegativeCoordinatesRoundTowardsAndAwayFromZero) {
  // Rio de Janeiro's south and west.
  EXPECT_TRUE(DerivedFrom(C("-22.9519"), -22.951916));
  EXPECT_TRUE(DerivedFrom(C("-22.952"), -22.951916));
  EXPECT_TRUE(DerivedFrom(C("-43.21"), -43.210487));
  EXPECT_TRUE(DerivedFrom(C("-43.22"), -43.210487));  // away from zero
  EXPECT_FALSE(DerivedFrom(C("-43.23"), -43.210487));
  EXPECT_FALSE(DerivedFrom(C("43.21"), -43.210487));
}

TEST(Coordinates, Geohash) {
  // The example of the geohash description (Niemeyer, 2008).
  EXPECT_EQ(Geohash(57.64911, 10.40744, 11), "u4pruydqqvj");
  EXPECT_EQ(Geohash(-25.382708, -49.265506, 8), "6gkzwgjz");
  EXPECT_EQ(Geohash(kLat, kLng, 5), Geohash(kLat, kLng, 12).substr(0, 5));
}

TEST(Coordinates, RecognisesAxisNames) {
  auto axis = [](absl::string_view name) {
    AxisName a = ClassifyAxisName(name);
    return std::make_pair(a.axis, a.prefix);
  };
  using P = std::pair<Axis, std::string>;
  EXPECT_EQ(axis("lat"), (P{Axis::kLatitude, ""}));
  EXPECT_EQ(axis("Latitude"), (P{Axis::kLatitude, ""}));
  EXPECT_EQ(axis("lng"), (P{Axis::kLongitude, ""}));
  EXPECT_EQ(axis("lon"), (P{Axis::kLongitude, ""}));
  EXPECT_EQ(axis("LONGITUDE"), (P{Axis::kLongitude, ""}));
  EXPECT_EQ(axis("geo_lat"), (P{Axis::kLatitude, "geo"}));
  EXPECT_EQ(axis("device.lon"), (P{Axis::kLongitude, "device"}));
  EXPECT_EQ(axis("userLat"), (P{Axis::kLatitude, "user"}));
  EXPECT_EQ(axis("flat").first, Axis::kNone);
  EXPECT_EQ(axis("along").first, Axis::kNone);
  EXPECT_EQ(axis("salon").first, Axis::kNone);
  EXPECT_EQ(axis("platform").first, Axis::kNone);
}

TEST(Coordinates, FindsTextPairsButNotVersions) {
  std::vector<std::tuple<std::string, std::string, size_t, size_t>> found;
  const std::string text =
      "ll=48.8584,2.2945&x=/@48.86, 2.29,15z v=1.2.3,4.5 Android 14,1.2 "
      "build 17.4,1.2a 10,20";
  ForEachCoordinatePair(text, [&](const Coordinate& lat, const Coordinate& lng,
                                  size_t begin, size_t end) {
    found.emplace_back(std::to_string(lat.decimals),
                       std::to_string(lng.decimals), begin, end);
  });
  using T = std::tuple<std::string, std::string, size_t, size_t>;
  // Whole numbers are reported as pairs; Classify turns them down.
  EXPECT_EQ(found, (std::vector<T>{T{"4", "4", 3, 17}, T{"2", "2", 22, 33},
                                   T{"0", "1", 58, 64}, T{"0", "0", 81, 86}}));
}

}  // namespace
}  // namespace candor::detect
