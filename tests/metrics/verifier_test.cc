// candor-verifier's health and metrics on 127.0.0.1: every service name
// answers SERVING through a standard grpc.health.v1 stub, an unknown one
// NOT_FOUND, a draining verifier tells its watchers NOT_SERVING; its
// Prometheus metrics, scraped over HTTP, hold what its calls and its follower
// did and pass `promtool check metrics`.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/metrics/http_server.h"
#include "base/metrics/metrics.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "log/crypto/keys.h"
#include "proto/candor/verifier/v1/verifier.grpc.pb.h"
#include "proto/grpc/health/v1/health.grpc.pb.h"
#include "tests/support/log_fixture.h"
#include "tests/support/metrics_scrape.h"
#include "verifier/reference/ip_address.h"
#include "verifier/reference/ip_country.h"
#include "verifier/reference/organisations.h"
#include "verifier/reference/reference_data.h"
#include "verifier/reference/resolver.h"
#include "verifier/server/verifier_server.h"

namespace candor {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using ::candor::testing::MetricSample;
using ::candor::testing::PromtoolFindings;
using ::candor::testing::ScrapeMetrics;
using ::testing::HasSubstr;

const std::vector<std::string> kNames = {"", "candor.verifier.v1.Verifier",
                                         "grpc.health.v1.Health",
                                         "grpc.reflection.v1alpha.ServerReflection"};

std::unique_ptr<reference::PartsResolver> Tables() {
  absl::StatusOr<reference::PublicSuffixList> psl = reference::PublicSuffixList::Load();
  EXPECT_TRUE(psl.ok());
  absl::StatusOr<reference::LoadedOrganisations> orgs =
      reference::LoadOrganisations("", "", reference::OperatorMode::kExtend, *psl);
  EXPECT_TRUE(orgs.ok());
  absl::StatusOr<reference::IpCountryTable> ips = reference::IpCountryTable::FromRanges(
      {reference::IpCountryRange{*reference::ParseIpAddress("1.0.1.0"),
                                 *reference::ParseIpAddress("1.0.3.255"), "CN"}});
  EXPECT_TRUE(ips.ok());
  std::vector<reference::v1::ReferenceData> parts = *reference::SplitOrganisations(
      orgs->table, reference::TableInfo{orgs->version, orgs->source});
  std::vector<reference::v1::ReferenceData> ip_parts =
      *reference::SplitIpCountries(*ips, reference::TableInfo{"test", "test"});
  parts.insert(parts.end(), ip_parts.begin(), ip_parts.end());
  return *reference::PartsResolver::Create(*std::move(psl), std::move(parts));
}

std::unique_ptr<grpc::ClientContext> WithDeadline() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(2));
  return context;
}

class VerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(log_.Start().ok());
    verifier::VerifierServerConfig config;
    config.data_dir = absl::StrCat(::testing::TempDir(), "/metrics-verifier");
    config.log_address = log_.address();
    config.core.name = "watchdog";
    config.core.key = *PrivateKey::Generate(KeyType::kEd25519);
    config.core.log_key = log_.log_signer().verifier();
    config.core.admin_key = log_.admin_key().public_key();
    config.tables = Tables();
    config.metrics = &registry_;
    absl::StatusOr<std::unique_ptr<verifier::VerifierServer>> server =
        verifier::VerifierServer::Start(std::move(config));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    health_ = Health::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  metrics::Registry registry_;  // outlives the server
  testing::LogFixture log_{{.name = "metrics-log"}};
  std::unique_ptr<verifier::VerifierServer> server_;
  std::unique_ptr<Health::Stub> health_;
};

TEST_F(VerifierTest, HealthAnswersEveryNameAndDrains) {
  for (const std::string& name : kNames) {
    HealthCheckRequest request;
    request.set_service(name);
    HealthCheckResponse response;
    auto context = WithDeadline();
    grpc::Status status = health_->Check(context.get(), request, &response);
    ASSERT_TRUE(status.ok()) << "\"" << name << "\": " << status.error_message();
    EXPECT_EQ(response.status(), HealthCheckResponse::SERVING) << "\"" << name << "\"";
  }
  HealthCheckRequest unknown;
  unknown.set_service("candor.log.v1.Log");  // the log's, not the verifier's
  HealthCheckResponse response;
  auto context = WithDeadline();
  grpc::Status status = health_->Check(context.get(), unknown, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "unknown service: candor.log.v1.Log");

  HealthCheckRequest all;
  auto watch_context = WithDeadline();
  auto reader = health_->Watch(watch_context.get(), all);
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  std::thread stopper([this] { server_->Shutdown(); });
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(reader->Read(&response));
  stopper.join();
}

TEST_F(VerifierTest, MetricsPassPromtool) {
  auto http = metrics::MetricsHttpServer::Start("127.0.0.1:0", &registry_);
  ASSERT_TRUE(http.ok()) << http.status();
  // A measurement that is not one: refused, and counted.
  auto stub = verifier::v1::Verifier::NewStub(
      grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  verifier::v1::SubmitMeasurementRequest request;
  request.set_envelope("not an envelope");
  verifier::v1::SubmitMeasurementResponse response;
  auto context = WithDeadline();
  EXPECT_EQ(stub->SubmitMeasurement(context.get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Two more rounds of following: the gauges are set after each.
  ASSERT_TRUE(server_->WaitForRounds(server_->rounds() + 2,
                                     absl::Now() + absl::Minutes(2)).ok());

  std::string text = ScrapeMetrics((*http)->address());
  EXPECT_GE(MetricSample(text, "candor_verifier_follow_rounds_total"), 2) << text;
  EXPECT_EQ(MetricSample(text, "candor_verifier_measurements_total{outcome=\"refused\",code="
                         "\"INVALID_ARGUMENT\"}"),
            1)
      << text;
  EXPECT_EQ(MetricSample(text, "candor_verifier_measurement_duration_seconds_count"), 1) << text;
  EXPECT_GE(MetricSample(text, "candor_verifier_followed_size"), 0) << text;
  EXPECT_GE(MetricSample(text, "candor_verifier_follower_lag_entries"), 0) << text;
  EXPECT_EQ(MetricSample(text, "candor_verifier_equivocation_detected"), 0) << text;
  EXPECT_THAT(text, HasSubstr("# TYPE candor_verifier_findings_published_total counter\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE candor_verifier_measurement_verdicts_total counter\n"));

  EXPECT_EQ(PromtoolFindings(text), "") << "promtool's findings on:\n" << text;
}

}  // namespace
}  // namespace candor
