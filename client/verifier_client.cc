#include "client/verifier_client.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "log/server/grpc_status.h"

namespace candor::client {

namespace vpb = ::candor::verifier::v1;

VerifierClient::VerifierClient(const std::string& address, ClientOptions options)
    : address_(address), options_(std::move(options)) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);  // bundles carry whole entries
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  stub_ = vpb::Verifier::NewStub(grpc::CreateCustomChannel(
      address,
      options_.credentials ? options_.credentials : grpc::InsecureChannelCredentials(),
      args));
}

template <typename Request, typename Response, typename Call>
absl::StatusOr<Response> VerifierClient::Invoke(const Request& request, Call call) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
  Response response;
  grpc::Status s = (stub_.get()->*call)(&context, request, &response);
  if (s.ok()) return response;
  absl::Status status = FromGrpcStatus(s);
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE ||
      s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::Status(status.code(),
                        absl::StrCat("verifier at ", address_, ": ", status.message()));
  }
  return status;
}

absl::StatusOr<vpb::SubmitMeasurementResponse> VerifierClient::SubmitMeasurement(
    const std::string& envelope) {
  vpb::SubmitMeasurementRequest request;
  request.set_envelope(envelope);
  return Invoke<vpb::SubmitMeasurementRequest, vpb::SubmitMeasurementResponse>(
      request, &vpb::Verifier::Stub::SubmitMeasurement);
}

absl::StatusOr<vpb::ListAppsResponse> VerifierClient::ListApps() {
  return Invoke<vpb::ListAppsRequest, vpb::ListAppsResponse>(
      vpb::ListAppsRequest(), &vpb::Verifier::Stub::ListApps);
}

absl::StatusOr<vpb::ListFindingsResponse> VerifierClient::ListFindings(
    const std::string& app) {
  vpb::ListFindingsRequest request;
  request.set_app(app);
  return Invoke<vpb::ListFindingsRequest, vpb::ListFindingsResponse>(
      request, &vpb::Verifier::Stub::ListFindings);
}

absl::StatusOr<vpb::GetFindingBundleResponse> VerifierClient::GetFindingBundle(
    uint64_t index) {
  vpb::GetFindingBundleRequest request;
  request.set_index(index);
  return Invoke<vpb::GetFindingBundleRequest, vpb::GetFindingBundleResponse>(
      request, &vpb::Verifier::Stub::GetFindingBundle);
}

absl::StatusOr<vpb::GetStatusResponse> VerifierClient::GetStatus() {
  return Invoke<vpb::GetStatusRequest, vpb::GetStatusResponse>(
      vpb::GetStatusRequest(), &vpb::Verifier::Stub::GetStatus);
}

}  // namespace candor::client
