#include "verifier/site/site_server.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "verifier/site/html.h"

namespace candor::site {
namespace {

http::HttpResponse Plain(int status, std::string body) {
  http::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

void AddHeaders(http::HttpResponse& r) {
  r.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  if (absl::StartsWith(r.content_type, "text/html") ||
      absl::StartsWith(r.content_type, "application/json")) {
    r.headers.emplace_back("Cache-Control", "no-cache");
  }
}

// The old size named by a consistency path, or 0.
uint64_t ConsistencyOldSize(absl::string_view path) {
  constexpr absl::string_view kPrefix = "api/v1/consistency/";
  constexpr absl::string_view kSuffix = ".json";
  if (!absl::ConsumePrefix(&path, kPrefix) || !absl::ConsumeSuffix(&path, kSuffix)) return 0;
  uint64_t n = 0;
  return absl::SimpleAtoi(path, &n) ? n : 0;
}

}  // namespace

http::HttpResponse AnswerRequest(const Site* site, const http::HttpRequest& request,
                                 const ConsistencySource& consistency) {
  http::HttpResponse r;
  if (request.method != "GET" && request.method != "HEAD") {
    r = Plain(405, "only GET and HEAD\n");
    r.headers.emplace_back("Allow", "GET, HEAD");
  } else if (site == nullptr) {
    r = Plain(503, "the verifier has not built its site yet\n");
    r.headers.emplace_back("Retry-After", "1");
  } else {
    std::string path = request.path;
    if (!path.empty() && path.front() == '/') path.erase(0, 1);
    if (path.empty()) path = "index.html";
    auto it = site->files.find(path);
    if (it != site->files.end()) {
      r.content_type = it->second.content_type;
      r.body = it->second.body;
    } else if (uint64_t old = ConsistencyOldSize(path);
               old > 0 && old < site->tree_size && consistency) {
      absl::StatusOr<std::string> proof = consistency(old, site->tree_size);
      if (proof.ok()) {
        r.content_type = "application/json";
        r.body = *std::move(proof);
      } else {
        r = Plain(502, absl::StrCat("the log did not give the proof: ",
                                    proof.status().message(), "\n"));
      }
    } else {
      r = Plain(404, "not found\n");
    }
  }
  AddHeaders(r);
  return r;
}

absl::StatusOr<std::unique_ptr<SiteServer>> SiteServer::Start(const std::string& address,
                                                              ConsistencySource consistency) {
  std::unique_ptr<SiteServer> server(new SiteServer());
  server->consistency_ = std::move(consistency);
  http::HttpServerOptions options;
  options.name = "site";
  // GET and HEAD have no body; a small one lets a stray POST get its 405.
  options.max_body_bytes = 1024;
  SiteServer* self = server.get();
  absl::StatusOr<std::unique_ptr<http::HttpServer>> http = http::HttpServer::Start(
      address,
      [self](const http::HttpRequest& request) {
        std::shared_ptr<const Site> site = self->site();
        return AnswerRequest(site.get(), request, self->consistency_);
      },
      options);
  if (!http.ok()) return http.status();
  server->http_ = *std::move(http);
  return server;
}

void SiteServer::Publish(std::shared_ptr<const Site> site) {
  absl::MutexLock lock(&mu_);
  site_ = std::move(site);
}

std::shared_ptr<const Site> SiteServer::site() const {
  absl::MutexLock lock(&mu_);
  return site_;
}

}  // namespace candor::site
