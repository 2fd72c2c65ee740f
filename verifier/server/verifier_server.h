// candor-verifier assembled: its store, the core that follows the log and
// publishes findings (on its own thread), and the candor.verifier.v1 gRPC
// service, with health checking (base/health: every service name,
// NOT_SERVING while draining) and reflection.
//
// Thread-safe. Handlers that must wait (SubmitMeasurement waits for the log
// and for the follower) run on gRPC's synchronous thread pool, never on a
// reactor; every wait has a deadline.

#ifndef CANDOR_VERIFIER_SERVER_VERIFIER_SERVER_H_
#define CANDOR_VERIFIER_SERVER_VERIFIER_SERVER_H_

#include <map>
#include <set>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "base/health/health_service.h"
#include "base/metrics/metrics.h"
#include "grpcpp/server.h"
#include "log/client/log_client.h"
#include "proto/candor/verifier/v1/verifier.grpc.pb.h"
#include "verifier/reference/resolver.h"
#include "verifier/server/verifier_core.h"
#include "verifier/server/verifier_store.h"
#include "verifier/site/site.h"
#include "verifier/site/site_server.h"

namespace candor::verifier {

struct VerifierServerConfig {
  std::string data_dir;
  std::string listen = "127.0.0.1:0";
  std::string log_address;
  CoreConfig core;
  std::unique_ptr<reference::PartsResolver> tables;
  absl::Duration poll_interval = absl::Milliseconds(500);
  std::shared_ptr<grpc::ServerCredentials> credentials;      // plaintext if null
  std::shared_ptr<grpc::ChannelCredentials> log_credentials;  // plaintext if null
  // Where the verifier's metrics go (the candor_verifier_* families, see
  // README.md's "Metrics and health"); none if null. Not owned; must outlive
  // the server. Serve it with metrics::MetricsHttpServer.
  metrics::Registry* metrics = nullptr;
  // The public site (verifier/site/API.md): served over plain HTTP on
  // `http_addr` ("host:port"; none if empty) and written under `site_dir`
  // (none if empty). `site` holds the key and policy texts it shows. It is
  // rebuilt once the follower has caught up after reading entries or
  // publishing findings, at most once per `site_interval` (by the core's
  // clock): a build reads every app's entries and asks the log for their
  // proofs, so neither a catch-up over millions of entries nor a busy log
  // rebuilds it per round.
  std::string http_addr;
  std::string site_dir;
  site::SiteConfig site;
  absl::Duration site_interval = absl::Seconds(5);
};

class VerifierServer {
 public:
  static absl::StatusOr<std::unique_ptr<VerifierServer>> Start(
      VerifierServerConfig config);
  ~VerifierServer();

  const std::string& address() const { return address_; }
  void Shutdown();
  void Wait();

  // Rounds of following the log completed since start (each asks the log for
  // a new checkpoint and reads what it has), and a wait for the count to
  // reach `rounds`: lets a caller in the same process see that the verifier
  // looked again, without guessing how long that takes. DEADLINE_EXCEEDED at
  // `deadline`; UNAVAILABLE once the server is shutting down.
  // "host:port" the site is served on; empty without config.http_addr.
  std::string site_address() const;
  // The site as last built; null before the first build. A rebuild that
  // fails (the log unreachable for a proof) keeps the previous one, logged.
  std::shared_ptr<const site::Site> site() const;

  uint64_t rounds();
  absl::Status WaitForRounds(uint64_t rounds, absl::Time deadline);

 private:
  class Service;
  VerifierServer() = default;
  void Follow();
  absl::Status InstallMetrics(metrics::Registry* registry);
  // After a round of following: sizes, lag, findings. Requires mu_.
  void ObserveRound() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Rebuilds the site if the round changed what it shows; logs failures.
  void RebuildSite() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ObserveCall(absl::string_view method, grpc::StatusCode code,
                   absl::Duration elapsed);
  // Waits until the follower has read entry `index`.
  absl::Status WaitFollowed(uint64_t index, absl::Time deadline);

  VerifierServerConfig config_;
  std::string address_;
  std::unique_ptr<VerifierStore> store_;
  std::unique_ptr<client::LogClient> log_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<health::HealthService> health_;
  std::unique_ptr<grpc::Server> server_;

  absl::Mutex mu_;
  std::unique_ptr<VerifierCore> core_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::string last_error_ ABSL_GUARDED_BY(mu_);
  uint64_t rounds_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread follower_;

  // The site: built on the follower thread under mu_ (the core is not
  // thread-safe), read by HTTP workers and callers through site_mu_ only.
  std::unique_ptr<site::SiteServer> site_server_;
  bool site_built_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time site_built_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  uint64_t site_followed_ ABSL_GUARDED_BY(mu_) = 0;
  uint32_t site_findings_ ABSL_GUARDED_BY(mu_) = 0;
  std::set<uint64_t> published_sizes_ ABSL_GUARDED_BY(mu_);
  mutable absl::Mutex site_mu_ ABSL_ACQUIRED_AFTER(mu_);
  std::shared_ptr<const site::Site> site_ ABSL_GUARDED_BY(site_mu_);

  // Metrics (null without a registry); the families are the registry's.
  metrics::Family<metrics::Counter>* calls_ = nullptr;
  metrics::Family<metrics::Counter>* measurements_ = nullptr;
  metrics::Histogram* measurement_seconds_ = nullptr;
  metrics::Family<metrics::Counter>* verdicts_ = nullptr;
  metrics::Gauge* followed_size_ = nullptr;
  metrics::Gauge* log_size_ = nullptr;
  metrics::Gauge* lag_ = nullptr;
  metrics::Gauge* equivocation_ = nullptr;
  metrics::Counter* rounds_total_ = nullptr;
  metrics::Family<metrics::Counter>* findings_total_ = nullptr;
  // What findings_total_ holds, by the core's "VERDICT/confirmed" keys.
  std::map<std::string, uint32_t> findings_seen_ ABSL_GUARDED_BY(mu_);
};

}  // namespace candor::verifier

#endif  // CANDOR_VERIFIER_SERVER_VERIFIER_SERVER_H_
