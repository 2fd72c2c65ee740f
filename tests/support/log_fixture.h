// An in-process candor-log on 127.0.0.1 with a temporary data directory, for
// integration tests that drive the real gRPC API. It admits what candor-log
// admits, plus a test predicate type signed by vendors. Creates the log's key
// and the operator's admin key, and can register principals and sign test
// statements.

#ifndef CANDOR_TESTS_SUPPORT_LOG_FIXTURE_H_
#define CANDOR_TESTS_SUPPORT_LOG_FIXTURE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "log/admission/admission.h"
#include "log/client/log_client.h"
#include "log/crypto/keys.h"
#include "log/note/note.h"
#include "log/note/policy.h"
#include "log/registry/registry.h"
#include "log/server/log_server.h"
#include "log/witness/witness_client.h"
#include "log/witness/witnessing.h"

namespace candor::testing {

// Statements of this type are admitted when signed by a vendor and their
// predicate is a JSON object.
inline constexpr char kTestPredicateType[] = "https://candor.dev/test/v1";

struct LogFixtureOptions {
  std::string name = "log";          // data directory name under TEST_TMPDIR
  bool fresh = true;                 // wipe the data directory first
  bool with_tiles = false;           // publish tlog-tiles under <dir>/tiles
  absl::Duration batch_interval = absl::Milliseconds(20);
  size_t batch_entries = 64;
  logserver::ServiceLimits limits;
  // The log's clock and time window for signed times (admission.h); the
  // fixture signs its registrations by this clock.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  admission::AdmissionOptions admission;
  // Where the server registers its metrics; none if null. Must outlive the
  // fixture's server.
  metrics::Registry* metrics = nullptr;
  // RocksDB environment (fault injection); the default if null.
  rocksdb::Env* env = nullptr;
  // A PostgreSQL URI to keep the log in instead of the data directory;
  // Start() returns once the server holds the sequencer lease.
  std::string storage;

  // TLS for the server and the fixture's client; plaintext if null.
  std::shared_ptr<grpc::ServerCredentials> server_credentials;
  std::shared_ptr<grpc::ChannelCredentials> client_credentials;
  // Witnesses to ask (LogServerConfig::witness_policy); none if unset.
  std::optional<note::Policy> witness_policy;
  witness_client::PostFunction witness_post;
  witnessing::WitnessingOptions witnessing;
  // Sign with this fixture's log key and trust its admin key (a second log
  // under the same keys: a fork); fresh keys if null.
  const class LogFixture* keys_from = nullptr;
};

class LogFixture {
 public:
  explicit LogFixture(LogFixtureOptions options = LogFixtureOptions());
  ~LogFixture();

  // Starts (or restarts) the server on the same directory and keys.
  absl::Status Start();
  void Stop();

  // The RocksDB environment for the next Start().
  void set_env(rocksdb::Env* env) { options_.env = env; }
  // The metrics registry for the next Start(); a registry takes the log's
  // metrics once, so a restart needs another one (or none).
  void set_metrics(metrics::Registry* registry) { options_.metrics = registry; }

  const std::string& address() const { return server_->address(); }
  logserver::LogServer& server() { return *server_; }
  client::LogClient& client() { return *client_; }
  const note::Signer& log_signer() const { return log_signer_; }
  const PrivateKey& admin_key() const { return admin_key_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string tiles_dir() const { return data_dir_ + "/tiles"; }

  // A registration entry for `name` with `keys`, signed by the admin key,
  // issued at the log's clock.
  std::string RegistrationEntry(const registry::Registration& registration) const;
  // Registers a vendor with one fresh key; returns the key.
  absl::StatusOr<PrivateKey> RegisterVendor(const std::string& name);
  // A test statement signed by `key`, distinct for each `n`.
  static std::string TestEntry(const PrivateKey& key, int n);

  // Waits until the latest checkpoint has at least `size` entries.
  absl::Status WaitForSize(uint64_t size, absl::Duration timeout = absl::Seconds(30));

 private:
  LogFixtureOptions options_;
  std::string data_dir_;
  note::Signer log_signer_;
  PrivateKey admin_key_;
  std::unique_ptr<logserver::LogServer> server_;
  std::unique_ptr<client::LogClient> client_;
};

// The validator behind kTestPredicateType.
std::unique_ptr<admission::PredicateValidator> NewTestValidator();

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_LOG_FIXTURE_H_
