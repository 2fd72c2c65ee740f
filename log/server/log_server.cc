#include "log/server/log_server.h"

#include <cmath>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "proto/candor/log/v1/log.grpc.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "base/metrics/grpc_metrics.h"
#include "log/logging/logging.h"
#include "log/server/malformed_requests.h"
#include "log/statement/dsse.h"

namespace candor::logserver {

#define ASSIGN_OR_RETURN_METRIC(lhs, expr) \
  do {                                     \
    auto result = (expr);                  \
    if (!result.ok()) return result.status(); \
    lhs = *result;                         \
  } while (0)
// For a callback gauge whose name was just pushed to callbacks_: forgets it
// if it did not register.
#define RETURN_IF_METRIC_ERROR(expr)       \
  do {                                     \
    absl::Status status = (expr);          \
    if (!status.ok()) {                    \
      callbacks_.pop_back();               \
      return status;                       \
    }                                      \
  } while (0)

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
      storage::OpenLogStore(config.storage, config.store);
  if (!store.ok()) return store.status();
  server->store_ = *std::move(store);
  storage::Lease* lease = server->store_->lease();
  if (lease != nullptr && !config.on_lease_lost) {
    return absl::InvalidArgumentError(
        "a shared store needs on_lease_lost, to end an instance that lost the lease");
  }
  if (config.witness_policy.has_value() && !config.witness_post) {
    return absl::InvalidArgumentError("a witness policy needs a way to reach the witnesses");
  }
  server->validators_ = std::move(validators);
  server->admission_ = std::make_unique<admission::Admission>(
      *config.admin_key, server->validators_.get(), config.admission);
  if (!config.tiles_dir.empty()) {
    server->files_ = std::make_unique<tiles::DirectoryWriter>(config.tiles_dir);
  }
  server->service_ = std::make_unique<LogService>(
      server->store_.get(), server->admission_.get(), config.limits, config.clock);
  LogServer* server_ptr = server.get();
  if (config.metrics != nullptr) {
    server->service_->ObserveStreamEntries(
        [server_ptr](absl::StatusCode code) { server_ptr->ObserveStreamEntry(code); });
  }
  server->config_ = std::move(config);
  const LogServerConfig& cfg = server->config_;
  if (cfg.metrics != nullptr) {
    if (absl::Status s = server->InstallMetrics(cfg.metrics); !s.ok()) return s;
  }
  if (lease == nullptr) {
    if (absl::Status s = server->StartSequencing(); !s.ok()) return s;
  } else {
    if (absl::Status s = server->RefreshFollower(); !s.ok()) return s;
    server->service_->Follow(
        [server_ptr] {
          absl::MutexLock lock(&server_ptr->lease_mu_);
          return server_ptr->follower_latest_;
        },
        [server_ptr] { return server_ptr->NotLeader(); }, cfg.witness_policy.has_value());
  }

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
      cfg.listen, cfg.credentials ? cfg.credentials : grpc::InsecureServerCredentials(),
      &port);
  builder.RegisterService(server->service_.get());
  builder.RegisterService(server->health_.get());
  AnswerMalformedRequestsWithInvalidArgument(builder);
  builder.SetMaxReceiveMessageSize(cfg.max_receive_message_bytes);
  if (cfg.metrics != nullptr) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(metrics::CallObserverInterceptor(
        [server_ptr](absl::string_view method, grpc::StatusCode code,
                     absl::Duration elapsed) {
          server_ptr->ObserveCall(method, code, elapsed);
        }));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
  }
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", cfg.listen,
                     " (address in use or invalid?)"));
  }
  std::string host = cfg.listen.substr(0, cfg.listen.rfind(':'));
  server->address_ = absl::StrCat(host, ":", port);
  if (lease != nullptr) {
    if (server->config_.advertise.empty()) server->config_.advertise = server->address_;
    if (server->config_.lease_poll <= absl::ZeroDuration()) {
      server->config_.lease_poll = lease->ttl() / 3;
    }
    server->leadership_ = std::thread([server_ptr] { server_ptr->LeadOrFollow(); });
  }
  return server;
}

absl::Status LogServer::StartSequencing() {
  LogServerConfig& config = config_;
  std::unique_ptr<witnessing::Witnessing> witnessing;
  sequencer::IntegratorOptions integrator_options = config.integrator;
  if (config.witness_policy.has_value()) {
    absl::StatusOr<std::unique_ptr<witnessing::Witnessing>> started =
        witnessing::Witnessing::Start(*config.witness_policy, config.log_signer->verifier(),
                                      store_.get(), files_.get(), config.witness_post,
                                      config.witnessing, config.metrics);
    if (!started.ok()) return started.status();
    witnessing = *std::move(started);
    integrator_options.publish_checkpoint_file = false;
    integrator_options.on_checkpoint = [w = witnessing.get()](sequencer::CheckpointPtr cp) {
      w->Notify(std::move(cp));
    };
  }
  absl::StatusOr<std::unique_ptr<sequencer::Integrator>> integrator =
      sequencer::Integrator::Start(store_.get(), *config.log_signer, config.origin,
                                   files_.get(), integrator_options);
  if (!integrator.ok()) return integrator.status();
  if (witnessing != nullptr) witnessing->Notify((*integrator)->latest());
  absl::StatusOr<std::unique_ptr<sequencer::Sequencer>> sequencer =
      sequencer::Sequencer::Start(store_.get(), admission_.get(), config.sequencer);
  if (!sequencer.ok()) return sequencer.status();
  sequencer::Integrator* integrator_ptr = integrator->get();
  (*sequencer)->SetListener([this, integrator_ptr](uint64_t size) {
    integrator_ptr->NotifySequenced(size);
    ObserveIntegration(size);
  });
  witnessing_ = std::move(witnessing);
  integrator_ = *std::move(integrator);
  sequencer_ = *std::move(sequencer);
  service_->Lead(sequencer_.get(), integrator_.get(), witnessing_.get());
  absl::MutexLock lock(&lease_mu_);
  sequencing_ = true;
  return absl::OkStatus();
}

bool LogServer::WaitUntilSequencing(absl::Duration timeout) {
  absl::MutexLock lock(&lease_mu_);
  auto sequencing = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(lease_mu_) { return sequencing_; };
  return lease_mu_.AwaitWithTimeout(absl::Condition(&sequencing), timeout);
}

absl::Status LogServer::RefreshFollower() {
  absl::StatusOr<storage::TreeState> state = store_->ReadTreeState();
  if (!state.ok()) return state.status();
  auto latest = std::make_shared<sequencer::PublishedCheckpoint>();
  latest->size = state->size;
  latest->root = state->root;
  latest->note = std::move(state->checkpoint);
  absl::MutexLock lock(&lease_mu_);
  // The tree only grows; a read from a lagging moment must not shrink it.
  if (follower_latest_ == nullptr || latest->size >= follower_latest_->size) {
    follower_latest_ = std::move(latest);
  }
  return absl::OkStatus();
}

absl::Status LogServer::NotLeader() {
  absl::MutexLock lock(&lease_mu_);
  if (leader_.live && !leader_.holder.empty()) {
    return absl::UnavailableError(absl::StrCat(
        "this instance of the log does not sequence; send writes to the leader at ",
        leader_.holder, " (lease epoch ", leader_.epoch, ")"));
  }
  return absl::UnavailableError(
      "no instance of the log holds the sequencer lease at the moment; retry in a few "
      "seconds");
}

void LogServer::LeadOrFollow() {
  storage::Lease* lease = store_->lease();
  uint64_t leading_epoch = 0;
  absl::Time renewed = absl::InfinitePast();
  // The first round runs at once, so that a lone instance leads at start.
  for (bool first = true;; first = false) {
    if (!first) {
      absl::MutexLock lock(&lease_mu_);
      auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(lease_mu_) { return stopping_; };
      if (lease_mu_.AwaitWithTimeout(absl::Condition(&stopping), config_.lease_poll)) return;
    }
    if (leading_epoch != 0) {
      // A commit that found the lease taken over leaves no epoch: never
      // take the lease again with this process's stale state.
      absl::StatusOr<bool> held =
          lease->epoch() == leading_epoch ? lease->Acquire(config_.advertise) : false;
      if (held.ok() && *held && lease->epoch() == leading_epoch) {
        renewed = absl::Now();
        continue;
      }
      if (held.ok()) {
        const absl::Status lost = absl::FailedPreconditionError(absl::StrCat(
            "another instance took the sequencer lease of epoch ", leading_epoch,
            " over; this one stops"));
        logging::Error(lost.message(), {{"advertise", config_.advertise}});
        config_.on_lease_lost(lost);
        return;
      }
      // The database is unreachable: fencing keeps a lapsed lease from
      // writing, and the next renewal says whether it was lost.
      logging::Warning("cannot renew the sequencer lease",
                       {{"error", std::string(held.status().message())},
                        {"since_renewed", absl::FormatDuration(absl::Now() - renewed)}});
      continue;
    }
    if (absl::Status s = RefreshFollower(); !s.ok()) {
      logging::Warning("cannot read the newest checkpoint",
                       {{"error", std::string(s.message())}});
    }
    absl::StatusOr<bool> held = lease->Acquire(config_.advertise);
    if (!held.ok()) {
      logging::Warning("cannot reach the sequencer lease",
                       {{"error", std::string(held.status().message())}});
      continue;
    }
    if (!*held) {
      absl::StatusOr<storage::Lease::HolderInfo> holder = lease->Holder();
      if (holder.ok()) {
        absl::MutexLock lock(&lease_mu_);
        leader_ = *std::move(holder);
      }
      continue;
    }
    const uint64_t epoch = lease->epoch();
    if (absl::Status s = StartSequencing(); !s.ok()) {
      logging::Error("took the sequencer lease but cannot start sequencing; giving it up",
                     {{"error", std::string(s.message())}});
      lease->Release().IgnoreError();
      continue;
    }
    leading_epoch = epoch;
    renewed = absl::Now();
    {
      absl::MutexLock lock(&lease_mu_);
      leader_ = storage::Lease::HolderInfo{config_.advertise, epoch, true};
    }
    logging::Info("this instance now sequences the log",
                  {{"advertise", config_.advertise}, {"epoch", absl::StrCat(epoch)}});
  }
}

namespace {
constexpr char kTreeSize[] = "candor_log_tree_size";
constexpr char kCheckpointAge[] = "candor_log_checkpoint_age_seconds";
constexpr char kStorageBytes[] = "candor_log_storage_bytes";
constexpr char kLogService[] = "/candor.log.v1.Log/";
}  // namespace

absl::Status LogServer::InstallMetrics(metrics::Registry* registry) {
  registry_ = registry;
  checkpoint_time_ = absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch());
  ASSIGN_OR_RETURN_METRIC(calls_, registry->AddCounter(
      "candor_log_grpc_calls_total",
      "gRPC calls the log answered, by method and status code.", {"method", "code"}));
  ASSIGN_OR_RETURN_METRIC(admissions_, registry->AddCounter(
      "candor_log_admissions_total",
      "Entries submitted, by outcome (admitted: sequenced or a duplicate; "
      "refused) and gRPC status code: one per AddEntry call, one per entry of "
      "an AddEntries stream, and one for a stream refused or ended by an error.",
      {"outcome", "code"}));
  ASSIGN_OR_RETURN_METRIC(admission_seconds_, registry->AddHistogram(
      "candor_log_admission_duration_seconds",
      "Time to answer AddEntry calls (with inclusion if asked), by method.",
      {"method"}, metrics::LatencyBuckets()));
  metrics::Family<metrics::Histogram>* integration;
  ASSIGN_OR_RETURN_METRIC(integration, registry->AddHistogram(
      "candor_log_integration_duration_seconds",
      "Time from durable sequencing of a batch of entries to the signed "
      "checkpoint that includes it.",
      {}, metrics::LatencyBuckets()));
  integration_seconds_ = integration->WithLabels({});
  ASSIGN_OR_RETURN_METRIC(proofs_, registry->AddCounter(
      "candor_log_proofs_served_total", "Proofs served, by kind.", {"kind"}));
  ASSIGN_OR_RETURN_METRIC(rate_limited_, registry->AddCounter(
      "candor_log_rate_limited_total",
      "Calls refused with RESOURCE_EXHAUSTED (rate and stream limits), by method.",
      {"method"}));
  LogService* service = service_.get();
  storage::LogStore* store = store_.get();
  callbacks_.push_back(kTreeSize);
  RETURN_IF_METRIC_ERROR(registry->AddGaugeCallback(
      kTreeSize, "Entries in the latest signed checkpoint.", [service] {
        sequencer::CheckpointPtr cp = service->latest();
        return cp == nullptr ? 0.0 : static_cast<double>(cp->size);
      }));
  callbacks_.push_back(kCheckpointAge);
  RETURN_IF_METRIC_ERROR(registry->AddGaugeCallback(
      kCheckpointAge,
      "Seconds since the latest checkpoint was signed (since start for the one "
      "found at start).",
      [this] {
        return absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()) -
               checkpoint_time_.load();
      }));
  callbacks_.push_back(kStorageBytes);
  RETURN_IF_METRIC_ERROR(registry->AddGaugeCallback(
      kStorageBytes,
      "The storage engine's estimate of the log's bytes on disk (RocksDB: "
      "rocksdb.estimate-live-data-size; PostgreSQL: pg_total_relation_size).",
      [store] {
        absl::StatusOr<uint64_t> bytes = store->EstimatedLiveBytes();
        return bytes.ok() ? static_cast<double>(*bytes) : std::nan("");
      }));
  return absl::OkStatus();
}

void LogServer::ObserveStreamEntry(absl::StatusCode code) {
  const char* code_name = metrics::StatusCodeName(static_cast<grpc::StatusCode>(code));
  admissions_->WithLabels({code == absl::StatusCode::kOk ? "admitted" : "refused", code_name})
      ->Increment();
}

void LogServer::ObserveCall(absl::string_view method, grpc::StatusCode code,
                            absl::Duration elapsed) {
  const char* code_name = metrics::StatusCodeName(code);
  absl::string_view name = method;
  if (absl::StartsWith(name, kLogService)) name.remove_prefix(strlen(kLogService));
  calls_->WithLabels({std::string(method), code_name})->Increment();
  // A stream's entries are counted one by one (ObserveStreamEntry); the
  // stream itself only when it fails as a whole.
  if (name == "AddEntry" || (name == "AddEntries" && code != grpc::StatusCode::OK)) {
    admissions_->WithLabels({code == grpc::StatusCode::OK ? "admitted" : "refused",
                             code_name})
        ->Increment();
  }
  if (name == "AddEntry") {
    admission_seconds_->WithLabels({"AddEntry"})->Observe(absl::ToDoubleSeconds(elapsed));
  }
  if (code == grpc::StatusCode::OK && name == "GetInclusionProof") {
    proofs_->WithLabels({"inclusion"})->Increment();
  }
  if (code == grpc::StatusCode::OK && name == "GetConsistencyProof") {
    proofs_->WithLabels({"consistency"})->Increment();
  }
  if (code == grpc::StatusCode::RESOURCE_EXHAUSTED) {
    rate_limited_->WithLabels({std::string(name)})->Increment();
  }
}

void LogServer::ObserveIntegration(uint64_t size) {
  if (integration_seconds_ == nullptr || size == 0) return;
  absl::Time start = absl::Now();
  metrics::Histogram* histogram = integration_seconds_;
  std::atomic<double>* checkpoint_time = &checkpoint_time_;
  // Fails with UNAVAILABLE at shutdown, which observes nothing.
  integrator_->WaitForInclusion(
      size - 1, absl::InfiniteFuture(),
      [start, histogram, checkpoint_time](absl::StatusOr<sequencer::CheckpointPtr> cp) {
        if (!cp.ok()) return;
        absl::Time now = absl::Now();
        histogram->Observe(absl::ToDoubleSeconds(now - start));
        checkpoint_time->store(absl::ToDoubleSeconds(now - absl::UnixEpoch()));
      });
}

void LogServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  {
    absl::MutexLock lock(&lease_mu_);
    stopping_ = true;
  }
  if (leadership_.joinable()) leadership_.join();
  RemoveMetricCallbacks();
  // Draining: health watchers see NOT_SERVING (for "" and every service)
  // before the server stops taking calls.
  if (health_ != nullptr) health_->Shutdown();
  // Calls waiting for inclusion finish within one integration interval, as
  // the integrator keeps running until the server is down.
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  // The sequencer notifies the integrator, so it goes first.
  sequencer_.reset();
  integrator_.reset();
  witnessing_.reset();
  // Gives a shared store's lease up, so another instance leads at once.
  if (storage::Lease* lease = store_->lease(); lease != nullptr) {
    lease->Release().IgnoreError();
  }
}

void LogServer::Wait() { server_->Wait(); }

void LogServer::RemoveMetricCallbacks() {
  // The callbacks read the store and the integrator, which go next.
  if (registry_ == nullptr) return;
  for (const char* name : callbacks_) registry_->RemoveGaugeCallback(name);
  callbacks_.clear();
}

LogServer::~LogServer() {
  if (server_ != nullptr) Shutdown();
  RemoveMetricCallbacks();
}

}  // namespace candor::logserver
