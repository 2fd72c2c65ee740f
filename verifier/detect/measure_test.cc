#include "verifier/detect/measure.h"

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "tests/support/status_matchers.h"
#include "verifier/detect/byte_source.h"
#include "verifier/detect/test_util.h"

namespace candor::detect {
namespace {

namespace v1 = ::candor::measurement::v1;
using ::candor::detect::testing::D;
using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

// Indexes of the honey values in testdata/identities.json.
enum Honey {
  kPhone,
  kEmail,
  kName,
  kUserId,
  kContactPhone,
  kContactEmail,
  kContactName,
  kAdId,
  kAndroidId,
  kIdfv,
  kImei,
  kPosition,
  kPhoto,
};

constexpr char kEmailType[] = "personal_info.email_address";
constexpr char kPhoneType[] = "personal_info.phone_number";
constexpr char kUserIds[] = "personal_info.user_ids";
constexpr char kContacts[] = "contacts.contacts";
constexpr char kDeviceIds[] = "device_or_other_ids.device_or_other_ids";
constexpr char kEmailNormal[] = "the e-mail address, trimmed and lower-cased";

std::string ReadTestData(absl::string_view name) {
  std::ifstream in(absl::StrCat("verifier/detect/testdata/", name),
                   std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A flow as written in a test.
struct F {
  std::string time;  // RFC 3339, UTC
  std::string host;
  std::string server_ip;
  uint32_t port;
  std::string method;
  std::string path;
  std::vector<D> detections;

  bool operator==(const F& o) const {
    return time == o.time && host == o.host && server_ip == o.server_ip &&
           port == o.port && method == o.method && path == o.path &&
           detections == o.detections;
  }
};

void PrintTo(const F& f, std::ostream* os) {
  *os << "\nFlow{" << f.time << ", " << f.host << ", " << f.server_ip << ", "
      << f.port << ", " << f.method << ", " << f.path << ", {";
  for (const D& d : f.detections) testing::PrintTo(d, os);
  *os << "}}";
}

std::string Time(const google::protobuf::Timestamp& t) {
  return absl::FormatTime(
      absl::RFC3339_full,
      absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos()),
      absl::UTCTimeZone());
}

struct Skip {
  uint32_t entry;
  std::string reason;
  bool operator==(const Skip& o) const {
    return entry == o.entry && reason == o.reason;
  }
};
void PrintTo(const Skip& s, std::ostream* os) {
  *os << "\n{" << s.entry << ", \"" << s.reason << "\"}";
}

class MeasureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Identities> ids =
        ParseIdentities(ReadTestData("identities.json"));
    ASSERT_THAT(ids, IsOk());
    ids_ = *ids;
  }

  // Measures a fixture, checks what does not vary between fixtures, and
  // returns the measurement.
  v1::Measurement Measure(absl::string_view fixture) {
    const std::string har = ReadTestData(fixture);
    StringByteSource source(har);
    absl::StatusOr<v1::Measurement> m = MeasureHar(source, ids_);
    EXPECT_THAT(m, IsOk());
    if (!m.ok()) return v1::Measurement();
    EXPECT_EQ(m->capture_sha256(), HexEncode(DigestBytes(Sha256(har))));
    EXPECT_EQ(m->honey_size(), static_cast<int>(ids_.values.size()));
    for (int i = 0; i < m->honey_size(); ++i) {
      EXPECT_EQ(m->honey(i).data_type(), ids_.values[i].data_type);
      EXPECT_EQ(m->honey(i).commitment(), ids_.values[i].commitment);
    }
    return *m;
  }

  std::vector<F> Flows(const v1::Measurement& m) {
    std::vector<F> out;
    for (const v1::Flow& f : m.flows()) {
      out.push_back(F{Time(f.time()), f.host(), f.server_ip(), f.port(),
                      f.method(), f.path(),
                      testing::ToD(f.detections(), ids_)});
    }
    return out;
  }

  static std::vector<Skip> Skipped(const v1::Measurement& m) {
    std::vector<Skip> out;
    for (const v1::SkippedRequest& s : m.skipped())
      out.push_back({s.entry(), s.reason()});
    return out;
  }

  Identities ids_;
};

TEST_F(MeasureTest, MitmproxyCaptureOfAnAndroidApp) {
  const v1::Measurement m = Measure("mitmproxy_android.har");
  EXPECT_EQ(Time(m.start_time()), "2024-05-01T10:00:00.123456+00:00");
  EXPECT_EQ(Time(m.end_time()), "2024-05-01T10:00:07+00:00");
  EXPECT_EQ(
      Flows(m),
      (std::vector<F>{
          // Honey values in the response are not searched: responses are
          // what the app received, not what it sent.
          {"2024-05-01T10:00:00.123456+00:00",
           "api.example-app.com",
           "203.0.113.10",
           443,
           "GET",
           "/v1/users/{redacted}/profile",
           {{v1::URL_PATH, "", kUserIds, {v1::PLAIN}, kUserId, "the user ID"},
            {v1::HEADER,
             "X-Device-Id",
             kDeviceIds,
             {v1::PLAIN},
             kAndroidId,
             "the Android ID, lower-case"}}},
          // The form is searched once, from its text, though mitmproxy also
          // lists its params; the Cookie header once, though also listed.
          {"2024-05-01T10:00:01.5+00:00",
           "collector.tracker.example",
           "198.51.100.7",
           8443,
           "POST",
           "/track",
           {{v1::COOKIE, "uid", kUserIds, {v1::PLAIN}, kUserId, "the user ID"},
            {v1::BODY_FORM,
             "e",
             kEmailType,
             {v1::MD5},
             kEmail,
             absl::StrCat("MD5 (lower-case hex) of ", kEmailNormal)},
            {v1::BODY_FORM,
             "ifa",
             kDeviceIds,
             {v1::PLAIN},
             kAdId,
             "the advertising ID with dashes, upper-case"},
            {v1::BODY_FORM,
             "p",
             kPhoneType,
             {v1::PLAIN},
             kPhone,
             "the phone number in E.164 form"}}},
          // A contacts upload: the planted contact, not the other one.
          {"2024-05-01T10:00:02+00:00",
           "api.example-app.com",
           "203.0.113.10",
           443,
           "POST",
           "/v2/contacts/sync",
           {{v1::BODY_JSON,
             "$.contacts[0].name",
             kContacts,
             {v1::PLAIN},
             kContactName,
             "the contact's name"},
            {v1::BODY_JSON,
             "$.contacts[0].phones[0]",
             kContacts,
             {v1::PLAIN},
             kContactPhone,
             "the contact's phone number in E.164 form, written with "
             "separators"},
            {v1::BODY_JSON,
             "$.contacts[0].emails[0]",
             kContacts,
             {v1::PLAIN},
             kContactEmail,
             "the contact's e-mail address"},
            {v1::BODY_JSON,
             "$.owner.sha256_phone",
             kPhoneType,
             {v1::SHA256},
             kPhone,
             "SHA-256 (lower-case hex) of the phone number in E.164 form"}}},
          // An ad request: the advertising ID, a coarse position, and a
          // hashed e-mail in a base64 JSON extension.
          {"2024-05-01T10:00:03+00:00",
           "ads.adnet.example",
           "192.0.2.44",
           443,
           "POST",
           "/openrtb2/bid",
           {{v1::BODY_JSON,
             "$.device.ifa",
             kDeviceIds,
             {v1::PLAIN},
             kAdId,
             "the advertising ID with dashes, lower-case"},
            {v1::BODY_JSON,
             "$.device.geo",
             "location.approximate",
             {v1::COORDINATES},
             kPosition,
             "latitude and longitude members \"lat\" and \"lon\" with 2 "
             "decimals, the planted position rounded or truncated"},
            {v1::BODY_JSON,
             "$.user.ext > $.email_sha1",
             kEmailType,
             {v1::BASE64, v1::JSON, v1::SHA1},
             kEmail,
             absl::StrCat("base64-decoded, then parsed as JSON: SHA-1 "
                          "(lower-case hex) of ",
                          kEmailNormal)}}},
          // Multipart with a binary part mitmproxy wrote as lone surrogates.
          {"2024-05-01T10:00:04+00:00",
           "upload.example-app.com",
           "203.0.113.11",
           443,
           "POST",
           "/v1/blobs",
           {{v1::BODY_MULTIPART,
             "meta > $.imei",
             kDeviceIds,
             {v1::JSON, v1::PLAIN},
             kImei,
             "parsed as JSON: the IMEI"}}},
          {"2024-05-01T10:00:05+00:00",
           "2001:db8::5",
           "2001:db8::5",
           8080,
           "GET",
           "/ping",
           {{v1::QUERY,
             "lat,lng",
             "location.precise",
             {v1::COORDINATES},
             kPosition,
             "latitude and longitude fields \"lat\" and \"lng\" with 4 "
             "decimals, the planted position rounded or truncated"}}},
          // No detections, still a destination.
          {"2024-05-01T10:00:07+00:00",
           "cdn.example.net",
           "",
           443,
           "GET",
           "/app.js",
           {}},
      }));
  EXPECT_EQ(
      Skipped(m),
      (std::vector<Skip>{{6, "request.url: the request URL is not absolute"}}));
}

TEST_F(MeasureTest, ChromeDevtoolsCapture) {
  const v1::Measurement m = Measure("chrome_devtools.har");
  EXPECT_EQ(Time(m.start_time()), "2024-05-01T10:05:00.25+00:00");
  EXPECT_EQ(Time(m.end_time()), "2024-05-01T10:05:00.5+00:00");
  EXPECT_EQ(
      Flows(m),
      (std::vector<F>{
          // Pseudo-headers repeat the URL and queryString repeats its query;
          // the cookie header repeats the cookies: each is searched once.
          {"2024-05-01T10:05:00.25+00:00",
           "www.example-shop.com",
           "2001:db8::1",
           443,
           "POST",
           "/api/login",
           {{v1::QUERY,
             "email",
             kEmailType,
             {v1::PLAIN},
             kEmail,
             "the e-mail address"},
            {v1::COOKIE,
             "vid",
             kUserIds,
             {v1::BASE64, v1::PLAIN},
             kUserId,
             "base64-decoded: the user ID"},
            {v1::BODY_TEXT,
             "name",
             "personal_info.name",
             {v1::FORM, v1::PLAIN},
             kName,
             "parsed as a form: the name"},
            {v1::BODY_TEXT,
             "lat,lng",
             "location.precise",
             {v1::FORM, v1::COORDINATES},
             kPosition,
             "parsed as a form: latitude and longitude fields \"lat\" and "
             "\"lng\" with 3 "
             "decimals, the planted position rounded or truncated"}}},
          {"2024-05-01T10:05:00.5+00:00",
           "static.example-shop.com",
           "",
           443,
           "GET",
           "/logo.png",
           {}},
      }));
  EXPECT_TRUE(Skipped(m).empty());
}

TEST_F(MeasureTest, HttpToolkitCaptureWithBinaryAndBase64Bodies) {
  const v1::Measurement m = Measure("httptoolkit.har");
  EXPECT_EQ(Flows(m), (std::vector<F>{
                          {"2024-05-01T11:00:00+00:00",
                           "upload.example-app.com",
                           "203.0.113.11",
                           443,
                           "PUT",
                           "/v1/avatar",
                           {{v1::BODY_TEXT,
                             "",
                             "biometrics.face_data",
                             {v1::PLAIN},
                             kPhoto,
                             "the face photo file itself, byte for byte (its "
                             "SHA-256 is the planted "
                             "photo's)"}}},
                          {"2024-05-01T11:00:01+00:00",
                           "telemetry.example-sdk.io",
                           "192.0.2.80",
                           443,
                           "POST",
                           "/v3/e",
                           {{v1::BODY_JSON,
                             "$.vendor_id",
                             kDeviceIds,
                             {v1::PLAIN},
                             kIdfv,
                             "the IDFV with dashes, upper-case"},
                            {v1::BODY_JSON,
                             "$.email",
                             kEmailType,
                             {v1::PLAIN},
                             kEmail,
                             "the e-mail address"}}},
                          {"2024-05-01T11:00:02+00:00",
                           "telemetry.example-sdk.io",
                           "192.0.2.80",
                           443,
                           "POST",
                           "/v3/e",
                           {}},
                          {"2024-05-01T11:00:03+00:00",
                           "telemetry.example-sdk.io",
                           "192.0.2.80",
                           443,
                           "POST",
                           "/v3/big",
                           {}},
                      }));
  EXPECT_EQ(Skipped(m),
            (std::vector<Skip>{{2,
                                "request.postData.text is marked base64 but is "
                                "not valid base64; the "
                                "body was not searched"},
                               {3,
                                "the capture tool left the request body out "
                                "(discarded:too-large)"}}));
}

TEST_F(MeasureTest, LookalikesAreNotDetections) {
  const v1::Measurement m = Measure("lookalikes.har");
  EXPECT_EQ(Flows(m), (std::vector<F>{{"2024-05-01T12:00:00+00:00",
                                       "api.example-app.com",
                                       "203.0.113.10",
                                       443,
                                       "POST",
                                       // Segments that are not names (spaces,
                                       // long runs of digits) are not published.
                                       "/v1/{data}/14/{data}",
                                       {}}}));
  EXPECT_TRUE(Skipped(m).empty());
}

TEST_F(MeasureTest, EntriesWithoutAFlowAreReported) {
  const std::string har = R"({"log": {"entries": [
    {"startedDateTime": "yesterday", "request": {"method": "GET", "url": "https://a.example/"}},
    {"startedDateTime": "2024-05-01T10:00:00Z", "request": {"method": "get", "url": "https://a.example/"}},
    {"startedDateTime": "2024-05-01T10:00:00Z", "request": {"method": "GET", "url": "https://a_b..example/"}},
    {"startedDateTime": "2024-05-01T10:00:00Z", "request": {"method": "GET", "url": "ftp://a.example/"}},
    {"startedDateTime": "2024-05-01T10:00:00Z", "request": {"method": "GET"}},
    {"startedDateTime": "2024-05-01T10:00:00Z", "request": {"method": "GET",
     "url": "https://a.example/)" +
                          absl::StrJoin(std::vector<std::string>(200, "pp"), "/") +
                          R"(/end"}, "serverIPAddress": "junk"}
  ]}})";
  StringByteSource source(har);
  absl::StatusOr<v1::Measurement> m = MeasureHar(source, ids_);
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(Skipped(*m),
            (std::vector<Skip>{
                {0, "startedDateTime is not an RFC 3339 date-time"},
                {1, "request.method is not an upper-case HTTP method"},
                {2, "request.url: the host is not a DNS name or IP address"},
                {3,
                 "request.url: the request URL's scheme is not http, https, ws "
                 "or wss"},
                {4, "request.url is missing, too long or not a string"}}));
  ASSERT_EQ(m->flows_size(), 1);
  EXPECT_EQ(m->flows(0).server_ip(), "");
  // A long path is cut at a '/'.
  EXPECT_EQ(m->flows(0).path(),
            absl::StrCat("/", absl::StrJoin(std::vector<std::string>(169, "pp"), "/"),
                         "/..."));
  EXPECT_EQ(m->capture_sha256(), HexEncode(DigestBytes(Sha256(har))));
}

TEST_F(MeasureTest, ACaptureTooLargeToLogIsRefusedAsSoonAsThatIsClear) {
  // 200,000 flows: far more than one log entry holds. The refusal comes
  // after a small part of the file, not after all of it.
  std::string har = R"({"log": {"entries": [)";
  for (int i = 0; i < 200000; ++i) {
    absl::StrAppend(&har, i ? "," : "",
                    R"({"startedDateTime": "2024-05-01T10:00:00Z", "request": )",
                    R"({"method": "GET", "url": "https://cdn.example.net/a/)", i,
                    R"("}, "serverIPAddress": "192.0.2.1"})");
  }
  har += "]}}";
  StringByteSource inner(har);
  struct Counting : json::ByteSource {
    explicit Counting(json::ByteSource* in) : in(in) {}
    absl::Status Read(size_t max, std::string& out) override {
      const size_t before = out.size();
      absl::Status s = in->Read(max, out);
      read += out.size() - before;
      return s;
    }
    json::ByteSource* in;
    size_t read = 0;
  } counting(&inner);
  MeasureOptions options;
  options.max_measurement_bytes = 65535;
  absl::StatusOr<v1::Measurement> m = MeasureHar(counting, ids_, options);
  EXPECT_EQ(m.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(m.status().message()),
              ::testing::StartsWith("the measurement's flows pass 65535 bytes by entry "));
  EXPECT_THAT(std::string(m.status().message()),
              ::testing::EndsWith("split the capture into shorter runs (e.g. by time) "
                                  "and measure each"));
  EXPECT_LT(counting.read, har.size() / 20) << "read " << counting.read << " of " << har.size();
}

TEST_F(MeasureTest, UnreadableCapturesAreErrors) {
  StringByteSource truncated(
      R"({"log": {"entries": [{"startedDateTime": "2024)");
  EXPECT_THAT(
      MeasureHar(truncated, ids_),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "HAR file: invalid JSON at offset 46: unterminated string"));
  StringByteSource not_har(R"({"version": 1, "values": []})");
  EXPECT_THAT(
      MeasureHar(not_har, ids_),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          "not a HAR file: the document has no \"log\" object (offset 27)"));
}

TEST_F(MeasureTest, AnEmptyCaptureHasNoWindow) {
  StringByteSource empty(R"({"log": {"entries": []}})");
  absl::StatusOr<v1::Measurement> m = MeasureHar(empty, ids_);
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->flows_size(), 0);
  EXPECT_FALSE(m->has_start_time());
  EXPECT_FALSE(m->has_end_time());
  EXPECT_EQ(m->honey_size(), 13);
}

// Damaged captures (cut, bytes flipped, pieces repeated or deleted) give a
// result or an error, never a crash or a hang; run under --config=asan too.
TEST_F(MeasureTest, DamagedCapturesNeverCrash) {
  std::mt19937 rng(20240501);
  int errors = 0;
  int results = 0;
  for (const char* fixture : {"mitmproxy_android.har", "chrome_devtools.har",
                              "httptoolkit.har", "lookalikes.har"}) {
    const std::string original = ReadTestData(fixture);
    for (int round = 0; round < 150; ++round) {
      std::string har = original;
      const int edits = 1 + rng() % 4;
      for (int e = 0; e < edits && !har.empty(); ++e) {
        const size_t at = rng() % har.size();
        switch (rng() % 5) {
          case 0:
            har.resize(at);
            break;
          case 1:
            har[at] = static_cast<char>(rng() % 256);
            break;
          case 2:
            har.insert(at, har.substr(rng() % har.size(), rng() % 200));
            break;
          case 3:
            har.erase(at, rng() % 50);
            break;
          case 4:
            har.insert(at, std::string(rng() % 100, "[{\\\"%+=/"[rng() % 9]));
            break;
        }
      }
      StringByteSource source(har);
      absl::StatusOr<v1::Measurement> m = MeasureHar(source, ids_);
      (m.ok() ? results : errors)++;
      if (!m.ok()) {
        EXPECT_TRUE(m.status().code() == absl::StatusCode::kInvalidArgument ||
                    m.status().code() == absl::StatusCode::kResourceExhausted)
            << m.status();
      }
    }
  }
  // Both outcomes occur: the damage is not all fatal, nor all harmless.
  EXPECT_GT(errors, 100);
  EXPECT_GT(results, 20);
}

}  // namespace
}  // namespace candor::detect
