// Conversion of absl::Status to grpc::Status, done only at the server edge.

#ifndef CANDOR_LOG_SERVER_GRPC_STATUS_H_
#define CANDOR_LOG_SERVER_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace candor {

// The codes share their numbering (both follow google.rpc.Code).
inline grpc::Status ToGrpcStatus(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()),
                      std::string(s.message()));
}

inline absl::Status FromGrpcStatus(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      s.error_message());
}

}  // namespace candor

#endif  // CANDOR_LOG_SERVER_GRPC_STATUS_H_
