#include "verifier/geo/countries.h"

#include "gtest/gtest.h"

namespace candor::geo {
namespace {

TEST(Countries, AllAssignedCodesSorted) {
  EXPECT_EQ(Countries().size(), 249u);
  for (size_t i = 1; i < Countries().size(); ++i) {
    EXPECT_LT(Countries()[i - 1].code, Countries()[i].code);
  }
  EXPECT_TRUE(IsCountryCode("CN"));
  EXPECT_TRUE(IsCountryCode("US"));
  EXPECT_FALSE(IsCountryCode("cn"));
  EXPECT_FALSE(IsCountryCode("UK"));  // reserved, not assigned
  EXPECT_FALSE(IsCountryCode("XX"));
  EXPECT_EQ(CountryName("CN"), "China");
  EXPECT_EQ(CountryName("ZZ"), "ZZ");
}

}  // namespace
}  // namespace candor::geo
