// The parts of HTTP requests the detector looks inside: absolute URLs, query
// strings and form bodies, Cookie headers, Content-Type parameters and
// multipart/form-data bodies.
//
// Parsers here are lenient about what senders write (they split and decode
// rather than validate) but never read out of bounds or loop on odd input.
// Pure functions, thread-safe.

#ifndef CANDOR_VERIFIER_DETECT_HTTP_H_
#define CANDOR_VERIFIER_DETECT_HTTP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor::detect {

struct Url {
  std::string scheme;  // lower-case: "http", "https", "ws" or "wss"
  std::string host;    // lower-case; an IPv6 literal without brackets
  uint32_t port = 0;   // explicit, or the scheme's default
  std::string path;    // raw (still percent-encoded), "/" if empty
  std::string query;   // raw, without '?'; empty if none
  bool has_query = false;
};

// Parses an absolute http(s)/ws(s) URL. INVALID_ARGUMENT says what is wrong
// without quoting the URL (it may hold honey values).
absl::StatusOr<Url> ParseUrl(absl::string_view url);

using NameValue = std::pair<std::string, std::string>;

// Splits "a=1&b=2" on '&' and percent-decodes names and values ('+' is a
// space, as in application/x-www-form-urlencoded). A pair without '=' has an
// empty value; empty pairs are skipped.
std::vector<NameValue> ParseQuery(absl::string_view query);

// Whether `text` looks like a form-encoded string ("k=v&k2=v2") rather than
// free text or base64 padding: no whitespace or quotes, every pair has a
// name of URL-safe characters, and at least one pair has '=' and a value.
bool LooksLikeForm(absl::string_view text);

// Splits a Cookie header ("a=1; b=2") into raw (not decoded) pairs.
std::vector<NameValue> ParseCookieHeader(absl::string_view header);

// The media type of a Content-Type value, lower-cased, without parameters:
// "multipart/form-data; boundary=x" -> "multipart/form-data".
std::string MediaType(absl::string_view content_type);
// A parameter of a Content-Type value (unquoted), if present.
std::optional<std::string> ContentTypeParameter(absl::string_view content_type,
                                                absl::string_view name);

struct MultipartPart {
  std::string name;          // from Content-Disposition; may be empty
  std::string file_name;     // from Content-Disposition; may be empty
  std::string content_type;  // may be empty
  // The part's Content-Transfer-Encoding ("base64", "quoted-printable") and
  // Content-Encoding ("gzip"), if it has them.
  std::string transfer_encoding;
  std::string content_encoding;
  absl::string_view body;    // points into the parsed body
};

// Splits a multipart body on `boundary`. Parts are returned as found; a body
// that does not contain the boundary yields no parts. Part bodies point into
// `body`, which must outlive them.
std::vector<MultipartPart> ParseMultipart(absl::string_view body,
                                          absl::string_view boundary);

// A form or multipart field as a capture tool lists it (HAR postData.params).
struct FormParam {
  std::string name;
  std::string value;
  std::string file_name;
  std::string content_type;
};

// A WebSocket message the app sent on the request's connection.
struct WebSocketMessage {
  uint32_t index = 0;  // among the connection's messages, both directions
  std::string data;    // the message's bytes
};

// One request as the detector reads it, independent of the capture format.
struct HttpRequest {
  std::string path;                  // raw, as in the URL
  std::optional<std::string> query;  // raw, if the URL has one
  // Decoded parameters, searched only when the URL has no query (some tools
  // list them apart).
  std::vector<NameValue> query_params;
  std::vector<NameValue> headers;
  // Searched only when there is no Cookie header (which holds the same).
  std::vector<NameValue> cookies;
  std::optional<std::string> body;  // the bytes sent
  // The capture gave the body as text, not as bytes: it may be one character
  // per byte (see Latin1Bytes in decode.h).
  bool body_is_text = false;
  std::string body_mime_type;       // else the Content-Type header is used
  // Searched only when the body is absent or empty (tools that list fields
  // instead of, or beside an empty, text).
  std::vector<FormParam> body_params;
  // Sent after the request upgraded the connection to a WebSocket.
  std::vector<WebSocketMessage> websocket_messages;
};

}  // namespace candor::detect

#endif  // CANDOR_VERIFIER_DETECT_HTTP_H_
