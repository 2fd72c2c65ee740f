#include "verifier/detect/har.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "verifier/detect/byte_source.h"

namespace candor::detect {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

// Counts what the reader took from the source.
class CountingSource : public json::ByteSource {
 public:
  explicit CountingSource(absl::string_view data) : inner_(data) {}
  absl::Status Read(size_t max, std::string& out) override {
    const size_t before = out.size();
    absl::Status s = inner_.Read(max, out);
    consumed_ += out.size() - before;
    return s;
  }
  size_t consumed() const { return consumed_; }

 private:
  StringByteSource inner_;
  size_t consumed_ = 0;
};

// All entries, or the first error.
absl::StatusOr<std::vector<HarEntry>> ReadAll(absl::string_view doc,
                                              HarLimits limits = HarLimits()) {
  StringByteSource source(doc);
  HarReader reader(&source, limits);
  std::vector<HarEntry> entries;
  while (true) {
    absl::StatusOr<std::optional<HarEntry>> e = reader.Next();
    if (!e.ok()) return e.status();
    if (!e->has_value()) return entries;
    entries.push_back(**e);
  }
}

std::string Har(absl::string_view entries) {
  return absl::StrCat(
      R"({"log": {"version": "1.2", "creator": {"name": "t"}, "entries": [)",
      entries, R"(], "comment": "after"}, "x": [1, {"y": null}]})");
}

constexpr char kGet[] =
    R"({"startedDateTime": "2024-05-01T10:00:00Z", "request": {"method": "GET", "url": "https://a.example/x?q=1"}})";

TEST(HarReader, ReadsWhatFlowsNeed) {
  const std::string doc = Har(R"(
    {"pageref": "p", "startedDateTime": "2024-05-01T10:00:00.5+02:00", "time": 12,
     "request": {"method": "POST", "url": "https://a.example/x?q=1", "httpVersion": "h2",
       "headers": [{"name": "A", "value": "1", "comment": "c"}, {"name": "B", "value": ""}],
       "cookies": [{"name": "c", "value": "2", "httpOnly": true}],
       "queryString": [{"name": "q", "value": "1"}],
       "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "k=v",
                    "params": [{"name": "k", "value": "v", "fileName": "f", "contentType": "t"}]},
       "_custom": {"deep": [[[]]]}},
     "response": {"status": 200, "content": {"text": "ignored", "encoding": "base64"}},
     "serverIPAddress": "192.0.2.1", "_extra": null},
    )" + std::string(kGet));
  absl::StatusOr<std::vector<HarEntry>> entries = ReadAll(doc);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 2u);
  const HarEntry& e = (*entries)[0];
  EXPECT_EQ(e.index, 0u);
  EXPECT_EQ(e.started_date_time, "2024-05-01T10:00:00.5+02:00");
  EXPECT_EQ(e.method, "POST");
  EXPECT_EQ(e.url, "https://a.example/x?q=1");
  EXPECT_EQ(e.server_ip, "192.0.2.1");
  EXPECT_EQ(e.request.headers, (std::vector<NameValue>{{"A", "1"}, {"B", ""}}));
  EXPECT_EQ(e.request.cookies, (std::vector<NameValue>{{"c", "2"}}));
  EXPECT_EQ(e.request.query_params, (std::vector<NameValue>{{"q", "1"}}));
  EXPECT_EQ(e.request.body, "k=v");
  EXPECT_EQ(e.request.body_mime_type, "application/x-www-form-urlencoded");
  ASSERT_EQ(e.request.body_params.size(), 1u);
  EXPECT_EQ(e.request.body_params[0].file_name, "f");
  EXPECT_EQ(e.request.body_params[0].content_type, "t");
  EXPECT_TRUE(e.problems.empty());
  EXPECT_TRUE(e.unusable.empty());
  EXPECT_EQ((*entries)[1].index, 1u);
  EXPECT_FALSE((*entries)[1].request.body.has_value());
}

TEST(HarReader, ReadsBodiesFromEachPlaceToolsPutThem) {
  const std::string doc = Har(absl::StrCat(
      R"({"startedDateTime": "t", "request": {"method": "POST", "url": "u",
          "postData": {"mimeType": "x", "text": "YWxp\nY2U=", "encoding": "base64"}}},
         {"startedDateTime": "t", "request": {"method": "POST", "url": "u",
          "_requestBodyStatus": "discarded:not-representable",
          "_content": {"text": "/9j/4A==", "size": 4, "encoding": "base64"}}},
         {"startedDateTime": "t", "request": {"method": "POST", "url": "u",
          "_requestBodyStatus": "discarded:too-large"}},
         {"startedDateTime": "t", "request": {"method": "POST", "url": "u",
          "postData": {"text": "not base64!", "encoding": "base64"}}},
         {"startedDateTime": "t", "request": {"method": "POST", "url": "u",
          "postData": {"text": "abc", "encoding": "gzip"}}},
         {"startedDateTime": "t", "request": {"method": "POST", "url": "u",
          "postData": {"mimeType": "application/octet-stream",
                       "text": "\udcff\ud800x\ud83d\ude00"}}})"));
  absl::StatusOr<std::vector<HarEntry>> entries = ReadAll(doc);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 6u);
  EXPECT_EQ((*entries)[0].request.body, "alice");
  EXPECT_EQ((*entries)[1].request.body, std::string("\xff\xd8\xff\xe0"));
  EXPECT_TRUE((*entries)[1].problems.empty());
  EXPECT_FALSE((*entries)[2].request.body.has_value());
  EXPECT_EQ(
      (*entries)[2].problems,
      std::vector<std::string>{
          "the capture tool left the request body out (discarded:too-large)"});
  EXPECT_FALSE((*entries)[3].request.body.has_value());
  EXPECT_EQ((*entries)[3].problems,
            std::vector<std::string>{
                "request.postData.text is marked base64 but "
                "is not valid base64; the body was not searched"});
  EXPECT_EQ((*entries)[4].request.body, "abc");
  EXPECT_EQ((*entries)[4].problems,
            std::vector<std::string>{
                "request.postData.encoding is neither absent "
                "nor \"base64\"; the body was searched as text"});
  // Bytes escaped by Python's surrogateescape come back as bytes; other lone
  // surrogates become U+FFFD; a real pair stays.
  EXPECT_EQ((*entries)[5].request.body,
            "\xff\xef\xbf\xbdx\xf0\x9f\x98\x80");
}

TEST(HarReader, OddFieldsMakeProblemsNotErrors) {
  const std::string doc = Har(R"(
    {"startedDateTime": "t", "request": 5},
    {"request": {"method": "GET", "url": "u"}},
    {"startedDateTime": "t", "request": {"method": "GET", "url": 7,
       "headers": {"a": 1}, "cookies": [1, {"name": "c", "value": 2}],
       "queryString": null, "postData": "text"}},
    {"startedDateTime": "t", "request": {"url": "u"}, "serverIPAddress": ["x"]})");
  absl::StatusOr<std::vector<HarEntry>> entries = ReadAll(doc);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 4u);
  EXPECT_EQ((*entries)[0].unusable, "request is not an object");
  EXPECT_EQ((*entries)[1].unusable,
            "startedDateTime is missing or not a string");
  EXPECT_EQ((*entries)[2].unusable,
            "request.url is missing, too long or not a string");
  EXPECT_EQ((*entries)[2].problems,
            (std::vector<std::string>{
                "request.url is not a string; ignored",
                "request.headers is not an array; ignored",
                "request.cookies has an item that is not an object; ignored",
                "request.cookies[].value is not a string; ignored",
                "request.postData is not an object; ignored"}));
  EXPECT_EQ((*entries)[2].request.cookies, (std::vector<NameValue>{{"c", ""}}));
  EXPECT_EQ((*entries)[3].unusable,
            "request.method is missing or not a string");
  EXPECT_EQ(
      (*entries)[3].problems,
      std::vector<std::string>{"serverIPAddress is not a string; ignored"});
}

TEST(HarReader, BoundsWhatOneRequestMayHold) {
  HarLimits limits;
  limits.max_string_bytes = 64;
  limits.max_fields = 3;
  limits.max_request_bytes = 150;
  const std::string big(1000, 'x');
  const std::string doc = Har(absl::StrCat(
      R"({"startedDateTime": "t", "request": {"method": "POST", "url": "u",
          "headers": [{"name": "a", "value": "1"}, {"name": "b", "value": "2"},
                      {"name": "c", "value": "3"}, {"name": "d", "value": "4"}],
          "postData": {"text": ")",
      big, R"("}}, "response": {"content": {"text": ")", big, big, R"("}}},
         {"startedDateTime": "t", "request": {"method": "POST", "url": "u",
          "headers": [{"name": "a", "value": ")",
      std::string(60, 'a'), R"("}, {"name": "b", "value": ")",
      std::string(60, 'b'), R"("}, {"name": "c", "value": ")",
      std::string(60, 'c'), R"("}]}})"));
  absl::StatusOr<std::vector<HarEntry>> entries = ReadAll(doc, limits);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].request.headers.size(), 3u);
  EXPECT_FALSE((*entries)[0].request.body.has_value());
  EXPECT_EQ((*entries)[0].problems,
            (std::vector<std::string>{
                "more than 3 headers, cookies or parameters; the rest were not "
                "searched",
                "request.postData.text is longer than 64 bytes and was not "
                "searched"}));
  EXPECT_EQ((*entries)[1].request.headers.size(), 3u);
  EXPECT_EQ((*entries)[1].request.headers[2].second, "");
  EXPECT_EQ((*entries)[1].problems,
            std::vector<std::string>{
                "request fields beyond 150 bytes were not searched"});
}

TEST(HarReader, StreamsOneEntryAtATime) {
  std::string entries;
  for (int i = 0; i < 3000; ++i) {
    absl::StrAppend(&entries, i == 0 ? "" : ",", kGet);
  }
  const std::string doc = Har(entries);
  ASSERT_GT(doc.size(), 300000u);
  CountingSource source(doc);
  HarReader reader(&source);
  absl::StatusOr<std::optional<HarEntry>> first = reader.Next();
  ASSERT_THAT(first, IsOk());
  ASSERT_TRUE(first->has_value());
  // A couple of 64 KiB chunks, not the document.
  EXPECT_LE(source.consumed(), 3u * 65536);
  int n = 1;
  while (true) {
    absl::StatusOr<std::optional<HarEntry>> e = reader.Next();
    ASSERT_THAT(e, IsOk());
    if (!e->has_value()) break;
    ++n;
  }
  EXPECT_EQ(n, 3000);
  EXPECT_EQ(source.consumed(), doc.size());
}

void ExpectError(absl::string_view doc, absl::StatusCode code,
                 absl::string_view message, HarLimits limits = HarLimits()) {
  EXPECT_THAT(ReadAll(doc, limits), StatusIs(code, message)) << doc;
}

TEST(HarReader, RefusesWhatIsNotAHarFile) {
  const auto kInvalid = absl::StatusCode::kInvalidArgument;
  ExpectError("", kInvalid,
              "HAR file: invalid JSON at offset 0: unexpected end of input");
  ExpectError("\x89PNG\r\n", kInvalid,
              "HAR file: invalid JSON at offset 0: unexpected character");
  ExpectError("[1]", kInvalid,
              "not a HAR file: the document is not a JSON object (offset 0)");
  ExpectError("{}", kInvalid,
              "not a HAR file: the document has no \"log\" object (offset 1)");
  ExpectError(R"({"log": 1})", kInvalid,
              "not a HAR file: \"log\" is not an object (offset 8)");
  ExpectError(R"({"log": {"version": "1.2"}})", kInvalid,
              "not a HAR file: \"log\" has no \"entries\" array (offset 25)");
  ExpectError(R"({"log": {"entries": {}}})", kInvalid,
              "not a HAR file: log.entries is not an array (offset 20)");
  ExpectError(R"({"log": {"entries": [1]}})", kInvalid,
              "not a HAR file: log.entries[0] is not an object (offset 21)");
  ExpectError(R"({"log": {"entries": []}} x)", kInvalid,
              "HAR file: invalid JSON at offset 25: trailing content after the "
              "document");
  ExpectError(
      R"({"log": {"entries": [{"startedDateTime": "a", "startedDateTime": "b"}]}})",
      kInvalid,
      "HAR file: invalid JSON at offset 46: duplicate key \"startedDateTime\"");
}

TEST(HarReader, RefusesTruncatedAndDeepDocumentsWithOffsetsInTheFile) {
  const std::string doc = Har(kGet);
  const std::string truncated = doc.substr(0, doc.find("a.example"));
  ExpectError(truncated, absl::StatusCode::kInvalidArgument,
              absl::StrCat("HAR file: invalid JSON at offset ",
                           truncated.size(), ": unterminated string"));
  // Four levels of HAR, then 60 more fit; the 61st bracket is refused.
  const std::string prefix = R"({"log": {"entries": [{"response": )";
  ExpectError(
      prefix + std::string(100, '['), absl::StatusCode::kResourceExhausted,
      absl::StrCat("HAR file: JSON nested deeper than 64 levels at offset ",
                   prefix.size() + 60));
  // After a cut string the reader's offsets differ from the file's; errors
  // still name the file's.
  HarLimits limits;
  limits.max_string_bytes = 16;
  const std::string cut = absl::StrCat(
      R"({"log": {"entries": [{"startedDateTime": ")", std::string(500, 't'),
      R"(", "request": {"url": "u"} oops}]}})");
  ExpectError(cut, absl::StatusCode::kInvalidArgument,
              absl::StrCat("HAR file: invalid JSON at offset ",
                           cut.find("oops"), ": expected ',' or '}'"),
              limits);
}

TEST(HarReader, ReadsWhatChromeHarAndDevToolsWrite) {
  absl::StatusOr<std::vector<HarEntry>> entries = ReadAll(R"({"log": {"entries": [
    {"startedDateTime": "2026-12-01T10:00:00Z", "request": {"method": "POST",
     "url": "https://a.example/j", "bodySize": 40,
     "postData": {"mimeType": "application/json", "params": [
       {"name": "user", "value": {"email": "a@b.c", "n": [1, 2.50, true, null]}},
       {"name": "count", "value": 3}, {"name": "ok", "value": false},
       {"name": "s", "value": "text"}]}}},
    {"startedDateTime": "2026-12-01T10:00:01Z", "request": {"method": "POST",
     "url": "https://a.example/upload",
     "headers": [{"name": "Content-Length", "value": "1073"}]}},
    {"startedDateTime": "2026-12-01T10:00:02Z", "request": {"method": "GET",
     "url": "wss://a.example/ws"},
     "_webSocketMessages": [
       {"type": "receive", "time": 1, "opcode": 1, "data": "hello"},
       {"type": "send", "time": 2, "opcode": 1, "data": "{\"a\": 1}"},
       {"type": "send", "time": 3, "opcode": 2, "data": "AAEC"}]},
    {"startedDateTime": "2026-12-01T10:00:03Z", "request": {"method": "POST",
     "url": "https://a.example/empty", "bodySize": 0,
     "postData": {"mimeType": "text/plain", "text": ""}}}
  ]}})");
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 4u);
  const std::vector<FormParam>& params = (*entries)[0].request.body_params;
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[0].value, R"({"email":"a@b.c","n":[1,2.50,true,null]})");
  EXPECT_EQ(params[1].value, "3");
  EXPECT_EQ(params[2].value, "false");
  EXPECT_EQ(params[3].value, "text");
  EXPECT_TRUE((*entries)[0].has_body);
  EXPECT_TRUE((*entries)[0].body_not_examined.empty());
  // A body that the exporter did not write is said to be omitted.
  EXPECT_TRUE((*entries)[1].has_body);
  EXPECT_EQ((*entries)[1].body_not_examined, kOmittedByExporter);
  EXPECT_EQ((*entries)[1].problems,
            std::vector<std::string>{"the request sent a body that the capture does not hold"});
  // Sent messages only, with their index among all; binary ones decoded.
  const std::vector<WebSocketMessage>& ws = (*entries)[2].request.websocket_messages;
  ASSERT_EQ(ws.size(), 2u);
  EXPECT_EQ(ws[0].index, 1u);
  EXPECT_EQ(ws[0].data, R"({"a": 1})");
  EXPECT_EQ(ws[1].index, 2u);
  EXPECT_EQ(ws[1].data, std::string("\0\1\2", 3));
  // An empty body is no body.
  EXPECT_FALSE((*entries)[3].has_body);
}

}  // namespace
}  // namespace candor::detect
