// A streaming reader of HAR 1.2 captures (browser devtools, mitmproxy, HTTP
// Toolkit, Charles): yields log.entries one at a time, so memory stays
// bounded by the largest single request, not by the file.
//
// Read from each entry: startedDateTime, serverIPAddress, and from
// request: method, url, headers, cookies, queryString, bodySize, and the
// body, as the exporter wrote it:
//   * postData.text, as text; or, when postData.encoding is "base64" (a
//     non-standard field some tools write), base64 of the bytes. Bytes that
//     Python's surrogateescape wrote as "\udc80".."\udcff" (mitmproxy) come
//     back as those bytes; text written one character per byte (Latin-1) is
//     the detector's to recognise (HttpRequest::body_is_text says it is text);
//   * postData.params (form or multipart fields), used when there is no text;
//     a value that is a JSON object, array, number or boolean (chrome-har
//     writes JSON bodies that way) is kept as its JSON text;
//   * request._content {text, encoding} (HTTP Toolkit and pcapng-utils put
//     bodies that are not valid text there, base64-encoded), used when there
//     is no postData.text;
//   * request._requestBodyStatus ("discarded:too-large", ...), reported as a
//     problem: the capture tool left the body out;
//   * _webSocketMessages (Chrome DevTools): the messages the app sent.
// A request that sent a body (bodySize or Content-Length above zero, or a
// postData object) that the capture does not hold is reported as omitted.
// Everything else (responses, timings, pages, other "_" extensions) is
// skipped without being held in memory.
//
// Hostile input: a document that is not JSON, is truncated, or is not a HAR
// (no log.entries array, an entry that is not an object) is an error:
// INVALID_ARGUMENT with the byte offset in the file, RESOURCE_EXHAUSTED when
// nested deeper than HarLimits::max_json_depth. Oversized strings (bodies
// beyond HarLimits::max_string_bytes), fields of the wrong JSON type, invalid
// base64 bodies and too many fields are not errors: the entry comes back
// with `problems` (or, if no flow can be made of it, `unusable`) saying what
// was not read, in words that never quote the capture.
//
// Not thread-safe. The source must outlive the reader.

#ifndef CANDOR_VERIFIER_DETECT_HAR_H_
#define CANDOR_VERIFIER_DETECT_HAR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "log/json/json.h"
#include "verifier/detect/byte_source.h"
#include "verifier/detect/http.h"

namespace candor::detect {

struct HarLimits {
  // Longest string read (escaped form); longer ones, typically bodies, are
  // not searched and are reported.
  size_t max_string_bytes = size_t{16} << 20;
  // Bytes of strings kept per request (headers, body, params together).
  size_t max_request_bytes = size_t{32} << 20;
  // Headers, cookies, query parameters and form parameters per request.
  size_t max_fields = 10000;
  size_t max_json_depth = 64;
};

// Why a request's body was not examined; empty when it was (or there was
// none). The words are the measurement's Coverage reasons.
inline constexpr absl::string_view kOmittedByExporter = "omitted by the exporter";
inline constexpr absl::string_view kCutByExporter = "cut by the exporter";
inline constexpr absl::string_view kOverSizeCap = "over the size cap";
inline constexpr absl::string_view kUnreadable = "unreadable";

struct HarEntry {
  uint32_t index = 0;  // in log.entries
  std::string started_date_time;
  std::string method;
  std::string url;
  std::string server_ip;  // as written, possibly empty or bracketed
  // Headers, cookies, query parameters and body; path and query are left
  // for the caller to take from `url`.
  HttpRequest request;
  // Parts of the request that were not read, e.g. an oversized body.
  std::vector<std::string> problems;
  // Whether the request sent a body, as far as the capture tells, and if it
  // is not in `request`, why (one of the reasons above).
  bool has_body = false;
  std::string body_not_examined;

  // Non-empty if the entry lacks what a flow needs (a request, its URL,
  // method or time): why.
  std::string unusable;
};

class HarReader {
 public:
  explicit HarReader(json::ByteSource* source, HarLimits limits = HarLimits());
  HarReader(const HarReader&) = delete;
  HarReader& operator=(const HarReader&) = delete;

  // The next entry, or nullopt once the entries and the document have ended
  // (after which the whole input has been read).
  absl::StatusOr<std::optional<HarEntry>> Next();

 private:
  enum class State { kStart, kEntries, kDone };

  absl::Status Fail(absl::Status status) const;
  absl::Status NotHar(absl::string_view what, uint64_t offset) const;
  absl::StatusOr<json::Token> Read();
  // Consumes the rest of a value whose first token was `first`.
  absl::Status SkipRest(json::Token first);
  // Reads a string member value; nullopt (with the value skipped and a
  // problem noted) if it is not a string or was cut.
  absl::StatusOr<std::optional<std::string>> ReadString(
      HarEntry& entry, absl::string_view field);
  absl::Status ReadEntry(HarEntry& entry);
  // A value as JSON text (strings as their contents): chrome-har's params.
  absl::StatusOr<std::optional<std::string>> ReadValueText(
      HarEntry& entry, absl::string_view field);
  absl::Status ReadWebSocketMessages(HarEntry& entry);
  absl::Status ReadRequest(HarEntry& entry);
  absl::Status ReadPairs(HarEntry& entry, absl::string_view field,
                         std::vector<NameValue>* pairs,
                         std::vector<FormParam>* params);
  absl::Status ReadBodyObject(HarEntry& entry, absl::string_view field,
                              std::optional<std::string>& text,
                              std::string& encoding, std::string* mime_type,
                              std::vector<FormParam>* params);
  absl::Status Finish();
  bool Keep(HarEntry& entry, size_t bytes);

  HarLimits limits_;
  CappedStringSource capped_;
  json::Reader reader_;
  State state_ = State::kStart;
  uint32_t next_index_ = 0;
  size_t kept_bytes_ = 0;     // of the current entry
  size_t fields_ = 0;         // of the current entry
  bool over_budget_ = false;  // of the current entry
  // The last ReadString met a string it could not keep (cut or over budget).
  bool string_dropped_ = false;
};

}  // namespace candor::detect

#endif  // CANDOR_VERIFIER_DETECT_HAR_H_
