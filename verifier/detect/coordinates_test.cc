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

TEST(Coordinates, ClassifiesPrecision) {
  auto classify = [](absl::string_view lat, absl::string_view lng) {
    return Classify(C(lat), C(lng), kLat, kLng).precision;
  };
  EXPECT_EQ(classify("48.858370", "2.294481"), Precision::kPrecise);
  EXPECT_EQ(classify("48.858", "2.294"), Precision::kPrecise);
  // Coarser than 3 decimals, though near: approximate.
  EXPECT_EQ(classify("48.86", "2.29"), Precision::kApproximate);
  EXPECT_EQ(classify("48.9", "2.3"), Precision::kApproximate);
  // Precise numbers 3 to 50 km away (fuzzed, or the city centre): approximate.
  EXPECT_EQ(classify("48.8566", "2.3522"), Precision::kApproximate);
  EXPECT_EQ(classify("48.95", "2.60"), Precision::kApproximate);
  // Farther than 50 km, whole degrees, out of range: nothing.
  EXPECT_EQ(classify("49.4431", "1.0993"), Precision::kNone);  // Rouen
  EXPECT_EQ(classify("49", "2"), Precision::kNone);
  EXPECT_EQ(classify("2.294481", "48.858370"), Precision::kNone);
  EXPECT_EQ(classify("95.0", "2.2"), Precision::kNone);
  const PositionMatch m = Classify(C("48.8584"), C("2.2945"), kLat, kLng);
  EXPECT_EQ(m.decimals, 4);
  EXPECT_LT(m.distance_km, 0.01);
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
