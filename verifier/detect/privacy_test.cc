// Nothing but honey facts is published: a capture full of someone else's
// personal data (a real device's traffic carries it) yields a measurement in
// which no 8-byte piece of that data appears, wherever the capture had it:
// path segments, parameter, header, cookie, field and part names and values,
// JSON keys, binary bodies that look like forms, NDJSON, WebSocket messages.

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "google/protobuf/util/json_util.h"
#include "log/json/json.h"
#include "proto/candor/measurement/v1/measurement.pb.h"
#include "tests/support/status_matchers.h"
#include "verifier/detect/byte_source.h"
#include "verifier/detect/identities.h"
#include "verifier/detect/measure.h"

namespace candor::detect {
namespace {

using ::candor::testing::IsOk;

// Someone who is not the auditor's test persona.
const std::vector<std::string>& Stranger() {
  static const auto* s = new std::vector<std::string>{
      "Bartholomew Quince",     "bart.quince@quincemail.test", "+447700900999",
      "221 Wobbleton Crescent", "QX9 4ZZ Fernhollow",          "51.501364,-0.141890",
      "7f1e0c9a-44b2-4c1d-9e7a-0b3c5d6e7f80",                   "BartholomewQ",
      "QuinceFamilyAlbum",
  };
  return *s;
}

std::string Entry(absl::string_view method, absl::string_view url,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  absl::string_view post_data, absl::string_view extra = "") {
  std::vector<std::string> hs;
  for (const auto& [n, v] : headers) {
    hs.push_back(absl::StrCat("{\"name\": ", json::Quote(n), ", \"value\": ", json::Quote(v),
                              "}"));
  }
  return absl::StrCat(R"({"startedDateTime": "2026-12-01T10:00:00Z", "request": {"method": )",
                      json::Quote(method), R"(, "url": )", json::Quote(url),
                      R"(, "headers": [)", absl::StrJoin(hs, ", "), "]",
                      post_data.empty() ? "" : absl::StrCat(", \"postData\": ", post_data),
                      "}", extra, "}");
}

std::string PostText(absl::string_view mime, absl::string_view text) {
  return absl::StrCat("{\"mimeType\": ", json::Quote(mime), ", \"text\": ", json::Quote(text),
                      "}");
}

TEST(Privacy, NoPieceOfAnyoneElsesDataReachesTheMeasurement) {
  const std::vector<std::string>& s = Stranger();
  const std::string honey = "honey.alice@example.org";
  const std::string quoted_name = absl::StrReplaceAll(s[0], {{" ", "%20"}});
  std::vector<std::string> entries;
  // Path segments, query names and values, header and cookie names.
  entries.push_back(Entry(
      "GET",
      absl::StrCat("https://api.vendor.test/v1/users/", quoted_name, "/", s[1], "/",
                   s[6], "/", s[7], "?", s[7], "=", honey, "&who=", s[1], "&",
                   s[8], "=", s[2]),
      {{s[7], honey}, {"X-Owner", s[0]}, {"Cookie", absl::StrCat(s[8], "=", honey, "; n=", s[0])}},
      ""));
  // JSON keys that are someone's data, beside honey values.
  entries.push_back(Entry(
      "POST", "https://api.vendor.test/sync", {{"Content-Type", "application/json"}},
      PostText("application/json",
               absl::StrCat("{", json::Quote(s[1]), ": {", json::Quote(s[0]), ": ",
                            json::Quote(honey), ", \"addr\": ", json::Quote(s[3]), "}, ",
                            json::Quote(s[7]), ": ", json::Quote(honey), ", ",
                            json::Quote(s[5]), ": [", json::Quote(honey), "]}"))));
  // Forms, and bytes that look like a form.
  entries.push_back(Entry(
      "POST", "https://api.vendor.test/form",
      {{"Content-Type", "application/x-www-form-urlencoded"}},
      PostText("application/x-www-form-urlencoded",
               absl::StrCat(s[8], "=", honey, "&", s[7], "=", s[4], "&e=", honey))));
  entries.push_back(Entry(
      "POST", "https://api.vendor.test/bin", {{"Content-Type", "application/octet-stream"}},
      PostText("application/octet-stream",
               absl::StrCat("\x01", s[7], "=", honey, "&", s[8], "\x02=", s[6], "\x7f"))));
  // Multipart names and file names; NDJSON; a base64 blob of the stranger's
  // JSON keyed by their name.
  const std::string part_json =
      absl::StrCat("{", json::Quote(s[0]), ": ", json::Quote(honey), "}");
  entries.push_back(Entry(
      "POST", "https://api.vendor.test/upload",
      {{"Content-Type", "multipart/form-data; boundary=XyZ"}},
      PostText("multipart/form-data; boundary=XyZ",
               absl::StrCat("--XyZ\r\nContent-Disposition: form-data; name=\"", s[7],
                            "\"; filename=\"", s[8], ".jpg\"\r\n\r\n", honey,
                            "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"", s[0],
                            "\"\r\n\r\n", absl::Base64Escape(part_json), "\r\n--XyZ--\r\n"))));
  entries.push_back(Entry(
      "POST", "https://api.vendor.test/events", {{"Content-Type", "application/x-ndjson"}},
      PostText("application/x-ndjson",
               absl::StrCat("{", json::Quote(s[1]), ": ", json::Quote(honey), "}\n",
                            s[0], " ", honey, "\n{\"u\": ", json::Quote(s[3]), "}\n"))));
  // WebSocket messages as DevTools writes them.
  entries.push_back(Entry(
      "GET", "wss://ws.vendor.test/socket", {}, "",
      absl::StrCat(R"(, "_webSocketMessages": [{"type": "send", "opcode": 1, "data": )",
                   json::Quote(absl::StrCat("{", json::Quote(s[1]), ": ", json::Quote(honey),
                                            ", ", json::Quote(s[7]), ": 1}")),
                   "}]")));
  const std::string har =
      absl::StrCat(R"({"log": {"version": "1.2", "entries": [)",
                   absl::StrJoin(entries, ",\n"), "]}}");

  absl::StatusOr<Identities> ids = ParseIdentities(
      R"({"version": 1, "salt": "000102030405060708090a0b0c0d0e0f",
          "values": [{"type": "personal_info.email_address",
                      "value": "honey.alice@example.org"}]})");
  ASSERT_THAT(ids, IsOk());
  StringByteSource source(har);
  absl::StatusOr<measurement::v1::Measurement> m = MeasureHar(source, *ids);
  ASSERT_THAT(m, IsOk());
  std::string published;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(*m, &published).ok());

  // The capture was searched: the honey value is found in every entry.
  ASSERT_EQ(m->flows_size(), static_cast<int>(entries.size()));
  for (const measurement::v1::Flow& f : m->flows()) {
    EXPECT_GT(f.detections_size(), 0) << "entry " << f.entry();
  }
  // And nothing of the stranger is in what would be signed.
  for (const std::string& datum : s) {
    for (size_t i = 0; i + 8 <= datum.size(); ++i) {
      const std::string piece = datum.substr(i, 8);
      EXPECT_EQ(published.find(piece), std::string::npos)
          << "\"" << piece << "\" of someone else's data is in the measurement:\n"
          << published;
    }
  }
}

}  // namespace
}  // namespace candor::detect
