// Scrapes a running candor-log's metrics over HTTP on 127.0.0.1, checks the
// values its calls should have produced, and has Prometheus' own
// `promtool check metrics` (Debian's `prometheus` package) check the output.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/metrics/http_server.h"
#include "base/metrics/metrics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/log_fixture.h"

namespace candor {
namespace {

using ::testing::HasSubstr;

constexpr char kPromtool[] = "/usr/bin/promtool";

// GET /metrics; the body, or "" on any failure (with a test failure).
std::string Scrape(const std::string& address) {
  int port = 0;
  EXPECT_TRUE(absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port));
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  timeval timeout{120, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ADD_FAILURE() << "cannot connect to " << address;
    close(fd);
    return "";
  }
  std::string request = "GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n";
  EXPECT_EQ(send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  std::string response;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) response.append(buf, n);
  close(fd);
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 200 OK\r\n")) << response;
  EXPECT_THAT(response,
              HasSubstr("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
  size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

// The value of the sample line that starts with `series` + " ", or -1.
double Sample(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  size_t start = at + series.size() + 2;
  double v = -1;
  if (!absl::SimpleAtod(text.substr(start, text.find('\n', start) - start), &v)) return -1;
  return v;
}

TEST(MetricsScrape, LogMetricsPassPromtool) {
  ASSERT_EQ(access(kPromtool, X_OK), 0)
      << kPromtool << " is missing: install Debian's `prometheus` package "
      << "(third_party/setup.sh does)";
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
    text = Scrape((*http)->address());
  } while (Sample(text, "candor_log_integration_duration_seconds_count") < 1 &&
           absl::Now() < deadline);
  EXPECT_GE(Sample(text, "candor_log_integration_duration_seconds_count"), 1) << text;
  EXPECT_EQ(Sample(text, "candor_log_tree_size"), 2) << text;
  EXPECT_EQ(Sample(text, "candor_log_admissions_total{outcome=\"admitted\",code=\"OK\"}"),
            2)
      << text;
  EXPECT_EQ(Sample(text, "candor_log_admissions_total{outcome=\"refused\",code="
                         "\"INVALID_ARGUMENT\"}"),
            1)
      << text;
  EXPECT_EQ(Sample(text, "candor_log_proofs_served_total{kind=\"inclusion\"}"), 1) << text;
  EXPECT_EQ(Sample(text, "candor_log_proofs_served_total{kind=\"consistency\"}"), 1)
      << text;
  EXPECT_EQ(Sample(text, "candor_log_admission_duration_seconds_count{method=\"AddEntry\"}"),
            3)
      << text;
  EXPECT_GE(Sample(text, "candor_log_checkpoint_age_seconds"), 0) << text;
  EXPECT_GE(Sample(text, "candor_log_storage_bytes"), 0) << text;
  EXPECT_THAT(text, HasSubstr("# TYPE candor_log_admission_duration_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("candor_log_admission_duration_seconds_bucket{method="
                              "\"AddEntry\",le=\"+Inf\"} 3\n"));

  std::string file = ::testing::TempDir() + "/metrics.txt";
  std::ofstream(file) << text;
  std::string command = absl::StrCat(kPromtool, " check metrics < ", file, " 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  int status = pclose(pipe);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "") << "promtool's findings on:\n" << text;

  // After the server stops, its callbacks are gone: the scrape still works.
  log.Stop();
  std::string after = Scrape((*http)->address());
  EXPECT_EQ(Sample(after, "candor_log_tree_size"), -1) << after;
  EXPECT_EQ(Sample(after, "candor_log_proofs_served_total{kind=\"inclusion\"}"), 1);
}

}  // namespace
}  // namespace candor
