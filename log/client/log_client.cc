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

absl::StatusOr<pb::AddEntryResponse> LogClient::AddEntry(
    const std::string& entry, bool wait_for_inclusion) {
  grpc::ClientContext context;
  SetDeadline(context);
  pb::AddEntryRequest request;
  request.set_entry(entry);
  request.set_wait_for_inclusion(wait_for_inclusion);
  pb::AddEntryResponse response;
  grpc::Status s = stub_->AddEntry(&context, request, &response);
  return Result(s, std::move(response), address_);
}

absl::StatusOr<pb::GetCheckpointResponse> LogClient::GetCheckpoint(
    uint64_t tree_size) {
  grpc::ClientContext context;
  SetDeadline(context);
  pb::GetCheckpointRequest request;
  request.set_tree_size(tree_size);
  pb::GetCheckpointResponse response;
  grpc::Status s = stub_->GetCheckpoint(&context, request, &response);
  return Result(s, std::move(response), address_);
}

absl::StatusOr<pb::GetInclusionProofResponse> LogClient::GetInclusionProof(
    const pb::GetInclusionProofRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  pb::GetInclusionProofResponse response;
  grpc::Status s = stub_->GetInclusionProof(&context, request, &response);
  return Result(s, std::move(response), address_);
}

absl::StatusOr<pb::GetConsistencyProofResponse> LogClient::GetConsistencyProof(
    uint64_t from_size, uint64_t to_size) {
  grpc::ClientContext context;
  SetDeadline(context);
  pb::GetConsistencyProofRequest request;
  request.set_from_size(from_size);
  request.set_to_size(to_size);
  pb::GetConsistencyProofResponse response;
  grpc::Status s = stub_->GetConsistencyProof(&context, request, &response);
  return Result(s, std::move(response), address_);
}

absl::StatusOr<pb::GetEntriesResponse> LogClient::GetEntries(uint64_t start,
                                                             uint32_t count) {
  grpc::ClientContext context;
  SetDeadline(context);
  pb::GetEntriesRequest request;
  request.set_start(start);
  request.set_count(count);
  pb::GetEntriesResponse response;
  grpc::Status s = stub_->GetEntries(&context, request, &response);
  return Result(s, std::move(response), address_);
}

absl::StatusOr<pb::GetTileResponse> LogClient::GetTile(uint32_t level,
                                                       uint64_t index,
                                                       uint32_t width) {
  grpc::ClientContext context;
  SetDeadline(context);
  pb::GetTileRequest request;
  request.set_level(level);
  request.set_index(index);
  request.set_width(width);
  pb::GetTileResponse response;
  grpc::Status s = stub_->GetTile(&context, request, &response);
  return Result(s, std::move(response), address_);
}

absl::StatusOr<pb::GetEntryBundleResponse> LogClient::GetEntryBundle(
    uint64_t index, uint32_t width) {
  grpc::ClientContext context;
  SetDeadline(context);
  pb::GetEntryBundleRequest request;
  request.set_index(index);
  request.set_width(width);
  pb::GetEntryBundleResponse response;
  grpc::Status s = stub_->GetEntryBundle(&context, request, &response);
  return Result(s, std::move(response), address_);
}

absl::StatusOr<pb::LookupLeafHashResponse> LogClient::LookupLeafHash(
    const std::string& leaf_hash) {
  grpc::ClientContext context;
  SetDeadline(context);
  pb::LookupLeafHashRequest request;
  request.set_leaf_hash(leaf_hash);
  pb::LookupLeafHashResponse response;
  grpc::Status s = stub_->LookupLeafHash(&context, request, &response);
  return Result(s, std::move(response), address_);
}

}  // namespace candor::client
