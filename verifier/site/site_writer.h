// Writes a Site (site.h) under a directory, for any static web server or
// CDN: each file to a temporary name beside it, then renamed over the old
// one, so a reader sees a file whole, old or new, never half written.
// Directories are created as needed. Files of an earlier build that this
// one no longer has are left (a consistency proof from an old size, a page
// of an entry no longer cited): every path, once published, keeps meaning
// what it meant.
//
// Not synchronised: one writer per directory at a time.

#ifndef CANDOR_VERIFIER_SITE_SITE_WRITER_H_
#define CANDOR_VERIFIER_SITE_SITE_WRITER_H_

#include <cstdint>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "verifier/site/site.h"

namespace candor::site {

// Writes every file of `site` under `dir` (created if missing). Files whose
// bytes are unchanged are not rewritten. INTERNAL with the path and errno's
// text when a file cannot be written or renamed; INVALID_ARGUMENT for a
// path that would leave `dir` (absolute, or with a ".." part).
absl::Status WriteSite(const Site& site, const std::string& dir);

// The old sizes of the consistency proofs already under `dir`
// (api/v1/consistency/<n>.json): the sizes an earlier run published, so a
// restarted verifier keeps proving them. Empty if there are none.
std::set<uint64_t> PublishedSizes(const std::string& dir);

// How many earlier sizes a site keeps consistency proofs from.
inline constexpr size_t kKeptPublishedSizes = 256;

// Removes the consistency file from `old_size` under `dir`, if any: once the
// site's checkpoint moves on without it, it would prove consistency with a
// checkpoint the site no longer shows. Best effort: an error is ignored.
void RemoveConsistencyFile(const std::string& dir, uint64_t old_size);

}  // namespace candor::site

#endif  // CANDOR_VERIFIER_SITE_SITE_WRITER_H_
