#include "base/metrics/http_server.h"

#include <utility>

namespace candor::metrics {
namespace {

http::HttpResponse Answer(const http::HttpRequest& request, const Registry& registry) {
  http::HttpResponse response;
  if (request.path != "/metrics") {
    response.status = 404;
    response.body = "not found: try /metrics\n";
  } else if (request.method != "GET" && request.method != "HEAD") {
    response.status = 405;
    response.body = "only GET and HEAD\n";
  } else {
    response.content_type = kContentType;
    response.body = registry.Expose();
  }
  return response;
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::StartIfAddress(
    const std::string& address, const Registry* registry) {
  if (address.empty()) return std::unique_ptr<MetricsHttpServer>();
  return Start(address, registry);
}

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& address, const Registry* registry,
    HttpServerOptions options) {
  http::HttpServerOptions http_options;
  http_options.name = "metrics";
  http_options.idle_timeout = options.idle_timeout;
  http_options.max_head_bytes = 8 * 1024;
  // A body is read and ignored: POST with one is still 405.
  http_options.max_body_bytes = 8 * 1024;
  http_options.max_connections = 64;
  http_options.workers = 1;
  http_options.keep_alive = false;
  absl::StatusOr<std::unique_ptr<http::HttpServer>> server = http::HttpServer::Start(
      address,
      [registry](const http::HttpRequest& request) { return Answer(request, *registry); },
      http_options);
  if (!server.ok()) return server.status();
  return std::unique_ptr<MetricsHttpServer>(new MetricsHttpServer(*std::move(server)));
}

}  // namespace candor::metrics
