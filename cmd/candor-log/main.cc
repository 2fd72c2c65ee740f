// candor-log: the Candor transparency log server.
//
//   candor-log --data_dir=DIR --listen=127.0.0.1:0 --origin=NAME
//       --log_key=NAME.key --admin_pub=admin.pub [--tiles_dir=DIR]
//       [--max_time_skew=5m] [--witness_policy=FILE]
//   candor-log --storage=postgresql://USER@HOST:PORT,HOST2:PORT2/DB ...
//
// Prints the bound address alone on the first line of stdout; logs go to
// stderr as JSON lines. SIGTERM or SIGINT shuts it down cleanly. On
// PostgreSQL, several instances share the database (one sequences, see
// log/server/log_server.h); an instance whose sequencer lease was taken
// over exits with status 3.


#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/metrics/http_server.h"
#include "base/metrics/metrics.h"
#include "log/admission/admission.h"
#include "log/keyfile/keyfile.h"
#include "log/note/policy.h"
#include "log/witness/witness_client.h"
#include "log/logging/logging.h"
#include "log/server/log_server.h"
#include "log/server/shutdown.h"
#include "log/storage/postgres_store.h"
#include "log/tls/tls.h"
#include "verifier/predicates/predicates.h"

ABSL_FLAG(std::string, data_dir, "", "RocksDB directory of the log (created if missing)");
ABSL_FLAG(std::string, storage, "",
          "instead of --data_dir: a PostgreSQL URI (postgresql://user@host:port[,host2:port2]"
          "/db?...), whose database several instances may share");
ABSL_FLAG(std::string, advertise, "",
          "with --storage: the host:port writers are sent to while this instance "
          "sequences (default: the bound address)");
ABSL_FLAG(absl::Duration, lease_ttl, absl::Seconds(5),
          "with --storage: how long the sequencer lease lasts unrenewed (it is renewed "
          "every third of it); a dead leader is replaced within about this long");
ABSL_FLAG(int, pg_pool_size, 8, "with --storage: database connections at most");
ABSL_FLAG(absl::Duration, pg_timeout, absl::Seconds(10),
          "with --storage: deadline of each database call (connect, statement, pool wait)");
ABSL_FLAG(std::string, listen, "127.0.0.1:0",
          "host:port to serve gRPC on; port 0 picks a free port");
ABSL_FLAG(std::string, origin, "",
          "the log's origin line; defaults to the log key's name");
ABSL_FLAG(std::string, log_key, "", "the log's note signer key file (candor keygen)");
ABSL_FLAG(std::string, admin_pub, "",
          "the operator's admin public key, which signs registrations");
ABSL_FLAG(std::string, tiles_dir, "",
          "if set, publish every checkpoint as C2SP tlog-tiles files here");
ABSL_FLAG(int, batch_interval_ms, 250, "integrate sequenced entries at least this often");
ABSL_FLAG(std::string, tls_cert, "", "serve TLS with this PEM certificate chain");
ABSL_FLAG(std::string, tls_key, "", "the TLS certificate's private key (mode 0600)");
ABSL_FLAG(std::string, tls_client_ca, "",
          "check client certificates signed by this CA (e.g. operators')");
ABSL_FLAG(bool, tls_require_client_cert, false,
          "refuse clients without a certificate from --tls_client_ca");
ABSL_FLAG(std::string, metrics_addr, "",
          "serve Prometheus metrics at http://ADDR/metrics (host:port; off if empty)");
ABSL_FLAG(int, batch_size, 256, "integrate as soon as this many entries wait");
ABSL_FLAG(absl::Duration, max_time_skew, candor::admission::kDefaultMaxTimeSkew,
          "admit a statement only if every time it was signed with (a claim's or "
          "registration's issuedAt, the end of a measurement's run, a finding's "
          "issued_at) is within this of the log's clock, before or after");

ABSL_FLAG(std::string, witness_policy, "",
          "a C2SP tlog-policy file: every checkpoint is submitted to its witnesses "
          "that have a URL (http://host:port[/prefix], tlog-witness v1), and the "
          "cosigned one is published once it meets the quorum");
ABSL_FLAG(absl::Duration, witness_timeout, absl::Seconds(5),
          "deadline of each add-checkpoint request to a witness");
ABSL_FLAG(absl::Duration, witness_refresh, absl::Minutes(5),
          "resubmit the newest checkpoint this often when the log is idle, so "
          "that its cosignatures stay fresh");

namespace {

int Fail(absl::string_view message) {
  candor::logging::Error(message);
  std::cerr << "candor-log: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "candor-log --data_dir=DIR --log_key=FILE --admin_pub=FILE [--listen=HOST:PORT]");
  absl::ParseCommandLine(argc, argv);
  // Debian's abseil checks every lock acquisition for deadlock cycles (~4%
  // of the server's CPU under proof load, in perf); tests keep the check on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (absl::GetFlag(FLAGS_data_dir).empty() == absl::GetFlag(FLAGS_storage).empty() ||
      absl::GetFlag(FLAGS_log_key).empty() || absl::GetFlag(FLAGS_admin_pub).empty()) {
    std::cerr << "candor-log: --log_key, --admin_pub and one of --data_dir or --storage "
                 "are required\n";
    return 2;
  }
  if (!absl::GetFlag(FLAGS_storage).empty() &&
      !candor::storage::IsPostgresUri(absl::GetFlag(FLAGS_storage))) {
    std::cerr << "candor-log: --storage takes a postgresql:// URI; give a directory "
                 "with --data_dir\n";
    return 2;
  }
  if (absl::GetFlag(FLAGS_lease_ttl) < absl::Seconds(1) ||
      absl::GetFlag(FLAGS_pg_timeout) <= absl::ZeroDuration() ||
      absl::GetFlag(FLAGS_pg_pool_size) < 2) {
    std::cerr << "candor-log: --lease_ttl must be at least 1s, --pg_timeout positive and "
                 "--pg_pool_size at least 2\n";
    return 2;
  }

  candor::logserver::BlockShutdownSignals();

  candor::logserver::LogServerConfig config;
  config.storage = absl::GetFlag(FLAGS_storage).empty() ? absl::GetFlag(FLAGS_data_dir)
                                                       : absl::GetFlag(FLAGS_storage);
  config.advertise = absl::GetFlag(FLAGS_advertise);
  config.store.postgres.pool_size = absl::GetFlag(FLAGS_pg_pool_size);
  config.store.postgres.call_timeout = absl::GetFlag(FLAGS_pg_timeout);
  config.store.postgres.lease_ttl = absl::GetFlag(FLAGS_lease_ttl);
  config.on_lease_lost = [](const absl::Status& why) {
    // Crash-only: everything acknowledged is committed, and this process's
    // sequencer state belongs to a tree another instance now writes.
    std::cerr << "candor-log: " << why.message() << "\n";
    std::_Exit(3);
  };
  config.listen = absl::GetFlag(FLAGS_listen);
  config.tiles_dir = absl::GetFlag(FLAGS_tiles_dir);
  config.integrator.interval = absl::Milliseconds(absl::GetFlag(FLAGS_batch_interval_ms));
  config.integrator.batch_entries = absl::GetFlag(FLAGS_batch_size);
  if (absl::GetFlag(FLAGS_max_time_skew) <= absl::ZeroDuration()) {
    std::cerr << "candor-log: --max_time_skew must be positive, e.g. 5m\n";
    return 2;
  }
  config.admission.max_time_skew = absl::GetFlag(FLAGS_max_time_skew);

  if (!absl::GetFlag(FLAGS_tls_cert).empty()) {
    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
        candor::tls::ServerCredentials({absl::GetFlag(FLAGS_tls_cert),
                                        absl::GetFlag(FLAGS_tls_key),
                                        absl::GetFlag(FLAGS_tls_client_ca),
                                        absl::GetFlag(FLAGS_tls_require_client_cert)});
    if (!credentials.ok()) return Fail(credentials.status().ToString());
    config.credentials = *std::move(credentials);
  }

  absl::StatusOr<candor::note::Signer> signer =
      candor::keyfile::ReadNoteSigner(absl::GetFlag(FLAGS_log_key));
  if (!signer.ok()) return Fail(signer.status().ToString());
  absl::StatusOr<candor::PublicKey> admin =
      candor::keyfile::ReadPublicKey(absl::GetFlag(FLAGS_admin_pub));
  if (!admin.ok()) return Fail(admin.status().ToString());
  config.origin = absl::GetFlag(FLAGS_origin).empty() ? signer->name()
                                                      : absl::GetFlag(FLAGS_origin);
  config.log_signer = *std::move(signer);
  config.admin_key = *std::move(admin);

  if (const std::string path = absl::GetFlag(FLAGS_witness_policy); !path.empty()) {
    absl::StatusOr<std::string> text = candor::keyfile::ReadSmallFile(path);
    if (!text.ok()) return Fail(text.status().ToString());
    absl::StatusOr<candor::note::Policy> policy = candor::note::Policy::Parse(*text);
    if (!policy.ok()) return Fail(absl::StrCat(path, ": ", policy.status().message()));
    for (const candor::note::PolicyWitness& w : policy->witnesses()) {
      if (w.url.empty()) continue;
      if (absl::Status s = candor::witness_client::ParseWitnessUrl(w.url).status(); !s.ok()) {
        return Fail(absl::StrCat(path, ": witness ", w.name, ": ", s.message()));
      }
    }
    config.witness_policy = *std::move(policy);
    config.witness_post = candor::witness_client::HttpPostFunction();
    config.witnessing.request_timeout = absl::GetFlag(FLAGS_witness_timeout);
    config.witnessing.refresh_interval = absl::GetFlag(FLAGS_witness_refresh);
  }

  // Outlives the server, which registers its metrics here.
  candor::metrics::Registry metrics;
  absl::StatusOr<std::unique_ptr<candor::metrics::MetricsHttpServer>> started =
      candor::metrics::MetricsHttpServer::StartIfAddress(absl::GetFlag(FLAGS_metrics_addr),
                                                         &metrics);
  if (!started.ok()) return Fail(started.status().ToString());
  std::unique_ptr<candor::metrics::MetricsHttpServer> metrics_server = *std::move(started);
  if (metrics_server != nullptr) config.metrics = &metrics;

  auto validators = std::make_unique<candor::admission::ValidatorRegistry>();
  if (absl::Status s = candor::predicates::RegisterStatementValidators(*validators); !s.ok()) {
    return Fail(s.ToString());
  }
  absl::StatusOr<std::unique_ptr<candor::logserver::LogServer>> server =
      candor::logserver::LogServer::Start(std::move(config), std::move(validators));
  if (!server.ok()) return Fail(server.status().ToString());

  std::cout << (*server)->address() << std::endl;
  candor::logging::Info("candor-log serving",
                        {{"address", (*server)->address()},
                         {"origin", absl::GetFlag(FLAGS_origin)},
                         {"data_dir", absl::GetFlag(FLAGS_data_dir)},
                         {"storage", absl::GetFlag(FLAGS_storage).empty() ? "rocksdb"
                                                                           : "postgresql"},
                         {"metrics_address",
                          metrics_server ? metrics_server->address() : ""}});

  candor::logserver::ServeUntilSignalled([&server] { (*server)->Wait(); },
                                      [&server] { (*server)->Shutdown(); });
  server->reset();
  candor::logging::Info("stopped");
  return 0;
}
