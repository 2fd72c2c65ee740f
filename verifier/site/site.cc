// The site in three steps: gather what the store says about each app into
// plain views (views.h), write them as JSON (the API, here) and as pages
// (pages.h), and add the proofs the log gives (bundles, consistency).

#include "verifier/site/site.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "proto/candor/finding/v1/finding.pb.h"
#include "verifier/bundle/bundle.h"
#include "verifier/site/embedded_static.h"
#include "verifier/site/pages.h"
#include "verifier/site/slug.h"
#include "verifier/site/views.h"

namespace candor::site {
namespace {

namespace fpb = ::candor::finding::v1;
namespace vpb = ::candor::verifier::v1;

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
  std::vector<AppView> apps;
  for (const vpb::AppRecord& record : *records) {
    AppView a;
    a.app = record.app();
    a.slug = AppSlug(a.app);
    absl::StatusOr<std::vector<DisputeView>> disputes = ReadDisputes(record, entries);
    if (!disputes.ok()) return disputes.status();
    if (absl::Status s = GatherClaims(record, registry, in.now, *disputes, entries, a);
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
  site.files["log.html"] = {
      kHtml, LogPage(log, in.config, in.core->followed_size(), equivocation, generated_at)};

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
