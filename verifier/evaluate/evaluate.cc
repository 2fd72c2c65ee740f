#include "verifier/evaluate/evaluate.h"

#include <algorithm>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "verifier/claim/claim.h"
#include "verifier/geo/countries.h"
#include "verifier/taxonomy/taxonomy.h"

namespace candor::evaluate {
namespace {

namespace cpb = ::candor::claim::v1;
namespace fpb = ::candor::finding::v1;
namespace mpb = ::candor::measurement::v1;

bool Declared(const cpb::Assertion& a, cpb::Exemption e) {
  return std::find(a.exemptions().begin(), a.exemptions().end(), e) !=
         a.exemptions().end();
}

// The exemptions that can explain a flow to a third party: Play's carve-outs
// from "sharing" (service providers, user-initiated transfers, legal
// requests, anonymised data). Ephemeral processing is a carve-out from
// "collection" only.
bool SharingExempt(const cpb::Assertion& a) {
  return Declared(a, cpb::SERVICE_PROVIDER) || Declared(a, cpb::USER_INITIATED) ||
         Declared(a, cpb::LEGAL_REQUEST) || Declared(a, cpb::ANONYMISED_DATA);
}

bool ConsentApplies(cpb::Consent consent, mpb::ConsentState state) {
  switch (consent) {
    case cpb::ALWAYS:
      return true;
    case cpb::WHEN_TRACKING_DECLINED:
      return state == mpb::TRACKING_DECLINED;
    case cpb::WHEN_TRACKING_ACCEPTED:
      return state == mpb::TRACKING_ACCEPTED;
    default:
      return false;
  }
}

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& list,
              absl::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

std::string CountryPhrase(absl::string_view code) {
  return absl::StrCat(geo::CountryName(code), " (", code, ")");
}

std::string TypesPhrase(const std::vector<std::string>& types) {
  std::vector<std::string> labels;
  for (const std::string& t : types) labels.push_back(taxonomy::Label(t));
  return absl::StrJoin(labels, ", ");
}

// Why reference data attributes the recipient of a flow to one of
// `countries`: the first organisation of its chain incorporated in one, in
// plain words ("incorporated in CN", "its parent Foo Holdings is
// incorporated in CN"); empty if none is.
std::string OwnedFrom(const google::protobuf::RepeatedPtrField<std::string>& countries,
                      const std::vector<OrganisationLink>& chain, std::string* country) {
  for (size_t i = 0; i < chain.size(); ++i) {
    const OrganisationLink& link = chain[i];
    if (link.country.empty() || !Contains(countries, link.country)) continue;
    *country = link.country;
    if (i == 0) return absl::StrCat("incorporated in ", link.country);
    if (i == 1) {
      return absl::StrCat("its parent ", link.name, " is incorporated in ",
                          link.country);
    }
    std::vector<std::string> through;
    for (size_t k = 1; k < i; ++k) through.push_back(chain[k].name);
    return absl::StrCat(link.name, ", which owns it through ",
                        absl::StrJoin(through, " and "), ", is incorporated in ",
                        link.country);
  }
  return "";
}

// How one flow stands against one assertion.
struct FlowJudgement {
  fpb::Verdict verdict = fpb::CONSISTENT;
  std::string reason;
  bool third_party = false;
};

FlowJudgement Judge(const cpb::Assertion& a, const registry::v1::Registration& vendor,
                    const mpb::Flow& flow, const Destination& dest,
                    const std::vector<std::string>& types) {
  const registry::v1::Scope& scope = vendor.scope();
  // First party: a host at or under one of the vendor's registered domains
  // (by name, so the answer does not depend on a Public Suffix List
  // version), or an organisation the vendor registered as its own.
  bool first_party =
      !dest.organisation.empty() && Contains(scope.organisations(), dest.organisation);
  for (const std::string& domain : scope.domains()) {
    if (flow.host() == domain || absl::EndsWith(flow.host(), absl::StrCat(".", domain))) {
      first_party = true;
    }
  }
  const std::string where = absl::StrCat(
      flow.host(),
      dest.organisation.empty() ? "" : absl::StrCat(" (", dest.organisation, ")"),
      dest.endpoint_country.empty()
          ? ""
          : absl::StrCat(", an endpoint located in ",
                         CountryPhrase(dest.endpoint_country)));
  const std::string what = absl::StrCat("sent ", TypesPhrase(types), " to ", where);

  FlowJudgement j;
  j.third_party = !first_party;
  // Exemptions that could explain the flow, by practice.
  bool exempt = false;
  switch (a.practice()) {
    case cpb::NOT_COLLECTED:
      j.reason = absl::StrCat(what, ", though the claim says it is never collected");
      exempt = Declared(a, cpb::EPHEMERAL_PROCESSING) || Declared(a, cpb::USER_INITIATED);
      break;
    case cpb::NOT_SHARED_WITH_THIRD_PARTIES:
      if (first_party) return j;
      j.reason = absl::StrCat(
          what, ", which is not among the vendor's registered organisations or "
                "domains: a third party");
      exempt = SharingExempt(a);
      break;
    case cpb::SHARED_ONLY_WITH:
      if (first_party || Contains(a.organisations(), dest.organisation)) return j;
      j.reason = absl::StrCat(what, ", which is neither the vendor nor one of ",
                              absl::StrJoin(a.organisations(), ", "));
      exempt = SharingExempt(a);
      break;
    case cpb::NOT_SENT_TO_COUNTRIES:
      if (dest.endpoint_country.empty() ||
          !Contains(a.countries(), dest.endpoint_country)) {
        return j;
      }
      j.reason = absl::StrCat(what, ", a country the claim excludes");
      exempt = Declared(a, cpb::USER_INITIATED);
      break;
    case cpb::ONLY_SENT_TO_COUNTRIES:
      // An endpoint of unknown location proves nothing either way.
      if (dest.endpoint_country.empty() ||
          Contains(a.countries(), dest.endpoint_country)) {
        return j;
      }
      j.reason = absl::StrCat(what, ", outside the countries the claim allows (",
                              absl::StrJoin(a.countries(), ", "), ")");
      exempt = Declared(a, cpb::USER_INITIATED);
      break;
    case cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES: {
      // Who received it, wherever the endpoint is, first party included (as
      // for the endpoint practices). An organisation reference data does
      // not know proves nothing about who received it.
      std::string country;
      const std::string owned = OwnedFrom(a.countries(), dest.organisation_chain, &country);
      if (owned.empty()) return j;
      j.reason = absl::StrCat(what, ", and reference data attributes ",
                              dest.organisation_chain.front().name, " to ",
                              CountryPhrase(country), " (", owned,
                              "), a country whose organisations the claim excludes");
      exempt = Declared(a, cpb::USER_INITIATED);
      break;
    }
    default:
      return j;
  }
  j.verdict = exempt ? fpb::EXEMPTION_DEPENDENT : fpb::CONTRADICTED;
  if (exempt) {
    absl::StrAppend(&j.reason, "; contradicted unless an exemption the vendor "
                               "declared applies");
  }
  return j;
}

std::string VerdictWord(fpb::Verdict v) {
  switch (v) {
    case fpb::CONTRADICTED: return "contradicted";
    case fpb::EXEMPTION_DEPENDENT: return "exemption-dependent";
    default: return "consistent";
  }
}

std::string PracticePhrase(const cpb::Assertion& a) {
  const std::string types = TypesPhrase(
      std::vector<std::string>(a.data_types().begin(), a.data_types().end()));
  std::vector<std::string> countries;
  for (const std::string& c : a.countries()) countries.push_back(CountryPhrase(c));
  switch (a.practice()) {
    case cpb::NOT_COLLECTED:
      return absl::StrCat("never collects ", types);
    case cpb::NOT_SHARED_WITH_THIRD_PARTIES:
      return absl::StrCat("never shares ", types, " with third parties");
    case cpb::SHARED_ONLY_WITH:
      return absl::StrCat("shares ", types, " only with ",
                          absl::StrJoin(a.organisations(), ", "));
    case cpb::NOT_SENT_TO_COUNTRIES:
      return absl::StrCat("never sends ", types, " to endpoints located in ",
                          absl::StrJoin(countries, ", "));
    case cpb::ONLY_SENT_TO_COUNTRIES:
      return absl::StrCat("sends ", types, " only to endpoints located in ",
                          absl::StrJoin(countries, ", "));
    case cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES:
      return absl::StrCat("never sends ", types, " to organisations attributed to ",
                          absl::StrJoin(countries, ", "),
                          " (incorporated there or owned from there)");
    default:
      return "(unspecified practice)";
  }
}

}  // namespace

bool Applies(const cpb::Claim& claim, const mpb::Measurement& m) {
  if (m.app() != claim.app().id()) return false;
  // A claim about one build covers only measurements of that build; a
  // measurement that names no binary cannot be shown to be of it.
  if (!claim.app().binary_sha256().empty() &&
      m.binary_sha256() != claim.app().binary_sha256()) {
    return false;
  }
  const bool ranged =
      !claim.app().min_version().empty() || !claim.app().max_version().empty();
  if (!ranged) return true;
  if (m.app_version().empty()) return false;
  return claim::CoversVersion(claim.app(), m.app_version());
}

absl::StatusOr<std::vector<AssertionResult>> Evaluate(
    const ClaimInput& claim, absl::Span<const MeasurementInput> measurements,
    const DestinationResolver& resolver, uint32_t quorum) {
  std::vector<AssertionResult> results;
  for (const cpb::Assertion& a : claim.claim.assertions()) {
    AssertionResult r;
    r.assertion = a;
    absl::StatusOr<std::vector<std::string>> covered = taxonomy::Expand(
        std::vector<std::string>(a.data_types().begin(), a.data_types().end()));
    if (!covered.ok()) {
      results.push_back(std::move(r));  // validated claims never get here
      continue;
    }
    absl::btree_set<std::string> contradicting, any_violation;
    absl::btree_set<size_t> references;
    for (size_t mi = 0; mi < measurements.size(); ++mi) {
      const mpb::Measurement& m = measurements[mi].measurement;
      if (!Applies(claim.claim, m) || !ConsentApplies(a.consent(), m.consent())) {
        continue;
      }
      r.applicable.push_back(mi);
      r.bodies += m.coverage().bodies();
      if (m.coverage().bodies() > m.coverage().bodies_examined()) {
        r.bodies_not_examined += m.coverage().bodies() - m.coverage().bodies_examined();
      }
      bool cited = false;
      // Every reference this measurement's flows were attributed with: a
      // re-evaluation of a cited measurement resolves all of them again.
      absl::btree_set<size_t> measurement_references;
      for (int fi = 0; fi < m.flows_size(); ++fi) {
        const mpb::Flow& flow = m.flows(fi);
        absl::btree_set<std::string> types;
        for (const mpb::Detection& d : flow.detections()) {
          if (std::binary_search(covered->begin(), covered->end(), d.data_type())) {
            types.insert(d.data_type());
          }
        }
        if (types.empty()) continue;
        absl::StatusOr<Destination> dest = resolver.Resolve(flow.host(), flow.server_ip());
        if (!dest.ok()) return dest.status();
        measurement_references.insert(dest->references.begin(), dest->references.end());
        if (a.practice() == cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES) {
          // A re-evaluation needs the parents' entries to see the same chain;
          // the other practices never read it (evaluate.h).
          for (const OrganisationLink& link : dest->organisation_chain) {
            measurement_references.insert(link.references.begin(), link.references.end());
          }
        }
        std::vector<std::string> type_list(types.begin(), types.end());
        FlowJudgement j = Judge(a, claim.vendor, flow, *dest, type_list);
        if (j.verdict == fpb::CONSISTENT) continue;
        if (!cited) {
          r.cited.push_back(mi);
          cited = true;
        }
        fpb::ViolatingFlow* v = &r.flows.emplace_back();
        v->set_measurement(static_cast<uint32_t>(r.cited.size() - 1));
        v->set_flow(static_cast<uint32_t>(fi));
        v->set_host(flow.host());
        v->set_server_ip(flow.server_ip());
        v->set_registrable_domain(dest->registrable_domain);
        v->set_organisation(dest->organisation);
        v->set_third_party(j.third_party);
        v->set_endpoint_country(dest->endpoint_country);
        for (const std::string& t : type_list) v->add_data_types(t);
        v->set_verdict(j.verdict);
        v->set_reason(j.reason);
        any_violation.insert(m.auditor());
        if (j.verdict == fpb::CONTRADICTED) {
          r.verdict = fpb::CONTRADICTED;
          contradicting.insert(m.auditor());
        } else if (r.verdict != fpb::CONTRADICTED) {
          r.verdict = fpb::EXEMPTION_DEPENDENT;
        }
      }
      if (cited) references.insert(measurement_references.begin(), measurement_references.end());
    }
    r.contradicting_auditors = static_cast<uint32_t>(
        r.verdict == fpb::CONTRADICTED ? contradicting.size() : any_violation.size());
    r.confirmed = r.verdict != fpb::CONSISTENT && r.contradicting_auditors >= quorum;
    r.references.assign(references.begin(), references.end());
    results.push_back(std::move(r));
  }
  return results;
}

std::string Summarize(const ClaimInput& claim,
                      absl::Span<const MeasurementInput> cited,
                      const AssertionResult& result, uint32_t quorum) {
  const std::string vendor = claim.vendor.display_name().empty()
                                 ? claim.vendor.name()
                                 : claim.vendor.display_name();
  std::string out =
      claim.recorder.empty()
          ? absl::StrCat(vendor, " claimed (log entry ", claim.ref.index(), ") that ",
                         claim.claim.app().id(), " ", PracticePhrase(result.assertion),
                         ".")
          : absl::StrCat(claim.recorder, " recorded (log entry ", claim.ref.index(),
                         ") a claim by ", vendor, ", and reads it as: ",
                         claim.claim.app().id(), " ", PracticePhrase(result.assertion),
                         ".");
  if (result.verdict == fpb::CONSISTENT) {
    if (result.applicable.empty()) {
      absl::StrAppend(&out, " No auditor has measured it yet.");
      return out;
    }
    absl::StrAppend(&out, " No flow observed by the auditors contradicts it.");
    if (result.bodies_not_examined > 0) {
      absl::StrAppend(
          &out, " As far as they could see: ", result.bodies_not_examined, " of the ",
          result.bodies,
          " request bodies captured were not examined (left out by the capture "
          "tool, cut, or in a coding that could not be undone); what they carried "
          "is unknown, not evidence that nothing was sent.");
    }
    return out;
  }
  for (size_t i = 0; i < cited.size(); ++i) {
    const mpb::Measurement& m = cited[i].measurement;
    std::vector<std::string> reasons;
    for (const fpb::ViolatingFlow& f : result.flows) {
      if (f.measurement() == i) reasons.push_back(f.reason());
    }
    absl::StrAppend(&out, " Auditor ", m.auditor(), " (log entry ",
                    cited[i].ref.index(), ") observed the app, version ",
                    m.app_version().empty() ? "unknown" : m.app_version(), ": it ",
                    absl::StrJoin(reasons, "; it "), ".");
  }
  absl::StrAppend(&out, " Verdict: ", VerdictWord(result.verdict), ", by ",
                  result.contradicting_auditors, " independent auditor",
                  result.contradicting_auditors == 1 ? "" : "s",
                  result.confirmed
                      ? absl::StrCat(" (confirmed: at least ", quorum, ").")
                      : absl::StrCat(" (not yet confirmed: ", quorum, " needed)."));
  if (!claim.stands_against.empty()) {
    absl::StrAppend(&out, " The traffic ",
                    result.verdict == fpb::CONTRADICTED ? "contradicts "
                                                        : "contradicts, unless an exemption applies, ",
                    claim.stands_against, ".");
  }
  absl::StrAppend(&out,
                  " Traffic shows where data was sent, not what the recipient "
                  "did with it.");
  return out;
}

fpb::Finding MakeFinding(const ClaimInput& claim,
                         absl::Span<const MeasurementInput> measurements,
                         const AssertionResult& result, uint32_t quorum,
                         absl::Span<const fpb::EntryRef> reference_refs) {
  fpb::Finding f;
  f.set_app(claim.claim.app().id());
  f.set_evaluator_version(std::string(kEvaluatorVersion));
  *f.mutable_claim() = claim.ref;
  std::vector<MeasurementInput> cited;
  for (size_t mi : result.cited) {
    *f.add_measurements() = measurements[mi].ref;
    cited.push_back(measurements[mi]);
  }
  for (size_t ri : result.references) {
    if (ri < reference_refs.size()) *f.add_reference() = reference_refs[ri];
  }
  *f.mutable_assertion() = result.assertion;
  f.set_verdict(result.verdict);
  f.set_confirmed(result.confirmed);
  f.set_quorum(quorum);
  f.set_contradicting_auditors(result.contradicting_auditors);
  for (const fpb::ViolatingFlow& v : result.flows) *f.add_flows() = v;
  f.set_summary(Summarize(claim, cited, result, quorum));
  f.set_stands_against(claim.stands_against);
  return f;
}

}  // namespace candor::evaluate
