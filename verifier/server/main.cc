// candor-verifier: follows a Candor log, evaluates measurements against the
// claims in force, and publishes signed findings and the reference data
// they rest on.
//
//   candor-verifier --data_dir=DIR --log=HOST:PORT --log_pub=FILE
//       --admin_pub=FILE --name=NAME --key=FILE [--listen=127.0.0.1:0]
//       [--witness_policy=FILE [--max_cosignature_age=D]
//        [--max_cosignature_future=D]]
//       [--http_addr=HOST:PORT] [--site_dir=DIR]
//
// Prints the bound address alone on the first line of stdout once the
// reference data is published, then, with --http_addr, "site:
// http://HOST:PORT/" on the second; logs go to stderr as JSON lines. SIGTERM or
// SIGINT shuts it down cleanly.

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/metrics/http_server.h"
#include "base/metrics/metrics.h"
#include "log/keyfile/keyfile.h"
#include "log/logging/logging.h"
#include "log/proofs/checkpoint_checker.h"
#include "log/server/shutdown.h"
#include "log/tls/tls.h"
#include "verifier/geo/countries.h"
#include "verifier/reference/ip_country.h"
#include "verifier/reference/organisations.h"
#include "verifier/reference/resolver.h"
#include "verifier/server/verifier_server.h"

ABSL_FLAG(std::string, data_dir, "", "RocksDB directory of the verifier's index");
ABSL_FLAG(std::string, listen, "127.0.0.1:0",
          "host:port to serve gRPC on; port 0 picks a free port");
ABSL_FLAG(std::string, log, "", "the candor-log to follow, host:port");
ABSL_FLAG(std::string, log_pub, "", "the log's note verifier key file");
ABSL_FLAG(std::string, admin_pub, "", "the operator's admin public key");
ABSL_FLAG(std::string, witness_policy, "",
          "a C2SP tlog-policy file: follow only the log's witnessed checkpoints, "
          "refusing any below its quorum; finding bundles carry the cosigned checkpoint");
ABSL_FLAG(absl::Duration, max_cosignature_age, absl::InfiniteDuration(),
          "with --witness_policy: cosignatures older than this do not count");
ABSL_FLAG(absl::Duration, max_cosignature_future, absl::Minutes(10),
          "with --witness_policy: a cosignature dated more than this after now is refused");
ABSL_FLAG(std::string, name, "", "this verifier's registered principal name");
ABSL_FLAG(std::string, key, "", "this verifier's Ed25519 private key file");
ABSL_FLAG(int, quorum, 2,
          "distinct auditors whose measurements must contradict an assertion "
          "before a finding is confirmed");
ABSL_FLAG(std::string, organisations, "",
          "an operator organisations file (candor-organisations/v1)");
ABSL_FLAG(bool, replace_organisations, false,
          "use --organisations instead of the shipped table, not in addition");
ABSL_FLAG(std::string, shipped_organisations, "",
          "read the shipped organisations table from this file instead of the "
          "copy built into the binary");
ABSL_FLAG(std::string, ip_dir, "",
          "the IP-to-country dataset (default: where third_party/setup.sh puts it)");
ABSL_FLAG(std::string, psl, std::string(candor::reference::kDebianPslPath),
          "the Public Suffix List");
ABSL_FLAG(std::string, metrics_addr, "",
          "serve Prometheus metrics at http://ADDR/metrics (host:port; off if empty)");
ABSL_FLAG(std::string, http_addr, "",
          "serve the public site (verifier/site/API.md) over plain HTTP on host:port; "
          "port 0 picks one; printed as \"site: http://HOST:PORT/\" on stdout's second "
          "line (off if empty)");
ABSL_FLAG(std::string, site_dir, "",
          "also write the public site as static files under this directory, when it "
          "is rebuilt (off if empty)");
ABSL_FLAG(absl::Duration, site_interval, absl::Seconds(5),
          "rebuild the public site at most this often (once caught up with the log)");
ABSL_FLAG(int, poll_interval_ms, 500, "how often to ask the log for a new checkpoint");
ABSL_FLAG(std::string, tls_cert, "", "serve TLS with this PEM certificate chain");
ABSL_FLAG(std::string, tls_key, "", "the TLS certificate's private key (mode 0600)");
ABSL_FLAG(std::string, log_ca, "", "reach the log over TLS, trusting this PEM CA");
ABSL_FLAG(std::string, log_client_cert, "", "client certificate for the log's TLS");
ABSL_FLAG(std::string, log_client_key, "", "its private key (mode 0600)");

namespace {

int Fail(absl::string_view message) {
  candor::logging::Error(message);
  std::cerr << "candor-verifier: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "candor-verifier --data_dir=DIR --log=HOST:PORT --log_pub=FILE --admin_pub=FILE "
      "--name=NAME --key=FILE [--listen=HOST:PORT]");
  absl::ParseCommandLine(argc, argv);
  // Debian's abseil checks every lock acquisition for deadlock cycles (~4%
  // of the server's CPU under proof load, in perf); tests keep the check on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  for (const auto* flag : {&FLAGS_data_dir, &FLAGS_log, &FLAGS_log_pub, &FLAGS_admin_pub,
                           &FLAGS_name, &FLAGS_key}) {
    if (absl::GetFlag(*flag).empty()) {
      std::cerr << "candor-verifier: --data_dir, --log, --log_pub, --admin_pub, --name "
                   "and --key are required\n";
      return 2;
    }
  }
  // Evaluation judges country codes; without the table the verifier could
  // only abort later, on its first claim.
  if (absl::Status s = candor::geo::CheckCountries(); !s.ok()) {
    std::cerr << "candor-verifier: " << s.message()
              << " (third_party/setup.sh installs Debian's iso-codes)\n";
    return 1;
  }
  if (absl::GetFlag(FLAGS_quorum) < 1) {
    std::cerr << "candor-verifier: --quorum must be at least 1\n";
    return 2;
  }

  candor::logserver::BlockShutdownSignals();

  candor::verifier::VerifierServerConfig config;
  config.data_dir = absl::GetFlag(FLAGS_data_dir);
  config.listen = absl::GetFlag(FLAGS_listen);
  config.log_address = absl::GetFlag(FLAGS_log);
  config.poll_interval = absl::Milliseconds(absl::GetFlag(FLAGS_poll_interval_ms));
  config.core.name = absl::GetFlag(FLAGS_name);
  config.core.quorum = static_cast<uint32_t>(absl::GetFlag(FLAGS_quorum));

  absl::StatusOr<candor::PrivateKey> key =
      candor::keyfile::ReadPrivateKey(absl::GetFlag(FLAGS_key));
  if (!key.ok()) return Fail(key.status().ToString());
  config.core.key = *std::move(key);
  absl::StatusOr<candor::note::Verifier> log_key =
      candor::keyfile::ReadNoteVerifier(absl::GetFlag(FLAGS_log_pub));
  if (!log_key.ok()) return Fail(log_key.status().ToString());
  config.core.log_key = *std::move(log_key);
  if (!absl::GetFlag(FLAGS_witness_policy).empty()) {
    absl::StatusOr<candor::note::Policy> policy =
        candor::proofs::ReadWitnessPolicy(absl::GetFlag(FLAGS_witness_policy));
    if (!policy.ok()) return Fail(policy.status().ToString());
    config.core.witness_policy = *std::move(policy);
    config.core.cosignature_window.max_age = absl::GetFlag(FLAGS_max_cosignature_age);
    config.core.cosignature_window.max_future = absl::GetFlag(FLAGS_max_cosignature_future);
  }
  absl::StatusOr<candor::PublicKey> admin =
      candor::keyfile::ReadPublicKey(absl::GetFlag(FLAGS_admin_pub));
  if (!admin.ok()) return Fail(admin.status().ToString());
  config.core.admin_key = *std::move(admin);

  // The site shows the keys and policy as their files say them.
  config.http_addr = absl::GetFlag(FLAGS_http_addr);
  config.site_dir = absl::GetFlag(FLAGS_site_dir);
  config.site_interval = absl::GetFlag(FLAGS_site_interval);
  if (!config.http_addr.empty() || !config.site_dir.empty()) {
    for (auto [flag, out] : {std::pair{&FLAGS_log_pub, &config.site.log_key},
                             std::pair{&FLAGS_admin_pub, &config.site.admin_key_pem},
                             std::pair{&FLAGS_witness_policy, &config.site.witness_policy}}) {
      if (absl::GetFlag(*flag).empty()) continue;
      absl::StatusOr<std::string> text = candor::keyfile::ReadSmallFile(absl::GetFlag(*flag));
      if (!text.ok()) return Fail(text.status().ToString());
      *out = std::string(absl::StripTrailingAsciiWhitespace(*text));
    }
  }

  if (!absl::GetFlag(FLAGS_tls_cert).empty()) {
    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
        candor::tls::ServerCredentials(
            {absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key), "", false});
    if (!credentials.ok()) return Fail(credentials.status().ToString());
    config.credentials = *std::move(credentials);
  }
  if (!absl::GetFlag(FLAGS_log_ca).empty()) {
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
        candor::tls::ChannelCredentials({absl::GetFlag(FLAGS_log_ca),
                                         absl::GetFlag(FLAGS_log_client_cert),
                                         absl::GetFlag(FLAGS_log_client_key)});
    if (!credentials.ok()) return Fail(credentials.status().ToString());
    config.log_credentials = *std::move(credentials);
  }

  candor::reference::TableSources sources;
  sources.psl_path = absl::GetFlag(FLAGS_psl);
  // Empty: the table built into the binary, wherever it runs from.
  sources.shipped_organisations = absl::GetFlag(FLAGS_shipped_organisations);
  sources.operator_organisations = absl::GetFlag(FLAGS_organisations);
  sources.operator_mode = absl::GetFlag(FLAGS_replace_organisations)
                              ? candor::reference::OperatorMode::kReplace
                              : candor::reference::OperatorMode::kExtend;
  sources.ip_country_dir = absl::GetFlag(FLAGS_ip_dir).empty()
                               ? candor::reference::DefaultIpCountryDir()
                               : absl::GetFlag(FLAGS_ip_dir);
  absl::StatusOr<std::unique_ptr<candor::reference::PartsResolver>> tables =
      candor::reference::LoadVerifierTables(sources);
  if (!tables.ok()) return Fail(tables.status().ToString());
  config.tables = *std::move(tables);

  // Outlives the server, which registers its metrics here.
  candor::metrics::Registry metrics;
  absl::StatusOr<std::unique_ptr<candor::metrics::MetricsHttpServer>> started =
      candor::metrics::MetricsHttpServer::StartIfAddress(absl::GetFlag(FLAGS_metrics_addr),
                                                         &metrics);
  if (!started.ok()) return Fail(started.status().ToString());
  std::unique_ptr<candor::metrics::MetricsHttpServer> metrics_server = *std::move(started);
  if (metrics_server != nullptr) config.metrics = &metrics;

  absl::StatusOr<std::unique_ptr<candor::verifier::VerifierServer>> server =
      candor::verifier::VerifierServer::Start(std::move(config));
  if (!server.ok()) return Fail(server.status().ToString());

  // Both lines in one write, so that whoever sees the first sees the second.
  std::string ready = absl::StrCat((*server)->address(), "\n");
  if (!(*server)->site_address().empty()) {
    absl::StrAppend(&ready, "site: http://", (*server)->site_address(), "/\n");
  }
  std::cout << ready << std::flush;
  candor::logging::Info("candor-verifier serving",
                        {{"address", (*server)->address()},
                         {"log", absl::GetFlag(FLAGS_log)},
                         {"name", absl::GetFlag(FLAGS_name)},
                         {"metrics_address",
                          metrics_server ? metrics_server->address() : ""},
                         {"site_address", (*server)->site_address()}});

  candor::logserver::ServeUntilSignalled([&server] { (*server)->Wait(); },
                                      [&server] { (*server)->Shutdown(); });
  server->reset();
  candor::logging::Info("stopped");
  return 0;
}
