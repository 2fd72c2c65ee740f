// The public site (API.md): every page and JSON document, built in memory
// from what the verifier has followed, indexed and published, so that it
// can be served over HTTP (site_server.h) or written out as static files
// (site_writer.h) byte for byte the same.
//
// Pages are rendered here, server-side, and read without JavaScript; the
// scripts under static/ only verify and filter. Everything an entry says is
// escaped (html.h) before it reaches a page.
//
// Thread-safety: BuildSite reads `core`, which is not thread-safe: call it
// on the thread that drives the core, or under the lock that guards it (in
// candor-verifier, VerifierServer::mu_). The Site it returns is a value;
// share it as std::shared_ptr<const Site>.

#ifndef CANDOR_VERIFIER_SITE_SITE_H_
#define CANDOR_VERIFIER_SITE_SITE_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "log/client/log_client.h"
#include "verifier/evaluate/evaluate.h"
#include "verifier/server/verifier_core.h"
#include "verifier/server/verifier_store.h"

namespace candor::site {

struct SiteFile {
  std::string content_type;
  std::string body;
};

struct Site {
  // By path relative to the site's root, without a leading '/':
  // "index.html", "apps/android_3Acom.example.app.html", "api/v1/log.json".
  std::map<std::string, SiteFile> files;
  // The tree size of the checkpoint the site shows (0 before the first).
  uint64_t tree_size = 0;
};

// What the site shows about the log that the verifier's state does not
// hold: the texts of the keys and policy its operator gave it.
struct SiteConfig {
  std::string log_key;         // the log's note verifier key, name+hash+base64
  std::string admin_key_pem;   // the operator's admin public key, PEM
  std::string witness_policy;  // C2SP tlog-policy text; empty if none
};

struct SiteSources {
  verifier::VerifierStore* store = nullptr;               // not owned
  const verifier::VerifierCore* core = nullptr;  // not owned; see the top
  client::LogClient* log = nullptr;              // for consistency proofs
  // Attributes measured flows to organisations and countries; may be null
  // (flows then show their host only).
  const evaluate::DestinationResolver* resolver = nullptr;
  SiteConfig config;
  // Tree sizes of checkpoints this site published before: a consistency
  // proof from each smaller one to the current size is included.
  std::set<uint64_t> published_sizes;
  absl::Time now;
};

// The whole site. Errors from the store (as VerifierStore's) and from the
// log (its gRPC status, for inclusion and consistency proofs) fail the
// build: a site never shows a fact it cannot prove. An entry that does not
// parse is shown as unreadable rather than failing the site.
absl::StatusOr<Site> BuildSite(const SiteSources& sources);

// api/v1/consistency/<old>.json for a proof from `old_size` to `new_size`,
// asked of `log`: {"oldSize", "newSize", "proof"}. INVALID_ARGUMENT unless
// 0 < old_size < new_size.
absl::StatusOr<std::string> ConsistencyJson(client::LogClient& log, uint64_t old_size,
                                            uint64_t new_size);

// The static files built into the binary (static/site.css, verify.js,
// search.js), by path ("static/site.css").
const std::map<std::string, SiteFile>& StaticFiles();

}  // namespace candor::site

#endif  // CANDOR_VERIFIER_SITE_SITE_H_
