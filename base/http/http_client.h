// A minimal blocking HTTP/1.1 client for plain HTTP on loopback or a LAN (no
// TLS): one request per connection ("Connection: close"), for the log's
// submissions to witnesses and for tests.
//
// Every step (connect, send, receive) is bounded by `deadline`; the name in
// `host_port` is resolved with getaddrinfo before that (use a numeric address
// or a name the resolver answers at once). A reply is read by its
// Content-Length, or until the server closes the connection when it has
// none; chunked replies are refused. Interim 1xx replies are skipped.
//
// Errors:
//   INVALID_ARGUMENT   host_port not "host:port" or not resolvable, path not
//                      starting with '/', or a header value with CR or LF
//   UNAVAILABLE        cannot connect, the connection failed or closed before
//                      the whole reply arrived (retry later)
//   DEADLINE_EXCEEDED  `deadline` passed while connecting, sending or
//                      receiving
//   RESOURCE_EXHAUSTED the reply's body exceeds kMaxReplyBodyBytes or its head
//                      kMaxReplyHeadBytes
//   INTERNAL           the reply is not HTTP/1.x (bad status line or header)
//   UNIMPLEMENTED      a chunked reply
// Any HTTP status, 4xx and 5xx included, is a successful exchange: the
// caller reads HttpReply::status.
//
// Thread-safe (no shared state).

#ifndef CANDOR_BASE_HTTP_HTTP_CLIENT_H_
#define CANDOR_BASE_HTTP_HTTP_CLIENT_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace candor::http {

inline constexpr size_t kMaxReplyBodyBytes = 1 << 20;
inline constexpr size_t kMaxReplyHeadBytes = 64 * 1024;

struct HttpReply {
  int status = 0;
  std::string content_type;  // empty if the reply has none
  std::string body;
  std::string retry_after;  // the Retry-After header, empty if none
};

absl::StatusOr<HttpReply> HttpPost(absl::string_view host_port,
                                   absl::string_view path,
                                   absl::string_view body,
                                   absl::string_view content_type,
                                   absl::Time deadline);

absl::StatusOr<HttpReply> HttpGet(absl::string_view host_port,
                                  absl::string_view path, absl::Time deadline);

}  // namespace candor::http

#endif  // CANDOR_BASE_HTTP_HTTP_CLIENT_H_
