#include "verifier/detect/phone.h"

#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::detect {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

TEST(Phone, NationalFormWithTrunkPrefix) {
  absl::StatusOr<PhoneNumber> p =
      ParsePhoneNumber("020 7946 0000", FindPhonePlan("GB"));
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->calling_code, "44");
  EXPECT_EQ(p->national_number, "2079460000");
  EXPECT_EQ(p->trunk_prefix, "0");
  EXPECT_EQ(p->E164(), "+442079460000");

  p = ParsePhoneNumber("06 20 123 4567", FindPhonePlan("HU"));
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->E164(), "+36201234567");

  p = ParsePhoneNumber("(202) 555-0143", FindPhonePlan("US"));
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->E164(), "+12025550143");
  EXPECT_EQ(p->trunk_prefix, "1");

  // Italy has no trunk prefix: the leading 0 is part of the number.
  p = ParsePhoneNumber("06 6982 1234", FindPhonePlan("IT"));
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->E164(), "+390669821234");
}

TEST(Phone, InternationalFormFindsTheCallingCode) {
  absl::StatusOr<PhoneNumber> p =
      ParsePhoneNumber("+44 (0)20 7946-0000", nullptr);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->national_number, "2079460000");
  EXPECT_EQ(p->trunk_prefix, "0");

  p = ParsePhoneNumber("+234 802 123 4567", nullptr);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->calling_code, "234");

  // A plan given by hand.
  PhonePlan plan{"263", "0"};
  p = ParsePhoneNumber("+263 77 123 4567", &plan);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->national_number, "771234567");
  p = ParsePhoneNumber("077 123 4567", &plan);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->E164(), "+263771234567");
}

TEST(Phone, RefusesWhatCannotBeFoundSafely) {
  EXPECT_THAT(ParsePhoneNumber("+999 77 123 4567", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the phone number's calling code is not one "
                       "libphonenumber knows; if it is newer than that, give "
                       "\"calling_code\" and \"trunk_prefix\""));
  EXPECT_THAT(ParsePhoneNumber("020 7946 0000", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a phone number in national form needs a country: "
                       "write it in international form (+...) or give "
                       "\"country\" or \"default_country\""));
  EXPECT_THAT(ParsePhoneNumber("+44 20 7946", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the phone number's national number has fewer than 7 "
                       "digits, too few to find without false matches"));
  EXPECT_THAT(ParsePhoneNumber("794 600", FindPhonePlan("GB")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the phone number's national number has fewer than 7 "
                       "digits, too few to find without false matches"));
  EXPECT_THAT(ParsePhoneNumber("+12", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the phone number's national number has fewer than 7 "
                       "digits, too few to find without false matches"));
  EXPECT_THAT(ParsePhoneNumber("+44 20 7946 0000 0000 0", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the phone number has more than the 15 digits E.164 "
                       "allows"));
  EXPECT_THAT(
      ParsePhoneNumber("020 7946 0000 0000 0000 000", FindPhonePlan("GB")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "the phone number has more than the 15 digits E.164 "
               "allows"));
  EXPECT_THAT(ParsePhoneNumber("+44 20 7946 0000 ext 1", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a phone number may hold only digits, a leading '+', "
                       "spaces, '-', '.', '/' and parentheses"));
  // libphonenumber reads letters as digits ("1-800-FLOWERS"); a honey value
  // is written in digits.
  EXPECT_THAT(ParsePhoneNumber("0800 FLOWERS", FindPhonePlan("GB")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a phone number may hold only digits, a leading '+', "
                       "spaces, '-', '.', '/' and parentheses"));
  EXPECT_THAT(ParsePhoneNumber("+1 202 555 0143", FindPhonePlan("GB")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the phone number does not start with its country's "
                       "calling code +44"));
  PhonePlan plan{"263", "0"};
  EXPECT_THAT(ParsePhoneNumber("+264 77 123 4567", &plan),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the phone number does not start with its country's "
                       "calling code +263"));
  EXPECT_THAT(
      ParsePhoneNumber("+44" + std::string(240, ' ') + "20 7946 0000", nullptr),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "the phone number is written with more than 250 "
               "characters"));
  EXPECT_THAT(ParsePhoneNumber(" + ", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the phone number has no digits"));
  EXPECT_EQ(FindPhonePlan("ZZ"), nullptr);
  EXPECT_EQ(FindPhonePlan("gb"), nullptr);
  EXPECT_EQ(FindPhonePlan("AQ"), nullptr);  // Antarctica has no plan
}

// Every plan of the hand-written table that libphonenumber replaced, as it
// was: country, calling code, trunk prefix. libphonenumber agrees on all but
// Mexico, whose metadata (8.12.57) keeps the national prefix "01" that
// Mexico dropped in 2019; the detector then also looks for "01" + the
// national number, which costs nothing.
TEST(Phone, PlansOfTheOldTableAreUnchanged) {
  struct Row {
    const char* country;
    const char* calling_code;
    const char* trunk_prefix;
  };
  constexpr Row kOldTable[] = {
      {"US", "1", "1"},   {"CA", "1", "1"},   {"RU", "7", "8"},
      {"KZ", "7", "8"},   {"EG", "20", "0"},  {"ZA", "27", "0"},
      {"GR", "30", ""},   {"NL", "31", "0"},  {"BE", "32", "0"},
      {"FR", "33", "0"},  {"ES", "34", ""},   {"HU", "36", "06"},
      {"IT", "39", ""},   {"RO", "40", "0"},  {"CH", "41", "0"},
      {"AT", "43", "0"},  {"GB", "44", "0"},  {"DK", "45", ""},
      {"SE", "46", "0"},  {"NO", "47", ""},   {"PL", "48", ""},
      {"DE", "49", "0"},  {"MX", "52", ""},   {"AR", "54", "0"},
      {"BR", "55", "0"},  {"MY", "60", "0"},  {"AU", "61", "0"},
      {"ID", "62", "0"},  {"PH", "63", "0"},  {"NZ", "64", "0"},
      {"SG", "65", ""},   {"TH", "66", "0"},  {"JP", "81", "0"},
      {"KR", "82", "0"},  {"VN", "84", "0"},  {"CN", "86", "0"},
      {"TR", "90", "0"},  {"IN", "91", "0"},  {"PK", "92", "0"},
      {"NG", "234", "0"}, {"KE", "254", "0"}, {"PT", "351", ""},
      {"LU", "352", ""},  {"IE", "353", "0"}, {"IS", "354", ""},
      {"FI", "358", "0"}, {"BG", "359", "0"}, {"EE", "372", ""},
      {"UA", "380", "0"}, {"RS", "381", "0"}, {"HR", "385", "0"},
      {"SI", "386", "0"}, {"CZ", "420", ""},  {"SK", "421", "0"},
      {"HK", "852", ""},  {"TW", "886", "0"}, {"SA", "966", "0"},
      {"AE", "971", "0"}, {"IL", "972", "0"},
  };
  for (const Row& row : kOldTable) {
    const PhonePlan* plan = FindPhonePlan(row.country);
    ASSERT_NE(plan, nullptr) << row.country;
    EXPECT_EQ(plan->calling_code, row.calling_code) << row.country;
    EXPECT_EQ(plan->region, row.country);
    if (std::string(row.country) == "MX") {
      EXPECT_EQ(plan->trunk_prefix, "01");
    } else {
      EXPECT_EQ(plan->trunk_prefix, row.trunk_prefix) << row.country;
    }
  }
}

// What the hand-written table could not do.
TEST(Phone, EveryCountrysNationalForm) {
  // Zimbabwe was not in the table: it needed "calling_code" and
  // "trunk_prefix" by hand.
  ASSERT_NE(FindPhonePlan("ZW"), nullptr);
  absl::StatusOr<PhoneNumber> p =
      ParsePhoneNumber("077 123 4567", FindPhonePlan("ZW"));
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->E164(), "+263771234567");
  EXPECT_EQ(p->trunk_prefix, "0");
  p = ParsePhoneNumber("+263 77 123 4567", nullptr);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->national_number, "771234567");
  EXPECT_EQ(p->trunk_prefix, "0");
  // Belarus: trunk prefix 8, and the area code's own 0 is not part of the
  // number either.
  p = ParsePhoneNumber("8 029 123 45 67", FindPhonePlan("BY"));
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->E164(), "+375291234567");
  EXPECT_EQ(p->trunk_prefix, "8");
  // Kosovo (+383) is not an ISO 3166-1 country but has a plan.
  ASSERT_NE(FindPhonePlan("XK"), nullptr);
  EXPECT_EQ(FindPhonePlan("XK")->calling_code, "383");
  // A shared calling code: the trunk prefix of the number's own country.
  p = ParsePhoneNumber("+7 701 123 4567", nullptr);  // Kazakhstan
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->trunk_prefix, "8");
  // Non-geographic numbers have no trunk prefix.
  p = ParsePhoneNumber("+800 1234 5678", nullptr);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->calling_code, "800");
  EXPECT_EQ(p->trunk_prefix, "");
}

TEST(Phone, NationalRulesBeyondATrunkPrefix) {
  // A Buenos Aires mobile as dialled in Argentina: trunk prefix 0, area code
  // 11, the mobile prefix 15. Its E.164 form is +54 9 11 ...; the table read
  // it as +54 1115... .
  absl::StatusOr<PhoneNumber> p =
      ParsePhoneNumber("011 15-2345-6789", FindPhonePlan("AR"));
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->E164(), "+5491123456789");
  // Mexico's old mobile prefix 044 is not part of the number.
  p = ParsePhoneNumber("044 55 1234 5678", FindPhonePlan("MX"));
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->E164(), "+525512345678");
  // Dialled with the country's international prefix (00 in the UK, 011 in
  // the NANP). The table read the first as +440442079460000.
  p = ParsePhoneNumber("00 44 20 7946 0000", FindPhonePlan("GB"));
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->E164(), "+442079460000");
  EXPECT_THAT(ParsePhoneNumber("011 44 20 7946 0000", FindPhonePlan("US")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the phone number in national form dials abroad (+44) "
                       "with the international prefix; write it in "
                       "international form"));
  // "(0)" after an Italian calling code is not a trunk prefix: Italian
  // numbers keep their 0 (the table dropped it: +39669821234).
  p = ParsePhoneNumber("+39 (0)6 6982 1234", nullptr);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->E164(), "+390669821234");
  // Drama numbers (Ofcom's 07700 900xxx) are not allocated, but accepted.
  p = ParsePhoneNumber("07700 900123", FindPhonePlan("GB"));
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->E164(), "+447700900123");
}

}  // namespace
}  // namespace candor::detect
