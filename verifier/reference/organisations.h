// Domain -> organisation: which company operates the server a flow goes to,
// with its country of incorporation, from a curated table that ships with
// Candor (data/organisations.json) and that an operator can extend or
// replace with a file in the same format.
//
// File format (JSON, read strictly: UTF-8, no duplicate or unknown keys):
//
//   {"format": "candor-organisations/v1",
//    "version": "2026-06-17",
//    "description": "free text",                      (optional)
//    "organisations": [
//      {"name": "Google LLC",           legal name, unique in the table
//       "country": "US",                ISO 3166-1 alpha-2 of incorporation
//       "kind": "platform",             one of kOrganisationKinds
//       "parent": "Alphabet Inc.",      optional; an organisation in the table
//       "domains": ["doubleclick.net", ...]}]}        at least one
//
// Domains are lower-case DNS names, each listed by one organisation only.
// They are normally registrable domains and may be private-section public
// suffixes the organisation operates for its customers ("cloudfront.net",
// "herokuapp.com"), but never an ICANN public suffix ("com", "co.uk"), which
// would attribute every name below it. A host belongs to the organisation
// listing the longest domain that is the host itself or one of its parent
// domains: "a.b.doubleclick.net" -> "doubleclick.net" -> Google LLC. Lookups
// do not depend on the Public Suffix List, so a verdict does not change with
// the PSL's version.
//
// Errors are INVALID_ARGUMENT naming the file, the JSON path or the
// organisation, and what is wrong. OrganisationTable is immutable and
// thread-safe.

#ifndef CANDOR_VERIFIER_REFERENCE_ORGANISATIONS_H_
#define CANDOR_VERIFIER_REFERENCE_ORGANISATIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/candor/reference/v1/reference.pb.h"
#include "verifier/reference/psl.h"

namespace candor::reference {

inline constexpr absl::string_view kOrganisationsFormat =
    "candor-organisations/v1";
// The shipped table, relative to the workspace root (and to the runfiles
// directory of a binary or test that has it in `data`).
inline constexpr absl::string_view kDefaultOrganisationsPath =
    "verifier/reference/data/organisations.json";

// The shipped table's bytes, built into the binary from
// kDefaultOrganisationsPath at build time.
absl::string_view ShippedOrganisationsJson();

// What an organisation mainly does in app traffic:
//   holding          owns operating companies; its own domains are corporate
//   platform         operating system, app store, browser or ecosystem
//   advertising      ad networks, exchanges, ad servers, DSPs/SSPs
//   ad-measurement   install attribution (MMPs), audience and ad verification
//   analytics        product analytics, monitoring (APM)
//   crash-reporting  crash and error reporting
//   engagement       push notifications, messaging, marketing automation, CRM
//   cdn              content delivery networks
//   cloud            hosting, cloud computing and storage
//   social           social networks and messaging apps
//   search           search engines and portals
//   commerce         marketplaces and retail
//   payments         payment processing and subscriptions
inline constexpr absl::string_view kOrganisationKinds[] = {
    "holding",   "platform",        "advertising", "ad-measurement",
    "analytics", "crash-reporting", "engagement",  "cdn",
    "cloud",     "social",          "search",      "commerce",
    "payments"};

struct OrganisationsFile {
  std::string version;
  std::string description;
  std::vector<reference::v1::Organisation> organisations;
};

// Parses the file format above; `file_name` prefixes errors.
absl::StatusOr<OrganisationsFile> ParseOrganisationsFile(
    absl::string_view text, absl::string_view file_name);
// Reads and parses a file; NOT_FOUND if it cannot be read.
absl::StatusOr<OrganisationsFile> ReadOrganisationsFile(
    const std::string& path);

enum class OperatorMode {
  // The shipped organisations and the operator's; an operator organisation
  // with the name of a shipped one replaces it (to correct or update it).
  kExtend,
  // The operator's organisations only.
  kReplace,
};

// `base` combined with `extra` as `mode` says; not yet validated.
std::vector<reference::v1::Organisation> MergeOrganisations(
    std::vector<reference::v1::Organisation> base,
    std::vector<reference::v1::Organisation> extra, OperatorMode mode);

class OrganisationTable {
 public:
  // Whether every parent must be an organisation of the table: true for a
  // whole table; a table read from some of its parts may lack them.
  enum class Parents { kMustBeListed, kMayBeMissing };

  struct Match {
    const reference::v1::Organisation* organisation;
    size_t index;        // in organisations()
    std::string domain;  // the listed domain that matched
  };

  // The empty table.
  OrganisationTable() = default;

  // Validates and indexes: names unique and free of control characters,
  // assigned ISO 3166-1 countries, known kinds, at least one domain, domains
  // lower-case DNS names listed once across the table, parents listed (as
  // `parents` says) and acyclic. Sorts organisations by name (bytewise) and
  // each one's domains, which is the canonical order.
  static absl::StatusOr<OrganisationTable> Create(
      std::vector<reference::v1::Organisation> organisations,
      Parents parents = Parents::kMustBeListed);

  // The organisation operating `host` (a lower-case DNS name): the one
  // listing the longest domain equal to `host` or a parent domain of it.
  std::optional<Match> FindByHost(absl::string_view host) const;
  const reference::v1::Organisation* FindByName(absl::string_view name) const;

  // Sorted by name; domains sorted.
  const std::vector<reference::v1::Organisation>& organisations() const {
    return organisations_;
  }

  // Fails if a listed domain is an ICANN public suffix.
  absl::Status CheckAgainst(const PublicSuffixList& psl) const;

 private:
  std::vector<reference::v1::Organisation> organisations_;
  absl::flat_hash_map<std::string, size_t> by_domain_;
  absl::flat_hash_map<std::string, size_t> by_name_;
};

struct LoadedOrganisations {
  OrganisationTable table;
  // For the published reference data: the file's version, or both files'
  // joined by "+"; where the table came from.
  std::string version;
  std::string source;
};

// The shipped file (the built-in copy, ShippedOrganisationsJson, if
// `shipped_path` is empty), extended or replaced by an operator file when
// `operator_path` is not empty, validated and checked against `psl`.
absl::StatusOr<LoadedOrganisations> LoadOrganisations(
    const std::string& shipped_path, const std::string& operator_path,
    OperatorMode mode, const PublicSuffixList& psl);

}  // namespace candor::reference

#endif  // CANDOR_VERIFIER_REFERENCE_ORGANISATIONS_H_
