#include "log/client/log_client.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "log/server/grpc_status.h"

namespace candor::client {
namespace {

namespace pb = ::candor::log::v1;

// Entry bundles of 256 large entries exceed gRPC's default 4 MiB.
constexpr int kMaxReceiveBytes = 32 << 20;

template <typename Response>
absl::StatusOr<Response> Result(const grpc::Status& status, Response response,
                                const std::string& address) {
  if (status.ok()) return response;
  absl::Status s = FromGrpcStatus(status);
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::Status(s.code(), absl::StrCat("log at ", address, ": ",
                                               s.message()));
  }
  return s;
}

}  // namespace

LogClient::LogClient(const std::string& address, ClientOptions options)
    : address_(address), options_(std::move(options)) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  // Each client gets its own connection rather than sharing one with every
  // channel to the same address in the process: servers rate-limit per
  // connection.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  channel_ = grpc::CreateCustomChannel(
      address,
      options_.credentials ? options_.credentials
                           : grpc::InsecureChannelCredentials(),
      args);
  stub_ = pb::Log::NewStub(channel_);
}

void LogClient::SetDeadline(grpc::ClientContext& context) const {
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
}

template <typename Request, typename Response>
absl::StatusOr<Response> LogClient::Call(
    grpc::Status (pb::Log::Stub::*method)(grpc::ClientContext*, const Request&,
                                          Response*),
    const Request& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  Response response;
  const grpc::Status s = (stub_.get()->*method)(&context, request, &response);
  return Result(s, std::move(response), address_);
}

absl::StatusOr<pb::AddEntryResponse> LogClient::AddEntry(
    const std::string& entry, bool wait_for_inclusion) {
  pb::AddEntryRequest request;
  request.set_entry(entry);
  request.set_wait_for_inclusion(wait_for_inclusion);
  return Call(&pb::Log::Stub::AddEntry, request);
}

absl::StatusOr<pb::GetCheckpointResponse> LogClient::GetCheckpoint(
    uint64_t tree_size, bool witnessed) {
  pb::GetCheckpointRequest request;
  request.set_tree_size(tree_size);
  request.set_witnessed(witnessed);
  return Call(&pb::Log::Stub::GetCheckpoint, request);
}

absl::StatusOr<pb::GetInclusionProofResponse> LogClient::GetInclusionProof(
    const pb::GetInclusionProofRequest& request) {
  return Call(&pb::Log::Stub::GetInclusionProof, request);
}

absl::StatusOr<pb::GetConsistencyProofResponse> LogClient::GetConsistencyProof(
    uint64_t from_size, uint64_t to_size) {
  pb::GetConsistencyProofRequest request;
  request.set_from_size(from_size);
  request.set_to_size(to_size);
  return Call(&pb::Log::Stub::GetConsistencyProof, request);
}

absl::StatusOr<pb::GetEntriesResponse> LogClient::GetEntries(uint64_t start,
                                                             uint32_t count) {
  pb::GetEntriesRequest request;
  request.set_start(start);
  request.set_count(count);
  return Call(&pb::Log::Stub::GetEntries, request);
}

absl::StatusOr<pb::GetTileResponse> LogClient::GetTile(uint32_t level,
                                                       uint64_t index,
                                                       uint32_t width) {
  pb::GetTileRequest request;
  request.set_level(level);
  request.set_index(index);
  request.set_width(width);
  return Call(&pb::Log::Stub::GetTile, request);
}

absl::StatusOr<pb::GetEntryBundleResponse> LogClient::GetEntryBundle(
    uint64_t index, uint32_t width) {
  pb::GetEntryBundleRequest request;
  request.set_index(index);
  request.set_width(width);
  return Call(&pb::Log::Stub::GetEntryBundle, request);
}

absl::StatusOr<pb::GetLogStatusResponse> LogClient::GetLogStatus() {
  return Call(&pb::Log::Stub::GetLogStatus, pb::GetLogStatusRequest());
}

absl::StatusOr<pb::LookupLeafHashResponse> LogClient::LookupLeafHash(
    const std::string& leaf_hash) {
  pb::LookupLeafHashRequest request;
  request.set_leaf_hash(leaf_hash);
  return Call(&pb::Log::Stub::LookupLeafHash, request);
}

absl::StatusOr<pb::GetInclusionProofsResponse> LogClient::GetInclusionProofs(
    const std::vector<uint64_t>& indices, uint64_t tree_size) {
  pb::GetInclusionProofsRequest request;
  for (uint64_t i : indices) request.add_indices(i);
  request.set_tree_size(tree_size);
  return Call(&pb::Log::Stub::GetInclusionProofs, request);
}

absl::StatusOr<pb::LookupIndexResponse> LogClient::LookupIndex(const std::string& key,
                                                               uint64_t from,
                                                               uint32_t max_indices) {
  pb::LookupIndexRequest request;
  request.set_key(key);
  request.set_from(from);
  request.set_max_indices(max_indices);
  return Call(&pb::Log::Stub::LookupIndex, request);
}

}  // namespace candor::client
