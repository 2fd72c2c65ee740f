#include "verifier/follower/grpc_log_source.h"

namespace candor::follower {

absl::StatusOr<std::string> GrpcLogSource::LatestCheckpoint(bool witnessed) {
  absl::StatusOr<log::v1::GetCheckpointResponse> cp =
      client_->GetCheckpoint(/*tree_size=*/0, witnessed);
  if (!cp.ok()) return cp.status();
  return cp->checkpoint();
}

absl::StatusOr<std::vector<merkle::Hash>> GrpcLogSource::ConsistencyProof(
    uint64_t from, uint64_t to) {
  absl::StatusOr<log::v1::GetConsistencyProofResponse> proof =
      client_->GetConsistencyProof(from, to);
  if (!proof.ok()) return proof.status();
  return merkle::HashesFromBytes(
      std::vector<std::string>(proof->proof().begin(), proof->proof().end()));
}

absl::StatusOr<std::vector<std::string>> GrpcLogSource::Entries(uint64_t start,
                                                                uint64_t count) {
  absl::StatusOr<log::v1::GetEntriesResponse> got = client_->GetEntries(
      start, static_cast<uint32_t>(std::min<uint64_t>(count, 1000)));
  if (!got.ok()) return got.status();
  return std::vector<std::string>(got->entries().begin(), got->entries().end());
}

}  // namespace candor::follower
