// Prometheus metrics: counters, gauges and histograms with labels, and their
// exposition in the text format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/).
//
// Debian packages no Prometheus client library for C++, so this is ours, kept
// small and in one place (with http_server.h, which serves it): no summaries,
// no exemplars, no OpenMetrics, no timestamps.
//
// A Registry owns its families and their children; pointers it hands out stay
// valid for the registry's lifetime. Everything here is thread-safe: counters
// and gauges are atomics, a histogram and a family's set of children each
// have a mutex, and Expose() may run while other threads update. Names and
// label names are the program's constants: Add* refuses an invalid one with
// INVALID_ARGUMENT; adding a name again returns the same family if kind,
// label names (and buckets) are the same (a server restarted on the same
// registry), ALREADY_EXISTS otherwise. WithLabels() with the wrong number of
// values is a programming error and aborts.

#ifndef CANDOR_BASE_METRICS_METRICS_H_
#define CANDOR_BASE_METRICS_METRICS_H_

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace candor::metrics {

// A value that only goes up (Prometheus "counter"); names end in _total.
class Counter {
 public:
  // `v` must be >= 0; a negative or NaN increment is ignored.
  void Increment(double v = 1);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted in buckets with upper bounds (inclusive), plus their
// sum and count; exposed cumulatively with a final le="+Inf" bucket.
class Histogram {
 public:
  // `bounds`: strictly increasing, finite (checked by Registry).
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  const std::vector<double> bounds_;
  mutable absl::Mutex mu_;
  std::vector<uint64_t> counts_ ABSL_GUARDED_BY(mu_);  // per bucket, then +Inf
  double sum_ ABSL_GUARDED_BY(mu_) = 0;
};

// Buckets for latencies in seconds: 1 ms to 10 s.
std::vector<double> LatencyBuckets();

// One metric name with its label names; children by label values.
template <typename T>
class Family {
 public:
  // The child for these label values (one per label name, in order),
  // created at first use.
  T* WithLabels(const std::vector<std::string>& values);

 private:
  friend class Registry;
  Family(std::vector<std::string> label_names, std::vector<double> bounds)
      : label_names_(std::move(label_names)), bounds_(std::move(bounds)) {}

  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;  // histograms only
  mutable absl::Mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> children_
      ABSL_GUARDED_BY(mu_);
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  absl::StatusOr<Family<Counter>*> AddCounter(
      const std::string& name, const std::string& help,
      std::vector<std::string> label_names = {});
  absl::StatusOr<Family<Gauge>*> AddGauge(const std::string& name,
                                          const std::string& help,
                                          std::vector<std::string> label_names = {});
  absl::StatusOr<Family<Histogram>*> AddHistogram(
      const std::string& name, const std::string& help,
      std::vector<std::string> label_names, std::vector<double> bounds);
  // A gauge without labels read at every Expose(): `read` runs on the
  // exposing thread and must be thread-safe; a NaN it returns is exposed as
  // NaN.
  // ALREADY_EXISTS if the name is taken, even by a callback.
  absl::Status AddGaugeCallback(const std::string& name, const std::string& help,
                                std::function<double()> read);
  // Removes a callback gauge; once this returns, `read` is not running and
  // will not run again (so what it reads may be destroyed). No-op if absent.
  void RemoveGaugeCallback(const std::string& name);

  // Every family in registration order, children sorted by label values.
  std::string Expose() const;

 private:
  enum class Kind { kCounter, kGauge, kHistogram, kCallback };
  struct Entry {
    std::string name;
    std::string help;
    Kind kind;
    std::unique_ptr<Family<Counter>> counter;
    std::unique_ptr<Family<Gauge>> gauge;
    std::unique_ptr<Family<Histogram>> histogram;
    std::function<double()> read;
  };
  // OK and null if `name` is new; the entry to share if it matches.
  absl::StatusOr<Entry*> Check(const std::string& name,
                               const std::vector<std::string>& label_names,
                               const std::vector<double>& bounds, Kind kind) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_ ABSL_GUARDED_BY(mu_);
};

// The text format's pieces, exposed for tests.
// A label value: backslash, double quote and line feed escaped.
std::string EscapeLabelValue(absl::string_view value);
// A HELP text: backslash and line feed escaped.
std::string EscapeHelp(absl::string_view help);
// A sample value: "+Inf", "-Inf", "NaN", or the shortest decimal that reads
// back as the same double.
std::string FormatValue(double v);

// The content type of Expose()'s output.
inline constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// ---- implementation of the template ----

template <typename T>
T* Family<T>::WithLabels(const std::vector<std::string>& values) {
  if (values.size() != label_names_.size()) {
    // A programming error: the label names are constants.
    std::abort();
  }
  absl::MutexLock lock(&mu_);
  std::unique_ptr<T>& child = children_[values];
  if (child == nullptr) {
    if constexpr (std::is_same_v<T, Histogram>) {
      child = std::make_unique<Histogram>(bounds_);
    } else {
      child = std::make_unique<T>();
    }
  }
  return child.get();
}

}  // namespace candor::metrics

#endif  // CANDOR_BASE_METRICS_METRICS_H_
