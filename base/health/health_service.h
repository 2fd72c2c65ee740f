// The gRPC health checking service (grpc.health.v1.Health), our own
// implementation over our own copy of the protocol (proto/grpc/health/v1), so
// that reflection can describe it; gRPC's default health service must stay
// disabled in a server that registers this one.
//
// Answers every name it was constructed with (and "", the server as a whole):
// SERVING until Shutdown(); NOT_FOUND from Check, SERVICE_UNKNOWN from Watch,
// for any other name. Shutdown() turns every name NOT_SERVING, wakes every
// Watch (which sends NOT_SERVING and then ends), and is final: call it before
// grpc::Server::Shutdown so clients see the server draining.
//
// Thread-safe. Watch blocks one thread of gRPC's synchronous pool per stream
// until the client cancels or Shutdown() is called.

#ifndef CANDOR_BASE_HEALTH_HEALTH_SERVICE_H_
#define CANDOR_BASE_HEALTH_HEALTH_SERVICE_H_

#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "proto/grpc/health/v1/health.grpc.pb.h"

namespace candor::health {

class HealthService final : public grpc::health::v1::Health::Service {
 public:
  // `services`: the fully qualified gRPC service names served ("" is always
  // answered as well).
  explicit HealthService(std::vector<std::string> services);

  // Every name turns NOT_SERVING, for good. Idempotent.
  void Shutdown();

  grpc::Status Check(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override;
  grpc::Status Watch(
      grpc::ServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request,
      grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer) override;

 private:
  const std::set<std::string> services_;
  absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace candor::health

#endif  // CANDOR_BASE_HEALTH_HEALTH_SERVICE_H_
