// A follower::LogSource over a log's gRPC API.

#ifndef CANDOR_VERIFIER_FOLLOWER_GRPC_LOG_SOURCE_H_
#define CANDOR_VERIFIER_FOLLOWER_GRPC_LOG_SOURCE_H_

#include "log/client/log_client.h"
#include "verifier/follower/follower.h"

namespace candor::follower {

class GrpcLogSource : public LogSource {
 public:
  // `client` must outlive this object.
  explicit GrpcLogSource(client::LogClient* client) : client_(client) {}
  absl::StatusOr<std::string> LatestCheckpoint(bool witnessed) override;
  absl::StatusOr<std::vector<merkle::Hash>> ConsistencyProof(uint64_t from,
                                                             uint64_t to) override;
  absl::StatusOr<std::vector<std::string>> Entries(uint64_t start,
                                                   uint64_t count) override;

 private:
  client::LogClient* client_;
};

}  // namespace candor::follower

#endif  // CANDOR_VERIFIER_FOLLOWER_GRPC_LOG_SOURCE_H_
