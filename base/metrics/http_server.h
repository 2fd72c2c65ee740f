// A minimal HTTP/1.1 server for Prometheus scrapes: GET (or HEAD) /metrics
// answers 200 with a Registry's exposition; any other path 404, any other
// method 405, a request whose head exceeds 8 KiB 431, one that does not parse
// 400. One response per connection ("Connection: close"). POSIX sockets, one
// thread, poll(): at most 64 connections at once (more are closed at
// accept); a connection that sends no complete request within
// `idle_timeout` is closed; a response is written with a send timeout of the
// same length. No TLS: bind it to a private or loopback address.
//
// Thread-safe; the registry must outlive the server. Destruction stops the
// thread and closes every socket.

#ifndef CANDOR_BASE_METRICS_HTTP_SERVER_H_
#define CANDOR_BASE_METRICS_HTTP_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
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
  ~MetricsHttpServer();

  // "host:port" actually bound.
  const std::string& address() const { return address_; }

 private:
  MetricsHttpServer() = default;
  void Run();

  const Registry* registry_ = nullptr;
  HttpServerOptions options_;
  std::string address_;
  int listen_fd_ = -1;
  int wake_read_ = -1;
  int wake_write_ = -1;
  std::thread thread_;
};

}  // namespace candor::metrics

#endif  // CANDOR_BASE_METRICS_HTTP_SERVER_H_
