#include "base/health/health_service.h"

#include <utility>

#include "absl/time/time.h"

namespace candor::health {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

HealthService::HealthService(std::vector<std::string> services)
    : services_(std::make_move_iterator(services.begin()),
                std::make_move_iterator(services.end())) {}

void HealthService::Shutdown() {
  absl::MutexLock lock(&mu_);
  shut_down_ = true;
}

grpc::Status HealthService::Check(grpc::ServerContext* /*context*/,
                                  const HealthCheckRequest* request,
                                  HealthCheckResponse* response) {
  if (!request->service().empty() && services_.count(request->service()) == 0) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        "unknown service: " + request->service());
  }
  absl::MutexLock lock(&mu_);
  response->set_status(shut_down_ ? HealthCheckResponse::NOT_SERVING
                                  : HealthCheckResponse::SERVING);
  return grpc::Status::OK;
}

grpc::Status HealthService::Watch(
    grpc::ServerContext* context, const HealthCheckRequest* request,
    grpc::ServerWriter<HealthCheckResponse>* writer) {
  HealthCheckResponse response;
  bool known = request->service().empty() || services_.count(request->service()) > 0;
  if (!known) {
    // The protocol keeps the stream open for names that may appear later;
    // ours never change, so the answer is final.
    response.set_status(HealthCheckResponse::SERVICE_UNKNOWN);
    writer->Write(response);
    return grpc::Status::OK;
  }
  bool shut_down;
  {
    absl::MutexLock lock(&mu_);
    shut_down = shut_down_;
  }
  response.set_status(shut_down ? HealthCheckResponse::NOT_SERVING
                                : HealthCheckResponse::SERVING);
  if (!writer->Write(response) || shut_down) return grpc::Status::OK;
  // The status changes once, at Shutdown(); the client may cancel at any
  // time, which gRPC's synchronous API reports only when asked, so the wait
  // looks at the context between bounded waits on the condition.
  {
    absl::MutexLock lock(&mu_);
    while (!shut_down_) {
      if (context->IsCancelled()) return grpc::Status::CANCELLED;
      mu_.AwaitWithTimeout(absl::Condition(&shut_down_), absl::Milliseconds(200));
    }
  }
  response.set_status(HealthCheckResponse::NOT_SERVING);
  writer->Write(response);
  return grpc::Status::OK;
}

}  // namespace candor::health
