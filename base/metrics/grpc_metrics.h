// Observes every call a gRPC server answers: its full method name
// ("/package.Service/Method"), the status code it ends with, and how long it
// took from the arrival of its metadata to its status. Installed as a server
// interceptor (gRPC's experimental interceptor API, present in 1.51), so the
// services themselves stay unaware of metrics.
//
// The observer runs on gRPC's threads, concurrently, and must be thread-safe
// and quick; it must outlive the server.

#ifndef CANDOR_BASE_METRICS_GRPC_METRICS_H_
#define CANDOR_BASE_METRICS_GRPC_METRICS_H_

#include <functional>
#include <memory>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "grpcpp/support/status.h"

namespace candor::metrics {

using CallObserver = std::function<void(absl::string_view method,
                                        grpc::StatusCode code, absl::Duration elapsed)>;

// For grpc::ServerBuilder::experimental().SetInterceptorCreators().
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
CallObserverInterceptor(CallObserver observer);

// "OK", "INVALID_ARGUMENT", ...: the code's name as a label value.
const char* StatusCodeName(grpc::StatusCode code);

}  // namespace candor::metrics

#endif  // CANDOR_BASE_METRICS_GRPC_METRICS_H_
