#include "base/metrics/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace candor::metrics {
namespace {

void AtomicAdd(std::atomic<double>& a, double v) {
  double old = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
}

bool ValidName(absl::string_view name, bool colons) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (colons && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// `{a="x",b="y"}`, with `extra` (already escaped) appended; "" if no labels.
std::string Labels(const std::vector<std::string>& names,
                   const std::vector<std::string>& values,
                   const std::string& extra = "") {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    absl::StrAppend(&out, out.empty() ? "" : ",", names[i], "=\"",
                    EscapeLabelValue(values[i]), "\"");
  }
  if (!extra.empty()) absl::StrAppend(&out, out.empty() ? "" : ",", extra);
  return out.empty() ? out : absl::StrCat("{", out, "}");
}

}  // namespace

void Counter::Increment(double v) {
  if (!(v >= 0)) return;
  AtomicAdd(value_, v);
}

void Gauge::Add(double v) { AtomicAdd(value_, v); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::Observe(double v) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  absl::MutexLock lock(&mu_);
  ++counts_[i];
  sum_ += v;
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  absl::MutexLock lock(&mu_);
  uint64_t total = 0;
  for (uint64_t c : counts_) {
    total += c;
    s.cumulative.push_back(total);
  }
  s.sum = sum_;
  s.count = total;
  return s;
}

std::vector<double> LatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string EscapeLabelValue(absl::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(absl::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);  // 10, not 1e+01
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

absl::StatusOr<Registry::Entry*> Registry::Check(
    const std::string& name, const std::vector<std::string>& label_names,
    const std::vector<double>& bounds, Kind kind) const {
  if (!ValidName(name, /*colons=*/true)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid metric name \"", name, "\""));
  }
  for (const std::string& label : label_names) {
    if (!ValidName(label, /*colons=*/false) || label.rfind("__", 0) == 0 ||
        (kind == Kind::kHistogram && label == "le")) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid label name \"", label, "\" of metric ", name));
    }
  }
  for (const auto& e : entries_) {
    if (e->name != name) continue;
    bool same = e->kind == kind && kind != Kind::kCallback &&
                (kind != Kind::kCounter || e->counter->label_names_ == label_names) &&
                (kind != Kind::kGauge || e->gauge->label_names_ == label_names) &&
                (kind != Kind::kHistogram ||
                 (e->histogram->label_names_ == label_names &&
                  e->histogram->bounds_ == bounds));
    if (!same) {
      return absl::AlreadyExistsError(
          absl::StrCat("metric ", name, " is already registered"));
    }
    return e.get();
  }
  return nullptr;
}

absl::StatusOr<Family<Counter>*> Registry::AddCounter(
    const std::string& name, const std::string& help,
    std::vector<std::string> label_names) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> existing = Check(name, label_names, {}, Kind::kCounter);
  if (!existing.ok()) return existing.status();
  if (*existing != nullptr) return (*existing)->counter.get();
  auto e = std::make_unique<Entry>();
  e->name = name;
  e->help = help;
  e->kind = Kind::kCounter;
  e->counter.reset(new Family<Counter>(std::move(label_names), {}));
  Family<Counter>* f = e->counter.get();
  entries_.push_back(std::move(e));
  return f;
}

absl::StatusOr<Family<Gauge>*> Registry::AddGauge(
    const std::string& name, const std::string& help,
    std::vector<std::string> label_names) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> existing = Check(name, label_names, {}, Kind::kGauge);
  if (!existing.ok()) return existing.status();
  if (*existing != nullptr) return (*existing)->gauge.get();
  auto e = std::make_unique<Entry>();
  e->name = name;
  e->help = help;
  e->kind = Kind::kGauge;
  e->gauge.reset(new Family<Gauge>(std::move(label_names), {}));
  Family<Gauge>* f = e->gauge.get();
  entries_.push_back(std::move(e));
  return f;
}

absl::StatusOr<Family<Histogram>*> Registry::AddHistogram(
    const std::string& name, const std::string& help,
    std::vector<std::string> label_names, std::vector<double> bounds) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> existing =
      Check(name, label_names, bounds, Kind::kHistogram);
  if (!existing.ok()) return existing.status();
  if (*existing != nullptr) return (*existing)->histogram.get();
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && !(bounds[i] > bounds[i - 1]))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the buckets of ", name, " must be finite and strictly increasing"));
    }
  }
  auto e = std::make_unique<Entry>();
  e->name = name;
  e->help = help;
  e->kind = Kind::kHistogram;
  e->histogram.reset(new Family<Histogram>(std::move(label_names), std::move(bounds)));
  Family<Histogram>* f = e->histogram.get();
  entries_.push_back(std::move(e));
  return f;
}

absl::Status Registry::AddGaugeCallback(const std::string& name,
                                        const std::string& help,
                                        std::function<double()> read) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> existing = Check(name, {}, {}, Kind::kCallback);
  if (!existing.ok()) return existing.status();
  auto e = std::make_unique<Entry>();
  e->name = name;
  e->help = help;
  e->kind = Kind::kCallback;
  e->read = std::move(read);
  entries_.push_back(std::move(e));
  return absl::OkStatus();
}

void Registry::RemoveGaugeCallback(const std::string& name) {
  absl::MutexLock lock(&mu_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if ((*it)->name == name && (*it)->kind == Kind::kCallback) {
      entries_.erase(it);
      return;
    }
  }
}

std::string Registry::Expose() const {
  std::string out;
  absl::MutexLock lock(&mu_);
  for (const auto& e : entries_) {
    const char* type = e->kind == Kind::kCounter     ? "counter"
                       : e->kind == Kind::kHistogram ? "histogram"
                                                     : "gauge";
    absl::StrAppend(&out, "# HELP ", e->name, " ", EscapeHelp(e->help), "\n",
                    "# TYPE ", e->name, " ", type, "\n");
    switch (e->kind) {
      case Kind::kCallback:
        absl::StrAppend(&out, e->name, " ", FormatValue(e->read()), "\n");
        break;
      case Kind::kCounter: {
        absl::MutexLock family_lock(&e->counter->mu_);
        for (const auto& [values, c] : e->counter->children_) {
          absl::StrAppend(&out, e->name, Labels(e->counter->label_names_, values),
                          " ", FormatValue(c->value()), "\n");
        }
        break;
      }
      case Kind::kGauge: {
        absl::MutexLock family_lock(&e->gauge->mu_);
        for (const auto& [values, g] : e->gauge->children_) {
          absl::StrAppend(&out, e->name, Labels(e->gauge->label_names_, values),
                          " ", FormatValue(g->value()), "\n");
        }
        break;
      }
      case Kind::kHistogram: {
        absl::MutexLock family_lock(&e->histogram->mu_);
        const std::vector<std::string>& names = e->histogram->label_names_;
        for (const auto& [values, h] : e->histogram->children_) {
          Histogram::Snapshot s = h->snapshot();
          for (size_t i = 0; i <= s.bounds.size(); ++i) {
            std::string le = absl::StrCat(
                "le=\"",
                i < s.bounds.size() ? FormatValue(s.bounds[i]) : std::string("+Inf"),
                "\"");
            absl::StrAppend(&out, e->name, "_bucket", Labels(names, values, le), " ",
                            s.cumulative[i], "\n");
          }
          absl::StrAppend(&out, e->name, "_sum", Labels(names, values), " ",
                          FormatValue(s.sum), "\n", e->name, "_count",
                          Labels(names, values), " ", s.count, "\n");
        }
        break;
      }
    }
  }
  return out;
}

}  // namespace candor::metrics
