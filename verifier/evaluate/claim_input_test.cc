#include "verifier/evaluate/claim_input.h"

#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/crypto/keys.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "tests/support/status_matchers.h"
#include "verifier/claim/recording.h"

namespace candor::evaluate {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

constexpr char kApp[] = "android:com.example.app";
constexpr int64_t kNowSeconds = 1800000000;  // 2027-01-15T08:00:00Z

google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

claim::v1::Claim VendorClaim() {
  claim::v1::Claim c;
  c.mutable_app()->set_id(kApp);
  c.set_issuer("example");
  *c.mutable_issued_at() = At(kNowSeconds);
  *c.mutable_effective_at() = At(kNowSeconds);
  claim::v1::Assertion* a = c.add_assertions();
  a->set_id("no-cn");
  a->add_data_types("personal_info");
  a->set_practice(claim::v1::NOT_SENT_TO_COUNTRIES);
  a->set_consent(claim::v1::ALWAYS);
  a->add_countries("CN");
  return c;
}

claim::v1::RecordedClaim Recording() {
  claim::v1::RecordedClaim r;
  r.set_recorder("press-watch");
  r.set_kind(claim::v1::RecordedClaim::STATEMENT);
  r.mutable_speaker()->set_name("Example Corp spokesperson");
  r.mutable_source()->set_url("https://daily.example.com/2027/01/05/interview");
  r.mutable_source()->set_publication("The Daily Example");
  *r.mutable_source()->mutable_published_at() = At(kNowSeconds - 10 * 24 * 3600);
  r.mutable_source()->set_archive_sha256(std::string(64, 'b'));
  claim::v1::Quote* q = r.add_quotes();
  q->set_id("q1");
  q->set_text("We have never provided user data to the Chinese government, nor "
              "would we do so if asked.");
  q->set_language("en");
  *r.mutable_reading() = VendorClaim();
  r.mutable_reading()->set_issuer("press-watch");
  r.mutable_first_party()->add_organisations("Example Corp");
  claim::v1::Interpretation* in = r.add_interpretations();
  in->set_assertion("no-cn");
  in->set_quote("q1");
  in->set_sentence("We have never provided user data to the Chinese government");
  in->set_reading("Personal info is not sent to servers in China.");
  return r;
}

std::string Entry(absl::string_view type, const google::protobuf::Message& predicate) {
  static const PrivateKey* const key =
      new PrivateKey(*PrivateKey::Generate(KeyType::kEd25519));
  Statement st;
  st.subjects.push_back(NamedSubject(kApp));
  st.predicate_type = std::string(type);
  st.predicate_json = PredicateToJson(predicate);
  return *SignStatement(st, *key);
}

registry::v1::Registration Vendor(const std::string& name,
                                  const std::string& app = kApp) {
  registry::v1::Registration r;
  r.set_name(name);
  r.set_display_name("Example Corp");
  r.set_role(registry::v1::VENDOR);
  r.mutable_scope()->add_apps(app);
  r.mutable_scope()->add_domains("example.com");
  return r;
}

registry::v1::Registration Recorder(const std::string& display_name = "Press Watch") {
  registry::v1::Registration r;
  r.set_name("press-watch");
  r.set_display_name(display_name);
  r.set_role(registry::v1::RECORDER);
  return r;
}

// A lookup answering from `registrations`.
RegistrationBefore Lookup(std::map<std::string, registry::v1::Registration> registrations) {
  return [registrations](const std::string& principal)
             -> absl::StatusOr<std::optional<registry::v1::Registration>> {
    auto it = registrations.find(principal);
    if (it == registrations.end()) return std::nullopt;
    return it->second;
  };
}

finding::v1::EntryRef Ref(uint64_t index) {
  finding::v1::EntryRef ref;
  ref.set_index(index);
  ref.set_leaf_hash(std::string(32, '\x05'));
  return ref;
}

TEST(ClaimInputFromEntry, ASignedClaimStandsAsTheVendors) {
  absl::StatusOr<ClaimInput> input =
      ClaimInputFromEntry(Ref(7), Entry(kClaimType, VendorClaim()), "example",
                          Lookup({{"example", Vendor("example")}}));
  ASSERT_THAT(input, IsOk());
  EXPECT_EQ(input->ref.index(), 7u);
  EXPECT_EQ(input->ref.leaf_hash(), std::string(32, '\x05'));
  EXPECT_EQ(input->claim.SerializeAsString(), VendorClaim().SerializeAsString());
  EXPECT_EQ(input->vendor.SerializeAsString(), Vendor("example").SerializeAsString());
  EXPECT_EQ(input->stands_against, "the vendor's signed claim");
  EXPECT_EQ(input->recorder, "");

  // A claim imported from the Data-safety label says so.
  claim::v1::Claim label = VendorClaim();
  claim::v1::Document* d = label.add_documents();
  d->set_kind(claim::v1::Document::DATA_SAFETY_FORM);
  input = ClaimInputFromEntry(Ref(7), Entry(kClaimType, label), "example",
                              Lookup({{"example", Vendor("example")}}));
  ASSERT_THAT(input, IsOk());
  EXPECT_EQ(input->stands_against, "the Data-safety label published on 2027-01-15");
}

TEST(ClaimInputFromEntry, RefusesASignedClaimItCannotStandOn) {
  const std::string entry = Entry(kClaimType, VendorClaim());
  EXPECT_THAT(ClaimInputFromEntry(Ref(7), entry, "mallory",
                                  Lookup({{"example", Vendor("example")},
                                          {"mallory", Vendor("mallory")}})),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "the claim names issuer \"example\" but is signed by "
                       "\"mallory\""));
  EXPECT_THAT(ClaimInputFromEntry(Ref(7), entry, "example", Lookup({})),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "the vendor \"example\" has no registration before the "
                       "claim"));
  EXPECT_THAT(ClaimInputFromEntry(
                  Ref(7), entry, "example",
                  Lookup({{"example", Vendor("example", "android:com.other.app")}})),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "the claim is about android:com.example.app, outside vendor "
                       "\"example\"'s registered scope"));
}

TEST(ClaimInputFromEntry, PassesOnLookupErrors) {
  RegistrationBefore failing = [](const std::string&)
      -> absl::StatusOr<std::optional<registry::v1::Registration>> {
    return absl::UnavailableError("registry snapshot is gone");
  };
  EXPECT_THAT(ClaimInputFromEntry(Ref(7), Entry(kClaimType, VendorClaim()), "example",
                                  failing),
              StatusIs(absl::StatusCode::kUnavailable, "registry snapshot is gone"));
  EXPECT_THAT(ClaimInputFromEntry(Ref(7), Entry(kRecordedClaimType, Recording()),
                                  "press-watch", failing),
              StatusIs(absl::StatusCode::kUnavailable, "registry snapshot is gone"));
}

TEST(ClaimInputFromEntry, ARecordingStandsAsTheRecordersReading) {
  const claim::v1::RecordedClaim r = Recording();
  absl::StatusOr<ClaimInput> input =
      ClaimInputFromEntry(Ref(9), Entry(kRecordedClaimType, r), "press-watch",
                          Lookup({{"press-watch", Recorder()}}));
  ASSERT_THAT(input, IsOk());
  EXPECT_EQ(input->ref.index(), 9u);
  EXPECT_EQ(input->claim.SerializeAsString(), r.reading().SerializeAsString());
  EXPECT_EQ(input->vendor.SerializeAsString(),
            claim::FirstPartyOf(r, nullptr).SerializeAsString());
  EXPECT_EQ(input->vendor.name(), "Example Corp spokesperson");
  EXPECT_EQ(input->recorder, "Press Watch");
  EXPECT_EQ(input->stands_against,
            "Press Watch's reading of a statement quoted in The Daily Example "
            "(https://daily.example.com/2027/01/05/interview)");

  // A recorder without a display name is named by its principal name.
  input = ClaimInputFromEntry(Ref(9), Entry(kRecordedClaimType, r), "press-watch",
                              Lookup({{"press-watch", Recorder("")}}));
  ASSERT_THAT(input, IsOk());
  EXPECT_EQ(input->recorder, "press-watch");
  EXPECT_EQ(input->stands_against,
            "press-watch's reading of a statement quoted in The Daily Example "
            "(https://daily.example.com/2027/01/05/interview)");
}

TEST(ClaimInputFromEntry, ARecordingOfTheAppsVendorTakesItsRegistration) {
  claim::v1::RecordedClaim r = Recording();
  r.clear_first_party();
  r.mutable_speaker()->set_principal("example");
  absl::StatusOr<ClaimInput> input = ClaimInputFromEntry(
      Ref(9), Entry(kRecordedClaimType, r), "press-watch",
      Lookup({{"press-watch", Recorder()}, {"example", Vendor("example")}}));
  ASSERT_THAT(input, IsOk());
  EXPECT_EQ(input->vendor.SerializeAsString(), Vendor("example").SerializeAsString());
  EXPECT_EQ(input->recorder, "Press Watch");

  // A registered speaker that is not the app's vendor: the recording's first
  // party, named after the speaker's principal.
  r.mutable_first_party()->add_domains("example.net");
  input = ClaimInputFromEntry(
      Ref(9), Entry(kRecordedClaimType, r), "press-watch",
      Lookup({{"press-watch", Recorder()},
              {"example", Vendor("example", "android:com.other.app")}}));
  ASSERT_THAT(input, IsOk());
  EXPECT_EQ(input->vendor.name(), "example");
  EXPECT_EQ(input->vendor.display_name(), "Example Corp spokesperson");
  ASSERT_EQ(input->vendor.scope().domains_size(), 1);
  EXPECT_EQ(input->vendor.scope().domains(0), "example.net");
}

TEST(ClaimInputFromEntry, RefusesARecordingItCannotStandOn) {
  claim::v1::RecordedClaim r = Recording();
  r.mutable_speaker()->set_principal("ghost");
  EXPECT_THAT(ClaimInputFromEntry(Ref(9), Entry(kRecordedClaimType, r), "press-watch",
                                  Lookup({{"press-watch", Recorder()}})),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "the speaker \"ghost\" has no registration before the claim"));
  EXPECT_THAT(ClaimInputFromEntry(Ref(9), Entry(kRecordedClaimType, Recording()),
                                  "press-watch", Lookup({})),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "the recorder \"press-watch\" has no registration before the "
                       "claim"));
  EXPECT_THAT(ClaimInputFromEntry(Ref(9), Entry(kRecordedClaimType, Recording()),
                                  "example", Lookup({{"press-watch", Recorder()}})),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "the recording names recorder \"press-watch\" but is signed "
                       "by \"example\""));
  r = Recording();
  r.mutable_reading()->set_issuer("example");
  EXPECT_THAT(ClaimInputFromEntry(Ref(9), Entry(kRecordedClaimType, r), "press-watch",
                                  Lookup({{"press-watch", Recorder()}})),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "the recording's reading names issuer \"example\" but is "
                       "signed by \"press-watch\""));
}

TEST(ClaimInputFromEntry, RefusesStatementsThatAreNotClaims) {
  claim::v1::Dispute d;
  d.set_issuer("example");
  EXPECT_THAT(ClaimInputFromEntry(Ref(3), Entry(kMeasurementType, d), "auditor",
                                  Lookup({})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the claim entry is a \"https://candor.dev/measurement/v1\" "
                       "statement"));
  EXPECT_THAT(ClaimInputFromEntry(Ref(3), Entry(kDisputeType, d), "example", Lookup({})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the claim entry is a \"https://candor.dev/dispute/v1\" "
                       "statement"));
  EXPECT_THAT(ClaimInputFromEntry(Ref(3), "not an envelope", "example", Lookup({})),
              StatusIs(absl::StatusCode::kInvalidArgument, 
                       "DSSE envelope: invalid JSON at offset 0: unexpected "
                       "character"));
}

}  // namespace
}  // namespace candor::evaluate
