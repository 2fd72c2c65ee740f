// gRPC transport security from PEM files: server certificates for the log
// and verifier, optional client certificates (e.g. for operators), and the
// client side of both.
//
// Errors name the file at fault; private keys are read with the same 0600
// rule as signing keys.

#ifndef CANDOR_LOG_TLS_TLS_H_
#define CANDOR_LOG_TLS_TLS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace candor::tls {

struct ServerTlsFiles {
  std::string cert;       // PEM certificate chain
  std::string key;        // PEM private key (mode 0600)
  std::string client_ca;  // if set, client certificates signed by it are checked
  bool require_client_cert = false;
};

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const ServerTlsFiles& files);

struct ClientTlsFiles {
  std::string ca;    // PEM roots that sign the server's certificate
  std::string cert;  // optional client certificate chain
  std::string key;   // its private key (mode 0600)
};

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentials(
    const ClientTlsFiles& files);

}  // namespace candor::tls

#endif  // CANDOR_LOG_TLS_TLS_H_
