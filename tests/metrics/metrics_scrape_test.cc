// Scrapes a running candor-log's metrics over HTTP on 127.0.0.1, checks the
// values its calls should have produced, and has Prometheus' own
// `promtool check metrics` (Debian's `prometheus` package) check the output.

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/metrics/http_server.h"
#include "base/metrics/metrics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/log_fixture.h"
#include "tests/support/metrics_scrape.h"

namespace candor {
namespace {

using ::candor::testing::MetricSample;
using ::candor::testing::PromtoolFindings;
using ::candor::testing::ScrapeMetrics;
using ::testing::HasSubstr;

TEST(MetricsScrape, LogMetricsPassPromtool) {
  metrics::Registry registry;
  testing::LogFixtureOptions options;
  options.metrics = &registry;
  testing::LogFixture log(options);
  ASSERT_TRUE(log.Start().ok());
  auto http = metrics::MetricsHttpServer::Start("127.0.0.1:0", &registry);
  ASSERT_TRUE(http.ok()) << http.status();

  absl::StatusOr<PrivateKey> key = log.RegisterVendor("example");  // entry 0
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<log::v1::AddEntryResponse> added =
      log.client().AddEntry(testing::LogFixture::TestEntry(*key, 1), true);
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_EQ(added->index(), 1u);
  EXPECT_EQ(log.client().AddEntry("not an envelope", false).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A stream's entries count one by one: a new one, a refused one, a
  // duplicate.
  {
    grpc::ClientContext context;
    log.client().SetDeadline(context);
    auto stream = log.client().stub().AddEntries(&context);
    for (const std::string& e : {testing::LogFixture::TestEntry(*key, 2), std::string("garbage"),
                                 testing::LogFixture::TestEntry(*key, 2)}) {
      log::v1::AddEntryRequest request;
      request.set_entry(e);
      ASSERT_TRUE(stream->Write(request));
    }
    stream->WritesDone();
    log::v1::AddEntriesResponse response;
    int responses = 0;
    while (stream->Read(&response)) ++responses;
    ASSERT_TRUE(stream->Finish().ok());
    ASSERT_EQ(responses, 3);
  }
  log::v1::GetInclusionProofRequest inclusion;
  inclusion.set_index(1);
  inclusion.set_tree_size(2);
  ASSERT_TRUE(log.client().GetInclusionProof(inclusion).ok());
  ASSERT_TRUE(log.client().GetConsistencyProof(1, 2).ok());

  // The integration histogram is fed when the checkpoint is signed, on the
  // integrator's thread, possibly just after the add returned: scrape until
  // it shows, within minutes.
  std::string text;
  absl::Time deadline = absl::Now() + absl::Minutes(2);
  do {
    text = ScrapeMetrics((*http)->address());
  } while ((MetricSample(text, "candor_log_integration_duration_seconds_count") < 1 ||
            MetricSample(text, "candor_log_tree_size") < 3) &&
           absl::Now() < deadline);
  EXPECT_GE(MetricSample(text, "candor_log_integration_duration_seconds_count"), 1) << text;
  EXPECT_EQ(MetricSample(text, "candor_log_tree_size"), 3) << text;
  // Two AddEntry calls and two stream entries admitted (one a duplicate);
  // one call and one stream entry refused.
  EXPECT_EQ(MetricSample(text, "candor_log_admissions_total{outcome=\"admitted\",code=\"OK\"}"),
            4)
      << text;
  EXPECT_EQ(MetricSample(text, "candor_log_admissions_total{outcome=\"refused\",code="
                         "\"INVALID_ARGUMENT\"}"),
            2)
      << text;
  EXPECT_EQ(MetricSample(text, "candor_log_proofs_served_total{kind=\"inclusion\"}"), 1) << text;
  EXPECT_EQ(MetricSample(text, "candor_log_proofs_served_total{kind=\"consistency\"}"), 1)
      << text;
  EXPECT_EQ(MetricSample(text, "candor_log_admission_duration_seconds_count{method=\"AddEntry\"}"),
            3)
      << text;
  EXPECT_GE(MetricSample(text, "candor_log_checkpoint_age_seconds"), 0) << text;
  EXPECT_GE(MetricSample(text, "candor_log_storage_bytes"), 0) << text;
  EXPECT_THAT(text, HasSubstr("# TYPE candor_log_admission_duration_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("candor_log_admission_duration_seconds_bucket{method="
                              "\"AddEntry\",le=\"+Inf\"} 3\n"));

  EXPECT_EQ(PromtoolFindings(text), "") << "promtool's findings on:\n" << text;

  // After the server stops, its callbacks are gone: the scrape still works.
  log.Stop();
  std::string after = ScrapeMetrics((*http)->address());
  EXPECT_EQ(MetricSample(after, "candor_log_tree_size"), -1) << after;
  EXPECT_EQ(MetricSample(after, "candor_log_proofs_served_total{kind=\"inclusion\"}"), 1);
}

}  // namespace
}  // namespace candor
