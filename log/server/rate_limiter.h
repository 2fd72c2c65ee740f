// Token-bucket rate limits keyed by client or principal, so that one hostile
// or broken client cannot starve the others.
//
// Thread-safe. Memory is bounded: idle buckets are dropped once there are
// more than `max_keys`.

#ifndef CANDOR_LOG_SERVER_RATE_LIMITER_H_
#define CANDOR_LOG_SERVER_RATE_LIMITER_H_

#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace candor::logserver {

class RateLimiter {
 public:
  struct Limits {
    double per_second = 1000;
    double burst = 2000;
    size_t max_keys = 100000;
  };

  // `what` names the limited thing in refusals ("client", "principal").
  RateLimiter(std::string what, Limits limits,
              std::function<absl::Time()> clock = [] { return absl::Now(); });

  // Takes one token from `key`'s bucket, or refuses with RESOURCE_EXHAUSTED
  // saying when to retry.
  absl::Status Acquire(absl::string_view key);

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };

  const std::string what_;
  const Limits limits_;
  const std::function<absl::Time()> clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace candor::logserver

#endif  // CANDOR_LOG_SERVER_RATE_LIMITER_H_
