#include "tests/support/metrics_scrape.h"

#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/http/http_client.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace candor::testing {

std::string ScrapeMetrics(const std::string& address) {
  absl::StatusOr<http::HttpReply> reply =
      http::HttpGet(address, "/metrics", absl::Now() + absl::Minutes(2));
  if (!reply.ok()) {
    ADD_FAILURE() << "cannot scrape " << address << ": " << reply.status();
    return "";
  }
  EXPECT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(reply->content_type, "text/plain; version=0.0.4; charset=utf-8");
  return reply->body;
}

double MetricSample(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  const size_t start = at + series.size() + 2;
  double v = -1;
  if (!absl::SimpleAtod(text.substr(start, text.find('\n', start) - start), &v)) return -1;
  return v;
}

std::string PromtoolFindings(const std::string& text) {
  if (access(kPromtool, X_OK) != 0) {
    ADD_FAILURE() << kPromtool << " is missing: install Debian's `prometheus` package "
                  << "(third_party/setup.sh does)";
    return "";
  }
  absl::StatusOr<CommandResult> run = RunCommand({kPromtool, "check", "metrics"}, text);
  if (!run.ok()) {
    ADD_FAILURE() << "running promtool: " << run.status();
    return "";
  }
  EXPECT_EQ(run->exit_code, 0) << run->out << run->err;
  return run->out + run->err;
}

}  // namespace candor::testing
