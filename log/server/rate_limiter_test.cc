#include "log/server/rate_limiter.h"

#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::logserver {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

TEST(RateLimiter, BurstThenSteadyRatePerKey) {
  absl::Time now = absl::FromUnixSeconds(1000);
  RateLimiter limiter("client", {.per_second = 10, .burst = 3}, [&] { return now; });
  for (int i = 0; i < 3; ++i) EXPECT_THAT(limiter.Acquire("a"), IsOk());
  EXPECT_THAT(limiter.Acquire("a"),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "rate limit: this client may add 10 entries per second; "
                       "retry in 100 ms"));
  // Other keys are unaffected.
  EXPECT_THAT(limiter.Acquire("b"), IsOk());
  now += absl::Milliseconds(100);
  EXPECT_THAT(limiter.Acquire("a"), IsOk());
  EXPECT_FALSE(limiter.Acquire("a").ok());
  now += absl::Seconds(10);  // refills only up to the burst
  for (int i = 0; i < 3; ++i) EXPECT_THAT(limiter.Acquire("a"), IsOk());
  EXPECT_FALSE(limiter.Acquire("a").ok());
}

TEST(RateLimiter, BoundedKeys) {
  absl::Time now = absl::FromUnixSeconds(1000);
  RateLimiter limiter("client", {.per_second = 1000, .burst = 1, .max_keys = 10},
                      [&] { return now; });
  for (int i = 0; i < 1000; ++i) {
    EXPECT_THAT(limiter.Acquire(std::to_string(i)), IsOk());
    now += absl::Milliseconds(2);
  }
}

}  // namespace
}  // namespace candor::logserver
