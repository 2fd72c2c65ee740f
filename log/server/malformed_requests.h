// Requests whose protobuf does not parse are INVALID_ARGUMENT, on every
// server.
//
// gRPC answers such a request itself, before any handler runs, and says
// nothing useful: UNIMPLEMENTED with no message on the callback API
// (grpcpp/impl/codegen/server_callback_handlers.h, "if deserialization ...
// failed") and INTERNAL on the synchronous API (GenericDeserialize in
// grpcpp/impl/codegen/proto_utils.h). The interceptor installed here rewrites
// the status of every unary and server-streaming call whose request did not
// parse into INVALID_ARGUMENT naming the method.
//
// A stream that reads many requests cannot be helped here: gRPC reports a
// message that does not parse to the interceptor, and to the reactor, exactly
// as it reports the end of the stream. Such methods take raw messages and
// parse them with ParseRequest (see LogService::AddEntries).
//
// Thread-safe.

#ifndef CANDOR_LOG_SERVER_MALFORMED_REQUESTS_H_
#define CANDOR_LOG_SERVER_MALFORMED_REQUESTS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/byte_buffer.h"

namespace candor::logserver {

// Installs the interceptor on `builder`; call before BuildAndStart().
void AnswerMalformedRequestsWithInvalidArgument(grpc::ServerBuilder& builder);

// The message of the INVALID_ARGUMENT for a request to `method` (e.g.
// "/candor.log.v1.Log/GetTile") that does not parse.
std::string MalformedRequestMessage(absl::string_view method);

// Parses a raw request into `out`; INVALID_ARGUMENT with
// MalformedRequestMessage(method) if it does not parse. `buffer` is consumed.
absl::Status ParseRequest(grpc::ByteBuffer& buffer, absl::string_view method,
                          google::protobuf::Message& out);

}  // namespace candor::logserver

#endif  // CANDOR_LOG_SERVER_MALFORMED_REQUESTS_H_
