#include "tests/support/log_fixture.h"

#include <filesystem>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "log/statement/statement.h"
#include "verifier/predicates/predicates.h"

namespace candor::testing {
namespace {

class TestValidator : public admission::PredicateValidator {
 public:
  registry::Role signer_role() const override { return registry::v1::VENDOR; }
  absl::Status Validate(const SignedStatement& s,
                        const admission::ValidationContext&) const override {
    if (s.statement.predicate_json.empty() ||
        s.statement.predicate_json[0] != '{') {
      return absl::InvalidArgumentError("test predicate must be an object");
    }
    return absl::OkStatus();
  }
};

}  // namespace

std::unique_ptr<admission::PredicateValidator> NewTestValidator() {
  return std::make_unique<TestValidator>();
}

LogFixture::LogFixture(LogFixtureOptions options)
    : options_(std::move(options)),
      data_dir_(absl::StrCat(::testing::TempDir(), "/", options_.name)),
      log_signer_(options_.keys_from != nullptr
                      ? options_.keys_from->log_signer()
                      : *note::Signer::Generate("example.com/candor-test")),
      admin_key_(options_.keys_from != nullptr ? options_.keys_from->admin_key()
                                               : *PrivateKey::Generate(KeyType::kEd25519)) {
  if (options_.fresh) std::filesystem::remove_all(data_dir_);
}

LogFixture::~LogFixture() { Stop(); }

absl::Status LogFixture::Start() {
  Stop();
  logserver::LogServerConfig config;
  config.storage = options_.storage.empty() ? data_dir_ : options_.storage;
  config.on_lease_lost = [](const absl::Status& why) {
    ADD_FAILURE() << "the test's log lost its sequencer lease: " << why;
  };
  config.origin = log_signer_.name();
  config.log_signer = log_signer_;
  config.admin_key = admin_key_.public_key();
  if (options_.with_tiles) config.tiles_dir = tiles_dir();
  config.integrator.interval = options_.batch_interval;
  config.integrator.batch_entries = options_.batch_entries;
  config.credentials = options_.server_credentials;
  config.limits = options_.limits;
  config.clock = options_.clock;
  config.admission = options_.admission;
  config.store.rocksdb.env = options_.env;
  config.metrics = options_.metrics;
  config.witness_policy = options_.witness_policy;
  config.witness_post = options_.witness_post;
  config.witnessing = options_.witnessing;
  auto validators = std::make_unique<admission::ValidatorRegistry>();
  if (absl::Status s = predicates::RegisterStatementValidators(*validators); !s.ok()) return s;
  validators->Register(kTestPredicateType, NewTestValidator());
  absl::StatusOr<std::unique_ptr<logserver::LogServer>> server =
      logserver::LogServer::Start(std::move(config), std::move(validators));
  if (!server.ok()) return server.status();
  server_ = *std::move(server);
  if (!server_->WaitUntilSequencing(absl::Seconds(60))) {
    return absl::DeadlineExceededError("the log did not take the sequencer lease in 60 s");
  }
  client::ClientOptions client_options;
  client_options.timeout = absl::Seconds(30);
  client_options.credentials = options_.client_credentials;
  client_ = std::make_unique<client::LogClient>(server_->address(), client_options);
  return absl::OkStatus();
}

void LogFixture::Stop() {
  client_.reset();
  server_.reset();
}

std::string LogFixture::RegistrationEntry(
    const registry::Registration& registration) const {
  return *registry::SignRegistration(registration, options_.clock(), admin_key_);
}

absl::StatusOr<PrivateKey> LogFixture::RegisterVendor(const std::string& name) {
  absl::StatusOr<PrivateKey> key = PrivateKey::Generate(KeyType::kEd25519);
  if (!key.ok()) return key.status();
  registry::Registration r;
  r.set_name(name);
  r.set_role(registry::v1::VENDOR);
  r.add_public_keys(key->public_key().Pem());
  r.mutable_scope()->add_apps("android:com.example.app");
  absl::StatusOr<log::v1::AddEntryResponse> added =
      client_->AddEntry(RegistrationEntry(r), /*wait_for_inclusion=*/false);
  if (!added.ok()) return added.status();
  return key;
}

std::string LogFixture::TestEntry(const PrivateKey& key, int n) {
  Statement st;
  st.subjects.push_back(NamedSubject("android:com.example.app"));
  st.predicate_type = kTestPredicateType;
  st.predicate_json = absl::StrCat("{\"n\":", n, "}");
  return *SignStatement(st, key);
}

absl::Status LogFixture::WaitForSize(uint64_t size, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (server_->integrator()->latest()->size >= size) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(10));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("tree did not reach size ", size));
}

}  // namespace candor::testing
