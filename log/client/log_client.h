// A client of candor.log.v1.Log with a deadline on every call.
//
// Thread-safe. Errors are the server's status, or UNAVAILABLE /
// DEADLINE_EXCEEDED when it cannot be reached in time.

#ifndef CANDOR_LOG_CLIENT_LOG_CLIENT_H_
#define CANDOR_LOG_CLIENT_LOG_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "proto/candor/log/v1/log.grpc.pb.h"

namespace candor::client {

struct ClientOptions {
  absl::Duration timeout = absl::Seconds(10);
  // Plaintext when null.
  std::shared_ptr<grpc::ChannelCredentials> credentials;
};

class LogClient {
 public:
  LogClient(const std::string& address, ClientOptions options);

  absl::StatusOr<log::v1::AddEntryResponse> AddEntry(
      const std::string& entry, bool wait_for_inclusion);
  // With `witnessed` (and tree_size 0): the newest checkpoint that meets
  // the log's witness policy (GetCheckpointRequest in log.proto).
  absl::StatusOr<log::v1::GetCheckpointResponse> GetCheckpoint(
      uint64_t tree_size = 0, bool witnessed = false);
  absl::StatusOr<log::v1::GetInclusionProofResponse> GetInclusionProof(
      const log::v1::GetInclusionProofRequest& request);
  absl::StatusOr<log::v1::GetInclusionProofsResponse> GetInclusionProofs(
      const std::vector<uint64_t>& indices, uint64_t tree_size);
  absl::StatusOr<log::v1::GetConsistencyProofResponse> GetConsistencyProof(
      uint64_t from_size, uint64_t to_size);
  absl::StatusOr<log::v1::GetLogStatusResponse> GetLogStatus();
  absl::StatusOr<log::v1::GetEntriesResponse> GetEntries(uint64_t start,
                                                         uint32_t count);
  absl::StatusOr<log::v1::GetTileResponse> GetTile(uint32_t level,
                                                   uint64_t index,
                                                   uint32_t width);
  absl::StatusOr<log::v1::GetEntryBundleResponse> GetEntryBundle(
      uint64_t index, uint32_t width);
  absl::StatusOr<log::v1::LookupLeafHashResponse> LookupLeafHash(
      const std::string& leaf_hash);
  // One page of the verifiable index's answer for `key`, unverified
  // (client/index_read.h verifies it).
  absl::StatusOr<log::v1::LookupIndexResponse> LookupIndex(const std::string& key,
                                                           uint64_t from,
                                                           uint32_t max_indices = 0);

  log::v1::Log::Stub& stub() { return *stub_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  void SetDeadline(grpc::ClientContext& context) const;

 private:
  // One unary call of `method` with the client's deadline; an unreachable
  // log's error names its address.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (log::v1::Log::Stub::*method)(grpc::ClientContext*,
                                                 const Request&, Response*),
      const Request& request);

  std::string address_;
  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<log::v1::Log::Stub> stub_;
};

}  // namespace candor::client

#endif  // CANDOR_LOG_CLIENT_LOG_CLIENT_H_
