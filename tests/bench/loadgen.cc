// loadgen: a load generator for candor-log, run as a separate process.
//
// Registers an auditor (with the operator's admin key), pre-signs --entries
// measurement statements, then adds them over --streams concurrent
// AddEntries streams and --unary concurrent AddEntry callers, optionally
// paced to --rate entries/s. While it runs, a poller samples the latest
// checkpoint every 2 ms, so the integration latency of each acknowledged
// entry (acknowledgement -> first checkpoint that includes it) is measured
// too. Prints one JSON object with the figures.

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "log/client/log_client.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "log/keyfile/keyfile.h"
#include "log/registry/registry.h"
#include "log/statement/statement.h"
#include "proto/candor/measurement/v1/measurement.pb.h"
#include "verifier/measurement/measurement.h"

ABSL_FLAG(std::string, log, "", "candor-log address");
ABSL_FLAG(std::string, admin_key, "", "the operator's admin private key");
ABSL_FLAG(int, entries, 20000, "entries to add");
ABSL_FLAG(int, streams, 8, "concurrent AddEntries streams");
ABSL_FLAG(int, unary, 8, "concurrent AddEntry callers");
ABSL_FLAG(double, rate, 0, "entries/s to pace at (0: as fast as possible)");
ABSL_FLAG(std::string, name, "", "auditor name (default: derived from the time)");

namespace {

using candor::PrivateKey;
namespace pb = ::candor::log::v1;

std::string MeasurementEntry(const PrivateKey& key, const std::string& auditor,
                             int n, absl::Time now) {
  candor::measurement::v1::Measurement m;
  m.set_app("android:com.example.load");
  m.set_auditor(auditor);
  m.set_capture_sha256(candor::HexEncode(candor::DigestBytes(
      candor::Sha256(absl::StrCat(auditor, "/", n)))));
  m.set_consent(candor::measurement::v1::NO_INTERACTION);
  m.set_vantage_country("DE");
  m.mutable_start_time()->set_seconds(absl::ToUnixSeconds(now) - 60);
  m.mutable_end_time()->set_seconds(absl::ToUnixSeconds(now) - 1);
  candor::Statement st;
  st.subjects.push_back(candor::NamedSubject(m.app()));
  st.predicate_type = std::string(candor::measurement::kMeasurementPredicateType);
  st.predicate_json = candor::PredicateToJson(m);
  return *candor::SignStatement(st, key);
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string address = absl::GetFlag(FLAGS_log);
  auto admin = candor::keyfile::ReadPrivateKey(absl::GetFlag(FLAGS_admin_key));
  if (address.empty() || !admin.ok()) {
    std::cerr << "loadgen: need --log and a readable --admin_key\n";
    return 2;
  }
  candor::client::ClientOptions options;
  options.timeout = absl::Seconds(60);
  candor::client::LogClient client(address, options);

  // An auditor whose key signs every statement.
  PrivateKey key = *PrivateKey::Generate(candor::KeyType::kEd25519);
  std::string auditor = absl::GetFlag(FLAGS_name);
  if (auditor.empty()) auditor = absl::StrCat("load-", absl::ToUnixMicros(absl::Now()));
  candor::registry::Registration r;
  r.set_name(auditor);
  r.set_role(candor::registry::v1::AUDITOR);
  r.add_public_keys(key.public_key().Pem());
  auto registered =
      client.AddEntry(*candor::registry::SignRegistration(r, absl::Now(), *admin), true);
  if (!registered.ok()) {
    std::cerr << "loadgen: registering the auditor: " << registered.status() << "\n";
    return 1;
  }

  const int total = absl::GetFlag(FLAGS_entries);
  std::vector<std::string> entries(total);
  {
    absl::Time now = absl::Now();
    std::vector<std::thread> signers;
    for (int t = 0; t < 2; ++t) {
      signers.emplace_back([&, t] {
        for (int i = t; i < total; i += 2) {
          entries[i] = MeasurementEntry(key, auditor, i, now);
        }
      });
    }
    for (auto& t : signers) t.join();
  }

  std::mutex mu;
  std::vector<std::pair<uint64_t, absl::Time>> acks;  // index, time
  acks.reserve(total);
  std::atomic<int> next{0};
  std::atomic<int> errors{0};
  std::atomic<bool> done{false};
  std::vector<std::pair<absl::Time, uint64_t>> sizes;  // when, tree size
  const double rate = absl::GetFlag(FLAGS_rate);
  const absl::Time start = absl::Now();
  // Paced mode: entry i is released at start + i / rate.
  auto take = [&]() -> int {
    int i = next.fetch_add(1);
    if (i >= total) return -1;
    if (rate > 0) {
      absl::Time due = start + absl::Seconds(i / rate);
      absl::Duration wait = due - absl::Now();
      if (wait > absl::ZeroDuration()) absl::SleepFor(wait);
    }
    return i;
  };
  auto ack = [&](uint64_t index) {
    std::lock_guard<std::mutex> lock(mu);
    acks.emplace_back(index, absl::Now());
  };

  std::thread poller([&] {
    while (!done) {
      auto cp = client.GetCheckpoint();
      if (cp.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        sizes.emplace_back(absl::Now(), cp->tree_size());
      }
      absl::SleepFor(absl::Milliseconds(2));
    }
  });

  std::vector<std::thread> workers;
  for (int s = 0; s < absl::GetFlag(FLAGS_streams); ++s) {
    workers.emplace_back([&] {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Minutes(30)));
      auto stream = client.stub().AddEntries(&context);
      std::atomic<bool> writing{true};
      std::thread reader([&] {
        pb::AddEntriesResponse response;
        while (stream->Read(&response)) {
          if (response.has_added()) {
            ack(response.added().index());
          } else {
            ++errors;
          }
        }
      });
      for (int i = take(); i >= 0; i = take()) {
        pb::AddEntryRequest request;
        request.set_entry(entries[i]);
        if (!stream->Write(request)) break;
      }
      stream->WritesDone();
      reader.join();
      (void)stream->Finish();
    });
  }
  for (int u = 0; u < absl::GetFlag(FLAGS_unary); ++u) {
    workers.emplace_back([&] {
      for (int i = take(); i >= 0; i = take()) {
        auto added = client.AddEntry(entries[i], false);
        if (added.ok()) {
          ack(added->index());
        } else {
          ++errors;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  const absl::Duration elapsed = absl::Now() - start;

  // Wait for everything acknowledged to be in a checkpoint.
  uint64_t max_index = 0;
  for (const auto& [index, t] : acks) max_index = std::max(max_index, index);
  absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!sizes.empty() && sizes.back().second > max_index) break;
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  done = true;
  poller.join();

  std::vector<double> latencies;
  for (const auto& [index, acked] : acks) {
    auto it = std::find_if(sizes.begin(), sizes.end(),
                           [&](const auto& s) { return s.second > index && s.first >= acked; });
    if (it != sizes.end()) latencies.push_back(absl::ToDoubleMilliseconds(it->first - acked));
  }
  std::cout << absl::StrFormat(
      "{\"entries\":%d,\"acknowledged\":%d,\"errors\":%d,\"seconds\":%.3f,"
      "\"entries_per_second\":%.1f,\"integration_ms_p50\":%.1f,"
      "\"integration_ms_p99\":%.1f,\"integration_ms_max\":%.1f}\n",
      total, static_cast<int>(acks.size()), errors.load(),
      absl::ToDoubleSeconds(elapsed), acks.size() / absl::ToDoubleSeconds(elapsed),
      Percentile(latencies, 0.5), Percentile(latencies, 0.99),
      Percentile(latencies, 1.0));
  return errors.load() == 0 ? 0 : 1;
}
