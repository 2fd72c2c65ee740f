// candor-log assembled: the store, sequencer, integrator and gRPC service,
// with health checking (base/health: every service name, NOT_SERVING while
// draining) and reflection, listening on one address.
//
// On a store one process owns (RocksDB) the server sequences from the
// start. On a shared store (PostgreSQL, storage::Lease) every instance
// serves reads and proofs from the database, and one at a time sequences:
// a thread tries for the sequencer lease every `lease_poll`; the holder
// starts its integrator and sequencer (from the stored state, as at a
// restart) and renews the lease; the others refresh the checkpoint they
// serve from the store and answer writes with UNAVAILABLE naming the
// leader's address. An instance that finds its lease taken over calls
// on_lease_lost, which ends the process (its sequencer holds state of a
// tree another instance now writes; fencing already keeps it from writing).
//
// Thread-safe. Shutdown() (or destruction) stops accepting calls, lets calls
// in progress finish, then stops integration, gives up the lease and closes
// the store.

#ifndef CANDOR_LOG_SERVER_LOG_SERVER_H_
#define CANDOR_LOG_SERVER_LOG_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/security/server_credentials.h"
#include "base/health/health_service.h"
#include "base/metrics/metrics.h"
#include "grpcpp/server.h"
#include "log/admission/admission.h"
#include "log/crypto/keys.h"
#include "log/note/note.h"
#include "log/note/policy.h"
#include "log/sequencer/integrator.h"
#include "log/sequencer/sequencer.h"
#include "log/server/log_service.h"
#include "log/storage/log_store.h"
#include "log/storage/open_store.h"
#include "log/tiles/file_writer.h"
#include "log/witness/witness_client.h"
#include "log/witness/witnessing.h"

namespace candor::logserver {

struct LogServerConfig {
  // Where the log is kept: a RocksDB directory (created if missing), or a
  // PostgreSQL URI ("postgresql://..."; storage/open_store.h) that several
  // instances may share.
  std::string storage;
  // With a shared store: the address writers are sent to while this
  // instance sequences ("host:port"); the bound address if empty.
  std::string advertise;
  // With a shared store: how often followers refresh their checkpoint and
  // try for the lease, and the leader renews it; a third of the lease's
  // lifetime if zero.
  absl::Duration lease_poll = absl::ZeroDuration();
  // With a shared store, required: called once, on the leadership thread,
  // when this instance finds its lease taken over; must end the process.
  std::function<void(const absl::Status&)> on_lease_lost;
  // host:port; port 0 picks a free port (see LogServer::address()).
  std::string listen = "127.0.0.1:0";
  std::string origin;
  std::optional<note::Signer> log_signer;
  std::optional<PublicKey> admin_key;
  // If set, every checkpoint is also published here as tlog-tiles files.
  std::string tiles_dir;
  // What admission checks beyond signatures: the window for signed times.
  admission::AdmissionOptions admission;
  // The log's clock, which signed times are checked against; tests inject
  // one.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  sequencer::SequencerOptions sequencer;
  sequencer::IntegratorOptions integrator;
  ServiceLimits limits;
  // The store's identity function is always dsse::EntryIdentity.
  storage::StoreOptions store;
  // Insecure (plaintext) when null.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Largest gRPC message accepted: entries are at most 65,535 bytes; a bit
  // more lets the log answer an oversized entry with a precise error.
  int max_receive_message_bytes = 1 << 20;
  // Where the log's metrics go (the candor_log_* families, see README.md's
  // "Metrics and health"); none if null. Not owned; must outlive the server.
  // Serve it with metrics::MetricsHttpServer.
  metrics::Registry* metrics = nullptr;
  // Witnesses (log/witness/witnessing.h): with a policy whose quorum needs
  // cosignatures, every checkpoint is submitted to the policy's witnesses
  // that have a URL, through `witness_post`, and the tiles directory's
  // `checkpoint` is the newest witnessed one.
  std::optional<note::Policy> witness_policy;
  witness_client::PostFunction witness_post;
  witnessing::WitnessingOptions witnessing;
};

class LogServer {
 public:
  // Opens the store, resumes sequencing and integration, and starts serving.
  static absl::StatusOr<std::unique_ptr<LogServer>> Start(
      LogServerConfig config,
      std::unique_ptr<admission::ValidatorRegistry> validators);
  ~LogServer();

  // "host:port" actually bound.
  const std::string& address() const { return address_; }
  void Shutdown();
  // Blocks until Shutdown() is called from another thread.
  void Wait();

  // For tests and benchmarks in the same process; the integrator is null
  // while the instance does not sequence.
  storage::LogStore* store() { return store_.get(); }
  sequencer::Integrator* integrator() { return integrator_.get(); }
  // Null without a witness policy.
  witnessing::Witnessing* witnessing() { return witnessing_.get(); }
  // Blocks until this instance sequences (at once on a store one process
  // owns; once it holds the lease on a shared one); false after `timeout`.
  bool WaitUntilSequencing(absl::Duration timeout);

 private:
  LogServer() = default;
  // Starts the witnessing, integrator and sequencer and hands them to the
  // service; on error, nothing is started.
  absl::Status StartSequencing();
  // Reads the newest checkpoint from the store for a follower to serve.
  absl::Status RefreshFollower();
  // The leadership thread (shared stores only).
  void LeadOrFollow();
  absl::Status NotLeader();
  // Registers the log's metrics in `registry`; before the sequencer starts.
  absl::Status InstallMetrics(metrics::Registry* registry);
  // Times from durable sequencing of [.., size) to the checkpoint covering it.
  void ObserveIntegration(uint64_t size);
  // Takes the callback gauges out of the registry; idempotent.
  void RemoveMetricCallbacks();
  // Counts one entry of an AddEntries stream; thread-safe.
  void ObserveStreamEntry(absl::StatusCode code);
  // Feeds the call metrics; thread-safe.
  void ObserveCall(absl::string_view method, grpc::StatusCode code,
                   absl::Duration elapsed);

  std::string address_;
  LogServerConfig config_;
  std::unique_ptr<storage::LogStore> store_;
  std::unique_ptr<admission::ValidatorRegistry> validators_;
  std::unique_ptr<admission::Admission> admission_;
  std::unique_ptr<tiles::DirectoryWriter> files_;
  std::unique_ptr<sequencer::Sequencer> sequencer_;
  // Destroyed after the integrator, which notifies it.
  std::unique_ptr<witnessing::Witnessing> witnessing_;
  std::unique_ptr<sequencer::Integrator> integrator_;
  std::unique_ptr<LogService> service_;
  std::unique_ptr<health::HealthService> health_;
  std::unique_ptr<grpc::Server> server_;
  bool shut_down_ = false;

  // Leadership (shared stores).
  std::thread leadership_;
  absl::Mutex lease_mu_;
  bool stopping_ ABSL_GUARDED_BY(lease_mu_) = false;
  bool sequencing_ ABSL_GUARDED_BY(lease_mu_) = false;
  sequencer::CheckpointPtr follower_latest_ ABSL_GUARDED_BY(lease_mu_);
  storage::Lease::HolderInfo leader_ ABSL_GUARDED_BY(lease_mu_);

  // Metrics (null without a registry); the families are the registry's.
  metrics::Registry* registry_ = nullptr;
  metrics::Family<metrics::Counter>* admissions_ = nullptr;
  metrics::Family<metrics::Histogram>* admission_seconds_ = nullptr;
  metrics::Histogram* integration_seconds_ = nullptr;
  metrics::Family<metrics::Counter>* proofs_ = nullptr;
  metrics::Family<metrics::Counter>* rate_limited_ = nullptr;
  metrics::Family<metrics::Counter>* calls_ = nullptr;
  std::vector<const char*> callbacks_;  // callback gauges registered
  // Seconds since the epoch at which the latest checkpoint was signed (or
  // found at start).
  std::atomic<double> checkpoint_time_{0};
};

}  // namespace candor::logserver

#endif  // CANDOR_LOG_SERVER_LOG_SERVER_H_
