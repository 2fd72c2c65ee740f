// The site's views (internal to verifier/site): what its pages and JSON show
// about each app, gathered from the verifier's store into plain values, and
// the text helpers both use. Everything a view holds that came from an
// entry has passed through P or Lines (claim::Printable), so pages and JSON
// only escape for their syntax.
//
// Functions that read the store return its errors; an entry that does not
// parse is left out of the view rather than failing it. Not thread-safe
// beyond VerifierStore's own guarantees (Entries caches without a lock).

#ifndef CANDOR_VERIFIER_SITE_VIEWS_H_
#define CANDOR_VERIFIER_SITE_VIEWS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "log/registry/registry.h"
#include "log/statement/statement.h"
#include "proto/candor/finding/v1/finding.pb.h"
#include "proto/candor/measurement/v1/measurement.pb.h"
#include "proto/candor/verifier/v1/store.pb.h"
#include "verifier/evaluate/evaluate.h"
#include "verifier/server/verifier_store.h"

namespace candor::site {

// What an entry says, made safe to show (controls, bidi overrides and bad
// UTF-8 escaped), before any HTML or JSON escaping.
std::string P(absl::string_view s);
// P for text shown in lines (a note, a PEM key, a quote): line breaks kept.
std::string Lines(absl::string_view s);
// RFC 3339, or "" for an unset timestamp.
std::string Time(const google::protobuf::Timestamp& t);
// The principal's display name, or its name.
std::string DisplayName(const registry::RegistryState& registry, const std::string& name);
std::string ConsentWords(measurement::v1::ConsentState c);
std::string VerdictWords(finding::v1::Verdict v);

struct VendorView {
  std::string name;
  std::string display_name;
  std::vector<std::string> organisations;
  std::vector<std::string> domains;
  std::optional<uint64_t> registration;  // the log entry registering it
};

struct QuoteView {
  std::string id, text, language;
};

// A vendor's signed answer to a recording.
struct DisputeView {
  uint64_t index = 0;
  std::string issuer, issued_at, text;
  std::string recording;  // the leaf hash of the recording it answers
};

// How a recorder reads a quoted sentence as one assertion.
struct InterpretationView {
  std::string assertion, quote, sentence, reading;
};

struct ClaimView {
  uint64_t index = 0;
  bool recorded = false;
  std::string status;
  std::optional<uint64_t> superseded_by, repeats;
  std::string provenance, issuer, issued_at, effective_at, text, versions;
  std::vector<std::pair<std::string, std::string>> assertions;  // id, sentence
  std::string speaker, source_url, publication;
  std::vector<QuoteView> quotes;
  std::vector<InterpretationView> interpretations;
  std::vector<DisputeView> disputes;  // a recording's, by vendors in scope
};

struct FlowView {
  std::string host, organisation, country;
  std::vector<std::string> data_types;
};

struct MeasurementView {
  uint64_t index = 0;
  std::string auditor, start, end, consent, vantage, app_version, binary;
  std::vector<FlowView> flows;
  uint32_t all_flows = 0;
};

struct FindingView {
  uint64_t index = 0;
  finding::v1::Finding finding;
  std::string assertion;  // the assertion in words
};

struct AppView {
  std::string app, slug;
  std::vector<VendorView> vendors;
  std::map<std::string, std::set<std::string>> binaries;  // sha256 -> versions
  std::vector<ClaimView> claims;                         // newest first
  std::vector<MeasurementView> measurements;             // log order
  std::vector<FindingView> findings;                     // newest first
  uint32_t confirmed = 0;
};

struct Statement {
  verifier::v1::IndexedStatement indexed;
  std::optional<SignedStatement> parsed;
};

// Reads statements once per build: several views cite the same entries.
class Entries {
 public:
  // `store` must outlive this.
  explicit Entries(verifier::VerifierStore* store) : store_(store) {}
  // The statement at `index`, or nullptr if the store has none; parsed once.
  absl::StatusOr<const Statement*> Get(uint64_t index);

 private:
  verifier::VerifierStore* store_;
  std::map<uint64_t, std::optional<Statement>> cache_;
};

// The log as the site shows it, from the follower's checkpoint note.
struct LogView {
  std::string origin, root_hash, checkpoint;
  uint64_t tree_size = 0;
};
LogView ParseCheckpoint(const std::string& note);

// The index of `name`'s latest registration, if any.
absl::StatusOr<std::optional<uint64_t>> LatestRegistration(verifier::VerifierStore* store,
                                                           const std::string& name);

// The disputes of the app the verifier indexed (AppRecord.disputes), each
// counted only if its issuer signed it.
absl::StatusOr<std::vector<DisputeView>> ReadDisputes(const verifier::v1::AppRecord& record,
                                                      Entries& entries);

// Fill `view` (whose app and slug are set) from the app's record: its
// vendors in scope and claims with their states at `now` (with the
// disputes of `disputes` that answer them), its measurements (flows
// attributed by `resolver`, which may be null), its findings.
absl::Status GatherClaims(const verifier::v1::AppRecord& record,
                          const registry::RegistryState& registry, absl::Time now,
                          const std::vector<DisputeView>& disputes, Entries& entries,
                          AppView& view);
absl::Status GatherMeasurements(const verifier::v1::AppRecord& record,
                                const evaluate::DestinationResolver* resolver,
                                Entries& entries, AppView& view);
absl::Status GatherFindings(const verifier::v1::AppRecord& record, Entries& entries,
                            AppView& view);

}  // namespace candor::site

#endif  // CANDOR_VERIFIER_SITE_VIEWS_H_
