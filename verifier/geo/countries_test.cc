#include "verifier/geo/countries.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/crypto/sha256.h"
#include "tests/support/status_matchers.h"

namespace candor::geo {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

TEST(Countries, AllAssignedCodesSorted) {
  ASSERT_THAT(CheckCountries(), IsOk());
  EXPECT_EQ(Countries().size(), 249u);
  for (size_t i = 1; i < Countries().size(); ++i) {
    EXPECT_LT(Countries()[i - 1].code, Countries()[i].code);
  }
  EXPECT_TRUE(IsCountryCode("CN"));
  EXPECT_TRUE(IsCountryCode("US"));
  EXPECT_FALSE(IsCountryCode("cn"));
  EXPECT_FALSE(IsCountryCode("UK"));  // reserved, not assigned
  EXPECT_FALSE(IsCountryCode("XK"));  // user-assigned (Kosovo)
  EXPECT_FALSE(IsCountryCode("XX"));
  EXPECT_FALSE(IsCountryCode(""));
  EXPECT_EQ(CountryName("CN"), "China");
  EXPECT_EQ(CountryName("ZZ"), "ZZ");
}

// The codes and names are exactly those of the hand-written table that
// iso-codes replaced: "code\tname\n" for all 249, sorted, hashed.
TEST(Countries, SameCodesAndNamesAsTheTableTheyReplaced) {
  std::string lines;
  for (const Country& c : Countries()) {
    lines += std::string(c.code) + "\t" + std::string(c.name) + "\n";
  }
  EXPECT_EQ(absl::BytesToHexString(DigestBytes(Sha256(lines))),
            "10173fad51b968486526042962e0377e96ccc6ff7561b73bc9424eb6c88e4f69");
}

TEST(Countries, NamesComeFromIsoCodes) {
  const Country* c = FindCountry("DE");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name, "Germany");
  EXPECT_EQ(c->iso_name, "Germany");
  // iso-codes' common name, where it has one.
  c = FindCountry("BO");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name, "Bolivia");
  EXPECT_EQ(c->iso_name, "Bolivia");
  // A name already published in findings, kept.
  c = FindCountry("RU");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name, "Russia");
  EXPECT_EQ(c->iso_name, "Russian Federation");
  c = FindCountry("VN");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name, "Viet Nam");
  EXPECT_EQ(c->iso_name, "Vietnam");
  // Every kept name differs from iso-codes' (or it would not be needed), and
  // every other name is iso-codes' own: the kept list cannot grow into a
  // second table unnoticed.
  size_t kept = 0;
  for (const Country& country : Countries()) {
    const PublishedName* published = nullptr;
    for (const PublishedName& p : PublishedNames()) {
      if (p.code == country.code) published = &p;
    }
    if (published == nullptr) {
      EXPECT_EQ(country.name, country.iso_name) << country.code;
    } else {
      ++kept;
      EXPECT_EQ(country.name, published->name) << country.code;
      EXPECT_NE(country.name, country.iso_name) << country.code;
    }
  }
  EXPECT_EQ(kept, PublishedNames().size());
}

TEST(CountryTable, ParsesIsoCodesJson) {
  absl::StatusOr<CountryTable> t = CountryTable::Parse(R"({"3166-1": [
      {"alpha_2": "XB", "alpha_3": "XBB", "name": "Bee"},
      {"alpha_2": "XA", "name": "Aye, Republic of", "common_name": "Aye"}]})");
  ASSERT_THAT(t, IsOk());
  ASSERT_EQ(t->countries().size(), 2u);
  EXPECT_EQ(t->countries()[0].code, "XA");
  EXPECT_EQ(t->countries()[0].name, "Aye");
  EXPECT_EQ(t->countries()[0].iso_name, "Aye");
  EXPECT_EQ(t->countries()[1].name, "Bee");
  EXPECT_NE(t->Find("XB"), nullptr);
  EXPECT_EQ(t->Find("XC"), nullptr);
  // Copies share the data; views stay valid.
  CountryTable copy = *t;
  t = CountryTable::Parse(R"({"3166-1": [{"alpha_2": "XC", "name": "C"}]})");
  EXPECT_EQ(copy.Find("XB")->name, "Bee");
}

TEST(CountryTable, RefusesWhatIsNotIsoCodesData) {
  EXPECT_THAT(CountryTable::Parse("[]"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "ISO 3166-1 data has no \"3166-1\" array"));
  EXPECT_THAT(CountryTable::Parse(R"({"3166-1": []})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "ISO 3166-1 data lists no country"));
  EXPECT_THAT(
      CountryTable::Parse(R"({"3166-1": [{"alpha_2": "x", "name": "X"}]})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "\"3166-1\"[0] has no \"alpha_2\" of two upper-case "
               "letters"));
  EXPECT_THAT(CountryTable::Parse(R"({"3166-1": [{"alpha_2": "XA"}]})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "\"3166-1\"[0] (XA) has no \"name\""));
  EXPECT_THAT(
      CountryTable::Parse(R"({"3166-1": [{"alpha_2": "XA", "name": 1}]})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "\"3166-1\"[0].name is a JSON number, not a string"));
  EXPECT_THAT(CountryTable::Parse(R"({"3166-1": [{"alpha_2": "XA", "name": "A"},
                                         {"alpha_2": "XA", "name": "B"}]})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "ISO 3166-1 data lists XA twice"));
  EXPECT_THAT(CountryTable::Load("/nonexistent/iso_3166-1.json"),
              StatusIs(absl::StatusCode::kNotFound,
                       "cannot read the ISO 3166-1 country list "
                       "/nonexistent/iso_3166-1.json; install Debian's "
                       "iso-codes package (third_party/setup.sh)"));
}

}  // namespace
}  // namespace candor::geo
