// candor-witness: a C2SP tlog-witness v1 witness.
//
//   candor-witness --key=witness.key --logs=logs.policy --data_dir=DIR
//       [--listen=127.0.0.1:0] [--metrics_addr=HOST:PORT]
//       [--rate_per_second=20] [--rate_burst=100] [--workers=4]
//   candor-witness --generate_key=witness.key --name=witness.example/w1
//
// --logs is a C2SP tlog-policy file whose "log <vkey> [<url>]" lines are the
// logs witnessed (it needs its quorum line; "quorum none" will do).
// Once serving, prints "candor-witness listening on <host:port>" as the first
// line of stdout (then "candor-witness metrics on <host:port>" if
// --metrics_addr is set);
// logs go to stderr as JSON lines. SIGTERM or SIGINT shuts it down cleanly.

#include <cstdio>
#include <iostream>
#include <memory>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "base/http/http_server.h"
#include "base/metrics/http_server.h"
#include "base/metrics/metrics.h"
#include "log/keyfile/keyfile.h"
#include "log/logging/logging.h"
#include "log/note/note.h"
#include "log/server/shutdown.h"
#include "witness/witness.h"
#include "witness/witness_http.h"
#include "witness/witness_store.h"

ABSL_FLAG(std::string, key, "",
          "the witness's cosigner key file (PRIVATE+KEY+..., tlog-cosignature "
          "algorithm 0x04; mode 0600)");
ABSL_FLAG(std::string, logs, "",
          "C2SP tlog-policy file whose \"log\" lines are the logs to witness");
ABSL_FLAG(std::string, data_dir, "", "RocksDB directory of the witness (created if missing)");
ABSL_FLAG(std::string, listen, "127.0.0.1:0",
          "host:port to serve the tlog-witness HTTP API on; port 0 picks a free port");
ABSL_FLAG(std::string, metrics_addr, "",
          "serve Prometheus metrics at http://ADDR/metrics (host:port; off if empty)");
ABSL_FLAG(double, rate_per_second, 20, "requests per second allowed per client IP");
ABSL_FLAG(double, rate_burst, 100, "burst of requests allowed per client IP");
ABSL_FLAG(int, workers, 4, "threads answering requests");
ABSL_FLAG(std::string, generate_key, "",
          "write a new cosigner key to this file (mode 0600), print its verifier "
          "key on stdout, and exit");
ABSL_FLAG(std::string, name, "", "the witness's name, with --generate_key");

namespace {

int Fail(absl::string_view message) {
  candor::logging::Error(message);
  std::cerr << "candor-witness: " << message << "\n";
  return 1;
}

int GenerateKey() {
  absl::StatusOr<candor::note::Signer> key =
      candor::note::Signer::GenerateCosigner(absl::GetFlag(FLAGS_name));
  if (!key.ok()) return Fail(key.status().ToString());
  absl::Status written = candor::keyfile::WriteSecretFile(
      absl::GetFlag(FLAGS_generate_key), key->EncodedKey() + "\n");
  if (!written.ok()) return Fail(written.ToString());
  std::cout << key->verifier().EncodedKey() << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "candor-witness --key=FILE --logs=FILE --data_dir=DIR [--listen=HOST:PORT]\n"
      "candor-witness --generate_key=FILE --name=NAME");
  absl::ParseCommandLine(argc, argv);
  if (!absl::GetFlag(FLAGS_generate_key).empty()) return GenerateKey();
  candor::logserver::BlockShutdownSignals();
  if (absl::GetFlag(FLAGS_key).empty() || absl::GetFlag(FLAGS_logs).empty() ||
      absl::GetFlag(FLAGS_data_dir).empty()) {
    return Fail("--key, --logs and --data_dir are required");
  }

  absl::StatusOr<candor::note::Signer> key =
      candor::keyfile::ReadCosignerSigner(absl::GetFlag(FLAGS_key));
  if (!key.ok()) return Fail(key.status().ToString());
  absl::StatusOr<std::string> policy =
      candor::keyfile::ReadSmallFile(absl::GetFlag(FLAGS_logs));
  if (!policy.ok()) return Fail(policy.status().ToString());
  absl::StatusOr<std::vector<candor::note::Verifier>> logs =
      candor::witness::LogsFromPolicy(*policy);
  if (!logs.ok()) return Fail(absl::StrCat(absl::GetFlag(FLAGS_logs), ": ",
                                           logs.status().ToString()));

  absl::StatusOr<std::unique_ptr<candor::witness::WitnessStore>> store =
      candor::witness::WitnessStore::Open(absl::GetFlag(FLAGS_data_dir));
  if (!store.ok()) return Fail(store.status().ToString());

  // Outlives everything that registers metrics in it.
  candor::metrics::Registry metrics;
  candor::witness::WitnessOptions options;
  options.metrics = &metrics;
  absl::StatusOr<std::unique_ptr<candor::witness::Witness>> witness =
      candor::witness::Witness::Create(*key, *logs, store->get(), options);
  if (!witness.ok()) return Fail(witness.status().ToString());
  candor::witness::WitnessHttpOptions http_options;
  http_options.limits.per_second = absl::GetFlag(FLAGS_rate_per_second);
  http_options.limits.burst = absl::GetFlag(FLAGS_rate_burst);
  http_options.metrics = &metrics;
  absl::StatusOr<std::unique_ptr<candor::witness::WitnessHttp>> api =
      candor::witness::WitnessHttp::Create(witness->get(), http_options);
  if (!api.ok()) return Fail(api.status().ToString());

  absl::StatusOr<std::unique_ptr<candor::metrics::MetricsHttpServer>> started =
      candor::metrics::MetricsHttpServer::StartIfAddress(absl::GetFlag(FLAGS_metrics_addr),
                                                         &metrics);
  if (!started.ok()) return Fail(started.status().ToString());
  std::unique_ptr<candor::metrics::MetricsHttpServer> metrics_server = *std::move(started);

  candor::http::HttpServerOptions server_options;
  server_options.name = "witness";
  server_options.workers = absl::GetFlag(FLAGS_workers);
  candor::witness::WitnessHttp* handler = api->get();
  absl::StatusOr<std::unique_ptr<candor::http::HttpServer>> server =
      candor::http::HttpServer::Start(
          absl::GetFlag(FLAGS_listen),
          [handler](const candor::http::HttpRequest& r) { return handler->Handle(r); },
          server_options);
  if (!server.ok()) return Fail(server.status().ToString());

  // The first line, for scripts that read one; then the metrics address.
  std::cout << "candor-witness listening on " << (*server)->address() << std::endl;
  if (metrics_server) {
    std::cout << "candor-witness metrics on " << metrics_server->address() << std::endl;
  }
  candor::logging::Info(
      "candor-witness serving",
      {{"address", (*server)->address()},
       {"witness", (*witness)->verifier().EncodedKey()},
       {"logs", absl::StrCat(logs->size())},
       {"data_dir", absl::GetFlag(FLAGS_data_dir)},
       {"metrics_address", metrics_server ? metrics_server->address() : ""}});

  absl::Notification stop;
  candor::logserver::ServeUntilSignalled([&stop] { stop.WaitForNotification(); },
                                         [&stop] { stop.Notify(); });
  // Stops accepting, waits for running requests (each one's write is synced
  // before it answers), then closes the store.
  server->reset();
  metrics_server.reset();
  candor::logging::Info("stopped");
  return 0;
}
