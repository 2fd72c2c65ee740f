#include "verifier/site/views.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "log/merkle/hash.h"
#include "log/statement/predicate_types.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "proto/candor/registry/v1/registry.pb.h"
#include "verifier/claim/claim.h"
#include "verifier/claim/history.h"
#include "verifier/claim/recording.h"
#include "verifier/claim/render.h"

namespace candor::site {
namespace {

namespace cpb = ::candor::claim::v1;
namespace fpb = ::candor::finding::v1;
namespace mpb = ::candor::measurement::v1;
namespace vpb = ::candor::verifier::v1;
using google::protobuf::util::TimeUtil;
using verifier::VerifierStore;

template <typename Message>
std::optional<Message> PredicateOf(const Statement* st) {
  Message m;
  if (st == nullptr || !st->parsed ||
      !ParsePredicate(st->parsed->statement.predicate_json, m).ok()) {
    return std::nullopt;
  }
  return m;
}

}  // namespace

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

absl::StatusOr<const Statement*> Entries::Get(uint64_t index) {
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

absl::StatusOr<std::vector<DisputeView>> ReadDisputes(const vpb::AppRecord& record,
                                                      Entries& entries) {
  std::vector<DisputeView> out;
  for (uint64_t index : record.disputes()) {
    absl::StatusOr<const Statement*> st = entries.Get(index);
    if (!st.ok()) return st.status();
    if (*st == nullptr || (*st)->indexed.predicate_type() != kDisputeType) continue;
    absl::StatusOr<cpb::Dispute> d = claim::DisputeFromEntry((*st)->indexed.entry());
    // A dispute counts as its issuer's only if they signed it.
    if (!d.ok() || d->issuer() != (*st)->indexed.signer() || d->app() != record.app()) continue;
    out.push_back({index, d->issuer(), Time(d->issued_at()), Lines(d->text()), d->recording()});
  }
  return out;
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

}  // namespace candor::site
