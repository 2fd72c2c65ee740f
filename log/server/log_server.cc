#include "log/server/log_server.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "proto/candor/log/v1/log.grpc.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "log/server/malformed_requests.h"
#include "log/statement/dsse.h"

namespace candor::logserver {

absl::StatusOr<std::unique_ptr<LogServer>> LogServer::Start(
    LogServerConfig config,
    std::unique_ptr<admission::ValidatorRegistry> validators) {
  if (!config.log_signer.has_value() || !config.admin_key.has_value()) {
    return absl::InvalidArgumentError("a log key and an admin key are required");
  }
  if (config.origin.empty()) {
    return absl::InvalidArgumentError("the log needs an origin");
  }
  if (config.origin != config.log_signer->name()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the origin \"", config.origin, "\" must equal the log key's name \"",
        config.log_signer->name(), "\""));
  }
  auto server = std::unique_ptr<LogServer>(new LogServer());
  // One statement, one entry: what was signed identifies an entry.
  config.store.identity = dsse::EntryIdentity;
  absl::StatusOr<std::unique_ptr<storage::LogStore>> store =
      storage::LogStore::Open(config.data_dir, config.store);
  if (!store.ok()) return store.status();
  server->store_ = *std::move(store);
  server->validators_ = std::move(validators);
  server->admission_ = std::make_unique<admission::Admission>(
      *config.admin_key, server->validators_.get(), config.admission);
  if (!config.tiles_dir.empty()) {
    server->files_ = std::make_unique<tiles::DirectoryWriter>(config.tiles_dir);
  }

  absl::StatusOr<std::unique_ptr<sequencer::Integrator>> integrator =
      sequencer::Integrator::Start(server->store_.get(), *config.log_signer,
                                   config.origin, server->files_.get(),
                                   config.integrator);
  if (!integrator.ok()) return integrator.status();
  server->integrator_ = *std::move(integrator);
  absl::StatusOr<std::unique_ptr<sequencer::Sequencer>> sequencer =
      sequencer::Sequencer::Start(server->store_.get(), server->admission_.get(),
                                  config.sequencer);
  if (!sequencer.ok()) return sequencer.status();
  server->sequencer_ = *std::move(sequencer);
  sequencer::Integrator* integrator_ptr = server->integrator_.get();
  server->sequencer_->SetListener(
      [integrator_ptr](uint64_t size) { integrator_ptr->NotifySequenced(size); });

  server->service_ = std::make_unique<LogService>(
      server->store_.get(), server->admission_.get(), server->sequencer_.get(),
      server->integrator_.get(), config.limits, config.clock);

  // Our own health service (base/health), which reflection can describe,
  // instead of gRPC's default one.
  grpc::EnableDefaultHealthCheckService(false);
  server->health_ = std::make_unique<health::HealthService>(
      std::vector<std::string>{candor::log::v1::Log::service_full_name(),
                               grpc::health::v1::Health::service_full_name(),
                               "grpc.reflection.v1alpha.ServerReflection"});
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(
      config.listen,
      config.credentials ? config.credentials : grpc::InsecureServerCredentials(),
      &port);
  builder.RegisterService(server->service_.get());
  builder.RegisterService(server->health_.get());
  AnswerMalformedRequestsWithInvalidArgument(builder);
  builder.SetMaxReceiveMessageSize(config.max_receive_message_bytes);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen,
                     " (address in use or invalid?)"));
  }
  std::string host = config.listen.substr(0, config.listen.rfind(':'));
  server->address_ = absl::StrCat(host, ":", port);
  return server;
}

void LogServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  // Draining: health watchers see NOT_SERVING (for "" and every service)
  // before the server stops taking calls.
  if (health_ != nullptr) health_->Shutdown();
  // Calls waiting for inclusion finish within one integration interval, as
  // the integrator keeps running until the server is down.
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  // The sequencer notifies the integrator, so it goes first.
  sequencer_.reset();
  integrator_.reset();
}

void LogServer::Wait() { server_->Wait(); }

LogServer::~LogServer() {
  if (server_ != nullptr) Shutdown();
}

}  // namespace candor::logserver
