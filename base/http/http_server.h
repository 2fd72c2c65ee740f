// A small HTTP/1.1 server over POSIX sockets, for the project's plain-HTTP
// endpoints (Prometheus scrapes, the C2SP tlog-witness API). No TLS: bind it
// to a loopback or private address, or put a TLS proxy in front.
//
// Threads: one I/O thread accepts connections and reads requests with poll()
// (never blocking on one client), and `workers` threads run the handler and
// write the response. A slow or idle client therefore holds at most its own
// connection slot, never the I/O thread; a slow handler (one that fsyncs)
// holds one worker. Responses are written with a send timeout of
// `idle_timeout`, so a client that stops reading frees its worker.
//
// Protocol: requests with Content-Length bodies up to `max_body_bytes` (413
// beyond; Transfer-Encoding is refused with 501); heads up to `max_head_bytes`
// (431 beyond); a request line or header that does not parse is 400. Those
// errors close the connection. HTTP/1.1 connections are kept alive unless the
// client says "Connection: close" or `keep_alive` is false; a kept-alive
// connection that sends no complete request within `idle_timeout` is closed,
// and so is one whose request is not complete `idle_timeout` after it began.
// "Expect: 100-continue" is answered. At most `max_connections` connections
// at once; more are closed at accept. HEAD requests get the head of the
// handler's answer.
//
// Thread-safe. The handler is called concurrently from the workers and must
// be thread-safe; it must not throw. Destruction stops accepting, waits for
// running handlers and closes every connection.

#ifndef CANDOR_BASE_HTTP_HTTP_SERVER_H_
#define CANDOR_BASE_HTTP_HTTP_SERVER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace candor::http {

struct HttpRequest {
  std::string method;  // as sent, e.g. "GET", "POST"
  std::string path;    // the target without its query, e.g. "/add-checkpoint"
  std::string query;   // after '?', without it; empty if none
  // Header names lower-cased, values without surrounding blanks, in order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string peer_ip;  // the client's IP address, e.g. "127.0.0.1"

  // The first value of header `name` (lower case), or nullptr.
  const std::string* Header(absl::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // Further headers, e.g. {"Retry-After", "3"}. Content-Type,
  // Content-Length and Connection are the server's.
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  // Names the server in error messages ("<name> address ... is not
  // host:port", "cannot listen on ... for <name>: ...").
  std::string name = "http";
  absl::Duration idle_timeout = absl::Seconds(10);
  size_t max_head_bytes = 8 * 1024;
  size_t max_body_bytes = 64 * 1024;
  size_t max_connections = 64;
  int workers = 4;
  bool keep_alive = true;
};

// The reason phrase of a status code ("Not Found"); "Unknown" if we have
// none.
const char* ReasonPhrase(int status);

class HttpServer {
 public:
  // Listens on `address` ("host:port", "[v6]:port"; port 0 picks a free
  // one). INVALID_ARGUMENT if it does not parse or resolve or the options
  // are unusable, UNAVAILABLE if it cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const std::string& address, HttpHandler handler,
      HttpServerOptions options = HttpServerOptions());
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // "host:port" actually bound.
  const std::string& address() const { return address_; }

 private:
  class Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  std::string address_;
};

}  // namespace candor::http

#endif  // CANDOR_BASE_HTTP_HTTP_SERVER_H_
