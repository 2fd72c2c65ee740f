#include "verifier/detect/identities.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::detect {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

constexpr char kSalt[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

// A file with one value of every kind.
std::string FullFile() {
  return absl::StrCat(R"({
    "version": 1,
    "salt": ")",
                      kSalt, R"(",
    "default_country": "GB",
    "values": [
      {"type": "personal_info.phone_number", "value": "+44 20 7946 0321", "label": "mine"},
      {"type": "personal_info.email_address", "value": " Honey.Alice@example.org "},
      {"type": "personal_info.name", "value": "Alice Quillfeather"},
      {"type": "personal_info.user_ids", "value": "usr-7Kq2ZpX9"},
      {"type": "contacts.contacts", "kind": "phone", "value": "07700 900123"},
      {"type": "contacts.contacts", "kind": "email", "value": "bob.contact@example.net"},
      {"type": "contacts.contacts", "kind": "name", "value": "Bartholomew Kettering"},
      {"type": "device_or_other_ids.device_or_other_ids", "kind": "advertising_id",
       "value": "38400000-8CF0-11BD-B23E-10B96E40000D"},
      {"type": "device_or_other_ids.device_or_other_ids", "kind": "android_id",
       "value": "3f9a6b2c1d0e4f58"},
      {"type": "device_or_other_ids.device_or_other_ids", "kind": "idfv",
       "value": "E621E1F8-C36C-495A-93FC-0C247A3E6E5F"},
      {"type": "device_or_other_ids.device_or_other_ids", "kind": "imei",
       "value": "490154203237518"},
      {"type": "location.precise", "latitude": 48.858370, "longitude": 2.294481},
      {"type": "biometrics.face_data",
       "sha256": "8D969EEF6ECAD3C29A3A629280E686CF0C3F5D5A86AFF3CA12020C923ADC6C92"},
      {"type": "contacts.contacts", "kind": "phone", "value": "+263 77 123 4567",
       "calling_code": "263", "trunk_prefix": "0"}
    ]
  })");
}

TEST(Identities, ParsesEveryKind) {
  absl::StatusOr<Identities> ids = ParseIdentities(FullFile());
  ASSERT_THAT(ids, IsOk());
  EXPECT_FALSE(ids->salt_generated);
  EXPECT_EQ(ids->SaltHex(), kSalt);
  ASSERT_EQ(ids->values.size(), 14u);
  const std::vector<std::pair<HoneyKind, std::string>> expected = {
      {HoneyKind::kPhone, "+442079460321"},
      {HoneyKind::kEmail, "honey.alice@example.org"},
      {HoneyKind::kName, "Alice Quillfeather"},
      {HoneyKind::kUserId, "usr-7Kq2ZpX9"},
      {HoneyKind::kPhone, "+447700900123"},
      {HoneyKind::kEmail, "bob.contact@example.net"},
      {HoneyKind::kName, "Bartholomew Kettering"},
      {HoneyKind::kAdvertisingId, "38400000-8cf0-11bd-b23e-10b96e40000d"},
      {HoneyKind::kAndroidId, "3f9a6b2c1d0e4f58"},
      {HoneyKind::kIdfv, "e621e1f8-c36c-495a-93fc-0c247a3e6e5f"},
      {HoneyKind::kImei, "490154203237518"},
      {HoneyKind::kPosition, "48.858370,2.294481"},
      {HoneyKind::kFacePhoto,
       "8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92"},
      {HoneyKind::kPhone, "+263771234567"},
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(ids->values[i].kind, expected[i].first) << i;
    EXPECT_EQ(ids->values[i].canonical, expected[i].second) << i;
    EXPECT_EQ(ids->values[i].commitment,
              HoneyCommitment(ids->salt, expected[i].second))
        << i;
  }
  EXPECT_EQ(ids->values[0].label, "mine");
  EXPECT_EQ(ids->values[1].as_written, "Honey.Alice@example.org");
  EXPECT_EQ(ids->values[4].data_type, "contacts.contacts");
  EXPECT_EQ(ids->values[4].phone.trunk_prefix, "0");
  EXPECT_DOUBLE_EQ(ids->values[11].latitude, 48.85837);
  EXPECT_EQ(ids->values[12].photo_sha256.size(), 32u);
  // Known answers: SHA-256(salt || "+442079460321"), computed independently.
  EXPECT_EQ(ids->values[0].commitment,
            "1af56c291cc80b6a8503dce5f5f11564e95b054c2706e6f6834341e5bafc084e");
  EXPECT_EQ(ids->values[1].commitment,
            "06757d6af0daffeefd8265d8f641d03d2f52fd90a0211c1023eb99db7d6708cd");
}

TEST(Identities, GeneratesASaltWhenNoneIsGiven) {
  const std::string file =
      R"({"version": 1, "values": [{"type": "personal_info.name", "value": "Alice Quillfeather"}]})";
  absl::StatusOr<Identities> a = ParseIdentities(file);
  absl::StatusOr<Identities> b = ParseIdentities(file);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_TRUE(a->salt_generated);
  EXPECT_EQ(a->salt.size(), kGeneratedSaltBytes);
  EXPECT_NE(a->salt, b->salt);
  EXPECT_NE(a->values[0].commitment, b->values[0].commitment);
  EXPECT_EQ(a->values[0].commitment,
            HoneyCommitment(a->salt, "Alice Quillfeather"));
}

// A file whose only value is `value` (a JSON object's text).
std::string OneValue(absl::string_view value) {
  return absl::StrCat(R"({"version": 1, "salt": ")", kSalt, R"(", "values": [)",
                      value, "]}");
}

void ExpectError(absl::string_view file, absl::string_view message) {
  EXPECT_THAT(ParseIdentities(file),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("identities file: ", message)))
      << file;
}

TEST(Identities, RefusesMalformedFiles) {
  ExpectError("{", "invalid JSON at offset 1: unexpected end of input");
  ExpectError("[]", "must be a JSON object");
  ExpectError(R"({"version": 1, "values": [], "extra": 1})",
              "unknown member \"extra\"; expected version, salt, "
              "default_country, values");
  ExpectError(R"({"values": []})", "\"version\" is missing (use 1)");
  ExpectError(R"({"version": 2, "values": []})", "version: must be 1");
  ExpectError(R"({"version": 1, "values": []})",
              "values: must be a non-empty array of honey values");
  ExpectError(R"({"version": 1, "salt": "abcd", "values": []})",
              "salt: must be 32 to 128 hex digits (16 to 64 bytes)");
  ExpectError(R"({"version": 1, "default_country": "uk", "values": []})",
              "default_country: must be an ISO 3166-1 alpha-2 code such as "
              "\"GB\"");
  ExpectError(OneValue("7"), "values[0]: must be an object");
  ExpectError(OneValue(R"({"value": "x"})"), "values[0]: \"type\" is missing");
  ExpectError(OneValue(R"({"type": 3})"),
              "values[0].type: must be a string, not number");
}

TEST(Identities, RefusesUnknownAndUnsupportedTypes) {
  ExpectError(OneValue(R"({"type": "gps", "value": "x"})"),
              "values[0].type: unknown data type \"gps\"; use a Candor data "
              "type id such as \"personal_info.phone_number\"");
  ExpectError(
      OneValue(R"({"type": "financial_info.credit_score", "value": "x"})"),
      "values[0].type: data type \"financial_info.credit_score\" cannot be "
      "planted as a honey value; supported: personal_info.phone_number, "
      "personal_info.email_address, personal_info.name, "
      "personal_info.user_ids, contacts.contacts, "
      "device_or_other_ids.device_or_other_ids, location.precise, "
      "biometrics.face_data, photos_and_videos.photos, personal_info.address");
  ExpectError(OneValue(R"({"type": "contacts.contacts", "value": "x"})"),
              "values[0]: \"kind\" is missing: data type \"contacts.contacts\" "
              "needs one of phone, email, name");
  ExpectError(
      OneValue(
          R"({"type": "contacts.contacts", "kind": "imei", "value": "x"})"),
      "values[0].kind: must be one of phone, email, name for data type "
      "\"contacts.contacts\"");
  ExpectError(
      OneValue(
          R"({"type": "personal_info.name", "value": "Alice Quillfeather", "latitude": 1})"),
      "values[0]: unknown member \"latitude\" for kind name; expected "
      "value");
}

TEST(Identities, RefusesValuesTooShortOrMalformedToFindSafely) {
  auto value = [](absl::string_view type, absl::string_view kind,
                  absl::string_view v) {
    return OneValue(absl::StrCat(
        R"({"type": ")", type, "\"",
        kind.empty() ? "" : absl::StrCat(R"(, "kind": ")", kind, "\""),
        R"(, "value": ")", v, R"("})"));
  };
  ExpectError(
      value("personal_info.email_address", "", "a@b.c"),
      "values[0].value: the e-mail address is shorter than 6 characters");
  ExpectError(value("personal_info.email_address", "", "alice.example.org"),
              "values[0].value: is not an e-mail address (local@domain)");
  ExpectError(
      value("personal_info.email_address", "", "alice@localhost"),
      "values[0].value: is not an e-mail address: the domain has no dot");
  ExpectError(value("personal_info.name", "", "Bo Li"),
              "values[0].value: the name is shorter than 6 characters: too "
              "likely to occur by chance");
  ExpectError(value("personal_info.name", "", "123456"),
              "values[0].value: a name must contain letters");
  ExpectError(value("personal_info.user_ids", "", "1234567"),
              "values[0].value: a user ID of only digits must have at least 8 "
              "digits");
  ExpectError(value("personal_info.user_ids", "", "abc"),
              "values[0].value: the user ID is shorter than 6 characters: too "
              "likely to occur by chance");
  ExpectError(value("device_or_other_ids.device_or_other_ids", "imei",
                    "490154203237519"),
              "values[0].value: the IMEI's check digit (Luhn) is wrong");
  ExpectError(value("device_or_other_ids.device_or_other_ids", "imei",
                    "49015420323751"),
              "values[0].value: an IMEI must be exactly 15 digits");
  ExpectError(value("device_or_other_ids.device_or_other_ids", "advertising_id",
                    "00000000-0000-0000-0000-000000000000"),
              "values[0].value: the all-zero ID is what a device sends when "
              "tracking is limited; it cannot identify anyone");
  ExpectError(value("device_or_other_ids.device_or_other_ids", "idfv",
                    "E621E1F8C36C495A93FC0C247A3E6E5F"),
              "values[0].value: the IDFV must be a UUID "
              "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
  ExpectError(value("device_or_other_ids.device_or_other_ids", "android_id",
                    "3f9a6b2c"),
              "values[0].value: an Android ID must be 13 to 16 hex digits");
  ExpectError(value("personal_info.phone_number", "", "020 7946 0321"),
              "values[0].value: a phone number in national form needs a "
              "country: write it in international form (+...) or give "
              "\"country\" or \"default_country\"");
  ExpectError(
      OneValue(
          R"({"type": "personal_info.phone_number", "value": "020 7946 0321", "country": "ZZ"})"),
      "values[0].country: country \"ZZ\" is not in the built-in "
      "numbering table; give \"calling_code\" and \"trunk_prefix\"");
  ExpectError(
      OneValue(
          R"({"type": "personal_info.phone_number", "value": "+44 20 7946 0321", "trunk_prefix": "0"})"),
      "values[0].trunk_prefix: is only allowed with \"calling_code\"");
  ExpectError(
      OneValue(
          R"({"type": "location.precise", "latitude": 48.86, "longitude": 2.294481})"),
      "values[0].latitude: needs at least 4 decimals: plant the "
      "precise position the device reports");
  ExpectError(
      OneValue(
          R"({"type": "location.precise", "latitude": 0.1234, "longitude": 0.5678})"),
      "values[0]: a position within one degree of (0, 0) is what "
      "broken location code sends; plant a real position");
  ExpectError(
      OneValue(
          R"({"type": "location.precise", "latitude": 91.0000, "longitude": 2.294481})"),
      "values[0].latitude: must be between -90 and 90");
  ExpectError(
      OneValue(
          R"({"type": "location.precise", "latitude": "48.8584", "longitude": 2.294481})"),
      "values[0].latitude: must be a number");
  ExpectError(OneValue(R"({"type": "biometrics.face_data", "sha256": "abc"})"),
              "values[0].sha256: must be the photo file's SHA-256 as 64 hex "
              "digits");
}

TEST(Identities, RefusesRepeatedValues) {
  ExpectError(
      absl::StrCat(R"({"version": 1, "values": [
        {"type": "personal_info.email_address", "value": "alice@example.org"},
        {"type": "contacts.contacts", "kind": "email", "value": "ALICE@example.org"}]})"),
      "values[1]: repeats the value of values[0]; each honey value must be "
      "distinct");
}

}  // namespace
}  // namespace candor::detect
