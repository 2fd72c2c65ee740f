// A client of candor.verifier.v1.Verifier with a deadline on every call.
// Thread-safe.

#ifndef CANDOR_CLIENT_VERIFIER_CLIENT_H_
#define CANDOR_CLIENT_VERIFIER_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "log/client/log_client.h"
#include "proto/candor/verifier/v1/verifier.grpc.pb.h"

namespace candor::client {

class VerifierClient {
 public:
  VerifierClient(const std::string& address, ClientOptions options);

  absl::StatusOr<verifier::v1::SubmitMeasurementResponse> SubmitMeasurement(
      const std::string& envelope);
  absl::StatusOr<verifier::v1::ListAppsResponse> ListApps();
  absl::StatusOr<verifier::v1::ListFindingsResponse> ListFindings(const std::string& app);
  absl::StatusOr<verifier::v1::GetFindingBundleResponse> GetFindingBundle(uint64_t index);
  absl::StatusOr<verifier::v1::GetStatusResponse> GetStatus();

 private:
  template <typename Request, typename Response, typename Call>
  absl::StatusOr<Response> Invoke(const Request& request, Call call);

  std::string address_;
  ClientOptions options_;
  std::unique_ptr<verifier::v1::Verifier::Stub> stub_;
};

}  // namespace candor::client

#endif  // CANDOR_CLIENT_VERIFIER_CLIENT_H_
