// Evaluations of a measurement against a claim per second, with the
// verifier's real reference tables (the shipped organisations and the
// installed IP-to-country dataset, as published parts): the demo's claim
// (two assertions, one over every data category) against a measurement of
// `flows` flows, each with a detection, to first parties, third parties in
// several countries and unknown hosts.
//
//   bazel run -c opt //tests/bench:evaluate_benchmark

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "verifier/evaluate/evaluate.h"
#include "verifier/reference/ip_country.h"
#include "verifier/reference/organisations.h"
#include "verifier/reference/resolver.h"

namespace candor {
namespace {

namespace cpb = ::candor::claim::v1;
namespace mpb = ::candor::measurement::v1;

const reference::PartsResolver& Tables() {
  static const reference::PartsResolver* tables = [] {
    reference::TableSources sources;
    sources.shipped_organisations = std::string(reference::kDefaultOrganisationsPath);
    sources.ip_country_dir = reference::DefaultIpCountryDir();
    absl::StatusOr<std::unique_ptr<reference::PartsResolver>> t =
        reference::LoadVerifierTables(sources);
    if (!t.ok()) {
      fprintf(stderr, "evaluate_benchmark: %s\n", t.status().ToString().c_str());
      abort();
    }
    return t->release();
  }();
  return *tables;
}

evaluate::ClaimInput Claim() {
  evaluate::ClaimInput c;
  c.claim.mutable_app()->set_id("android:com.example.app");
  c.claim.set_issuer("example-app");
  cpb::Assertion* a = c.claim.add_assertions();
  a->set_id("no-sensitive-data-to-third-parties");
  for (const char* t : {"contacts.contacts", "personal_info.phone_number", "location.precise",
                        "biometrics.face_data"}) {
    a->add_data_types(t);
  }
  a->set_practice(cpb::NOT_SHARED_WITH_THIRD_PARTIES);
  a->set_consent(cpb::ALWAYS);
  cpb::Assertion* b = c.claim.add_assertions();
  b->set_id("no-user-data-to-cn");
  for (const char* t : {"location", "personal_info", "financial_info", "health_and_fitness",
                        "messages", "photos_and_videos", "audio", "files_and_docs", "calendar",
                        "contacts", "app_activity", "web_browsing", "app_info_and_performance",
                        "device_or_other_ids", "biometrics"}) {
    b->add_data_types(t);
  }
  b->set_practice(cpb::NOT_SENT_TO_COUNTRIES);
  b->add_countries("CN");
  b->set_consent(cpb::ALWAYS);
  c.vendor.set_name("example-app");
  c.vendor.mutable_scope()->add_domains("example-app.com");
  c.vendor.mutable_scope()->add_organisations("Example App Ltd");
  return c;
}

evaluate::MeasurementInput Measurement(int flows) {
  const std::vector<std::pair<const char*, const char*>> destinations = {
      {"api.example-app.com", "93.184.216.34"},  {"c.igexin.com", "1.0.1.7"},
      {"graph.facebook.com", "157.240.1.35"},    {"app-measurement.com", "142.250.74.46"},
      {"collector.unknown-sdk.io", "203.0.113.9"}, {"api.example-app.com", "8.8.8.8"}};
  const std::vector<const char*> types = {"contacts.contacts", "personal_info.phone_number",
                                          "location.precise", "device_or_other_ids.device_id"};
  evaluate::MeasurementInput m;
  m.ref.set_index(10);
  m.measurement.set_app("android:com.example.app");
  m.measurement.set_auditor("lab-one");
  m.measurement.set_consent(mpb::TRACKING_DECLINED);
  for (int i = 0; i < flows; ++i) {
    mpb::Flow* f = m.measurement.add_flows();
    f->set_host(destinations[i % destinations.size()].first);
    f->set_server_ip(destinations[i % destinations.size()].second);
    mpb::Detection* d = f->add_detections();
    d->set_data_type(types[i % types.size()]);
    d->set_where(mpb::BODY_JSON);
  }
  return m;
}

void BM_EvaluateMeasurementAgainstClaim(benchmark::State& state) {
  const reference::PartsResolver& tables = Tables();
  evaluate::ClaimInput claim = Claim();
  std::vector<evaluate::MeasurementInput> ms = {Measurement(state.range(0))};
  for (auto _ : state) {
    auto results = evaluate::Evaluate(claim, ms, tables, 2);
    if (!results.ok()) state.SkipWithError(std::string(results.status().message()).c_str());
    benchmark::DoNotOptimize(results);
  }
  state.counters["flows"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_EvaluateMeasurementAgainstClaim)->Arg(3)->Arg(100);

void BM_Resolve(benchmark::State& state) {
  const reference::PartsResolver& tables = Tables();
  for (auto _ : state) {
    benchmark::DoNotOptimize(tables.Resolve("c.igexin.com", "1.0.1.7"));
  }
}
BENCHMARK(BM_Resolve);

}  // namespace
}  // namespace candor

BENCHMARK_MAIN();
