// The witness's HTTP API (C2SP tlog-witness v1), for an http::HttpServer:
//
//   POST /add-checkpoint              Witness::AddCheckpoint
//   GET  /<origin hash>/checkpoint    Witness::GetCheckpoint (HEAD too)
//
// with the submission and monitoring prefixes both "" (the server's root).
// Other paths are 404, other methods 405. Every request is first rate
// limited per client IP address (token bucket): over the limit it is 429
// Too Many Requests with a Retry-After in whole seconds. Counts requests in
// candor_witness_http_requests_total{endpoint,code} if given a registry.
//
// Thread-safe; the witness (and registry) must outlive it.

#ifndef CANDOR_WITNESS_WITNESS_HTTP_H_
#define CANDOR_WITNESS_WITNESS_HTTP_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/http/http_server.h"
#include "base/metrics/metrics.h"
#include "log/server/rate_limiter.h"
#include "witness/witness.h"

namespace candor::witness {

struct WitnessHttpOptions {
  // Per client IP. A log submits one checkpoint per witness per
  // integration, so the defaults are generous for logs and not for floods.
  logserver::RateLimiter::Limits limits = {/*per_second=*/20, /*burst=*/100,
                                           /*max_keys=*/100000};
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  metrics::Registry* metrics = nullptr;
};

class WitnessHttp {
 public:
  // ALREADY_EXISTS if the metric is already registered.
  static absl::StatusOr<std::unique_ptr<WitnessHttp>> Create(
      Witness* witness, WitnessHttpOptions options = WitnessHttpOptions());

  http::HttpResponse Handle(const http::HttpRequest& request);

 private:
  WitnessHttp(Witness* witness, WitnessHttpOptions options);
  http::HttpResponse Route(const http::HttpRequest& request, const char** endpoint);

  Witness* const witness_;
  const WitnessHttpOptions options_;
  logserver::RateLimiter limiter_;
  metrics::Family<metrics::Counter>* requests_ = nullptr;
};

}  // namespace candor::witness

#endif  // CANDOR_WITNESS_WITNESS_HTTP_H_
