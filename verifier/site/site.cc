// The site in three steps: gather what the store says about each app into
// plain views (Gather*), write the views as JSON (the API) and as pages
// (Render*), and add the proofs the log gives (bundles, consistency). One
// file because the views, their JSON and their pages change together; past
// 600 lines, so split the pages off when it grows further.

#include "verifier/site/site.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "log/merkle/hash.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "proto/candor/finding/v1/finding.pb.h"
#include "proto/candor/measurement/v1/measurement.pb.h"
#include "proto/candor/registry/v1/registry.pb.h"
#include "verifier/bundle/bundle.h"
#include "verifier/claim/claim.h"
#include "verifier/claim/history.h"
#include "verifier/claim/recording.h"
#include "verifier/claim/render.h"
#include "verifier/site/embedded_static.h"
#include "verifier/site/html.h"
#include "verifier/site/slug.h"

namespace candor::site {
namespace {

namespace cpb = ::candor::claim::v1;
namespace fpb = ::candor::finding::v1;
namespace mpb = ::candor::measurement::v1;
namespace vpb = ::candor::verifier::v1;
using google::protobuf::util::TimeUtil;
using verifier::VerifierStore;

constexpr char kHtml[] = "text/html; charset=utf-8";
constexpr char kJson[] = "application/json";

// ---- JSON output: the documents are small and flat enough to write by hand.

std::string Q(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          absl::StrAppend(&out, "\\u00", absl::Hex(u, absl::kZeroPad2));
        } else {
          out.push_back(c);
        }
    }
  }
  out += "\"";
  return out;
}

std::string B(bool b) { return b ? "true" : "false"; }

std::string Strings(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const std::string& s : items) quoted.push_back(Q(s));
  return absl::StrCat("[", absl::StrJoin(quoted, ","), "]");
}

// "k":v pairs into an object; values are JSON already.
std::string Obj(const std::vector<std::pair<std::string, std::string>>& members) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : members) parts.push_back(absl::StrCat(Q(k), ":", v));
  return absl::StrCat("{", absl::StrJoin(parts, ","), "}");
}

std::string Arr(const std::vector<std::string>& items) {
  return absl::StrCat("[", absl::StrJoin(items, ","), "]");
}

// What an entry says, made safe to show (controls, bidi overrides and bad
// UTF-8 escaped), before any HTML or JSON escaping.
std::string P(absl::string_view s) { return claim::Printable(s); }

// P for text shown in lines (a note, a PEM key, a quote): line breaks kept.
std::string Lines(absl::string_view s) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(s, '\n')) lines.push_back(P(line));
  return absl::StrJoin(lines, "\n");
}

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return TimeUtil::ToString(t);
}

std::string EntryHref(absl::string_view root, uint64_t index) {
  return absl::StrCat(root, "entries/", index, ".html");
}

// "entry 12", linked to its page.
std::string EntryLink(absl::string_view root, uint64_t index) {
  return Link(EntryHref(root, index), absl::StrCat("log entry ", index));
}

// ---- Views: what the pages and the JSON show, gathered from the store.

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
  fpb::Finding finding;
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
  vpb::IndexedStatement indexed;
  std::optional<SignedStatement> parsed;
};

// Reads statements once per build: several views cite the same entries.
class Entries {
 public:
  explicit Entries(VerifierStore* store) : store_(store) {}
  absl::StatusOr<const Statement*> Get(uint64_t index) {
    auto it = cache_.find(index);
    if (it != cache_.end()) return it->second ? &*it->second : nullptr;
    absl::StatusOr<std::optional<vpb::IndexedStatement>> st = store_->ReadStatement(index);
    if (!st.ok()) return st.status();
    std::optional<Statement>& slot = cache_[index];
    if (!st->has_value()) return nullptr;
    slot.emplace();
    slot->indexed = **std::move(st);
    absl::StatusOr<SignedStatement> parsed = ParseSignedStatement(slot->indexed.entry());
    if (parsed.ok()) slot->parsed = *std::move(parsed);
    return &*slot;
  }
  const std::map<uint64_t, std::optional<Statement>>& all() const { return cache_; }

 private:
  VerifierStore* store_;
  std::map<uint64_t, std::optional<Statement>> cache_;
};

template <typename Message>
std::optional<Message> PredicateOf(const Statement* st) {
  Message m;
  if (st == nullptr || !st->parsed ||
      !ParsePredicate(st->parsed->statement.predicate_json, m).ok()) {
    return std::nullopt;
  }
  return m;
}

std::string DisplayName(const registry::RegistryState& registry, const std::string& name) {
  const registry::PrincipalRecord* p = registry.FindPrincipal(name);
  if (p == nullptr || p->registration().display_name().empty()) return name;
  return p->registration().display_name();
}

std::string ConsentWords(mpb::ConsentState c) {
  switch (c) {
    case mpb::NO_INTERACTION: return "no answer to the consent prompt";
    case mpb::TRACKING_ACCEPTED: return "tracking accepted";
    case mpb::TRACKING_DECLINED: return "tracking declined";
    default: return "not stated";
  }
}

std::string VerdictWords(fpb::Verdict v) {
  switch (v) {
    case fpb::CONSISTENT: return "consistent";
    case fpb::CONTRADICTED: return "contradicted";
    case fpb::EXEMPTION_DEPENDENT: return "depends on an exemption";
    default: return "unspecified";
  }
}

absl::StatusOr<std::optional<uint64_t>> LatestRegistration(VerifierStore* store,
                                                           const std::string& name) {
  absl::StatusOr<std::optional<vpb::PrincipalHistory>> h = store->ReadPrincipal(name);
  if (!h.ok()) return h.status();
  if (!h->has_value() || (*h)->registrations().empty()) return std::nullopt;
  return *std::max_element((*h)->registrations().begin(), (*h)->registrations().end());
}

absl::Status GatherClaims(const vpb::AppRecord& record, const registry::RegistryState& registry,
                          absl::Time now, const std::vector<DisputeView>& disputes,
                          Entries& entries, AppView& view) {
  std::vector<claim::ClaimRecord> records;
  std::map<uint64_t, cpb::Claim> claims;
  std::map<uint64_t, cpb::RecordedClaim> recordings;
  for (uint64_t index : record.claims()) {
    absl::StatusOr<const Statement*> st = entries.Get(index);
    if (!st.ok()) return st.status();
    if (*st == nullptr) continue;
    const std::string& entry = (*st)->indexed.entry();
    // A claim counts as its signer's only if they signed it (as the CLI
    // and the core judge it).
    absl::StatusOr<claim::ClaimRecord> r = claim::ClaimRecordFromEntry(index, entry);
    if (!r.ok() || r->signer != (*st)->indexed.signer()) continue;
    absl::StatusOr<cpb::Claim> c = claim::ClaimFromEntry(entry);
    if (c.ok()) {
      claims[index] = *std::move(c);
    } else {
      absl::StatusOr<cpb::RecordedClaim> rec = claim::RecordingFromEntry(entry);
      if (!rec.ok()) continue;
      claims[index] = rec->reading();
      recordings[index] = *std::move(rec);
    }
    records.push_back(*std::move(r));
  }
  // The vendors in scope for the app now, among those that signed claims.
  for (const claim::ClaimRecord& r : records) {
    if (r.kind != claim::ClaimKind::kSigned) continue;
    const registry::PrincipalRecord* p = registry.FindPrincipal(r.signer);
    if (p == nullptr || p->registration().revoked()) continue;
    const auto& scope = p->registration().scope().apps();
    if (std::find(scope.begin(), scope.end(), view.app) == scope.end()) continue;
    if (std::any_of(view.vendors.begin(), view.vendors.end(),
                    [&](const VendorView& v) { return v.name == r.signer; })) {
      continue;
    }
    VendorView v;
    v.name = r.signer;
    v.display_name = DisplayName(registry, r.signer);
    v.organisations.assign(p->registration().scope().organisations().begin(),
                           p->registration().scope().organisations().end());
    v.domains.assign(p->registration().scope().domains().begin(),
                     p->registration().scope().domains().end());
    view.vendors.push_back(std::move(v));
  }
  std::vector<std::string> vendor_names;
  for (const VendorView& v : view.vendors) vendor_names.push_back(v.name);

  for (const claim::ClaimState& state : claim::ClaimStatesAt(records, vendor_names, now)) {
    const uint64_t index = state.claim->index;
    const cpb::Claim& c = claims[index];
    ClaimView cv;
    cv.index = index;
    cv.status = std::string(claim::ClaimStatusName(state.status));
    if (state.superseded_by != nullptr) cv.superseded_by = state.superseded_by->index;
    if (state.repeats != nullptr) cv.repeats = state.repeats->index;
    cv.issuer = c.issuer();
    cv.issued_at = Time(c.issued_at());
    cv.effective_at = Time(c.effective_at());
    cv.text = Lines(c.text());
    if (!c.app().min_version().empty() || !c.app().max_version().empty()) {
      cv.versions = absl::StrCat(P(c.app().min_version()), " to ",
                                 c.app().max_version().empty() ? std::string("latest")
                                                               : P(c.app().max_version()));
    }
    if (!c.app().binary_sha256().empty()) {
      view.binaries[c.app().binary_sha256()];
      cv.versions = absl::StrCat("the build ", c.app().binary_sha256());
    }
    for (const cpb::Assertion& a : c.assertions()) {
      cv.assertions.emplace_back(P(a.id()), claim::DescribeAssertion(a));
    }
    auto rec = recordings.find(index);
    if (rec == recordings.end()) {
      cv.provenance = claim::ProvenanceOfClaim(c);
    } else {
      cv.recorded = true;
      cv.provenance =
          claim::ProvenanceOfRecording(rec->second, DisplayName(registry, cv.issuer));
      // Only a vendor now in scope answers for the app (as `candor claims`).
      const std::string leaf(merkle::AsBytes(state.claim->leaf_hash));
      for (const DisputeView& d : disputes) {
        if (d.recording == leaf && std::find(vendor_names.begin(), vendor_names.end(),
                                             d.issuer) != vendor_names.end()) {
          cv.disputes.push_back(d);
        }
      }
      cv.speaker = P(rec->second.speaker().name());
      cv.source_url = P(rec->second.source().url());
      cv.publication = P(rec->second.source().publication());
      for (const cpb::Quote& q : rec->second.quotes()) {
        cv.quotes.push_back({P(q.id()), Lines(q.text()), P(q.language())});
      }
      for (const cpb::Interpretation& i : rec->second.interpretations()) {
        cv.interpretations.push_back(
            {P(i.assertion()), P(i.quote()), Lines(i.sentence()), Lines(i.reading())});
      }
    }
    cv.provenance = P(cv.provenance);
    view.claims.push_back(std::move(cv));
  }
  return absl::OkStatus();
}

// Every dispute the verifier indexed, by app. Disputes are not in the app
// records, so this reads every statement once per build.
absl::StatusOr<std::map<std::string, std::vector<DisputeView>>> ReadDisputes(
    VerifierStore* store) {
  std::map<std::string, std::vector<DisputeView>> out;
  uint64_t next = 0;
  while (true) {
    absl::StatusOr<std::vector<vpb::IndexedStatement>> chunk = store->ReadStatements(next, 256);
    if (!chunk.ok()) return chunk.status();
    if (chunk->empty()) return out;
    for (const vpb::IndexedStatement& st : *chunk) {
      next = st.index() + 1;
      if (st.predicate_type() != kDisputeType || st.repeated()) continue;
      absl::StatusOr<cpb::Dispute> d = claim::DisputeFromEntry(st.entry());
      // A dispute counts as its issuer's only if they signed it.
      if (!d.ok() || d->issuer() != st.signer()) continue;
      out[d->app()].push_back(
          {st.index(), d->issuer(), Time(d->issued_at()), Lines(d->text()), d->recording()});
    }
  }
}

absl::Status GatherMeasurements(const vpb::AppRecord& record,
                                const evaluate::DestinationResolver* resolver,
                                Entries& entries, AppView& view) {
  for (uint64_t index : record.measurements()) {
    absl::StatusOr<const Statement*> st = entries.Get(index);
    if (!st.ok()) return st.status();
    std::optional<mpb::Measurement> m = PredicateOf<mpb::Measurement>(*st);
    if (!m) continue;
    MeasurementView mv;
    mv.index = index;
    mv.auditor = P(m->auditor());
    mv.start = Time(m->start_time());
    mv.end = Time(m->end_time());
    mv.consent = mpb::ConsentState_Name(m->consent());
    mv.vantage = P(m->vantage_country());
    mv.app_version = P(m->app_version());
    mv.binary = P(m->binary_sha256());
    if (!m->binary_sha256().empty()) {
      std::set<std::string>& versions = view.binaries[mv.binary];
      if (!mv.app_version.empty()) versions.insert(mv.app_version);
    }
    mv.all_flows = static_cast<uint32_t>(m->flows_size());
    for (const mpb::Flow& f : m->flows()) {
      if (f.detections().empty()) continue;
      FlowView fv;
      fv.host = P(f.host());
      std::set<std::string> types;
      for (const mpb::Detection& d : f.detections()) types.insert(d.data_type());
      fv.data_types.assign(types.begin(), types.end());
      if (resolver != nullptr) {
        absl::StatusOr<evaluate::Destination> d = resolver->Resolve(f.host(), f.server_ip());
        if (d.ok()) {
          fv.organisation = P(d->organisation);
          fv.country = d->endpoint_country;
        }
      }
      mv.flows.push_back(std::move(fv));
    }
    view.measurements.push_back(std::move(mv));
  }
  return absl::OkStatus();
}

absl::Status GatherFindings(const vpb::AppRecord& record, Entries& entries, AppView& view) {
  for (uint64_t index : record.findings()) {
    absl::StatusOr<const Statement*> st = entries.Get(index);
    if (!st.ok()) return st.status();
    std::optional<fpb::Finding> f = PredicateOf<fpb::Finding>(*st);
    if (!f) continue;
    FindingView fv;
    fv.index = index;
    fv.assertion = claim::DescribeAssertion(f->assertion());
    if (f->confirmed() && f->verdict() == fpb::CONTRADICTED) ++view.confirmed;
    fv.finding = *std::move(f);
    view.findings.push_back(std::move(fv));
  }
  std::reverse(view.findings.begin(), view.findings.end());
  return absl::OkStatus();
}

// ---- JSON documents.

std::string VendorJson(const VendorView& v) {
  return Obj({{"name", Q(P(v.name))},
              {"displayName", Q(P(v.display_name))},
              {"organisations", Strings(v.organisations)},
              {"domains", Strings(v.domains)},
              {"registrationIndex", v.registration ? absl::StrCat(*v.registration) : "null"}});
}

std::string AppJson(const AppView& a) {
  std::vector<std::string> vendors, binaries, claims, measurements, findings;
  for (const VendorView& v : a.vendors) vendors.push_back(VendorJson(v));
  for (const auto& [sha, versions] : a.binaries) {
    binaries.push_back(Obj({{"sha256", Q(sha)},
                            {"versions", Strings({versions.begin(), versions.end()})}}));
  }
  for (const ClaimView& c : a.claims) {
    std::vector<std::string> assertions, quotes, interpretations, disputes;
    for (const DisputeView& d : c.disputes) {
      disputes.push_back(Obj({{"index", absl::StrCat(d.index)},
                              {"issuer", Q(P(d.issuer))},
                              {"issuedAt", Q(d.issued_at)},
                              {"text", Q(d.text)}}));
    }
    for (const InterpretationView& i : c.interpretations) {
      interpretations.push_back(Obj({{"assertion", Q(i.assertion)},
                                     {"quote", Q(i.quote)},
                                     {"sentence", Q(i.sentence)},
                                     {"reading", Q(i.reading)}}));
    }
    for (const auto& [id, sentence] : c.assertions) {
      assertions.push_back(Obj({{"id", Q(id)}, {"sentence", Q(sentence)}}));
    }
    for (const QuoteView& q : c.quotes) {
      quotes.push_back(Obj({{"id", Q(q.id)}, {"text", Q(q.text)}, {"language", Q(q.language)}}));
    }
    claims.push_back(Obj({
        {"index", absl::StrCat(c.index)},
        {"kind", Q(c.recorded ? "recorded" : "signed")},
        {"status", Q(c.status)},
        {"supersededBy", c.superseded_by ? absl::StrCat(*c.superseded_by) : "null"},
        {"provenance", Q(c.provenance)},
        {"issuer", Q(P(c.issuer))},
        {"issuedAt", Q(c.issued_at)},
        {"effectiveAt", Q(c.effective_at)},
        {"text", Q(c.text)},
        {"assertions", Arr(assertions)},
        {"speaker", Q(c.speaker)},
        {"source", c.recorded ? Obj({{"url", Q(c.source_url)},
                                     {"publication", Q(c.publication)}})
                              : "null"},
        {"quotes", Arr(quotes)},
        {"interpretations", Arr(interpretations)},
        {"disputes", Arr(disputes)},
    }));
  }
  for (const MeasurementView& m : a.measurements) {
    std::vector<std::string> flows;
    for (const FlowView& f : m.flows) {
      flows.push_back(Obj({{"host", Q(f.host)},
                           {"dataTypes", Strings(f.data_types)},
                           {"organisation", Q(f.organisation)},
                           {"country", Q(f.country)}}));
    }
    measurements.push_back(Obj({{"index", absl::StrCat(m.index)},
                                {"auditor", Q(m.auditor)},
                                {"startTime", Q(m.start)},
                                {"endTime", Q(m.end)},
                                {"consent", Q(m.consent)},
                                {"vantageCountry", Q(m.vantage)},
                                {"appVersion", Q(m.app_version)},
                                {"binarySha256", Q(m.binary)},
                                {"flows", Arr(flows)}}));
  }
  for (const FindingView& f : a.findings) {
    findings.push_back(Obj({{"index", absl::StrCat(f.index)},
                            {"claimIndex", absl::StrCat(f.finding.claim().index())},
                            {"assertionId", Q(P(f.finding.assertion().id()))},
                            {"assertion", Q(f.assertion)},
                            {"verdict", Q(fpb::Verdict_Name(f.finding.verdict()))},
                            {"confirmed", B(f.finding.confirmed())},
                            {"standsAgainst", Q(P(f.finding.stands_against()))},
                            {"summary", Q(P(f.finding.summary()))},
                            {"issuedAt", Q(Time(f.finding.issued_at()))}}));
  }
  return Obj({{"app", Q(P(a.app))},
              {"slug", Q(a.slug)},
              {"vendors", Arr(vendors)},
              {"binaries", Arr(binaries)},
              {"claims", Arr(claims)},
              {"measurements", Arr(measurements)},
              {"findings", Arr(findings)}}) +
         "\n";
}

// ---- Pages. `root` is "../" for pages one folder down.

// The Verify button of API.md ("Elements the scripts use"): verify.js
// fetches `bundle_href` and log.json beside it.
std::string VerifyButton(absl::string_view bundle_href) {
  return absl::StrCat(
      "<section class=\"card\" aria-labelledby=\"verify-h\"><h2 id=\"verify-h\">Verify</h2>",
      "<p>Check the log's signature, the witnesses' cosignatures, the inclusion proofs and "
      "the signers' signatures yourself, in this browser.</p>",
      "<button type=\"button\" id=\"verify\" data-bundle=\"", HtmlEscape(bundle_href),
      "\">Verify</button>",
      "<output id=\"verify-result\" aria-live=\"polite\"></output>",
      "<noscript><p>Verifying in the browser needs JavaScript; the proof is ",
      Link(bundle_href, "this file"), ".</p></noscript></section>");
}

std::string ClaimHtml(const ClaimView& c, absl::string_view root) {
  std::string out = absl::StrCat(
      "<li id=\"claim-", c.index, "\"><h3>",
      c.recorded ? "Recorded: " : "Signed claim: ", HtmlEscape(c.provenance), "</h3>",
      "<p><span class=\"status\">", HtmlEscape(c.status), "</span>");
  if (c.superseded_by) {
    absl::StrAppend(&out, " by ", EntryLink(root, *c.superseded_by));
  }
  if (c.repeats) absl::StrAppend(&out, " of ", EntryLink(root, *c.repeats));
  absl::StrAppend(&out, " · ", EntryLink(root, c.index), "</p>");
  absl::StrAppend(&out, "<p>", c.recorded ? "Recorded by " : "Signed by ",
                  HtmlEscape(P(c.issuer)), ", issued ", HtmlEscape(c.issued_at),
                  ", effective ", HtmlEscape(c.effective_at));
  if (!c.versions.empty()) absl::StrAppend(&out, "; versions ", HtmlEscape(c.versions));
  absl::StrAppend(&out, ".</p>");
  if (c.recorded) {
    absl::StrAppend(&out, "<p>Speaker: ", HtmlEscape(c.speaker), ". Source: ",
                    HtmlEscape(c.publication), ", <a href=\"", HtmlEscape(c.source_url),
                    "\" rel=\"nofollow noopener\">", HtmlEscape(c.source_url), "</a></p>");
    for (const QuoteView& q : c.quotes) {
      absl::StrAppend(&out, "<blockquote lang=\"", HtmlEscape(q.language), "\">",
                      HtmlEscape(q.text), "</blockquote>");
    }
  }
  if (!c.text.empty()) {
    absl::StrAppend(&out, "<p>In the vendor's words:</p><blockquote>", HtmlEscape(c.text),
                    "</blockquote>");
  }
  absl::StrAppend(&out, "<p>It says the app:</p><ul>");
  for (const auto& [id, sentence] : c.assertions) {
    absl::StrAppend(&out, "<li>", HtmlEscape(sentence), " <span class=\"muted\">(",
                    HtmlEscape(id), ")</span>");
    for (const InterpretationView& i : c.interpretations) {
      if (i.assertion != id) continue;
      absl::StrAppend(&out, "<br>The recorder reads \u201c", HtmlEscape(i.sentence),
                      "\u201d (quote ", HtmlEscape(i.quote), ") as: ", HtmlEscape(i.reading));
    }
    absl::StrAppend(&out, "</li>");
  }
  absl::StrAppend(&out, "</ul>");
  for (const DisputeView& d : c.disputes) {
    absl::StrAppend(&out, "<p><strong>Disputed</strong> by ", HtmlEscape(P(d.issuer)), " on ",
                    HtmlEscape(d.issued_at), " (", EntryLink(root, d.index),
                    "):</p><blockquote>", HtmlEscape(d.text), "</blockquote>");
  }
  absl::StrAppend(&out, "</li>");
  return out;
}

std::string CountryWords(const std::string& code) {
  return code.empty() ? std::string("unknown country") : claim::DescribeCountries({code});
}

std::string FlowsTable(const std::vector<FlowView>& flows) {
  if (flows.empty()) return "<p>No user data was detected in what the app sent.</p>";
  std::string out =
      "<table><thead><tr><th scope=\"col\">Data</th><th scope=\"col\">Sent to</th>"
      "<th scope=\"col\">Organisation</th><th scope=\"col\">Endpoint in</th></tr></thead><tbody>";
  for (const FlowView& f : flows) {
    absl::StrAppend(&out, "<tr><td>", HtmlEscape(claim::DescribeDataTypes(f.data_types)),
                    "</td><td>", HtmlEscape(f.host), "</td><td>",
                    HtmlEscape(f.organisation.empty() ? "unknown" : f.organisation),
                    "</td><td>", HtmlEscape(CountryWords(f.country)), "</td></tr>");
  }
  absl::StrAppend(&out, "</tbody></table>");
  return out;
}

std::string FindingSummaryHtml(const FindingView& f, absl::string_view root) {
  const fpb::Finding& x = f.finding;
  const std::string verdict = fpb::Verdict_Name(x.verdict());
  std::string out = absl::StrCat(
      "<li id=\"finding-", f.index, "\"><p><span class=\"verdict verdict-",
      HtmlEscape(absl::AsciiStrToLower(verdict)), "\">", HtmlEscape(VerdictWords(x.verdict())),
      x.confirmed() ? ", confirmed" : ", not confirmed", "</span> · ",
      Link(absl::StrCat(root, "findings/", f.index, ".html"), "the finding"), " · ",
      EntryLink(root, f.index), "</p>");
  absl::StrAppend(&out, "<p>The assertion that the app ", HtmlEscape(f.assertion),
                  ", in ", HtmlEscape(P(x.stands_against())), " (",
                  EntryLink(root, x.claim().index()), ").</p>");
  if (!x.flows().empty()) {
    absl::StrAppend(&out, "<p>What contradicts it:</p><ul>");
    for (const fpb::ViolatingFlow& v : x.flows()) {
      std::string where = P(v.host());
      if (!v.organisation().empty()) absl::StrAppend(&where, " (", P(v.organisation()), ")");
      const bool known = v.measurement() < static_cast<uint32_t>(x.measurements_size());
      const std::vector<std::string> types(v.data_types().begin(), v.data_types().end());
      absl::StrAppend(&out, "<li>", HtmlEscape(claim::DescribeDataTypes(types)),
                      " sent to ", HtmlEscape(where), ", an endpoint in ",
                      HtmlEscape(CountryWords(v.endpoint_country())));
      if (!v.reason().empty()) absl::StrAppend(&out, ": ", HtmlEscape(P(v.reason())));
      if (known) {
        absl::StrAppend(&out, " (measured in ",
                        EntryLink(root, x.measurements(v.measurement()).index()), ")");
      }
      absl::StrAppend(&out, "</li>");
    }
    absl::StrAppend(&out, "</ul>");
  }
  absl::StrAppend(&out, "<p class=\"muted\">", HtmlEscape(P(x.summary())), "</p></li>");
  return out;
}

std::string AppPage(const AppView& a) {
  const std::string root = "../";
  std::string out = absl::StrCat("<h1>", HtmlEscape(P(a.app)), "</h1>");
  absl::StrAppend(&out, "<p>", a.confirmed, " confirmed contradiction",
                  a.confirmed == 1 ? "" : "s", " · ",
                  Link(absl::StrCat(root, "api/v1/apps/", a.slug, ".json"), "as JSON"), "</p>");

  absl::StrAppend(&out, "<section aria-labelledby=\"vendor-h\"><h2 id=\"vendor-h\">Vendor</h2>");
  if (a.vendors.empty()) absl::StrAppend(&out, "<p>No registered vendor has signed a claim.</p>");
  for (const VendorView& v : a.vendors) {
    absl::StrAppend(&out, "<p><strong>", HtmlEscape(P(v.display_name)), "</strong> (",
                    HtmlEscape(P(v.name)), ")");
    if (v.registration) absl::StrAppend(&out, ", registered in ", EntryLink(root, *v.registration));
    absl::StrAppend(&out, ".</p>");
    if (!v.organisations.empty() || !v.domains.empty()) {
      std::vector<std::string> own;
      for (const std::string& o : v.organisations) own.push_back(P(o));
      for (const std::string& d : v.domains) own.push_back(P(d));
      absl::StrAppend(&out, "<p>Its own organisations and domains: ",
                      HtmlEscape(absl::StrJoin(own, ", ")), ".</p>");
    }
  }
  absl::StrAppend(&out, "</section>");

  absl::StrAppend(&out, "<section aria-labelledby=\"bin-h\"><h2 id=\"bin-h\">Binaries</h2>");
  if (a.binaries.empty()) absl::StrAppend(&out, "<p>No statement names a build by digest.</p>");
  else absl::StrAppend(&out, "<ul>");
  for (const auto& [sha, versions] : a.binaries) {
    absl::StrAppend(&out, "<li><span class=\"digest\">SHA-256 ", HtmlEscape(sha), "</span>",
                    versions.empty() ? std::string()
                                     : absl::StrCat(", version ",
                                                    HtmlEscape(absl::StrJoin(versions, ", "))),
                    "</li>");
  }
  if (!a.binaries.empty()) absl::StrAppend(&out, "</ul>");
  absl::StrAppend(&out, "</section>");

  absl::StrAppend(&out,
                  "<section aria-labelledby=\"findings-h\"><h2 id=\"findings-h\">Findings</h2>");
  if (a.findings.empty()) absl::StrAppend(&out, "<p>No findings yet.</p>");
  absl::StrAppend(&out, "<ul class=\"cards\">");
  for (const FindingView& f : a.findings) absl::StrAppend(&out, FindingSummaryHtml(f, root));
  absl::StrAppend(&out, "</ul></section>");

  absl::StrAppend(&out,
                  "<section aria-labelledby=\"claims-h\"><h2 id=\"claims-h\">Claims</h2>"
                  "<p>Newest first: the claims in force and their history, signed by the "
                  "vendor or recorded from what it said.</p><ul class=\"cards\">");
  for (const ClaimView& c : a.claims) absl::StrAppend(&out, ClaimHtml(c, root));
  absl::StrAppend(&out, "</ul></section>");

  absl::StrAppend(&out, "<section aria-labelledby=\"meas-h\"><h2 id=\"meas-h\">Measurements</h2>"
                        "<ul class=\"cards\">");
  for (const MeasurementView& m : a.measurements) {
    absl::StrAppend(&out, "<li><h3>By ", HtmlEscape(m.auditor), "</h3><p>",
                    HtmlEscape(m.start), " to ", HtmlEscape(m.end), "; version ",
                    HtmlEscape(m.app_version.empty() ? "not stated" : m.app_version),
                    "; consent: ", HtmlEscape(ConsentWords([&] {
                      mpb::ConsentState c = mpb::CONSENT_STATE_UNSPECIFIED;
                      mpb::ConsentState_Parse(m.consent, &c);
                      return c;
                    }())),
                    "; measured from ", HtmlEscape(CountryWords(m.vantage)), " · ",
                    EntryLink(root, m.index), "</p><p>", m.flows.size(), " of ", m.all_flows,
                    " requests carried user data:</p>", FlowsTable(m.flows), "</li>");
  }
  absl::StrAppend(&out, "</ul></section>");
  return Page({P(a.app), root, {}}, out);
}

std::string FindingPage(const FindingView& f, const AppView& a) {
  const std::string root = "../";
  const fpb::Finding& x = f.finding;
  std::string out = absl::StrCat("<h1>Finding ", f.index, " on ", HtmlEscape(P(a.app)), "</h1>");
  absl::StrAppend(&out, "<p>About ", Link(absl::StrCat(root, "apps/", a.slug, ".html"), P(a.app)),
                  ", signed by the verifier ", HtmlEscape(P(x.verifier())), " at ",
                  HtmlEscape(Time(x.issued_at())), ".</p><ul class=\"cards\">",
                  FindingSummaryHtml(f, root), "</ul>");
  absl::StrAppend(&out, "<p>", x.contradicting_auditors(), " distinct auditor",
                  x.contradicting_auditors() == 1 ? "" : "s",
                  " contradicted it; a quorum of ", x.quorum(), " confirms.</p>");
  absl::StrAppend(&out, "<h2>What it rests on</h2><ul><li>The claim: ",
                  EntryLink(root, x.claim().index()), "</li>");
  for (const fpb::EntryRef& m : x.measurements()) {
    absl::StrAppend(&out, "<li>A measurement: ", EntryLink(root, m.index()), "</li>");
  }
  for (const fpb::EntryRef& r : x.reference()) {
    absl::StrAppend(&out, "<li>Reference data: ", EntryLink(root, r.index()), "</li>");
  }
  absl::StrAppend(&out, "</ul>");
  absl::StrAppend(
      &out,
      VerifyButton(absl::StrCat(root, "api/v1/findings/", f.index, ".bundle.json")),
      "<p>To re-run the evaluation itself: save the proof and run <code>candor verify "
      "finding ",
      f.index, ".bundle.json --log_pub log.pub --admin_pub admin.pub</code>.</p>");
  return Page({absl::StrCat("Finding ", f.index), root, {"verify.js"}}, out);
}

std::string EntryPage(uint64_t index, const Statement& st,
                      const registry::RegistryState& registry) {
  const std::string root = "../";
  const vpb::IndexedStatement& s = st.indexed;
  std::string out = absl::StrCat("<h1>Log entry ", index, "</h1><dl>");
  auto item = [&out](absl::string_view k, absl::string_view v_html) {
    absl::StrAppend(&out, "<dt>", k, "</dt><dd>", v_html, "</dd>");
  };
  item("Type", HtmlEscape(s.predicate_type()));
  if (!s.signer().empty()) {
    item("Signed by", HtmlEscape(absl::StrCat(P(DisplayName(registry, s.signer())), " (",
                                              P(s.signer()), ")")));
  } else {
    item("Signed by", "the log's operator (a registration)");
  }
  if (!s.app().empty()) {
    item("App", Link(absl::StrCat(root, "apps/", AppSlug(s.app()), ".html"), P(s.app())));
  }
  item("Leaf hash", absl::StrCat("<span class=\"digest\">",
                                 HtmlEscape(absl::BytesToHexString(s.leaf_hash())), "</span>"));
  if (s.repeated()) item("A repeat of", EntryLink(root, s.original()));
  absl::StrAppend(&out, "</dl>");
  if (st.parsed) {
    absl::StrAppend(&out, "<h2>What it says</h2><pre>",
                    HtmlEscape(Lines(st.parsed->statement.predicate_json)), "</pre>");
  } else {
    absl::StrAppend(&out, "<p>This entry is not a statement this site can read.</p>");
  }
  absl::StrAppend(&out, "<h2>The entry, verbatim</h2><pre>", HtmlEscape(Lines(s.entry())), "</pre>",
                  VerifyButton(absl::StrCat(root, "api/v1/entries/", index, ".bundle.json")));
  return Page({absl::StrCat("Log entry ", index), root, {"verify.js"}}, out);
}

struct LogView {
  std::string origin, root_hash, checkpoint;
  uint64_t tree_size = 0;
};

LogView ParseCheckpoint(const std::string& note) {
  LogView v;
  v.checkpoint = note;
  std::vector<std::string> lines = absl::StrSplit(note, '\n');
  if (lines.size() >= 3) {
    v.origin = lines[0];
    if (!absl::SimpleAtoi(lines[1], &v.tree_size)) v.tree_size = 0;
    v.root_hash = lines[2];
  }
  return v;
}

std::string LogPage(const LogView& log, const SiteSources& in, absl::string_view equivocation,
                    absl::string_view generated_at) {
  std::string out = "<h1>The log</h1><dl>";
  auto item = [&out](absl::string_view k, absl::string_view v_html) {
    absl::StrAppend(&out, "<dt>", k, "</dt><dd>", v_html, "</dd>");
  };
  item("Origin", HtmlEscape(P(log.origin)));
  item("Tree size", absl::StrCat(log.tree_size));
  item("Root hash", absl::StrCat("<span class=\"digest\">", HtmlEscape(P(log.root_hash)),
                                 "</span>"));
  item("Entries the verifier has read", absl::StrCat(in.core->followed_size()));
  item("Equivocation",
       equivocation.empty() ? std::string("none seen")
                            : absl::StrCat("<strong>", HtmlEscape(P(equivocation)),
                                           "</strong>: the verifier stopped following"));
  item("Generated", HtmlEscape(generated_at));
  absl::StrAppend(&out, "</dl>");
  absl::StrAppend(&out, "<h2>Checkpoint, verbatim, with its cosignatures</h2><pre>",
                  HtmlEscape(Lines(log.checkpoint)), "</pre>");
  absl::StrAppend(&out, "<h2>The log's key</h2><pre>", HtmlEscape(Lines(in.config.log_key)),
                  "</pre><h2>The admin key</h2><pre>", HtmlEscape(Lines(in.config.admin_key_pem)),
                  "</pre><h2>Witness policy</h2>");
  if (in.config.witness_policy.empty()) {
    absl::StrAppend(&out, "<p>None: the verifier follows the log's own checkpoints.</p>");
  } else {
    absl::StrAppend(&out, "<pre>", HtmlEscape(Lines(in.config.witness_policy)), "</pre>");
  }
  absl::StrAppend(&out, "<p>As JSON: ", Link("api/v1/log.json", "api/v1/log.json"),
                  ". Each finding and entry page verifies against this checkpoint.</p>");
  return Page({"The log", "", {}}, out);
}

std::string IndexPage(const std::vector<AppView>& apps) {
  std::string out =
      "<h1>Apps and what they share</h1><p>Vendors sign claims about the data their apps "
      "share; auditors measure what the apps send; this verifier publishes where the two "
      "disagree. Apps with confirmed contradictions come first.</p>"
      "<form role=\"search\" action=\"index.html\" method=\"get\">"
      "<label for=\"app-search\">Search apps (name, package or store id)</label>"
      "<input type=\"search\" id=\"app-search\" name=\"q\" autocomplete=\"off\" "
      "aria-controls=\"apps\"> <span id=\"app-search-count\" aria-live=\"polite\"></span>"
      "</form><ul id=\"apps\" class=\"cards\">";
  for (const AppView& a : apps) {
    std::vector<std::string> names;
    std::string search = P(a.app);
    for (const VendorView& v : a.vendors) {
      names.push_back(P(v.display_name));
      absl::StrAppend(&search, " ", P(v.name), " ", P(v.display_name));
    }
    absl::StrAppend(&out, "<li data-search=\"", HtmlEscape(absl::AsciiStrToLower(search)),
                    "\"><h2>", Link(absl::StrCat("apps/", a.slug, ".html"), P(a.app)), "</h2><p>",
                    names.empty() ? std::string("No vendor has signed a claim")
                                  : HtmlEscape(absl::StrJoin(names, ", ")),
                    " · ", a.claims.size(), " claims · ", a.measurements.size(),
                    " measurements · ", a.findings.size(), " findings, ", a.confirmed,
                    " confirmed contradictions</p></li>");
  }
  absl::StrAppend(&out, "</ul>");
  if (apps.empty()) absl::StrAppend(&out, "<p>The verifier has read no app yet.</p>");
  return Page({"Apps", "", {"search.js"}}, out);
}

}  // namespace

absl::StatusOr<std::string> ConsistencyJson(client::LogClient& log, uint64_t old_size,
                                            uint64_t new_size) {
  if (old_size == 0 || old_size >= new_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a consistency proof needs 0 < old size < ", new_size, "; got ", old_size));
  }
  absl::StatusOr<log::v1::GetConsistencyProofResponse> p =
      log.GetConsistencyProof(old_size, new_size);
  if (!p.ok()) return p.status();
  std::vector<std::string> hashes;
  for (const std::string& h : p->proof()) hashes.push_back(Q(absl::Base64Escape(h)));
  return Obj({{"oldSize", absl::StrCat(old_size)},
              {"newSize", absl::StrCat(new_size)},
              {"proof", Arr(hashes)}}) +
         "\n";
}

const std::map<std::string, SiteFile>& StaticFiles() {
  static const auto* files = [] {
    auto* out = new std::map<std::string, SiteFile>();
    size_t count = 0;
    const EmbeddedFile* f = EmbeddedStaticFiles(&count);
    for (size_t i = 0; i < count; ++i) {
      absl::string_view name = f[i].name;
      std::string type = "application/octet-stream";
      if (absl::EndsWith(name, ".css")) type = "text/css; charset=utf-8";
      if (absl::EndsWith(name, ".js")) type = "text/javascript; charset=utf-8";
      (*out)[absl::StrCat("static/", name)] = {type, std::string(f[i].data, f[i].size)};
    }
    return out;
  }();
  return *files;
}

absl::StatusOr<Site> BuildSite(const SiteSources& in) {
  Site site;
  const registry::RegistryState& registry = in.core->registry();
  const LogView log = ParseCheckpoint(in.core->checkpoint());
  site.tree_size = log.tree_size;
  const std::string generated_at = absl::FormatTime(absl::RFC3339_sec, in.now, absl::UTCTimeZone());
  Entries entries(in.store);
  // The entries the site cites: each gets a page and a bundle.
  std::set<uint64_t> cited;

  absl::StatusOr<std::vector<vpb::AppRecord>> records = in.store->ReadApps();
  if (!records.ok()) return records.status();
  absl::StatusOr<std::map<std::string, std::vector<DisputeView>>> disputes =
      ReadDisputes(in.store);
  if (!disputes.ok()) return disputes.status();
  std::vector<AppView> apps;
  for (const vpb::AppRecord& record : *records) {
    AppView a;
    a.app = record.app();
    a.slug = AppSlug(a.app);
    if (absl::Status s = GatherClaims(record, registry, in.now, (*disputes)[a.app], entries, a);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = GatherMeasurements(record, in.resolver, entries, a); !s.ok()) return s;
    if (absl::Status s = GatherFindings(record, entries, a); !s.ok()) return s;
    for (VendorView& v : a.vendors) {
      absl::StatusOr<std::optional<uint64_t>> r = LatestRegistration(in.store, v.name);
      if (!r.ok()) return r.status();
      v.registration = *r;
      if (*r) cited.insert(**r);
    }
    for (const ClaimView& c : a.claims) {
      cited.insert(c.index);
      for (const DisputeView& d : c.disputes) cited.insert(d.index);
    }
    for (const MeasurementView& m : a.measurements) cited.insert(m.index);
    for (const FindingView& f : a.findings) {
      cited.insert(f.index);
      cited.insert(f.finding.claim().index());
      for (const fpb::EntryRef& m : f.finding.measurements()) cited.insert(m.index());
      for (const fpb::EntryRef& r : f.finding.reference()) cited.insert(r.index());
    }
    apps.push_back(std::move(a));
  }
  std::stable_sort(apps.begin(), apps.end(), [](const AppView& x, const AppView& y) {
    return x.confirmed > y.confirmed;
  });

  std::vector<std::string> app_list;
  for (const AppView& a : apps) {
    std::vector<std::string> vendors;
    for (const VendorView& v : a.vendors) {
      vendors.push_back(Obj({{"name", Q(P(v.name))}, {"displayName", Q(P(v.display_name))}}));
    }
    app_list.push_back(Obj({{"app", Q(P(a.app))},
                            {"slug", Q(a.slug)},
                            {"vendors", Arr(vendors)},
                            {"claims", absl::StrCat(a.claims.size())},
                            {"measurements", absl::StrCat(a.measurements.size())},
                            {"findings", absl::StrCat(a.findings.size())},
                            {"confirmedFindings", absl::StrCat(a.confirmed)}}));
    site.files[absl::StrCat("apps/", a.slug, ".html")] = {kHtml, AppPage(a)};
    site.files[absl::StrCat("api/v1/apps/", a.slug, ".json")] = {kJson, AppJson(a)};
    for (const FindingView& f : a.findings) {
      site.files[absl::StrCat("findings/", f.index, ".html")] = {kHtml, FindingPage(f, a)};
      absl::StatusOr<fpb::FindingBundle> b = in.core->BuildBundle(f.index);
      if (!b.ok()) return b.status();
      site.files[absl::StrCat("api/v1/findings/", f.index, ".bundle.json")] = {
          kJson, bundle::BundleToJson(*b)};
    }
  }
  site.files["api/v1/apps.json"] = {kJson, Obj({{"apps", Arr(app_list)}}) + "\n"};
  site.files["index.html"] = {kHtml, IndexPage(apps)};

  for (uint64_t index : cited) {
    absl::StatusOr<const Statement*> st = entries.Get(index);
    if (!st.ok()) return st.status();
    if (*st == nullptr) continue;  // cited, but not indexed: no page to prove it
    site.files[absl::StrCat("entries/", index, ".html")] = {kHtml,
                                                           EntryPage(index, **st, registry)};
    absl::StatusOr<fpb::FindingBundle> b = in.core->BuildEntryBundle(index);
    if (!b.ok()) return b.status();
    site.files[absl::StrCat("api/v1/entries/", index, ".bundle.json")] = {
        kJson, bundle::BundleToJson(*b)};
  }

  std::string equivocation;
  if (in.core->equivocation()) equivocation = in.core->equivocation()->reason;
  site.files["api/v1/log.json"] = {
      kJson, Obj({{"origin", Q(log.origin)},
                  {"treeSize", absl::StrCat(log.tree_size)},
                  {"rootHash", Q(log.root_hash)},
                  {"checkpoint", Q(log.checkpoint)},
                  {"logKey", Q(in.config.log_key)},
                  {"adminKey", Q(in.config.admin_key_pem)},
                  {"witnessPolicy", Q(in.config.witness_policy)},
                  {"followedSize", absl::StrCat(in.core->followed_size())},
                  {"equivocation", Q(P(equivocation))},
                  {"generatedAt", Q(generated_at)}}) +
                 "\n"};
  site.files["log.html"] = {kHtml, LogPage(log, in, equivocation, generated_at)};

  for (uint64_t old_size : in.published_sizes) {
    if (old_size == 0 || old_size >= log.tree_size || in.log == nullptr) continue;
    absl::StatusOr<std::string> proof = ConsistencyJson(*in.log, old_size, log.tree_size);
    if (!proof.ok()) return proof.status();
    site.files[absl::StrCat("api/v1/consistency/", old_size, ".json")] = {kJson, *proof};
  }
  for (const auto& [path, file] : StaticFiles()) site.files[path] = file;
  return site;
}

}  // namespace candor::site
