#include "log/server/malformed_requests.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/server_interceptor.h"

namespace candor::logserver {
namespace {

using grpc::experimental::InterceptionHookPoints;

class MalformedRequestInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit MalformedRequestInterceptor(std::string method)
      : method_(std::move(method)) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    // The request that arrived did not parse (or none arrived).
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      malformed_ = true;
    }
    if (malformed_ && methods->QueryInterceptionHookPoint(
                          InterceptionHookPoints::PRE_SEND_STATUS)) {
      methods->ModifySendStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                             MalformedRequestMessage(method_)));
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  bool malformed_ = false;
};

class Factory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    using Type = grpc::experimental::ServerRpcInfo::Type;
    // Calls that read one request; see the header for streams.
    if (info->type() != Type::UNARY && info->type() != Type::SERVER_STREAMING) {
      return nullptr;
    }
    return new MalformedRequestInterceptor(info->method() == nullptr ? ""
                                                                     : info->method());
  }
};

}  // namespace

void AnswerMalformedRequestsWithInvalidArgument(grpc::ServerBuilder& builder) {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      factories;
  factories.push_back(std::make_unique<Factory>());
  builder.experimental().SetInterceptorCreators(std::move(factories));
}

std::string MalformedRequestMessage(absl::string_view method) {
  return absl::StrCat("the request to ", method,
                      " is not a protobuf message of the method's request type; "
                      "send one encoded as the service's .proto defines it");
}

absl::Status ParseRequest(grpc::ByteBuffer& buffer, absl::string_view method,
                          google::protobuf::Message& out) {
  bool parsed = false;
  {
    grpc::ProtoBufferReader reader(&buffer);
    parsed = reader.status().ok() && out.ParseFromZeroCopyStream(&reader);
  }
  buffer.Clear();
  if (!parsed) return absl::InvalidArgumentError(MalformedRequestMessage(method));
  return absl::OkStatus();
}

}  // namespace candor::logserver
