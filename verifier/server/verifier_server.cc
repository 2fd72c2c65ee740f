#include "verifier/server/verifier_server.h"

#include "verifier/site/site_writer.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/metrics/grpc_metrics.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server_builder.h"
#include "log/logging/logging.h"
#include "log/server/grpc_status.h"
#include "log/server/malformed_requests.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "verifier/claim/claim.h"
#include "verifier/claim/history.h"
#include "verifier/site/site_writer.h"

namespace candor::verifier {
namespace {

namespace fpb = ::candor::finding::v1;
namespace vpb = ::candor::verifier::v1;

}  // namespace

class VerifierServer::Service final : public vpb::Verifier::Service {
 public:
  explicit Service(VerifierServer* server) : server_(server) {}

  grpc::Status SubmitMeasurement(grpc::ServerContext* context,
                                 const vpb::SubmitMeasurementRequest* request,
                                 vpb::SubmitMeasurementResponse* response) override {
    absl::StatusOr<SignedStatement> st = ParseSignedStatement(request->envelope());
    if (!st.ok()) return ToGrpcStatus(st.status());
    if (st->statement.predicate_type != kMeasurementType) {
      return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
          "submit measurements here (", kMeasurementType, "), not ",
          st->statement.predicate_type)));
    }
    measurement::v1::Measurement m;
    if (absl::Status s = ParsePredicate(st->statement.predicate_json, m); !s.ok()) {
      return ToGrpcStatus(s);
    }
    absl::StatusOr<log::v1::AddEntryResponse> added =
        server_->log_->AddEntry(request->envelope(), /*wait_for_inclusion=*/true);
    if (!added.ok()) return ToGrpcStatus(added.status());
    response->set_index(added->index());
    response->set_leaf_hash(added->leaf_hash());
    response->set_duplicate(added->duplicate());
    response->set_checkpoint(added->checkpoint());
    response->set_tree_size(added->tree_size());
    *response->mutable_inclusion_proof() = added->inclusion_proof();

    absl::Time deadline =
        std::min(absl::FromChrono(context->deadline()), absl::Now() + absl::Seconds(30));
    if (absl::Status s = server_->WaitFollowed(added->index(), deadline); !s.ok()) {
      return ToGrpcStatus(s);
    }
    absl::MutexLock lock(&server_->mu_);
    absl::StatusOr<std::vector<Evaluation>> evaluations =
        server_->core_->EvaluateApp(m.app());
    if (!evaluations.ok()) return ToGrpcStatus(evaluations.status());
    for (const Evaluation& e : *evaluations) {
      bool ours = false;
      for (const auto& input : e.measurements) ours |= input.ref.index() == added->index();
      if (!ours) continue;
      // The vendor's own claim names the response; recordings only if none.
      if (!response->has_claim() || e.claim.recorder.empty()) {
        response->set_has_claim(true);
        response->set_claim_index(e.claim.ref.index());
      }
      for (const evaluate::AssertionResult& r : e.results) {
        vpb::AssertionEvaluation* a = response->add_evaluations();
        a->set_claim_index(e.claim.ref.index());
        a->set_stands_against(e.claim.stands_against);
        a->set_assertion_id(r.assertion.id());
        a->set_verdict(r.verdict);
        a->set_confirmed(r.confirmed);
        a->set_contradicting_auditors(r.contradicting_auditors);
        std::vector<evaluate::MeasurementInput> cited;
        for (size_t i : r.cited) cited.push_back(e.measurements[i]);
        a->set_summary(evaluate::Summarize(e.claim, cited, r, server_->core_->quorum()));
        if (server_->verdicts_ != nullptr) {
          server_->verdicts_
              ->WithLabels({fpb::Verdict_Name(a->verdict()),
                            r.confirmed ? "true" : "false"})
              ->Increment();
        }
      }
    }
    return grpc::Status::OK;
  }

  grpc::Status ListApps(grpc::ServerContext*, const vpb::ListAppsRequest*,
                        vpb::ListAppsResponse* response) override {
    absl::StatusOr<std::vector<v1::AppRecord>> apps = server_->store_->ReadApps();
    if (!apps.ok()) return ToGrpcStatus(apps.status());
    for (const v1::AppRecord& app : *apps) {
      vpb::AppSummary* s = response->add_apps();
      s->set_app(app.app());
      s->set_claims(app.claims_size());
      s->set_measurements(app.measurements_size());
      s->set_findings(app.findings_size());
      std::vector<claim::ClaimRecord> claims;
      std::vector<std::string> vendors;
      for (uint64_t index : app.claims()) {
        absl::StatusOr<std::optional<v1::IndexedStatement>> st =
            server_->store_->ReadStatement(index);
        if (!st.ok() || !st->has_value()) continue;
        absl::StatusOr<claim::ClaimRecord> c =
            claim::ClaimRecordFromEntry(index, (*st)->entry());
        if (!c.ok() || c->signer != (*st)->signer()) continue;
        vendors.push_back(c->signer);
        claims.push_back(*std::move(c));
      }
      if (const claim::ClaimRecord* now = claim::ClaimInForce(claims, vendors, absl::Now())) {
        s->set_has_claim(true);
        s->set_claim_index(now->index);
      }
    }
    return grpc::Status::OK;
  }

  grpc::Status ListFindings(grpc::ServerContext*, const vpb::ListFindingsRequest* request,
                            vpb::ListFindingsResponse* response) override {
    absl::StatusOr<std::optional<v1::AppRecord>> app =
        server_->store_->ReadApp(request->app());
    if (!app.ok()) return ToGrpcStatus(app.status());
    if (!app->has_value()) {
      return ToGrpcStatus(absl::NotFoundError(
          absl::StrCat("the verifier has read nothing about ", request->app())));
    }
    for (uint64_t index : (*app)->findings()) {
      absl::StatusOr<std::optional<v1::IndexedStatement>> st =
          server_->store_->ReadStatement(index);
      if (!st.ok()) return ToGrpcStatus(st.status());
      if (!st->has_value()) continue;
      absl::StatusOr<SignedStatement> parsed = ParseSignedStatement((*st)->entry());
      fpb::Finding f;
      if (!parsed.ok() || !ParsePredicate(parsed->statement.predicate_json, f).ok()) continue;
      vpb::FindingSummary* s = response->add_findings();
      s->set_index(index);
      s->set_claim_index(f.claim().index());
      s->set_assertion_id(f.assertion().id());
      s->set_verdict(f.verdict());
      s->set_confirmed(f.confirmed());
      s->set_summary(f.summary());
      s->set_stands_against(f.stands_against().empty() ? "the vendor's signed claim"
                                                       : f.stands_against());
    }
    return grpc::Status::OK;
  }

  grpc::Status GetFindingBundle(grpc::ServerContext*,
                                const vpb::GetFindingBundleRequest* request,
                                vpb::GetFindingBundleResponse* response) override {
    absl::MutexLock lock(&server_->mu_);
    absl::StatusOr<fpb::FindingBundle> bundle = server_->core_->BuildBundle(request->index());
    if (!bundle.ok()) return ToGrpcStatus(bundle.status());
    *response->mutable_bundle() = *std::move(bundle);
    return grpc::Status::OK;
  }

  grpc::Status GetStatus(grpc::ServerContext*, const vpb::GetStatusRequest*,
                         vpb::GetStatusResponse* response) override {
    absl::MutexLock lock(&server_->mu_);
    response->set_checkpoint(server_->core_->checkpoint());
    response->set_followed_size(server_->core_->followed_size());
    if (const auto& e = server_->core_->equivocation()) {
      response->set_equivocation(absl::StrCat(e->reason, "\n--- earlier\n", e->older,
                                              "--- later\n", e->newer));
    }
    response->set_last_error(server_->last_error_);
    response->set_findings_published(server_->core_->findings_published());
    return grpc::Status::OK;
  }

 private:
  VerifierServer* server_;
};

absl::StatusOr<std::unique_ptr<VerifierServer>> VerifierServer::Start(
    VerifierServerConfig config) {
  if (config.tables == nullptr) {
    return absl::InvalidArgumentError("the verifier needs reference tables");
  }
  if (config.core.key && config.core.key->type() != KeyType::kEd25519) {
    // Findings and reference parts are re-signed after a restart; only a
    // deterministic signature makes them the same entries again.
    return absl::InvalidArgumentError("the verifier's signing key must be Ed25519");
  }
  auto server = std::unique_ptr<VerifierServer>(new VerifierServer());
  server->config_ = std::move(config);
  absl::StatusOr<std::unique_ptr<VerifierStore>> store =
      VerifierStore::Open(server->config_.data_dir);
  if (!store.ok()) return store.status();
  server->store_ = *std::move(store);
  client::ClientOptions options;
  options.timeout = absl::Seconds(60);
  options.credentials = server->config_.log_credentials;
  server->log_ = std::make_unique<client::LogClient>(server->config_.log_address, options);
  absl::StatusOr<std::unique_ptr<VerifierCore>> core = VerifierCore::Create(
      server->config_.core, server->store_.get(), server->log_.get(),
      server->config_.tables.get());
  if (!core.ok()) return core.status();
  {
    absl::MutexLock lock(&server->mu_);
    server->core_ = *std::move(core);
  }

  server->service_ = std::make_unique<Service>(server.get());
  // Our own health service (base/health), which reflection can describe,
  // instead of gRPC's default one.
  grpc::EnableDefaultHealthCheckService(false);
  server->health_ = std::make_unique<health::HealthService>(
      std::vector<std::string>{candor::verifier::v1::Verifier::service_full_name(),
                               grpc::health::v1::Health::service_full_name(),
                               "grpc.reflection.v1alpha.ServerReflection"});
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(server->config_.listen,
                           server->config_.credentials ? server->config_.credentials
                                                       : grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(server->service_.get());
  builder.RegisterService(server->health_.get());
  logserver::AnswerMalformedRequestsWithInvalidArgument(builder);
  builder.SetMaxReceiveMessageSize(1 << 20);
  if (server->config_.metrics != nullptr) {
    if (absl::Status s = server->InstallMetrics(server->config_.metrics); !s.ok()) {
      return s;
    }
    VerifierServer* server_ptr = server.get();
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
        absl::StrCat("cannot listen on ", server->config_.listen));
  }
  const std::string& listen = server->config_.listen;
  server->address_ = absl::StrCat(listen.substr(0, listen.rfind(':')), ":", port);
  if (!server->config_.http_addr.empty()) {
    client::LogClient* log = server->log_.get();
    absl::StatusOr<std::unique_ptr<site::SiteServer>> site_server = site::SiteServer::Start(
        server->config_.http_addr, [log](uint64_t old_size, uint64_t new_size) {
          return site::ConsistencyJson(*log, old_size, new_size);
        });
    if (!site_server.ok()) return site_server.status();
    server->site_server_ = *std::move(site_server);
  }
  if (!server->config_.site_dir.empty()) {
    absl::MutexLock lock(&server->mu_);
    // What an earlier run published there, so it stays provable.
    server->published_sizes_ = site::PublishedSizes(server->config_.site_dir);
  }
  server->follower_ = std::thread([s = server.get()] { s->Follow(); });
  return server;
}

void VerifierServer::Follow() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      absl::StatusOr<uint64_t> read = core_->Poll();
      if (!read.ok()) {
        std::string message(read.status().message());
        if (message != last_error_) {
          logging::Error("following the log", {{"error", message}});
        }
        last_error_ = std::move(message);
      } else {
        last_error_.clear();
      }
      const bool caught_up = !read.ok() || *read == 0;
      if (caught_up) RebuildSite();
      ++rounds_;
      ObserveRound();
      if (!caught_up) continue;  // more may be waiting
      // Sleep, but wake for shutdown.
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), config_.poll_interval);
    }
  }
}

void VerifierServer::RebuildSite() {
  if (site_server_ == nullptr && config_.site_dir.empty()) return;
  const uint64_t followed = core_->followed_size();
  const uint32_t findings = core_->findings_published();
  if (site_built_ && followed == site_followed_ && findings == site_findings_) return;
  const absl::Time now = config_.core.clock();
  if (now - site_built_at_ < config_.site_interval) return;  // a later round builds it
  site::SiteSources sources;
  sources.store = store_.get();
  sources.core = core_.get();
  sources.log = log_.get();
  sources.resolver = config_.tables.get();
  sources.config = config_.site;
  sources.published_sizes = published_sizes_;
  sources.now = absl::Now();
  absl::StatusOr<site::Site> built = site::BuildSite(sources);
  // Built under mu_, so gRPC handlers that wait for the follower wait for
  // this too: its duration is worth seeing.
  const absl::Duration took = absl::Now() - sources.now;
  if (!built.ok()) {
    // Tried again next round: the previous site stays up meanwhile.
    logging::Error("building the site", {{"error", std::string(built.status().message())}});
    return;
  }
  auto site = std::make_shared<const site::Site>(*std::move(built));
  if (!config_.site_dir.empty()) {
    if (absl::Status s = site::WriteSite(*site, config_.site_dir); !s.ok()) {
      logging::Error("writing the site", {{"error", std::string(s.message())},
                                          {"dir", config_.site_dir}});
      return;
    }
  }
  logging::Info("site built", {{"files", std::to_string(site->files.size())},
                               {"tree_size", std::to_string(site->tree_size)},
                               {"ms", std::to_string(absl::ToInt64Milliseconds(took))}});
  if (site->tree_size > 0) published_sizes_.insert(site->tree_size);
  // Consistency files are kept for the latest kKeptPublishedSizes sizes
  // only: each build writes one per size, so an unbounded set would make
  // builds ever slower. A browser that saw an older size is told the site
  // has no proof from it (over HTTP the log is asked instead).
  while (published_sizes_.size() > site::kKeptPublishedSizes) {
    const uint64_t oldest = *published_sizes_.begin();
    published_sizes_.erase(published_sizes_.begin());
    if (!config_.site_dir.empty()) site::RemoveConsistencyFile(config_.site_dir, oldest);
  }
  site_built_at_ = now;
  site_built_ = true;
  site_followed_ = followed;
  site_findings_ = findings;
  if (site_server_ != nullptr) site_server_->Publish(site);
  absl::MutexLock lock(&site_mu_);
  site_ = std::move(site);
}

std::string VerifierServer::site_address() const {
  return site_server_ == nullptr ? std::string() : site_server_->address();
}

std::shared_ptr<const site::Site> VerifierServer::site() const {
  absl::MutexLock lock(&site_mu_);
  return site_;
}

absl::Status VerifierServer::InstallMetrics(metrics::Registry* registry) {
  auto counter = [registry](const std::string& name, const std::string& help,
                            std::vector<std::string> labels,
                            metrics::Family<metrics::Counter>** out) -> absl::Status {
    absl::StatusOr<metrics::Family<metrics::Counter>*> f =
        registry->AddCounter(name, help, std::move(labels));
    if (!f.ok()) return f.status();
    *out = *f;
    return absl::OkStatus();
  };
  auto gauge = [registry](const std::string& name, const std::string& help,
                          metrics::Gauge** out) -> absl::Status {
    absl::StatusOr<metrics::Family<metrics::Gauge>*> f = registry->AddGauge(name, help);
    if (!f.ok()) return f.status();
    *out = (*f)->WithLabels({});
    return absl::OkStatus();
  };
  metrics::Family<metrics::Counter>* rounds = nullptr;
  absl::StatusOr<metrics::Family<metrics::Histogram>*> seconds = registry->AddHistogram(
      "candor_verifier_measurement_duration_seconds",
      "Time to answer SubmitMeasurement: logging the measurement, following the "
      "log to it and evaluating it.",
      {}, metrics::LatencyBuckets());
  if (!seconds.ok()) return seconds.status();
  measurement_seconds_ = (*seconds)->WithLabels({});
  for (absl::Status s : {
           counter("candor_verifier_grpc_calls_total",
                   "gRPC calls the verifier answered, by method and status code.",
                   {"method", "code"}, &calls_),
           counter("candor_verifier_measurements_total",
                   "Measurements submitted, by outcome (accepted: logged and "
                   "evaluated; refused) and gRPC status code.",
                   {"outcome", "code"}, &measurements_),
           counter("candor_verifier_measurement_verdicts_total",
                   "Assertions evaluated against submitted measurements, by verdict "
                   "and whether the quorum confirmed it.",
                   {"verdict", "confirmed"}, &verdicts_),
           counter("candor_verifier_follow_rounds_total",
                   "Rounds of following the log (each asks for a new checkpoint).", {},
                   &rounds),
           counter("candor_verifier_findings_published_total",
                   "Findings the verifier signed and logged, by verdict and whether "
                   "the quorum confirmed it.",
                   {"verdict", "confirmed"}, &findings_total_),
           gauge("candor_verifier_followed_size",
                 "Entries of the log the verifier has read.", &followed_size_),
           gauge("candor_verifier_log_tree_size",
                 "Entries in the log's latest checkpoint the verifier verified.",
                 &log_size_),
           gauge("candor_verifier_follower_lag_entries",
                 "Entries in the log's latest checkpoint not yet read.", &lag_),
           gauge("candor_verifier_equivocation_detected",
                 "1 if the log was caught equivocating (the follower stopped).",
                 &equivocation_),
       }) {
    if (!s.ok()) return s;
  }
  rounds_total_ = rounds->WithLabels({});
  return absl::OkStatus();
}

void VerifierServer::ObserveRound() {
  if (rounds_total_ == nullptr) return;
  rounds_total_->Increment();
  uint64_t followed = core_->followed_size();
  // A checkpoint's second line is its tree size.
  std::vector<std::string> lines = absl::StrSplit(core_->checkpoint(), '\n');
  uint64_t size = 0;
  if (lines.size() < 2 || !absl::SimpleAtoi(lines[1], &size)) size = followed;
  followed_size_->Set(static_cast<double>(followed));
  log_size_->Set(static_cast<double>(size));
  lag_->Set(size > followed ? static_cast<double>(size - followed) : 0.0);
  equivocation_->Set(core_->equivocation() ? 1 : 0);
  for (const auto& [key, count] : core_->findings_by_verdict()) {
    uint32_t& seen = findings_seen_[key];
    if (count <= seen) continue;
    size_t slash = key.find('/');
    findings_total_
        ->WithLabels({key.substr(0, slash),
                      key.substr(slash + 1) == "confirmed" ? "true" : "false"})
        ->Increment(count - seen);
    seen = count;
  }
}

void VerifierServer::ObserveCall(absl::string_view method, grpc::StatusCode code,
                                 absl::Duration elapsed) {
  const char* code_name = metrics::StatusCodeName(code);
  calls_->WithLabels({std::string(method), code_name})->Increment();
  if (method == "/candor.verifier.v1.Verifier/SubmitMeasurement") {
    measurements_
        ->WithLabels({code == grpc::StatusCode::OK ? "accepted" : "refused", code_name})
        ->Increment();
    measurement_seconds_->Observe(absl::ToDoubleSeconds(elapsed));
  }
}

absl::Status VerifierServer::WaitFollowed(uint64_t index, absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto followed = [this, index]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || core_->followed_size() > index;
  };
  if (!mu_.AwaitWithDeadline(absl::Condition(&followed), deadline)) {
    return absl::DeadlineExceededError(absl::StrCat(
        "entry ", index, " is in the log, but the verifier has not read it yet; ",
        "ask for its findings later"));
  }
  if (stopping_) return absl::UnavailableError("the verifier is shutting down");
  return absl::OkStatus();
}

uint64_t VerifierServer::rounds() {
  absl::MutexLock lock(&mu_);
  return rounds_;
}

absl::Status VerifierServer::WaitForRounds(uint64_t rounds, absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  auto done = [this, rounds]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || rounds_ >= rounds;
  };
  if (!mu_.AwaitWithDeadline(absl::Condition(&done), deadline)) {
    return absl::DeadlineExceededError(
        absl::StrCat("the verifier completed ", rounds_, " of ", rounds,
                     " rounds of following the log before the deadline"));
  }
  if (stopping_) return absl::UnavailableError("the verifier is shutting down");
  return absl::OkStatus();
}

void VerifierServer::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  // Draining: health watchers see NOT_SERVING (for "" and every service)
  // before the server stops taking calls.
  if (health_ != nullptr) health_->Shutdown();
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (follower_.joinable()) follower_.join();
}

void VerifierServer::Wait() { server_->Wait(); }

VerifierServer::~VerifierServer() {
  if (server_ != nullptr) Shutdown();
}

}  // namespace candor::verifier
