// A follower::LogSource over a log's gRPC API.

#ifndef CANDOR_CLIENT_GRPC_LOG_SOURCE_H_
#define CANDOR_CLIENT_GRPC_LOG_SOURCE_H_

#include "client/log_client.h"
#include "verifier/follower/follower.h"

namespace candor::client {

class GrpcLogSource : public follower::LogSource {
 public:
  // `client` must outlive this object.
  explicit GrpcLogSource(LogClient* client) : client_(client) {}
  absl::StatusOr<std::string> LatestCheckpoint() override;
  absl::StatusOr<std::vector<merkle::Hash>> ConsistencyProof(uint64_t from,
                                                             uint64_t to) override;
  absl::StatusOr<std::vector<std::string>> Entries(uint64_t start,
                                                   uint64_t count) override;

 private:
  LogClient* client_;
};

}  // namespace candor::client

#endif  // CANDOR_CLIENT_GRPC_LOG_SOURCE_H_
