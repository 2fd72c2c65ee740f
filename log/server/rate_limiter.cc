#include "log/server/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace candor::logserver {

RateLimiter::RateLimiter(std::string what, Limits limits,
                         std::function<absl::Time()> clock)
    : what_(std::move(what)), limits_(limits), clock_(std::move(clock)) {}

absl::Status RateLimiter::Acquire(absl::string_view key) {
  const absl::Time now = clock_();
  absl::MutexLock lock(&mu_);
  if (buckets_.size() >= limits_.max_keys && !buckets_.contains(key)) {
    // Drop buckets that have refilled: they hold no state worth keeping.
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      double refilled = it->second.tokens + absl::ToDoubleSeconds(now - it->second.updated) *
                                                limits_.per_second;
      if (refilled >= limits_.burst) {
        buckets_.erase(it++);
      } else {
        ++it;
      }
    }
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{limits_.burst, now});
  Bucket& b = it->second;
  b.tokens = std::min(limits_.burst,
                      b.tokens + absl::ToDoubleSeconds(now - b.updated) * limits_.per_second);
  b.updated = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return absl::OkStatus();
  }
  const int64_t retry_ms = static_cast<int64_t>(
      std::ceil((1 - b.tokens) / limits_.per_second * 1000));
  return absl::ResourceExhaustedError(absl::StrCat(
      "rate limit: this ", what_, " may add ", limits_.per_second,
      " entries per second; retry in ", std::max<int64_t>(retry_ms, 1), " ms"));
}

}  // namespace candor::logserver
