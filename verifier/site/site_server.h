// Serves the public site (site.h) over plain HTTP (base/http), from an
// immutable snapshot that the verifier swaps in after each round that
// changed it. Requests never wait for the verifier: a handler takes the
// current snapshot under a small mutex and answers from it.
//
// Answers: GET and HEAD only (405 with Allow otherwise); "/" is index.html;
// 404 for a path the snapshot lacks; 503 before the first snapshot. An old
// size's consistency proof (api/v1/consistency/<n>.json) the snapshot lacks
// is asked of the log, for any 0 < n < the snapshot's tree size. Every
// answer carries the CSP of html.h, X-Content-Type-Options: nosniff and
// Referrer-Policy: no-referrer; HTML and JSON carry Cache-Control: no-cache
// (they change every round).
//
// No TLS: put a TLS proxy in front for the public internet.
//
// Thread-safe.

#ifndef CANDOR_VERIFIER_SITE_SITE_SERVER_H_
#define CANDOR_VERIFIER_SITE_SITE_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/http/http_server.h"
#include "verifier/site/site.h"

namespace candor::site {

// The body of a consistency proof from `old_size` to `new_size` (as
// ConsistencyJson writes it), or its error. Called from HTTP workers: must
// be thread-safe.
using ConsistencySource =
    std::function<absl::StatusOr<std::string>(uint64_t old_size, uint64_t new_size)>;

// The answer to `request` from `site` (null: not built yet). `consistency`
// may be empty (then only the snapshot's proofs are served).
http::HttpResponse AnswerRequest(const Site* site, const http::HttpRequest& request,
                                 const ConsistencySource& consistency);

class SiteServer {
 public:
  // Listens on `address` (host:port; port 0 picks one). Errors as
  // http::HttpServer::Start.
  static absl::StatusOr<std::unique_ptr<SiteServer>> Start(const std::string& address,
                                                           ConsistencySource consistency);
  ~SiteServer() = default;

  // "host:port" bound.
  const std::string& address() const { return http_->address(); }

  // Serves `site` from now on.
  void Publish(std::shared_ptr<const Site> site);
  std::shared_ptr<const Site> site() const;

 private:
  SiteServer() = default;

  ConsistencySource consistency_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Site> site_ ABSL_GUARDED_BY(mu_);
  // Last: destroyed first, so no handler runs on a half-destroyed server.
  std::unique_ptr<http::HttpServer> http_;
};

}  // namespace candor::site

#endif  // CANDOR_VERIFIER_SITE_SITE_SERVER_H_
