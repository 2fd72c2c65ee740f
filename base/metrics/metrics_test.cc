#include "base/metrics/metrics.h"

#include <cmath>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::metrics {
namespace {

using ::candor::testing::StatusIs;

TEST(Exposition, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(EscapeHelp("a\\b\"c\nd"), "a\\\\b\"c\\nd");
  Registry registry;
  auto family = registry.AddCounter("x_total", "Line one\nback\\slash", {"path"});
  ASSERT_TRUE(family.ok());
  (*family)->WithLabels({"C:\\dir \"q\"\n"})->Increment(2);
  EXPECT_EQ(registry.Expose(),
            "# HELP x_total Line one\\nback\\\\slash\n"
            "# TYPE x_total counter\n"
            "x_total{path=\"C:\\\\dir \\\"q\\\"\\n\"} 2\n");
}

TEST(Exposition, FormatsValues) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(3), "3");
  EXPECT_EQ(FormatValue(10), "10");
  EXPECT_EQ(FormatValue(-1000), "-1000");
  EXPECT_EQ(FormatValue(123456789012), "123456789012");
  EXPECT_EQ(FormatValue(0.1), "0.1");
  EXPECT_EQ(FormatValue(0.005), "0.005");
  EXPECT_EQ(FormatValue(-2.5), "-2.5");
  EXPECT_EQ(FormatValue(1e300), "1e+300");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
  EXPECT_EQ(FormatValue(1.0 / 3), "0.3333333333333333");  // shortest that reads back
}

TEST(Exposition, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry registry;
  auto family = registry.AddHistogram("lat_seconds", "Latency.", {"kind"}, {0.1, 1});
  ASSERT_TRUE(family.ok());
  Histogram* h = (*family)->WithLabels({"a"});
  h->Observe(0.05);
  h->Observe(0.1);  // bounds are inclusive
  h->Observe(0.5);
  h->Observe(7);
  EXPECT_EQ(registry.Expose(),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{kind=\"a\",le=\"0.1\"} 2\n"
            "lat_seconds_bucket{kind=\"a\",le=\"1\"} 3\n"
            "lat_seconds_bucket{kind=\"a\",le=\"+Inf\"} 4\n"
            "lat_seconds_sum{kind=\"a\"} 7.65\n"
            "lat_seconds_count{kind=\"a\"} 4\n");
}

TEST(Exposition, HistogramWithoutLabels) {
  Registry registry;
  auto family = registry.AddHistogram("h_seconds", "H.", {}, {1});
  ASSERT_TRUE(family.ok());
  (*family)->WithLabels({})->Observe(2);
  EXPECT_EQ(registry.Expose(),
            "# HELP h_seconds H.\n"
            "# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"1\"} 0\n"
            "h_seconds_bucket{le=\"+Inf\"} 1\n"
            "h_seconds_sum 2\n"
            "h_seconds_count 1\n");
}

TEST(Exposition, FamiliesInOrderChildrenSortedGaugesAndCallbacks) {
  Registry registry;
  auto counter = registry.AddCounter("c_total", "C.", {"code", "outcome"});
  auto gauge = registry.AddGauge("g_bytes", "G.");
  ASSERT_TRUE(counter.ok());
  ASSERT_TRUE(gauge.ok());
  ASSERT_TRUE(registry.AddGaugeCallback("size", "S.", [] { return 42.0; }).ok());
  (*counter)->WithLabels({"OK", "admitted"})->Increment();
  (*counter)->WithLabels({"INVALID_ARGUMENT", "refused"})->Increment();
  (*counter)->WithLabels({"OK", "admitted"})->Increment(-1);  // ignored
  (*gauge)->WithLabels({})->Set(10);
  (*gauge)->WithLabels({})->Add(-2.5);
  EXPECT_EQ(registry.Expose(),
            "# HELP c_total C.\n"
            "# TYPE c_total counter\n"
            "c_total{code=\"INVALID_ARGUMENT\",outcome=\"refused\"} 1\n"
            "c_total{code=\"OK\",outcome=\"admitted\"} 1\n"
            "# HELP g_bytes G.\n"
            "# TYPE g_bytes gauge\n"
            "g_bytes 7.5\n"
            "# HELP size S.\n"
            "# TYPE size gauge\n"
            "size 42\n");
}

TEST(Exposition, RefusesInvalidAndRepeatedNames) {
  Registry registry;
  EXPECT_THAT(registry.AddCounter("1bad", "x").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, "invalid metric name \"1bad\""));
  EXPECT_THAT(registry.AddCounter("ok_total", "x", {"__x"}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "invalid label name \"__x\" of metric ok_total"));
  EXPECT_THAT(registry.AddHistogram("h", "x", {"le"}, {1}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "invalid label name \"le\" of metric h"));
  EXPECT_THAT(registry.AddHistogram("h", "x", {}, {1, 1}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the buckets of h must be finite and strictly increasing"));
  auto gauge = registry.AddGauge("g", "x");
  ASSERT_TRUE(gauge.ok());
  auto again = registry.AddGauge("g", "x");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *gauge);  // a server restarted on the same registry
  EXPECT_THAT(registry.AddCounter("g", "x").status(),
              StatusIs(absl::StatusCode::kAlreadyExists, "metric g is already registered"));
  EXPECT_THAT(registry.AddGauge("g", "x", {"l"}).status(),
              StatusIs(absl::StatusCode::kAlreadyExists, "metric g is already registered"));
  ASSERT_TRUE(registry.AddGaugeCallback("cb", "x", [] { return 1.0; }).ok());
  EXPECT_THAT(registry.AddGaugeCallback("cb", "x", [] { return 1.0; }),
              StatusIs(absl::StatusCode::kAlreadyExists, "metric cb is already registered"));
  registry.RemoveGaugeCallback("cb");
  EXPECT_TRUE(registry.AddGaugeCallback("cb", "x", [] { return 2.0; }).ok());
}

}  // namespace
}  // namespace candor::metrics
