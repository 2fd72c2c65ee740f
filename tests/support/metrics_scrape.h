// Reading a server's Prometheus metrics in tests: GET /metrics over HTTP on
// 127.0.0.1, one sample's value, and Prometheus' own `promtool check
// metrics` (Debian's `prometheus` package) on the text.
//
// Not thread-safe only in that failures are reported to the running test.

#ifndef CANDOR_TESTS_SUPPORT_METRICS_SCRAPE_H_
#define CANDOR_TESTS_SUPPORT_METRICS_SCRAPE_H_

#include <string>

namespace candor::testing {

inline constexpr char kPromtool[] = "/usr/bin/promtool";

// The body of GET /metrics from "host:port" (127.0.0.1), after checking the
// status line and the exposition content type; "" (with a test failure) if
// the server cannot be reached.
std::string ScrapeMetrics(const std::string& address);

// The value of the sample line that starts with `series` + " ", or -1.
double MetricSample(const std::string& text, const std::string& series);

// promtool's findings on `text` ("" when it has none), with a test failure
// if promtool is missing or exits non-zero.
std::string PromtoolFindings(const std::string& text);

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_METRICS_SCRAPE_H_
