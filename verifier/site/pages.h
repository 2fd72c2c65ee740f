// The site's pages (internal to verifier/site), rendered from its views
// (views.h) into whole documents with html.h's skeleton: readable without
// JavaScript, no inline script or style, everything from entries escaped.
// `root`-relative links: pages under apps/, findings/ and entries/ link up
// with "../".
//
// Pure functions, thread-safe.

#ifndef CANDOR_VERIFIER_SITE_PAGES_H_
#define CANDOR_VERIFIER_SITE_PAGES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "log/registry/registry.h"
#include "verifier/site/site.h"
#include "verifier/site/views.h"

namespace candor::site {

// apps/<slug>.html: vendor, binaries, findings, claims, measurements.
std::string AppPage(const AppView& a);
// findings/<index>.html, with the Verify button of API.md.
std::string FindingPage(const FindingView& f, const AppView& a);
// entries/<index>.html: the statement, verbatim, with the Verify button.
std::string EntryPage(uint64_t index, const Statement& st,
                      const registry::RegistryState& registry);
// log.html. `equivocation` is the follower's reason, empty if none.
std::string LogPage(const LogView& log, const SiteConfig& config, uint64_t followed_size,
                    absl::string_view equivocation, absl::string_view generated_at);
// index.html: `apps` in the order given, with the search box.
std::string IndexPage(const std::vector<AppView>& apps);

}  // namespace candor::site

#endif  // CANDOR_VERIFIER_SITE_PAGES_H_
