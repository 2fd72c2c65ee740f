#include "verifier/detect/measure.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "verifier/detect/byte_source.h"
#include "verifier/detect/http.h"
#include "verifier/net/host.h"

namespace candor::detect {
namespace {

namespace v1 = ::candor::measurement::v1;

bool IsMethod(absl::string_view m) {
  if (m.empty() || m.size() > 16) return false;
  for (char c : m) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

void SetTimestamp(absl::Time t, google::protobuf::Timestamp& out) {
  const int64_t seconds = absl::ToUnixSeconds(t);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}

std::string CompactPath(std::string path, size_t max_bytes) {
  if (path.size() <= max_bytes) return path;
  size_t cut = path.rfind('/', max_bytes > 4 ? max_bytes - 4 : 0);
  if (cut == std::string::npos || cut == 0) cut = 1;
  path.resize(cut);
  if (path.back() != '/') path.push_back('/');
  path += "...";
  return path;
}

void Skip(v1::Measurement& m, uint32_t entry, std::string reason) {
  v1::SkippedRequest* s = m.add_skipped();
  s->set_entry(entry);
  s->set_reason(std::move(reason));
}

}  // namespace

absl::StatusOr<v1::Measurement> MeasureHar(json::ByteSource& har,
                                           const Identities& identities,
                                           const MeasureOptions& options) {
  v1::Measurement m;
  for (const HoneyValue& h : identities.values) {
    v1::HoneyCommitment* c = m.add_honey();
    c->set_data_type(h.data_type);
    c->set_commitment(h.commitment);
  }
  const Detector detector(identities, options.detect);
  HashingByteSource hashing(&har);
  HarReader reader(&hashing, options.har);
  std::optional<absl::Time> start;
  std::optional<absl::Time> end;
  v1::Coverage& coverage = *m.mutable_coverage();
  std::map<std::string, uint32_t> not_examined;  // by reason, in order
  size_t flow_bytes = 0;

  while (true) {
    absl::StatusOr<std::optional<HarEntry>> next = reader.Next();
    if (!next.ok()) return next.status();
    if (!next->has_value()) break;
    HarEntry& entry = **next;
    coverage.set_entries(coverage.entries() + 1);
    if (!entry.unusable.empty()) {
      Skip(m, entry.index, entry.unusable);
      continue;
    }
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, entry.started_date_time, &time,
                         &error)) {
      Skip(m, entry.index, "startedDateTime is not an RFC 3339 date-time");
      continue;
    }
    if (!IsMethod(entry.method)) {
      Skip(m, entry.index, "request.method is not an upper-case HTTP method");
      continue;
    }
    absl::StatusOr<Url> url = ParseUrl(entry.url);
    if (!url.ok()) {
      Skip(m, entry.index,
           absl::StrCat("request.url: ", url.status().message()));
      continue;
    }
    if (!net::IsValidHost(url->host)) {
      Skip(m, entry.index,
           "request.url: the host is not a DNS name or IP address");
      continue;
    }

    entry.request.path = url->path;
    if (url->has_query) entry.request.query = url->query;
    const RequestFindings findings = detector.Scan(entry.request);

    v1::Flow* flow = m.add_flows();
    flow->set_entry(entry.index);
    SetTimestamp(time, *flow->mutable_time());
    coverage.set_requests(coverage.requests() + 1);
    coverage.set_websocket_messages(coverage.websocket_messages() +
                                    entry.request.websocket_messages.size());
    if (entry.has_body) {
      coverage.set_bodies(coverage.bodies() + 1);
      const std::string& reason = !entry.body_not_examined.empty()
                                      ? entry.body_not_examined
                                      : findings.body_not_examined;
      if (reason.empty()) {
        coverage.set_bodies_examined(coverage.bodies_examined() + 1);
      } else {
        ++not_examined[reason];
      }
    }
    flow->set_host(url->host);
    std::string ip(absl::StripAsciiWhitespace(entry.server_ip));
    if (absl::StartsWith(ip, "[") && absl::EndsWith(ip, "]")) {
      ip = ip.substr(1, ip.size() - 2);
    }
    // Tools write "" or junk when the IP is unknown (a cached response);
    // unknown is what the measurement says then.
    if (net::IsIpLiteral(ip)) flow->set_server_ip(ip);
    flow->set_port(url->port);
    flow->set_method(entry.method);
    flow->set_path(CompactPath(findings.path, options.max_path_bytes));
    for (const v1::Detection& d : findings.detections) {
      *flow->add_detections() = d;
    }
    for (const std::string& p : entry.problems) Skip(m, entry.index, p);
    for (const std::string& p : findings.problems) Skip(m, entry.index, p);
    flow_bytes += flow->ByteSizeLong();
    if (options.max_measurement_bytes != 0 &&
        flow_bytes > options.max_measurement_bytes) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "the measurement's flows pass ", options.max_measurement_bytes,
          " bytes by entry ", entry.index,
          " of the capture, more than the log takes in one entry: split "
          "the capture into shorter runs (e.g. by time) and measure each"));
    }
    if (!start.has_value() || time < *start) start = time;
    if (!end.has_value() || time > *end) end = time;
  }
  for (const auto& [reason, count] : not_examined) {
    v1::NotExamined* n = coverage.add_not_examined();
    n->set_reason(reason);
    n->set_requests(count);
  }
  m.set_capture_sha256(hashing.FinishHex());
  if (start.has_value()) {
    SetTimestamp(*start, *m.mutable_start_time());
    SetTimestamp(*end, *m.mutable_end_time());
  }
  return m;
}

}  // namespace candor::detect
