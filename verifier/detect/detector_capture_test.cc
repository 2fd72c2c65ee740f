// The detector on what real capture tools and SDKs produce: content codings,
// bodies written as Latin-1 text, binary bodies, hex and URL layers, NDJSON,
// positions in either order and as geohashes, addresses, WebSocket messages,
// and the locators that let anyone find a detection in the capture by hand.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "tests/support/status_matchers.h"
#include "verifier/detect/decode.h"
#include "verifier/detect/detector.h"
#include "verifier/detect/test_util.h"
#include "zlib.h"

namespace candor::detect {
namespace {

namespace v1 = ::candor::measurement::v1;
using ::candor::detect::testing::D;
using ::candor::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

enum Honey { kEmail, kAdId, kAndroidId, kPosition, kPhoto, kAddress };

std::string PhotoBytes() {
  std::string photo = "\xff\xd8\xff\xe0";
  for (int i = 0; i < 400; ++i) photo.push_back(static_cast<char>(i * 7 % 251 + 128));
  return photo;
}

std::string Gzip(const std::string& in) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, in.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = in.size();
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = out.size();
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Text as a capture tool writes bytes one character each (Latin-1), in UTF-8.
std::string AsLatin1Text(absl::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      out.push_back(c);
    } else {
      out.push_back(static_cast<char>(0xC0 | (u >> 6)));
      out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
    }
  }
  return out;
}

class CaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Identities> ids = ParseIdentities(absl::StrCat(R"({
      "version": 1,
      "salt": "000102030405060708090a0b0c0d0e0f",
      "values": [
        {"type": "personal_info.email_address", "value": "honey.alice@example.org"},
        {"type": "device_or_other_ids.device_or_other_ids", "kind": "advertising_id",
         "value": "38400000-8cf0-11bd-b23e-10b96e40000d"},
        {"type": "device_or_other_ids.device_or_other_ids", "kind": "android_id",
         "value": "3f9a6b2c1d0e4f58"},
        {"type": "location.precise", "latitude": 48.858370, "longitude": 2.294481},
        {"type": "biometrics.face_data", "sha256": ")",
                                                  HexEncode(DigestBytes(Sha256(PhotoBytes()))),
                                                  R"("},
        {"type": "personal_info.address", "street": "14 Marrowbeck Lane",
         "postcode": "CB25 9XQ", "city": "Quillbury"}
      ]})"));
    ASSERT_THAT(ids, IsOk());
    ids_ = *std::move(ids);
    detector_ = std::make_unique<Detector>(ids_);
  }

  RequestFindings Scan(const HttpRequest& r) const { return detector_->Scan(r); }
  std::vector<D> Ds(const RequestFindings& f) const {
    return testing::ToD(f.detections, ids_);
  }

  static HttpRequest Post(std::string content_type, std::string body,
                          std::string content_encoding = "") {
    HttpRequest r;
    r.path = "/";
    r.headers.emplace_back("Content-Type", std::move(content_type));
    if (!content_encoding.empty()) {
      r.headers.emplace_back("Content-Encoding", std::move(content_encoding));
    }
    r.body = std::move(body);
    return r;
  }

  Identities ids_;
  std::unique_ptr<Detector> detector_;
};

TEST_F(CaptureTest, CompressedBodiesAreDecodedWhateverTheExporterWrote) {
  const std::string json = R"({"e": "honey.alice@example.org"})";
  const D expected{v1::BODY_JSON,        "$.e", "personal_info.email_address",
                   {v1::GZIP, v1::PLAIN}, kEmail, "gunzipped: the e-mail address"};
  // As sent (HTTP Toolkit, base64 in the HAR).
  RequestFindings f = Scan(Post("application/json", Gzip(json), "gzip"));
  EXPECT_THAT(Ds(f), ElementsAre(expected));
  EXPECT_EQ(f.detections[0].path(), "gzip > json $.e");
  EXPECT_TRUE(f.body_not_examined.empty());
  // As Chromium writes bytes that are not UTF-8: one character per byte.
  HttpRequest latin1 = Post("application/json", AsLatin1Text(Gzip(json)), "gzip");
  latin1.body_is_text = true;
  EXPECT_THAT(Ds(Scan(latin1)), ElementsAre(expected));
  // As mitmproxy writes it: decoded, under the original header.
  EXPECT_THAT(Ds(Scan(Post("application/json", json, "gzip"))),
              ElementsAre(D{v1::BODY_JSON, "$.e", "personal_info.email_address",
                            {v1::PLAIN}, kEmail, "the e-mail address"}));
  // A gzip blob inside a value.
  f = Scan(Post("application/json",
                absl::StrCat(R"({"batch": ")", absl::Base64Escape(Gzip(json)), "\"}")));
  EXPECT_THAT(Ds(f), ElementsAre(D{v1::BODY_JSON,
                                   "$.batch > $.e",
                                   "personal_info.email_address",
                                   {v1::BASE64, v1::GZIP, v1::JSON, v1::PLAIN},
                                   kEmail,
                                   "base64-decoded, then gunzipped, then parsed as JSON: "
                                   "the e-mail address"}));
}

TEST_F(CaptureTest, ABombIsCutAndTheBodyCountsAsNotExamined) {
  DetectOptions options;
  options.decompression.max_output = size_t{1} << 20;
  Detector small(ids_, options);
  const std::string bomb = Gzip(std::string(size_t{4} << 20, ' ') + "honey.alice@example.org");
  RequestFindings f = small.Scan(Post("text/plain", bomb, "gzip"));
  EXPECT_THAT(f.detections, IsEmpty());
  EXPECT_EQ(f.body_not_examined, kUndecodableCoding);
  EXPECT_THAT(f.problems, ElementsAre("the body is gzip-coded and expands past 1 MiB; "
                                      "only that much was searched"));
}

TEST_F(CaptureTest, PhotosInBodiesWrittenAsText) {
  const D photo{v1::BODY_TEXT, "", "biometrics.face_data", {v1::PLAIN}, kPhoto,
                "the face photo file itself, byte for byte (its SHA-256 is the "
                "planted photo's)"};
  // A raw upload that the exporter wrote one character per byte.
  HttpRequest latin1 = Post("image/jpeg", AsLatin1Text(PhotoBytes()));
  latin1.body_is_text = true;
  EXPECT_THAT(Ds(Scan(latin1)), ElementsAre(photo));
  // The bytes themselves (base64 in the HAR, or surrogate escapes that the
  // HAR reader turned back into bytes).
  EXPECT_THAT(Ds(Scan(Post("application/octet-stream", PhotoBytes()))), ElementsAre(photo));
}

TEST_F(CaptureTest, InBinaryBodiesAValueEndsAtAByteThatIsNotText) {
  // Protobuf-style: tag, length, value, then a varint with the high bit set.
  const std::string body =
      absl::StrCat("\x0a\x17", "honey.alice@example.org", "\x92\x01\x12\x10",
                   "3f9a6b2c1d0e4f58", "\xff");
  RequestFindings f = Scan(Post("application/x-protobuf", body));
  ASSERT_EQ(f.detections.size(), 2u);
  EXPECT_EQ(f.detections[0].where(), v1::BODY_TEXT);
  EXPECT_EQ(f.detections[0].offset(), 2u);
  EXPECT_EQ(f.detections[1].offset(), 29u);
  // A UTF-8 letter still glues on: "honey.alice@example.orgé" is another
  // address.
  EXPECT_THAT(Scan(Post("text/plain", "x honey.alice@example.org\xc3\xa9 y")).detections,
              IsEmpty());
}

TEST_F(CaptureTest, HexAtAnyDepth) {
  const std::string ad_hex = HexEncode("38400000-8cf0-11bd-b23e-10b96e40000d");
  const std::string inner = absl::StrCat(R"({"dev": ")", HexEncode("3f9a6b2c1d0e4f58"), "\"}");
  RequestFindings f = Scan(Post(
      "application/json", absl::StrCat(R"({"aid": ")", ad_hex, R"(", "ext": ")",
                                       absl::Base64Escape(inner), "\"}")));
  EXPECT_THAT(Ds(f),
              ElementsAre(D{v1::BODY_JSON, "$.aid", "device_or_other_ids.device_or_other_ids",
                            {v1::HEX, v1::PLAIN}, kAdId,
                            "hex-decoded: the advertising ID with dashes, lower-case"},
                          D{v1::BODY_JSON, "$.ext > $.dev",
                            "device_or_other_ids.device_or_other_ids",
                            {v1::BASE64, v1::JSON, v1::HEX, v1::PLAIN}, kAndroidId,
                            "base64-decoded, then parsed as JSON, then hex-decoded: the "
                            "Android ID, lower-case"}));
  EXPECT_EQ(f.detections[1].path(), "json $.ext > base64 > json $.dev > hex");
}

TEST_F(CaptureTest, UrlsAndNdjsonLinesKeepTheirPlace) {
  const std::string body =
      "{\"ev\": \"open\"}\n"
      "{\"u\": \"https://t.example/p?lat=48.8584&lng=2.2945&e=honey.alice%40example.org\"}\n";
  RequestFindings f = Scan(Post("application/x-ndjson", body));
  ASSERT_EQ(f.detections.size(), 2u) << testing::ToD(f.detections, ids_).size();
  for (const v1::Detection& d : f.detections) {
    EXPECT_EQ(d.where(), v1::BODY_JSON);
    EXPECT_EQ(d.offset(), 15u);  // where line 2 starts
  }
  EXPECT_EQ(f.detections[0].name(), "line 2 > $.u > e");
  EXPECT_EQ(f.detections[0].path(),
            "ndjson line 2 (byte 15) > json $.u > url > ?e");
  EXPECT_EQ(f.detections[1].name(), "line 2 > $.u > lat,lng");
  EXPECT_EQ(f.detections[1].data_type(), "location.precise");
}

TEST_F(CaptureTest, PositionsInEitherOrderAndAsGeohashes) {
  auto types = [&](const HttpRequest& r) {
    std::vector<std::string> out;
    for (const v1::Detection& d : Scan(r).detections) out.push_back(d.data_type());
    return out;
  };
  EXPECT_THAT(types(Post("text/plain", "at 2.2945,48.8584 now")),
              ElementsAre("location.precise"));
  EXPECT_THAT(types(Post("text/plain", "at 48.8584,2.2945 now")),
              ElementsAre("location.precise"));
  EXPECT_THAT(types(Post("application/json", R"({"geohash": "u09tunq"})")),
              ElementsAre("location.precise"));
  EXPECT_THAT(types(Post("application/json", R"({"geohash": "u09tu"})")),
              ElementsAre("location.approximate"));
  // A neighbouring cell, a cell glued to more characters, the city centre.
  EXPECT_THAT(types(Post("application/json", R"({"geohash": "u09tv"})")), IsEmpty());
  EXPECT_THAT(types(Post("application/json", R"({"geohash": "u09tunx"})")), IsEmpty());
  EXPECT_THAT(types(Post("text/plain", "48.8566,2.3522")), IsEmpty());
}

TEST_F(CaptureTest, RepeatedNamesSayWhichOccurrence) {
  HttpRequest r;
  r.path = "/";
  r.query = "e=nobody&e=honey.alice%40example.org";
  RequestFindings f = Scan(r);
  ASSERT_EQ(f.detections.size(), 1u);
  EXPECT_EQ(f.detections[0].name(), "e");
  EXPECT_EQ(f.detections[0].occurrence(), 2u);
  r.query = "e=honey.alice%40example.org";
  EXPECT_EQ(Scan(r).detections[0].occurrence(), 0u);
}

TEST_F(CaptureTest, TheStreetLineIsTheAddressAndAPostcodeAloneIsNot) {
  EXPECT_THAT(
      Ds(Scan(Post("application/json",
                   R"({"ship": {"street": "14 Marrowbeck Lane", "zip": "CB25 9XQ"}})"))),
      ElementsAre(D{v1::BODY_JSON, "$.ship.street", "personal_info.address", {v1::PLAIN},
                    kAddress, "the street address"}));
  EXPECT_THAT(Scan(Post("application/json", R"({"zip": "CB25 9XQ", "city": "Quillbury"})"))
                  .detections,
              IsEmpty());
  EXPECT_THAT(Scan(Post("text/plain", "14 Marrowbeck Lane East")).detections.size(), 1u);
  EXPECT_THAT(Scan(Post("text/plain", "114 Marrowbeck Lane")).detections, IsEmpty());
}

TEST_F(CaptureTest, WebSocketMessagesAreSearched) {
  HttpRequest r;
  r.path = "/socket";
  r.websocket_messages.push_back({0, R"({"type": "hello"})"});
  r.websocket_messages.push_back({3, R"({"user": {"email": "honey.alice@example.org"}})"});
  RequestFindings f = Scan(r);
  EXPECT_THAT(Ds(f), ElementsAre(D{v1::WEBSOCKET, "$.user.email",
                                   "personal_info.email_address", {v1::PLAIN}, kEmail,
                                   "the e-mail address"}));
  EXPECT_EQ(f.detections[0].message(), 3u);
  EXPECT_EQ(f.detections[0].path(), "websocket message 3 > json $.user.email");
}

TEST_F(CaptureTest, UnknownCodingsAreReportedAndTheBodyStillSearched) {
  RequestFindings f =
      Scan(Post("text/plain", "e=honey.alice@example.org", "compress"));
  EXPECT_EQ(f.body_not_examined, kUnknownCoding);
  EXPECT_THAT(f.problems, ElementsAre(HasSubstr("\"compress\", which is not supported")));
  EXPECT_EQ(f.detections.size(), 1u);
}

TEST_F(CaptureTest, TextInTheCharsetItsContentTypeNames) {
  std::string utf16;
  for (char c : std::string(R"({"e": "honey.alice@example.org"})")) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  RequestFindings f = Scan(Post("application/json; charset=utf-16le", utf16));
  EXPECT_THAT(Ds(f), ElementsAre(D{v1::BODY_JSON, "$.e", "personal_info.email_address",
                                   {v1::PLAIN}, kEmail, "the e-mail address"}));
  EXPECT_EQ(f.detections[0].path(), "charset utf-16le > json $.e");
}

TEST(PublishableName, SchemaNamesYesPeoplesDataNo) {
  for (const char* yes : {"e", "email", "deviceId", "user_email", "X-Device-Id", "ids",
                          "Cookie", "Authorization", "v1", "$type", "api.v2"}) {
    EXPECT_TRUE(IsPublishableName(yes)) << yes;
  }
  for (const char* no : {"", "Bartholomew", "Bartholomew Quince", "bob@example.org",
                         "+447700900123", "07700900123", "3f9a6b2c1d0e4f58aa",
                         "5d2f8a61-3c47-4b9e-a0d2-7e19c4b6f3a8", "aGVsbG8gd29ybGQ0",
                         "a/b", "x\xc3\xa9t\xc3\xa9"}) {
    EXPECT_FALSE(IsPublishableName(no)) << no;
  }
}

}  // namespace
}  // namespace candor::detect
