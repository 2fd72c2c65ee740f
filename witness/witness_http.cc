#include "witness/witness_http.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace candor::witness {
namespace {

http::HttpResponse FromWitness(WitnessResponse r) {
  http::HttpResponse out;
  out.status = r.status;
  out.content_type = std::move(r.content_type);
  out.body = std::move(r.body);
  return out;
}

http::HttpResponse Text(int status, absl::string_view message) {
  http::HttpResponse out;
  out.status = status;
  out.body = absl::StrCat(message, "\n");
  return out;
}

// "/<64 lower-case hex>/checkpoint" -> the hex; empty otherwise.
absl::string_view OriginHash(absl::string_view path) {
  constexpr absl::string_view kSuffix = "/checkpoint";
  if (path.size() != 1 + 64 + kSuffix.size() || path[0] != '/' ||
      !absl::EndsWith(path, kSuffix)) {
    return "";
  }
  absl::string_view hex = path.substr(1, 64);
  for (char c : hex) {
    if (!absl::ascii_isdigit(c) && (c < 'a' || c > 'f')) return "";
  }
  return hex;
}

}  // namespace

WitnessHttp::WitnessHttp(Witness* witness, WitnessHttpOptions options)
    : witness_(witness),
      options_(std::move(options)),
      limiter_("client", options_.limits, options_.clock) {}

absl::StatusOr<std::unique_ptr<WitnessHttp>> WitnessHttp::Create(
    Witness* witness, WitnessHttpOptions options) {
  auto h = std::unique_ptr<WitnessHttp>(new WitnessHttp(witness, std::move(options)));
  if (h->options_.metrics != nullptr) {
    absl::StatusOr<metrics::Family<metrics::Counter>*> c = h->options_.metrics->AddCounter(
        "candor_witness_http_requests_total",
        "HTTP requests the witness answered, by endpoint and status code.",
        {"endpoint", "code"});
    if (!c.ok()) return c.status();
    h->requests_ = *c;
  }
  return h;
}

http::HttpResponse WitnessHttp::Handle(const http::HttpRequest& request) {
  const char* endpoint = "other";
  http::HttpResponse response = Route(request, &endpoint);
  if (requests_ != nullptr) {
    requests_->WithLabels({endpoint, absl::StrCat(response.status)})->Increment();
  }
  return response;
}

http::HttpResponse WitnessHttp::Route(const http::HttpRequest& request,
                                      const char** endpoint) {
  if (absl::Status s = limiter_.Acquire(request.peer_ip); !s.ok()) {
    *endpoint = "rate_limited";
    // The limiter's own message speaks of the log's entries: say it here.
    double per_second = options_.limits.per_second;
    http::HttpResponse r = Text(
        429, absl::StrCat("too many requests from ", request.peer_ip, ": at most ",
                          per_second, " per second"));
    int64_t retry = per_second > 0
                        ? static_cast<int64_t>(std::ceil(1.0 / per_second))
                        : 60;
    r.headers.emplace_back("Retry-After", absl::StrCat(std::max<int64_t>(retry, 1)));
    return r;
  }
  if (request.path == "/add-checkpoint") {
    *endpoint = "add-checkpoint";
    if (request.method != "POST") return Text(405, "add-checkpoint takes POST");
    return FromWitness(witness_->AddCheckpoint(request.body));
  }
  absl::string_view hash = OriginHash(request.path);
  if (!hash.empty()) {
    *endpoint = "checkpoint";
    if (request.method != "GET" && request.method != "HEAD") {
      return Text(405, "checkpoint takes GET");
    }
    return FromWitness(witness_->GetCheckpoint(hash));
  }
  return Text(404, "not found: POST /add-checkpoint or GET /<origin hash>/checkpoint");
}

}  // namespace candor::witness
