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

  // A plan not in the table, given explicitly.
  PhonePlan plan{"263", "0"};
  p = ParsePhoneNumber("+263 77 123 4567", &plan);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->national_number, "771234567");
}

TEST(Phone, RefusesWhatCannotBeFoundSafely) {
  EXPECT_THAT(ParsePhoneNumber("+263 77 123 4567", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the phone number's calling code is not in the "
                       "built-in table; give \"calling_code\" and "
                       "\"trunk_prefix\""));
  EXPECT_THAT(ParsePhoneNumber("020 7946 0000", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a phone number in national form needs a country: "
                       "write it in international form (+...) or give "
                       "\"country\" or \"default_country\""));
  EXPECT_THAT(ParsePhoneNumber("+44 20 7946", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the phone number's national number has fewer than 7 "
                       "digits, too few to find without false matches"));
  EXPECT_THAT(ParsePhoneNumber("+44 20 7946 0000 0000 0", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the phone number has more than the 15 digits E.164 "
                       "allows"));
  EXPECT_THAT(ParsePhoneNumber("+44 20 7946 0000 ext 1", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a phone number may hold only digits, a leading '+', "
                       "spaces, '-', '.', '/' and parentheses"));
  EXPECT_THAT(ParsePhoneNumber("+1 202 555 0143", FindPhonePlan("GB")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the phone number does not start with its country's "
                       "calling code +44"));
  EXPECT_THAT(ParsePhoneNumber(" + ", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the phone number has no digits"));
  EXPECT_EQ(FindPhonePlan("ZZ"), nullptr);
}

}  // namespace
}  // namespace candor::detect
