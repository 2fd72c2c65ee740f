// A minimal HTTP/1.1 server for Prometheus scrapes: GET (or HEAD) /metrics
// answers 200 with a Registry's exposition; any other path 404, any other
// method 405, a request whose head exceeds 8 KiB 431, one that does not parse
// 400. One response per connection ("Connection: close"). A thin wrapper over
// base/http's HttpServer (one I/O thread with poll(), one worker): at most 64
// connections at once (more are closed at accept); a connection that sends
// no complete request within `idle_timeout` is closed; a response is written
// with a send timeout of the same length. No TLS: bind it to a private or
// loopback address.
//
// Thread-safe; the registry must outlive the server. Destruction stops the
// threads and closes every socket.

#ifndef CANDOR_BASE_METRICS_HTTP_SERVER_H_
#define CANDOR_BASE_METRICS_HTTP_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/http/http_server.h"
#include "base/metrics/metrics.h"

namespace candor::metrics {

struct HttpServerOptions {
  absl::Duration idle_timeout = absl::Seconds(10);
};

class MetricsHttpServer {
 public:
  // Listens on `address` ("host:port", "[v6]:port"; port 0 picks a free
  // one). INVALID_ARGUMENT if it does not parse or resolve, UNAVAILABLE if
  // it cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(
      const std::string& address, const Registry* registry,
      HttpServerOptions options = HttpServerOptions());
  // What a server's --metrics_addr flag asks for: no listener (null) when
  // `address` is empty, else Start(address, registry).
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> StartIfAddress(
      const std::string& address, const Registry* registry);
  ~MetricsHttpServer() = default;

  // "host:port" actually bound.
  const std::string& address() const { return server_->address(); }

 private:
  explicit MetricsHttpServer(std::unique_ptr<http::HttpServer> server)
      : server_(std::move(server)) {}

  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace candor::metrics

#endif  // CANDOR_BASE_METRICS_HTTP_SERVER_H_
