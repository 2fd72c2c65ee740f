#include "verifier/detect/detector.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "openssl/evp.h"
#include "tests/support/status_matchers.h"
#include "verifier/detect/test_util.h"

namespace candor::detect {
namespace {

namespace v1 = ::candor::measurement::v1;
using ::candor::testing::IsOk;

// The honey values, by index in the identities file below.
enum Honey {
  kPhone,
  kEmail,
  kName,
  kUserId,
  kContactPhone,
  kAdId,
  kAndroidId,
  kImei,
  kPosition,
  kPhoto,
};

// A stand-in for the planted photo's bytes.
std::string PhotoBytes() {
  std::string photo = "\xff\xd8\xff\xe0";
  for (int i = 0; i < 400; ++i) photo.push_back(static_cast<char>(i * 7 % 251));
  return photo;
}

std::string Identities() {
  return absl::StrCat(R"({
    "version": 1,
    "salt": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    "default_country": "GB",
    "values": [
      {"type": "personal_info.phone_number", "value": "+44 20 7946 0321"},
      {"type": "personal_info.email_address", "value": "Honey.Alice@example.org"},
      {"type": "personal_info.name", "value": "Alice Quillfeather"},
      {"type": "personal_info.user_ids", "value": "usr-7Kq2ZpX9"},
      {"type": "contacts.contacts", "kind": "phone", "value": "07700 900123"},
      {"type": "device_or_other_ids.device_or_other_ids", "kind": "advertising_id",
       "value": "38400000-8cf0-11bd-b23e-10b96e40000d"},
      {"type": "device_or_other_ids.device_or_other_ids", "kind": "android_id",
       "value": "3f9a6b2c1d0e4f58"},
      {"type": "device_or_other_ids.device_or_other_ids", "kind": "imei",
       "value": "490154203237518"},
      {"type": "location.precise", "latitude": 48.858370, "longitude": 2.294481},
      {"type": "biometrics.face_data", "sha256": ")",
                      HexEncode(DigestBytes(Sha256(PhotoBytes()))), R"("}
    ]
  })");
}

std::string Digest(const EVP_MD* md, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<const char*>(out), len);
}
std::string Md5Hex(absl::string_view s) {
  return HexEncode(Digest(EVP_md5(), s));
}
std::string Sha1Hex(absl::string_view s) {
  return HexEncode(Digest(EVP_sha1(), s));
}
std::string Sha256Hex(absl::string_view s) {
  return HexEncode(DigestBytes(Sha256(s)));
}
std::string Upper(std::string s) {
  for (char& c : s) c = absl::ascii_toupper(static_cast<unsigned char>(c));
  return s;
}

using ::candor::detect::testing::D;

class DetectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<detect::Identities> ids = ParseIdentities(Identities());
    ASSERT_THAT(ids, IsOk());
    ids_ = *ids;
    detector_ = std::make_unique<Detector>(ids_);
  }

  std::vector<D> Scan(const HttpRequest& r,
                      RequestFindings* findings = nullptr) {
    RequestFindings f = detector_->Scan(r);
    std::vector<D> out = testing::ToD(f.detections, ids_);
    if (findings != nullptr) *findings = std::move(f);
    return out;
  }

  static HttpRequest Get(std::string path = "/") {
    HttpRequest r;
    r.path = std::move(path);
    return r;
  }
  static HttpRequest Query(std::string query) {
    HttpRequest r = Get();
    r.query = std::move(query);
    return r;
  }
  static HttpRequest Header(std::string name, std::string value) {
    HttpRequest r = Get();
    r.headers.emplace_back(std::move(name), std::move(value));
    return r;
  }
  static HttpRequest Body(std::string mime, std::string body) {
    HttpRequest r = Get();
    r.body_mime_type = std::move(mime);
    r.body = std::move(body);
    return r;
  }

  detect::Identities ids_;
  std::unique_ptr<Detector> detector_;
};

constexpr char kEmailType[] = "personal_info.email_address";
constexpr char kPhoneType[] = "personal_info.phone_number";
constexpr char kContacts[] = "contacts.contacts";
constexpr char kDeviceIds[] = "device_or_other_ids.device_or_other_ids";
constexpr char kEmailNormal[] = "the e-mail address, trimmed and lower-cased";

TEST_F(DetectorTest, PlainAndCaseFoldedValuesInQueryAndHeaders) {
  EXPECT_EQ(
      Scan(Query("email=honey.alice%40example.org&n=Alice+Quillfeather&x=1")),
      (std::vector<D>{
          {v1::QUERY,
           "email",
           kEmailType,
           {v1::PLAIN},
           kEmail,
           "the e-mail address"},
          {v1::QUERY,
           "n",
           "personal_info.name",
           {v1::PLAIN},
           kName,
           "the name"},
      }));
  // As planted (mixed case) is plain; any other case is case-folded.
  HttpRequest r = Header("X-User", "Honey.Alice@example.org");
  r.headers.emplace_back("X-Shout", "HONEY.ALICE@EXAMPLE.ORG");
  r.headers.emplace_back("X-Name", "alice quillfeather");
  EXPECT_EQ(Scan(r), (std::vector<D>{
                         {v1::HEADER,
                          "X-User",
                          kEmailType,
                          {v1::PLAIN},
                          kEmail,
                          "the e-mail address"},
                         {v1::HEADER,
                          "X-Shout",
                          kEmailType,
                          {v1::CASE_FOLDED},
                          kEmail,
                          "the e-mail address, in a different letter case"},
                         {v1::HEADER,
                          "X-Name",
                          "personal_info.name",
                          {v1::CASE_FOLDED},
                          kName,
                          "the name, in a different letter case"},
                     }));
}

TEST_F(DetectorTest, UrlEncodedOnceAndTwice) {
  // In a JSON string, percent-encoding is an encoding; in a query it is the
  // syntax, so only the second layer counts.
  EXPECT_EQ(
      Scan(Body("application/json", R"({"u": "honey.alice%40example.org"})")),
      (std::vector<D>{{v1::BODY_JSON,
                       "$.u",
                       kEmailType,
                       {v1::URL_ENCODED, v1::PLAIN},
                       kEmail,
                       "URL-decoded: the e-mail address"}}));
  EXPECT_EQ(Scan(Query("r=honey.alice%2540example.org")),
            (std::vector<D>{{v1::QUERY,
                             "r",
                             kEmailType,
                             {v1::URL_ENCODED, v1::PLAIN},
                             kEmail,
                             "URL-decoded: the e-mail address"}}));
  EXPECT_EQ(
      Scan(Header("X-R", "honey.alice%2540example.org")),
      (std::vector<D>{{v1::HEADER,
                       "X-R",
                       kEmailType,
                       {v1::URL_ENCODED, v1::URL_ENCODED, v1::PLAIN},
                       kEmail,
                       "URL-decoded, then URL-decoded: the e-mail address"}}));
}

TEST_F(DetectorTest, Base64AndBase64UrlAtAnyAlignment) {
  const std::string email = "honey.alice@example.org";
  HttpRequest r = Header("X-B64", absl::Base64Escape(email));
  // Base64url of a value whose encoding needs '-' or '_'.
  r.headers.emplace_back("X-B64U", absl::WebSafeBase64Escape("ab?" + email));
  // Inside a larger blob, where base64(email) is not a substring of the blob.
  const std::string blob = absl::Base64Escape("[1]:" + email + "...");
  ASSERT_EQ(blob.find(absl::Base64Escape(email).substr(0, 8)),
            std::string::npos);
  r.headers.emplace_back("X-Blob", "data:" + blob);
  EXPECT_EQ(Scan(r), (std::vector<D>{
                         {v1::HEADER,
                          "X-B64",
                          kEmailType,
                          {v1::BASE64, v1::PLAIN},
                          kEmail,
                          "base64-decoded: the e-mail address"},
                         {v1::HEADER,
                          "X-B64U",
                          kEmailType,
                          {v1::BASE64URL, v1::PLAIN},
                          kEmail,
                          "base64url-decoded: the e-mail address"},
                         {v1::HEADER,
                          "X-Blob",
                          kEmailType,
                          {v1::BASE64, v1::PLAIN},
                          kEmail,
                          "base64-decoded: the e-mail address"},
                     }));
}

TEST_F(DetectorTest, HexAndHashesOfNormalisedForms) {
  const std::string email = "honey.alice@example.org";
  HttpRequest r = Get();
  r.cookies = {{"h", HexEncode(email)},
               {"m", Md5Hex(email)},
               {"s1", Upper(Sha1Hex(email))},
               {"s2", Sha256Hex(email)},
               {"s2b", absl::Base64Escape(DigestBytes(Sha256(email)))},
               {"asis", Sha256Hex("Honey.Alice@example.org")}};
  EXPECT_EQ(
      Scan(r),
      (std::vector<D>{
          {v1::COOKIE,
           "h",
           kEmailType,
           {v1::HEX},
           kEmail,
           absl::StrCat("hex (lower-case) of the bytes of ", kEmailNormal)},
          {v1::COOKIE,
           "m",
           kEmailType,
           {v1::MD5},
           kEmail,
           absl::StrCat("MD5 (lower-case hex) of ", kEmailNormal)},
          {v1::COOKIE,
           "s1",
           kEmailType,
           {v1::SHA1},
           kEmail,
           absl::StrCat("SHA-1 (upper-case hex) of ", kEmailNormal)},
          {v1::COOKIE,
           "s2",
           kEmailType,
           {v1::SHA256},
           kEmail,
           absl::StrCat("SHA-256 (lower-case hex) of ", kEmailNormal)},
          {v1::COOKIE,
           "s2b",
           kEmailType,
           {v1::BASE64, v1::SHA256},
           kEmail,
           absl::StrCat("base64-decoded: SHA-256 (raw 32 bytes) of ",
                        kEmailNormal)},
          {v1::COOKIE,
           "asis",
           kEmailType,
           {v1::SHA256},
           kEmail,
           "SHA-256 (lower-case hex) of the e-mail address as planted, in its "
           "original case"},
      }));
}

TEST_F(DetectorTest, PhoneNumbersInEveryForm) {
  HttpRequest r =
      Body("application/x-www-form-urlencoded",
           "a=%2B442079460321&b=442079460321&c=2079460321&d=02079460321"
           "&e=00442079460321&f=%2B44+20+7946+0321&g=(020)+7946-0321&h=" +
               Sha256Hex("+442079460321") + "&i=" + Md5Hex("2079460321"));
  const std::string phone = "the phone number";
  EXPECT_EQ(Scan(r),
            (std::vector<D>{
                {v1::BODY_FORM,
                 "a",
                 kPhoneType,
                 {v1::PLAIN},
                 kPhone,
                 phone + " in E.164 form"},
                {v1::BODY_FORM,
                 "b",
                 kPhoneType,
                 {v1::PLAIN},
                 kPhone,
                 phone + " in E.164 form without '+'"},
                {v1::BODY_FORM,
                 "c",
                 kPhoneType,
                 {v1::PLAIN},
                 kPhone,
                 phone + " in national form"},
                {v1::BODY_FORM,
                 "d",
                 kPhoneType,
                 {v1::PLAIN},
                 kPhone,
                 phone + " in national form with its trunk prefix"},
                {v1::BODY_FORM,
                 "e",
                 kPhoneType,
                 {v1::PLAIN},
                 kPhone,
                 phone + " with the 00 international prefix"},
                {v1::BODY_FORM,
                 "f",
                 kPhoneType,
                 {v1::PLAIN},
                 kPhone,
                 phone + " in E.164 form, written with separators"},
                {v1::BODY_FORM,
                 "g",
                 kPhoneType,
                 {v1::PLAIN},
                 kPhone,
                 phone + " in national form with its trunk prefix, written "
                         "with separators"},
                {v1::BODY_FORM,
                 "h",
                 kPhoneType,
                 {v1::SHA256},
                 kPhone,
                 "SHA-256 (lower-case hex) of " + phone + " in E.164 form"},
                {v1::BODY_FORM,
                 "i",
                 kPhoneType,
                 {v1::MD5},
                 kPhone,
                 "MD5 (lower-case hex) of " + phone + " in national form"},
            }));
}

TEST_F(DetectorTest, DeviceIdsInEitherCaseWithOrWithoutDashes) {
  HttpRequest r = Query(
      "ifa=38400000-8CF0-11BD-B23E-10B96E40000D&"
      "gaid=384000008cf011bdb23e10b96e40000d&aid=3F9A6B2C1D0E4F58&h=" +
      Md5Hex("38400000-8CF0-11BD-B23E-10B96E40000D"));
  r.body = R"({"imei": 490154203237518, "d": ")" + Sha1Hex("490154203237518") +
           "\"}";
  EXPECT_EQ(
      Scan(r),
      (std::vector<D>{
          {v1::QUERY,
           "ifa",
           kDeviceIds,
           {v1::PLAIN},
           kAdId,
           "the advertising ID with dashes, upper-case"},
          {v1::QUERY,
           "gaid",
           kDeviceIds,
           {v1::PLAIN},
           kAdId,
           "the advertising ID without dashes, lower-case"},
          {v1::QUERY,
           "aid",
           kDeviceIds,
           {v1::PLAIN},
           kAndroidId,
           "the Android ID, upper-case"},
          {v1::QUERY,
           "h",
           kDeviceIds,
           {v1::MD5},
           kAdId,
           "MD5 (lower-case hex) of the advertising ID, upper-case with "
           "dashes"},
          {v1::BODY_JSON, "$.imei", kDeviceIds, {v1::PLAIN}, kImei, "the IMEI"},
          {v1::BODY_JSON,
           "$.d",
           kDeviceIds,
           {v1::SHA1},
           kImei,
           "SHA-1 (lower-case hex) of the IMEI (15 digits)"},
      }));
}

TEST_F(DetectorTest, NestedEncodingsKeepTheirChainOutermostFirst) {
  // A base64 JSON document inside a form field, holding a contact's phone.
  // (The "???" makes the base64url encoding use '_', so its alphabet shows.)
  const std::string inner =
      R"({"user": {"contacts": [{"name": "x"}, {"phone": "+447700900123"}]}, "k": "???"})";
  HttpRequest r = Body("application/x-www-form-urlencoded",
                       "v=2&payload=" + absl::WebSafeBase64Escape(inner));
  // A JWT whose payload names the user.
  r.headers.emplace_back("Authorization",
                         "Bearer eyJhbGciOiJIUzI1NiJ9." +
                             absl::WebSafeBase64Escape(
                                 R"({"sub":"usr-7Kq2ZpX9","iat":1700000000})") +
                             ".c2lnbmF0dXJl");
  // Stringified JSON inside JSON inside a cookie.
  r.cookies.emplace_back("state",
                         R"({"data":"{\"lat\":48.8584,\"lng\":2.2945}"})");
  EXPECT_EQ(Scan(r),
            (std::vector<D>{
                // Base64 without '+', '/', '-' or '_' reads the same in either
                // alphabet; it is reported as plain base64.
                {v1::HEADER,
                 "Authorization > $.sub",
                 "personal_info.user_ids",
                 {v1::BASE64, v1::JSON, v1::PLAIN},
                 kUserId,
                 "base64-decoded, then parsed as JSON: the user ID"},
                {v1::COOKIE,
                 "state > $.data > $",
                 "location.precise",
                 {v1::JSON, v1::JSON, v1::COORDINATES},
                 kPosition,
                 "parsed as JSON, then parsed as JSON: latitude and longitude "
                 "members "
                 "\"lat\" and \"lng\" with 4 decimals, the planted position rounded or truncated"},
                {v1::BODY_FORM,
                 "payload > $.user.contacts[1].phone",
                 kContacts,
                 {v1::BASE64URL, v1::JSON, v1::PLAIN},
                 kContactPhone,
                 "base64url-decoded, then parsed as JSON: the contact's phone "
                 "number in "
                 "E.164 form"},
            }));
}

TEST_F(DetectorTest, DecodingStopsAtTheDepthLimit) {
  // Six layers of base64 around the e-mail: the sixth is past the limit.
  std::string v = "honey.alice@example.org";
  for (int i = 0; i < 5; ++i) v = absl::Base64Escape(v);
  EXPECT_EQ(Scan(Header("X-5", v)).size(), 1u);
  EXPECT_TRUE(Scan(Header("X-6", absl::Base64Escape(v))).empty());
}

TEST_F(DetectorTest, MultipartPartsAndThePhotoItself) {
  const std::string body =
      "--B\r\nContent-Disposition: form-data; name=\"meta\"\r\n"
      "Content-Type: application/json\r\n\r\n"
      "{\"email\":\"honey.alice@example.org\"}\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"avatar\"; "
      "filename=\"a.jpg\"\r\n"
      "Content-Type: image/jpeg\r\n\r\n" +
      PhotoBytes() +
      "\r\n--B\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\n" +
      PhotoBytes().substr(1) + "\r\n--B--\r\n";
  EXPECT_EQ(
      Scan(Body("multipart/form-data; boundary=B", body)),
      (std::vector<D>{
          {v1::BODY_MULTIPART,
           "meta > $.email",
           kEmailType,
           {v1::JSON, v1::PLAIN},
           kEmail,
           "parsed as JSON: the e-mail address"},
          {v1::BODY_MULTIPART,
           "avatar",
           "biometrics.face_data",
           {v1::PLAIN},
           kPhoto,
           "the face photo file itself, byte for byte (its SHA-256 is the "
           "planted photo's)"},
      }));
  // The photo as base64 in JSON, and its digest.
  HttpRequest r =
      Body("application/json",
           absl::StrCat(R"({"img": ")", absl::Base64Escape(PhotoBytes()),
                        R"(", "hash": ")", Sha256Hex(PhotoBytes()), "\"}"));
  EXPECT_EQ(
      Scan(r),
      (std::vector<D>{
          {v1::BODY_JSON,
           "$.img",
           "biometrics.face_data",
           {v1::BASE64, v1::PLAIN},
           kPhoto,
           "base64-decoded: the face photo file itself, byte for byte (its "
           "SHA-256 is the planted photo's)"},
          {v1::BODY_JSON,
           "$.hash",
           "biometrics.face_data",
           {v1::SHA256},
           kPhoto,
           "SHA-256 (lower-case hex) of the face photo file"},
      }));
}

TEST_F(DetectorTest, PositionsDerivedFromThePlantedOneOnly) {
  HttpRequest r = Query("lat=48.86&lon=2.29&geo_lat=48.8584&lng=2.2945");
  r.headers.emplace_back("X-Geo", "ll=48.858,2.294;acc=10");
  r.body_mime_type = "application/json";
  r.body = R"({"features": [{"geometry": {"coordinates": [2.29448, 48.85837]}}],
               "city": {"latitude": "48.8566", "longitude": "2.3522"},
               "far": {"lat": 51.5072, "lng": -0.1276},
               "whole": {"lat": 49, "lng": 2}})";
  EXPECT_EQ(Scan(r), (std::vector<D>{
                         {v1::QUERY,
                          "lat,lon",
                          "location.approximate",
                          {v1::COORDINATES},
                          kPosition,
                          "latitude and longitude fields \"lat\" and \"lon\" "
                          "with 2 decimals, the planted position rounded or truncated"},
                         {v1::QUERY,
                          "lat,lng",
                          "location.approximate",
                          {v1::COORDINATES},
                          kPosition,
                          "latitude and longitude fields \"lat\" and \"lng\" "
                          "with 2 decimals, the planted position rounded or truncated"},
                         {v1::HEADER,
                          "X-Geo > ll",
                          "location.precise",
                          {v1::FORM, v1::COORDINATES},
                          kPosition,
                          "parsed as a form: a text pair (latitude first) with 3 "
                          "decimals, the planted position rounded or truncated"},
                         {v1::BODY_JSON,
                          "$.features[0].geometry.coordinates",
                          "location.precise",
                          {v1::COORDINATES},
                          kPosition,
                          "an array (longitude first) with 5 decimals, the planted position rounded or truncated"},
                         // Not "$.city": 4 km away is near, not derived.
                     }));
}

TEST_F(DetectorTest, PathSegmentsAreSearchedAndRedacted) {
  RequestFindings f;
  EXPECT_EQ(
      Scan(Get("/v1/users/usr-7Kq2ZpX9/profile/honey.alice%40example.org"), &f),
      (std::vector<D>{
          {v1::URL_PATH,
           "",
           "personal_info.user_ids",
           {v1::PLAIN},
           kUserId,
           "the user ID"},
          {v1::URL_PATH,
           "",
           kEmailType,
           {v1::PLAIN},
           kEmail,
           "the e-mail address"},
      }));
  EXPECT_EQ(f.path, "/v1/users/{redacted}/profile/{redacted}");
  // A honey value as a JSON key is found, and kept out of the path: a key
  // that is not a name is published as its position.
  EXPECT_EQ(Scan(Body("application/json",
                      R"({"contacts": {"+447700900123": "Bob"}})")),
            (std::vector<D>{{v1::BODY_JSON,
                             "$.contacts[#1]",
                             kContacts,
                             {v1::PLAIN},
                             kContactPhone,
                             "the contact's phone number in E.164 form"}}));
}

TEST_F(DetectorTest, DuplicatesWithinARequestAreReportedOnce) {
  HttpRequest r =
      Body("application/json",
           R"({"a": "honey.alice@example.org honey.alice@example.org",
                           "b": ["+442079460321", "+442079460321"]})");
  EXPECT_EQ(Scan(r), (std::vector<D>{
                         {v1::BODY_JSON,
                          "$.a",
                          kEmailType,
                          {v1::PLAIN},
                          kEmail,
                          "the e-mail address"},
                         {v1::BODY_JSON,
                          "$.b[0]",
                          kPhoneType,
                          {v1::PLAIN},
                          kPhone,
                          "the phone number in E.164 form"},
                         {v1::BODY_JSON,
                          "$.b[1]",
                          kPhoneType,
                          {v1::PLAIN},
                          kPhone,
                          "the phone number in E.164 form"},
                     }));
}

TEST_F(DetectorTest, LookalikesDeviceStringsAndUnrelatedHashesAreNotFound) {
  HttpRequest r = Get("/v2/Pixel%208%20Pro/14/UQ1A.240205.004");
  r.query =
      "model=SM-G991B&os=Android+14&osv=17.4.1&dev=iPhone15,2&build=UQ1A."
      "240205.004";
  r.headers = {
      {"User-Agent",
       "Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Pro "
       "Build/UQ1A.240205.004)"},
      {"X-Device", "iPhone15,2; iOS 17.4.1; CFNetwork/1494.0.7 Darwin/23.4.0"},
      {"X-Mail", "honey.alice@example.com"},        // another domain
      {"X-Mail2", "xhoney.alice@example.org"},      // a longer local part
      {"X-Mail3", "honey.alice@example.org.evil"},  // a longer domain
      {"X-Name", "Alice Quillfeathers"},
      {"X-Short", "Alice"},
      {"X-User", "usr-7Kq2ZpX99"},
      {"X-Phone", "+442079460322"},
      {"X-Phone2", "12079460321"},
      {"X-Phone3", "+44 20 7946 03210"},
      {"X-Imei", "490154203237519"},
      {"X-Ad", "38400000-8cf0-11bd-b23e-10b96e40000e"},
      {"X-Android", "3f9a6b2c1d0e4f5"},
      {"X-Hash", Sha256Hex("honey.alice@example.com")},
      {"X-Md5", Md5Hex("+442079460322")},
      {"X-B64", absl::Base64Escape("honey.alice@example.net")},
      {"X-Hex", HexEncode("Alice Quillfeathers")},
      {"X-Time", "1700000000123"},
      {"X-Geo", "51.5072,-0.1276"},
      {"X-Geo2", "49,2"},
      {"X-Version", "48.858.370,2.294.481"},
  };
  r.body_mime_type = "application/json";
  r.body = R"({"pos": {"lat": 48.858370}, "n": 442079460321.5, "lng": 2.294481,
               "photo": ")" +
           absl::Base64Escape(PhotoBytes().substr(0, 300)) + "\"}";
  EXPECT_EQ(Scan(r), std::vector<D>{});
}

TEST_F(DetectorTest, HostileBodiesAreBoundedNotFatal) {
  // Nested deeper than the JSON limit: searched as text, and said so.
  std::string deep(100, '[');
  deep += "\"honey.alice@example.org\"" + std::string(100, ']');
  RequestFindings f;
  EXPECT_EQ(Scan(Body("application/json", deep), &f),
            (std::vector<D>{{v1::BODY_TEXT,
                             "",
                             kEmailType,
                             {v1::PLAIN},
                             kEmail,
                             "the e-mail address"}}));
  EXPECT_EQ(f.problems, std::vector<std::string>{
                            "a JSON document nested deeper than 64 levels was "
                            "searched as plain text"});
  // Invalid JSON and invalid base64 are just text.
  EXPECT_TRUE(Scan(Body("application/json", "{\"a\": \"YWJj!!!\"")).empty());
  // Binary bodies are searched for what they contain, nothing more.
  std::string binary;
  for (int i = 0; i < 5000; ++i)
    binary.push_back(static_cast<char>(i * 31 % 256));
  EXPECT_TRUE(Scan(Body("application/octet-stream", binary)).empty());
  binary.insert(1000, "\x0a\x17honey.alice@example.org");
  EXPECT_EQ(Scan(Body("application/x-protobuf", binary)),
            (std::vector<D>{{v1::BODY_TEXT,
                             "",
                             kEmailType,
                             {v1::PLAIN},
                             kEmail,
                             "the e-mail address"}}));

  // The decoding budget: tiny, so nested layers stop and that is reported.
  DetectOptions options;
  options.max_decoded_bytes = 10;
  Detector small(ids_, options);
  RequestFindings g =
      small.Scan(Header("X", absl::Base64Escape("honey.alice@example.org")));
  EXPECT_TRUE(g.detections.empty());
  EXPECT_EQ(g.problems, std::vector<std::string>{
                            "nested encodings beyond 10 bytes of decoded data "
                            "were not searched"});
}

TEST_F(DetectorTest, ListsOfNumbersAndMislabelledBodies) {
  // A comma between numbers separates them; only a '.' makes a decimal.
  EXPECT_EQ(Scan(Header("X-Phones", "2079460321,7700900123")),
            (std::vector<D>{{v1::HEADER,
                             "X-Phones",
                             kPhoneType,
                             {v1::PLAIN},
                             kPhone,
                             "the phone number in national form"},
                            {v1::HEADER,
                             "X-Phones",
                             kContacts,
                             {v1::PLAIN},
                             kContactPhone,
                             "the contact's phone number in national form"}}));
  // A form sent as "application/json" is still a form.
  EXPECT_EQ(Scan(Body("application/json", "email=honey.alice%40example.org")),
            (std::vector<D>{{v1::BODY_FORM,
                             "email",
                             kEmailType,
                             {v1::PLAIN},
                             kEmail,
                             "the e-mail address"}}));
}

TEST_F(DetectorTest, RedactsEveryForm) {
  EXPECT_EQ(detector_->Redact("a/HONEY.ALICE@example.org/b/" +
                              Sha256Hex("+442079460321")),
            "a/{redacted}/b/{redacted}");
  EXPECT_EQ(detector_->Redact("nothing here"), "nothing here");
  EXPECT_GT(detector_->needle_count(), 100u);
}

}  // namespace
}  // namespace candor::detect
