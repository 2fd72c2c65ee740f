#include "verifier/evaluate/evaluate.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace candor::evaluate {
namespace {

namespace cpb = ::candor::claim::v1;
namespace fpb = ::candor::finding::v1;
namespace mpb = ::candor::measurement::v1;

// Hosts resolved from a fixed table.
class TableResolver : public DestinationResolver {
 public:
  TableResolver() {
    table_["api.example.com"] = {"example.com", "Example Corp", "US", {3},
                                 {{"Example Corp", "US", {3}}}};
    table_["collect.tracker.cn"] = {"tracker.cn", "Tracker Ltd", "CN", {0, 1},
                                    {{"Tracker Ltd", "CN", {1}}}};
    table_["ads.partner.net"] = {"partner.net", "Partner Inc", "US", {0, 2},
                                 {{"Partner Inc", "US", {2}}}};
    table_["cdn.unknown.org"] = {"unknown.org", "", "", {}};
    // Who receives, wherever the endpoint is: a company of CN with servers
    // in the US, a company of the US with servers in CN, and a British
    // company whose parent is Chinese, with a Singaporean one below it.
    table_["api.cnco.com"] = {"cnco.com", "CN Co", "US", {0, 4}, {{"CN Co", "CN", {4}}}};
    table_["cdn.usco.com"] = {"usco.com", "US Co", "CN", {0, 7}, {{"US Co", "US", {7}}}};
    table_["sdk.subsidiary.com"] = {
        "subsidiary.com", "Sub Ltd", "GB", {0, 5},
        {{"Sub Ltd", "GB", {5}}, {"Foo Holdings", "CN", {6}}}};
    table_["m.grandchild.com"] = {
        "grandchild.com", "Grand Pte", "GB", {0, 8},
        {{"Grand Pte", "SG", {8}}, {"Sub Ltd", "GB", {5}}, {"Foo Holdings", "CN", {6}}}};
    // A parent the reference data at hand does not list ends the chain.
    table_["api.orphan.com"] = {"orphan.com", "Orphan Ltd", "GB", {0, 9},
                                {{"Orphan Ltd", "GB", {9}}}};
  }
  absl::StatusOr<Destination> Resolve(absl::string_view host,
                                      absl::string_view) const override {
    auto it = table_.find(host);
    return it == table_.end() ? Destination{} : it->second;
  }

 private:
  absl::flat_hash_map<std::string, Destination> table_;
};

ClaimInput MakeClaim(cpb::Practice practice, cpb::Consent consent = cpb::ALWAYS) {
  ClaimInput c;
  c.ref.set_index(10);
  c.claim.mutable_app()->set_id("android:com.example.app");
  c.claim.set_issuer("example");
  cpb::Assertion* a = c.claim.add_assertions();
  a->set_id("a1");
  a->add_data_types("contacts");
  a->add_data_types("personal_info.phone_number");
  a->set_practice(practice);
  a->set_consent(consent);
  c.vendor.set_name("example");
  c.vendor.set_display_name("Example Corp");
  c.vendor.mutable_scope()->add_domains("example.com");
  c.vendor.mutable_scope()->add_organisations("Example Corp");
  return c;
}

MeasurementInput MakeMeasurement(const std::string& auditor, uint64_t index,
                                 const std::string& host,
                                 const std::string& type = "contacts.contacts",
                                 mpb::ConsentState consent = mpb::TRACKING_DECLINED) {
  MeasurementInput m;
  m.ref.set_index(index);
  m.measurement.set_app("android:com.example.app");
  m.measurement.set_app_version("2.0.0");
  m.measurement.set_auditor(auditor);
  m.measurement.set_consent(consent);
  mpb::Flow* f = m.measurement.add_flows();
  f->set_host("api.example.com");  // a first-party flow first
  mpb::Flow* g = m.measurement.add_flows();
  g->set_host(host);
  g->set_server_ip("198.51.100.1");
  mpb::Detection* d = g->add_detections();
  d->set_data_type(type);
  d->set_where(mpb::BODY_JSON);
  d->add_encodings(mpb::SHA256);
  return m;
}

TEST(Evaluate, ThirdPartySharingContradictsAndQuorumConfirms) {
  ClaimInput claim = MakeClaim(cpb::NOT_SHARED_WITH_THIRD_PARTIES);
  TableResolver resolver;
  std::vector<MeasurementInput> ms = {MakeMeasurement("lab-one", 20, "collect.tracker.cn")};
  auto r = *Evaluate(claim, ms, resolver, 2);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].verdict, fpb::CONTRADICTED);
  EXPECT_FALSE(r[0].confirmed);
  EXPECT_EQ(r[0].contradicting_auditors, 1u);
  ASSERT_EQ(r[0].flows.size(), 1u);
  const fpb::ViolatingFlow& f = r[0].flows[0];
  EXPECT_EQ(f.flow(), 1u);
  EXPECT_EQ(f.organisation(), "Tracker Ltd");
  EXPECT_TRUE(f.third_party());
  EXPECT_EQ(f.endpoint_country(), "CN");
  EXPECT_EQ(f.reason(),
            "sent Contacts to collect.tracker.cn (Tracker Ltd), an endpoint "
            "located in China (CN), which is not among the vendor's registered "
            "organisations or domains: a third party");
  EXPECT_EQ(r[0].references, (std::vector<size_t>{0, 1}));

  // A second measurement by the same auditor does not confirm; another does.
  ms.push_back(MakeMeasurement("lab-one", 21, "collect.tracker.cn"));
  EXPECT_FALSE((*Evaluate(claim, ms, resolver, 2))[0].confirmed);
  ms.push_back(MakeMeasurement("lab-two", 22, "collect.tracker.cn"));
  auto confirmed = *Evaluate(claim, ms, resolver, 2);
  EXPECT_TRUE(confirmed[0].confirmed);
  EXPECT_EQ(confirmed[0].contradicting_auditors, 2u);
  EXPECT_EQ(confirmed[0].cited, (std::vector<size_t>{0, 1, 2}));
}

// Replays of one auditor's measurement, however many entries repeat it,
// are one auditor: they never reach a quorum of two, whatever the verdict.
TEST(Evaluate, ReplaysOfOneAuditorsMeasurementCountOnce) {
  TableResolver resolver;
  for (cpb::Practice practice : {cpb::NOT_SHARED_WITH_THIRD_PARTIES, cpb::NOT_COLLECTED}) {
    ClaimInput claim = MakeClaim(practice);
    if (practice == cpb::NOT_COLLECTED) {
      claim.claim.mutable_assertions(0)->add_exemptions(cpb::USER_INITIATED);
    }
    std::vector<MeasurementInput> ms;
    for (uint64_t index = 20; index < 25; ++index) {
      ms.push_back(MakeMeasurement("lab-one", index, "collect.tracker.cn"));
    }
    auto r = *Evaluate(claim, ms, resolver, 2);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].verdict, practice == cpb::NOT_COLLECTED ? fpb::EXEMPTION_DEPENDENT
                                                           : fpb::CONTRADICTED);
    EXPECT_EQ(r[0].contradicting_auditors, 1u);
    EXPECT_FALSE(r[0].confirmed);
  }
}

TEST(Evaluate, CitedMeasurementCitesReferencesOfItsConsistentFlowsToo) {
  // Re-evaluating a cited measurement from a bundle resolves every flow
  // again, so the finding must cite what the consistent ones needed.
  ClaimInput claim = MakeClaim(cpb::NOT_SHARED_WITH_THIRD_PARTIES);
  TableResolver resolver;
  MeasurementInput m = MakeMeasurement("lab-one", 20, "collect.tracker.cn");
  *m.measurement.mutable_flows(0)->add_detections() = m.measurement.flows(1).detections(0);
  // An uncited measurement's references are not cited.
  MeasurementInput other = MakeMeasurement("lab-two", 21, "ads.partner.net", "location.precise");
  auto r = *Evaluate(claim, {m, other}, resolver, 2);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].verdict, fpb::CONTRADICTED);
  ASSERT_EQ(r[0].flows.size(), 1u);
  EXPECT_EQ(r[0].cited, (std::vector<size_t>{0}));
  EXPECT_EQ(r[0].references, (std::vector<size_t>{0, 1, 3}));
}

TEST(Evaluate, FirstPartyAndUncoveredTypesAreConsistent) {
  ClaimInput claim = MakeClaim(cpb::NOT_SHARED_WITH_THIRD_PARTIES);
  TableResolver resolver;
  std::vector<MeasurementInput> ms = {
      MakeMeasurement("lab-one", 20, "api.example.com"),
      MakeMeasurement("lab-one", 21, "collect.tracker.cn", "location.precise")};
  auto r = *Evaluate(claim, ms, resolver, 2);
  EXPECT_EQ(r[0].verdict, fpb::CONSISTENT);
  EXPECT_TRUE(r[0].flows.empty());
  EXPECT_EQ(r[0].applicable, (std::vector<size_t>{0, 1}));
}

TEST(Evaluate, WhatWasNotExaminedIsUnknownNotAbsence) {
  ClaimInput claim = MakeClaim(cpb::NOT_SHARED_WITH_THIRD_PARTIES);
  TableResolver resolver;
  std::vector<MeasurementInput> ms = {MakeMeasurement("lab-one", 20, "api.example.com"),
                                      MakeMeasurement("lab-two", 21, "api.example.com")};
  ms[0].measurement.mutable_coverage()->set_bodies(10);
  ms[0].measurement.mutable_coverage()->set_bodies_examined(7);
  ms[1].measurement.mutable_coverage()->set_bodies(5);
  ms[1].measurement.mutable_coverage()->set_bodies_examined(5);
  auto r = *Evaluate(claim, ms, resolver, 2);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].verdict, fpb::CONSISTENT);
  EXPECT_EQ(r[0].bodies, 15u);
  EXPECT_EQ(r[0].bodies_not_examined, 3u);
  const std::string summary = Summarize(claim, {}, r[0], 2);
  EXPECT_TRUE(absl::EndsWith(
      summary,
      "No flow observed by the auditors contradicts it. As far as they could see: 3 of "
      "the 15 request bodies captured were not examined (left out by the capture tool, "
      "cut, or in a coding that could not be undone); what they carried is unknown, not "
      "evidence that nothing was sent."))
      << summary;
  // With nothing measured, there is nothing to be consistent with.
  auto none = *Evaluate(claim, {}, resolver, 2);
  EXPECT_TRUE(absl::EndsWith(Summarize(claim, {}, none[0], 2),
                             "No auditor has measured it yet."));
}

TEST(Evaluate, EachPractice) {
  TableResolver resolver;
  struct Case {
    cpb::Practice practice;
    std::string host;
    fpb::Verdict want;
  } cases[] = {
      {cpb::NOT_COLLECTED, "api.example.com", fpb::CONTRADICTED},
      {cpb::NOT_SHARED_WITH_THIRD_PARTIES, "ads.partner.net", fpb::CONTRADICTED},
      {cpb::NOT_SHARED_WITH_THIRD_PARTIES, "cdn.unknown.org", fpb::CONTRADICTED},
      {cpb::SHARED_ONLY_WITH, "ads.partner.net", fpb::CONSISTENT},
      {cpb::SHARED_ONLY_WITH, "collect.tracker.cn", fpb::CONTRADICTED},
      {cpb::NOT_SENT_TO_COUNTRIES, "collect.tracker.cn", fpb::CONTRADICTED},
      {cpb::NOT_SENT_TO_COUNTRIES, "ads.partner.net", fpb::CONSISTENT},
      {cpb::NOT_SENT_TO_COUNTRIES, "cdn.unknown.org", fpb::CONSISTENT},
      {cpb::ONLY_SENT_TO_COUNTRIES, "ads.partner.net", fpb::CONSISTENT},
      {cpb::ONLY_SENT_TO_COUNTRIES, "collect.tracker.cn", fpb::CONTRADICTED},
      {cpb::ONLY_SENT_TO_COUNTRIES, "cdn.unknown.org", fpb::CONSISTENT},
      // Where the endpoint is, not who runs it.
      {cpb::NOT_SENT_TO_COUNTRIES, "api.cnco.com", fpb::CONSISTENT},
      {cpb::NOT_SENT_TO_COUNTRIES, "cdn.usco.com", fpb::CONTRADICTED},
      // Who runs it, not where the endpoint is.
      {cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES, "collect.tracker.cn", fpb::CONTRADICTED},
      {cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES, "api.cnco.com", fpb::CONTRADICTED},
      {cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES, "sdk.subsidiary.com", fpb::CONTRADICTED},
      {cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES, "m.grandchild.com", fpb::CONTRADICTED},
      {cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES, "cdn.usco.com", fpb::CONSISTENT},
      {cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES, "ads.partner.net", fpb::CONSISTENT},
      {cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES, "api.orphan.com", fpb::CONSISTENT},
      {cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES, "cdn.unknown.org", fpb::CONSISTENT},
  };
  for (const Case& c : cases) {
    ClaimInput claim = MakeClaim(c.practice);
    claim.claim.mutable_assertions(0)->add_organisations("Partner Inc");
    claim.claim.mutable_assertions(0)->add_countries(
        c.practice == cpb::ONLY_SENT_TO_COUNTRIES ? "US" : "CN");
    std::vector<MeasurementInput> ms = {MakeMeasurement("lab-one", 20, c.host)};
    EXPECT_EQ((*Evaluate(claim, ms, resolver, 2))[0].verdict, c.want)
        << cpb::Practice_Name(c.practice) << " " << c.host;
  }
}

TEST(Evaluate, ExemptionsMakeItExemptionDependent) {
  TableResolver resolver;
  ClaimInput claim = MakeClaim(cpb::NOT_SHARED_WITH_THIRD_PARTIES);
  claim.claim.mutable_assertions(0)->add_exemptions(cpb::SERVICE_PROVIDER);
  std::vector<MeasurementInput> ms = {MakeMeasurement("lab-one", 20, "ads.partner.net"),
                                      MakeMeasurement("lab-two", 21, "ads.partner.net")};
  auto r = *Evaluate(claim, ms, resolver, 2);
  EXPECT_EQ(r[0].verdict, fpb::EXEMPTION_DEPENDENT);
  EXPECT_TRUE(r[0].confirmed);
  EXPECT_TRUE(absl::EndsWith(r[0].flows[0].reason(),
                             "; contradicted unless an exemption the vendor "
                             "declared applies"));
  // A service-provider exemption does not excuse a country practice.
  ClaimInput countries = MakeClaim(cpb::NOT_SENT_TO_COUNTRIES);
  countries.claim.mutable_assertions(0)->add_countries("CN");
  countries.claim.mutable_assertions(0)->add_exemptions(cpb::SERVICE_PROVIDER);
  std::vector<MeasurementInput> cn = {MakeMeasurement("lab-one", 20, "collect.tracker.cn")};
  EXPECT_EQ((*Evaluate(countries, cn, resolver, 2))[0].verdict, fpb::CONTRADICTED);
}

TEST(Evaluate, EveryExemptionAgainstEveryPractice) {
  // Which declared exemption can explain a contradicting flow, per practice:
  // a flow of contacts to Tracker Ltd (a third party, in CN).
  struct Case {
    cpb::Practice practice;
    cpb::Exemption exemption;
    fpb::Verdict verdict;
  };
  const std::vector<Case> cases = {
      {cpb::NOT_COLLECTED, cpb::EPHEMERAL_PROCESSING, fpb::EXEMPTION_DEPENDENT},
      {cpb::NOT_COLLECTED, cpb::USER_INITIATED, fpb::EXEMPTION_DEPENDENT},
      {cpb::NOT_COLLECTED, cpb::SERVICE_PROVIDER, fpb::CONTRADICTED},
      {cpb::NOT_SHARED_WITH_THIRD_PARTIES, cpb::SERVICE_PROVIDER, fpb::EXEMPTION_DEPENDENT},
      {cpb::NOT_SHARED_WITH_THIRD_PARTIES, cpb::USER_INITIATED, fpb::EXEMPTION_DEPENDENT},
      {cpb::NOT_SHARED_WITH_THIRD_PARTIES, cpb::EPHEMERAL_PROCESSING, fpb::CONTRADICTED},
      {cpb::NOT_SHARED_WITH_THIRD_PARTIES, cpb::LEGAL_REQUEST, fpb::EXEMPTION_DEPENDENT},
      {cpb::NOT_SHARED_WITH_THIRD_PARTIES, cpb::ANONYMISED_DATA, fpb::EXEMPTION_DEPENDENT},
      {cpb::SHARED_ONLY_WITH, cpb::LEGAL_REQUEST, fpb::EXEMPTION_DEPENDENT},
      {cpb::SHARED_ONLY_WITH, cpb::ANONYMISED_DATA, fpb::EXEMPTION_DEPENDENT},
      {cpb::NOT_COLLECTED, cpb::LEGAL_REQUEST, fpb::CONTRADICTED},
      {cpb::NOT_COLLECTED, cpb::ANONYMISED_DATA, fpb::CONTRADICTED},
      {cpb::NOT_SENT_TO_COUNTRIES, cpb::LEGAL_REQUEST, fpb::CONTRADICTED},
      {cpb::ONLY_SENT_TO_COUNTRIES, cpb::ANONYMISED_DATA, fpb::CONTRADICTED},
      {cpb::SHARED_ONLY_WITH, cpb::SERVICE_PROVIDER, fpb::EXEMPTION_DEPENDENT},
      {cpb::SHARED_ONLY_WITH, cpb::USER_INITIATED, fpb::EXEMPTION_DEPENDENT},
      {cpb::SHARED_ONLY_WITH, cpb::EPHEMERAL_PROCESSING, fpb::CONTRADICTED},
      {cpb::NOT_SENT_TO_COUNTRIES, cpb::USER_INITIATED, fpb::EXEMPTION_DEPENDENT},
      {cpb::NOT_SENT_TO_COUNTRIES, cpb::SERVICE_PROVIDER, fpb::CONTRADICTED},
      {cpb::NOT_SENT_TO_COUNTRIES, cpb::EPHEMERAL_PROCESSING, fpb::CONTRADICTED},
      {cpb::ONLY_SENT_TO_COUNTRIES, cpb::USER_INITIATED, fpb::EXEMPTION_DEPENDENT},
      {cpb::ONLY_SENT_TO_COUNTRIES, cpb::SERVICE_PROVIDER, fpb::CONTRADICTED},
      {cpb::ONLY_SENT_TO_COUNTRIES, cpb::EPHEMERAL_PROCESSING, fpb::CONTRADICTED},
      {cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES, cpb::USER_INITIATED,
       fpb::EXEMPTION_DEPENDENT},
      {cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES, cpb::SERVICE_PROVIDER,
       fpb::CONTRADICTED},
      {cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES, cpb::LEGAL_REQUEST, fpb::CONTRADICTED},
      {cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES, cpb::EPHEMERAL_PROCESSING,
       fpb::CONTRADICTED},
      {cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES, cpb::ANONYMISED_DATA,
       fpb::CONTRADICTED},
  };
  TableResolver resolver;
  std::vector<MeasurementInput> ms = {MakeMeasurement("lab-one", 20, "collect.tracker.cn")};
  for (const Case& c : cases) {
    SCOPED_TRACE(cpb::Practice_Name(c.practice) + " with " + cpb::Exemption_Name(c.exemption));
    ClaimInput claim = MakeClaim(c.practice);
    cpb::Assertion* a = claim.claim.mutable_assertions(0);
    if (c.practice == cpb::SHARED_ONLY_WITH) a->add_organisations("Partner Inc");
    if (c.practice == cpb::NOT_SENT_TO_COUNTRIES ||
        c.practice == cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES) {
      a->add_countries("CN");
    }
    if (c.practice == cpb::ONLY_SENT_TO_COUNTRIES) a->add_countries("US");
    EXPECT_EQ((*Evaluate(claim, ms, resolver, 2))[0].verdict, fpb::CONTRADICTED);
    a->add_exemptions(c.exemption);
    EXPECT_EQ((*Evaluate(claim, ms, resolver, 2))[0].verdict, c.verdict);
  }
}

TEST(Evaluate, EveryConsentAgainstEveryConsentState) {
  TableResolver resolver;
  for (cpb::Consent consent : {cpb::ALWAYS, cpb::WHEN_TRACKING_DECLINED,
                               cpb::WHEN_TRACKING_ACCEPTED}) {
    for (mpb::ConsentState state : {mpb::NO_INTERACTION, mpb::TRACKING_DECLINED,
                                    mpb::TRACKING_ACCEPTED}) {
      SCOPED_TRACE(cpb::Consent_Name(consent) + " / " + mpb::ConsentState_Name(state));
      ClaimInput claim = MakeClaim(cpb::NOT_SHARED_WITH_THIRD_PARTIES, consent);
      std::vector<MeasurementInput> ms = {
          MakeMeasurement("lab-one", 20, "collect.tracker.cn", "contacts.contacts", state)};
      const bool applies = consent == cpb::ALWAYS ||
                           (consent == cpb::WHEN_TRACKING_DECLINED &&
                            state == mpb::TRACKING_DECLINED) ||
                           (consent == cpb::WHEN_TRACKING_ACCEPTED &&
                            state == mpb::TRACKING_ACCEPTED);
      auto r = *Evaluate(claim, ms, resolver, 1);
      EXPECT_EQ(r[0].verdict, applies ? fpb::CONTRADICTED : fpb::CONSISTENT);
      EXPECT_EQ(r[0].confirmed, applies);  // quorum 1: one auditor confirms
    }
  }
}

TEST(Evaluate, ConsentStatesAndVersions) {
  TableResolver resolver;
  ClaimInput claim = MakeClaim(cpb::NOT_SHARED_WITH_THIRD_PARTIES,
                               cpb::WHEN_TRACKING_DECLINED);
  std::vector<MeasurementInput> accepted = {MakeMeasurement(
      "lab-one", 20, "collect.tracker.cn", "contacts.contacts", mpb::TRACKING_ACCEPTED)};
  auto r = *Evaluate(claim, accepted, resolver, 2);
  EXPECT_EQ(r[0].verdict, fpb::CONSISTENT);
  EXPECT_TRUE(r[0].applicable.empty());
  std::vector<MeasurementInput> none = {MakeMeasurement(
      "lab-one", 20, "collect.tracker.cn", "contacts.contacts", mpb::NO_INTERACTION)};
  EXPECT_TRUE((*Evaluate(claim, none, resolver, 2))[0].applicable.empty());
  std::vector<MeasurementInput> declined = {MakeMeasurement(
      "lab-one", 20, "collect.tracker.cn", "contacts.contacts", mpb::TRACKING_DECLINED)};
  EXPECT_EQ((*Evaluate(claim, declined, resolver, 2))[0].verdict, fpb::CONTRADICTED);

  ClaimInput ranged = MakeClaim(cpb::NOT_SHARED_WITH_THIRD_PARTIES);
  ranged.claim.mutable_app()->set_min_version("3.0");
  EXPECT_FALSE(Applies(ranged.claim, declined[0].measurement));
  ranged.claim.mutable_app()->set_min_version("1.9.9");
  EXPECT_TRUE(Applies(ranged.claim, declined[0].measurement));
  // A claim about one build: only measurements of that binary.
  ClaimInput build = MakeClaim(cpb::NOT_SHARED_WITH_THIRD_PARTIES);
  build.claim.mutable_app()->set_binary_sha256(std::string(64, 'c'));
  EXPECT_FALSE(Applies(build.claim, declined[0].measurement));
  declined[0].measurement.set_binary_sha256(std::string(64, 'd'));
  EXPECT_FALSE(Applies(build.claim, declined[0].measurement));
  declined[0].measurement.set_binary_sha256(std::string(64, 'c'));
  EXPECT_TRUE(Applies(build.claim, declined[0].measurement));
  declined[0].measurement.clear_app_version();
  EXPECT_FALSE(Applies(ranged.claim, declined[0].measurement));
  declined[0].measurement.set_app("android:com.other");
  EXPECT_FALSE(Applies(MakeClaim(cpb::NOT_COLLECTED).claim, declined[0].measurement));
}

// "Never provided user data to the Chinese government", the half about who
// receives it: the organisation, or one that owns it, is of CN.
TEST(Evaluate, OrganisationsOfCountriesReadTheParentChain) {
  TableResolver resolver;
  ClaimInput claim = MakeClaim(cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES);
  claim.claim.mutable_assertions(0)->add_countries("RU");
  claim.claim.mutable_assertions(0)->add_countries("CN");
  struct Case {
    std::string host;
    std::string reason;
    std::vector<size_t> references;
  } cases[] = {
      {"api.cnco.com",
       "sent Contacts to api.cnco.com (CN Co), an endpoint located in United "
       "States (US), and reference data attributes CN Co to China (CN) "
       "(incorporated in CN), a country whose organisations the claim excludes",
       {0, 4}},
      {"sdk.subsidiary.com",
       "sent Contacts to sdk.subsidiary.com (Sub Ltd), an endpoint located in "
       "United Kingdom (GB), and reference data attributes Sub Ltd to China "
       "(CN) (its parent Foo Holdings is incorporated in CN), a country whose "
       "organisations the claim excludes",
       {0, 5, 6}},
      {"m.grandchild.com",
       "sent Contacts to m.grandchild.com (Grand Pte), an endpoint located in "
       "United Kingdom (GB), and reference data attributes Grand Pte to China "
       "(CN) (Foo Holdings, which owns it through Sub Ltd, is incorporated in "
       "CN), a country whose organisations the claim excludes",
       {0, 5, 6, 8}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.host);
    std::vector<MeasurementInput> ms = {MakeMeasurement("lab-one", 20, c.host)};
    auto r = *Evaluate(claim, ms, resolver, 2);
    ASSERT_EQ(r[0].flows.size(), 1u);
    EXPECT_EQ(r[0].verdict, fpb::CONTRADICTED);
    EXPECT_EQ(r[0].flows[0].reason(), c.reason);
    EXPECT_TRUE(r[0].flows[0].third_party());
    // The entries listing the parents are cited, so that a bundle carries
    // them and a re-evaluation sees the same chain.
    EXPECT_EQ(r[0].references, c.references);
  }
  // The other practices cite what they always did: no parent's entry.
  ClaimInput third_parties = MakeClaim(cpb::NOT_SHARED_WITH_THIRD_PARTIES);
  std::vector<MeasurementInput> ms = {MakeMeasurement("lab-one", 20, "m.grandchild.com")};
  EXPECT_EQ((*Evaluate(third_parties, ms, resolver, 2))[0].references,
            (std::vector<size_t>{0, 8}));

  ms = {MakeMeasurement("lab-one", 20, "api.cnco.com")};
  fpb::Finding f = MakeFinding(claim, ms, (*Evaluate(claim, ms, resolver, 2))[0], 2, {});
  EXPECT_TRUE(absl::StartsWith(
      f.summary(),
      "Example Corp claimed (log entry 10) that android:com.example.app never "
      "sends Contacts, Phone number to organisations attributed to Russia "
      "(RU), China (CN) (incorporated there or owned from there). Auditor "
      "lab-one"))
      << f.summary();
}

// As for the endpoint practices, the vendor's own organisations are no
// exception: a vendor of CN sending to itself sends to an organisation of CN.
TEST(Evaluate, OrganisationsOfCountriesIncludeTheFirstParty) {
  TableResolver resolver;
  ClaimInput claim = MakeClaim(cpb::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES);
  claim.claim.mutable_assertions(0)->add_countries("CN");
  claim.vendor.mutable_scope()->add_organisations("CN Co");
  std::vector<MeasurementInput> ms = {MakeMeasurement("lab-one", 20, "api.cnco.com")};
  auto r = *Evaluate(claim, ms, resolver, 2);
  EXPECT_EQ(r[0].verdict, fpb::CONTRADICTED);
  ASSERT_EQ(r[0].flows.size(), 1u);
  EXPECT_FALSE(r[0].flows[0].third_party());
  // A first-party flow of the US is irrelevant, wherever its endpoint.
  ms = {MakeMeasurement("lab-one", 20, "api.example.com")};
  EXPECT_EQ((*Evaluate(claim, ms, resolver, 2))[0].verdict, fpb::CONSISTENT);
}

TEST(Evaluate, FindingAndSummaryWording) {
  TableResolver resolver;
  ClaimInput claim = MakeClaim(cpb::NOT_SHARED_WITH_THIRD_PARTIES);
  std::vector<MeasurementInput> ms = {MakeMeasurement("lab-one", 20, "api.example.com"),
                                      MakeMeasurement("lab-one", 21, "collect.tracker.cn"),
                                      MakeMeasurement("lab-two", 22, "collect.tracker.cn")};
  auto r = *Evaluate(claim, ms, resolver, 2);
  std::vector<fpb::EntryRef> refs(3);
  for (int i = 0; i < 3; ++i) refs[i].set_index(100 + i);
  fpb::Finding f = MakeFinding(claim, ms, r[0], 2, refs);
  EXPECT_EQ(f.verdict(), fpb::CONTRADICTED);
  EXPECT_TRUE(f.confirmed());
  ASSERT_EQ(f.measurements_size(), 2);
  EXPECT_EQ(f.measurements(0).index(), 21u);
  EXPECT_EQ(f.measurements(1).index(), 22u);
  ASSERT_EQ(f.reference_size(), 2);
  EXPECT_EQ(f.reference(1).index(), 101u);
  EXPECT_EQ(f.flows(1).measurement(), 1u);
  EXPECT_EQ(f.summary(),
            "Example Corp claimed (log entry 10) that android:com.example.app "
            "never shares Contacts, Phone number with third parties. Auditor "
            "lab-one (log entry 21) observed the app, version 2.0.0: it sent "
            "Contacts to collect.tracker.cn (Tracker Ltd), an endpoint located "
            "in China (CN), which is not among the vendor's registered "
            "organisations or domains: a third party. Auditor lab-two (log "
            "entry 22) observed the app, version 2.0.0: it sent Contacts to "
            "collect.tracker.cn (Tracker Ltd), an endpoint located in China "
            "(CN), which is not among the vendor's registered organisations or "
            "domains: a third party. Verdict: contradicted, by 2 independent "
            "auditors (confirmed: at least 2). Traffic shows where data was "
            "sent, not what the recipient did with it.");
  EXPECT_EQ(f.summary().find("stored"), std::string::npos);
}

}  // namespace
}  // namespace candor::evaluate
