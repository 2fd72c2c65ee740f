#include "verifier/claim/history.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/crypto/keys.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "tests/support/status_matchers.h"
#include "verifier/claim/claim.h"

namespace candor::claim {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

const absl::Time kDay0 = absl::FromUnixSeconds(1800000000);

absl::Time Day(int n) { return kDay0 + absl::Hours(24 * n); }

merkle::Hash LeafOf(uint64_t index) {
  return merkle::HashLeaf(absl::StrCat("claim entry ", index));
}

ClaimRecord Claim(uint64_t index, int effective_day,
                  std::optional<uint64_t> supersedes = std::nullopt,
                  const std::string& signer = "example") {
  ClaimRecord r;
  r.index = index;
  r.leaf_hash = LeafOf(index);
  r.signer = signer;
  r.effective_at = Day(effective_day);
  if (supersedes.has_value()) r.supersedes = LeafOf(*supersedes);
  return r;
}

const std::vector<std::string> kExample = {"example"};

// The in-force claim's index, or -1.
int64_t InForceAt(const std::vector<ClaimRecord>& claims, absl::Time t,
                  const std::vector<std::string>& vendors = kExample) {
  const ClaimRecord* c = ClaimInForce(claims, vendors, t);
  return c == nullptr ? -1 : static_cast<int64_t>(c->index);
}

// "index:status[>superseded_by]" for each claim, newest in the log first.
std::vector<std::string> StatesAt(const std::vector<ClaimRecord>& claims,
                                  absl::Time t,
                                  const std::vector<std::string>& vendors = kExample) {
  std::vector<std::string> out;
  for (const ClaimState& s : ClaimStatesAt(claims, vendors, t)) {
    std::string line = absl::StrCat(s.claim->index, ":", ClaimStatusName(s.status));
    if (s.superseded_by != nullptr) absl::StrAppend(&line, ">", s.superseded_by->index);
    out.push_back(line);
  }
  return out;
}

using ::testing::ElementsAre;

TEST(History, NoClaims) {
  EXPECT_EQ(InForceAt({}, Day(0)), -1);
  EXPECT_TRUE(StatesAt({}, Day(0)).empty());
}

TEST(History, InForceFromItsEffectiveTimeInclusive) {
  std::vector<ClaimRecord> claims = {Claim(5, 0)};
  EXPECT_EQ(InForceAt(claims, Day(0) - absl::Seconds(1)), -1);
  EXPECT_THAT(StatesAt(claims, Day(0) - absl::Seconds(1)),
              ElementsAre("5:not yet effective"));
  EXPECT_EQ(InForceAt(claims, Day(0)), 5);
  EXPECT_THAT(StatesAt(claims, Day(0)), ElementsAre("5:in force"));
}

TEST(History, NewestEffectiveClaimReplacesOlder) {
  std::vector<ClaimRecord> claims = {Claim(1, 0), Claim(2, 10)};
  EXPECT_EQ(InForceAt(claims, Day(5)), 1);
  EXPECT_THAT(StatesAt(claims, Day(5)),
              ElementsAre("2:not yet effective", "1:in force"));
  EXPECT_EQ(InForceAt(claims, Day(10)), 2);
  EXPECT_THAT(StatesAt(claims, Day(10)),
              ElementsAre("2:in force", "1:superseded>2"));
}

// The vendor's imported store label is a chain of its own: it stands beside
// the vendor's other claim, and a newer label replaces only the older label.
TEST(History, ImportedLabelsAreAChainOfTheirOwn) {
  auto label = [](uint64_t index, int day) {
    ClaimRecord r = Claim(index, day);
    r.label = true;
    return r;
  };
  std::vector<ClaimRecord> claims = {Claim(1, 0), label(2, 1), label(3, 5), Claim(4, 8)};
  EXPECT_THAT(StatesAt(claims, Day(2)),
              ElementsAre("4:not yet effective", "3:not yet effective", "2:in force",
                          "1:in force"));
  EXPECT_THAT(StatesAt(claims, Day(6)),
              ElementsAre("4:not yet effective", "3:in force", "2:superseded>3",
                          "1:in force"));
  EXPECT_THAT(StatesAt(claims, Day(9)),
              ElementsAre("4:in force", "3:in force", "2:superseded>3", "1:superseded>4"));
  std::vector<uint64_t> in_force;
  for (const ClaimRecord* c : ClaimsInForce(claims, kExample, Day(9))) {
    in_force.push_back(c->index);
  }
  EXPECT_THAT(in_force, ElementsAre(4, 3));  // the claim, then the label
  // ClaimInForce names the vendor's claim; the label only when it is alone.
  EXPECT_EQ(InForceAt(claims, Day(9)), 4);
  EXPECT_EQ(InForceAt({label(2, 1)}, Day(2)), 2);
}

TEST(History, EffectiveTimeNotLogOrderDecides) {
  // Logged later but effective earlier: in force only until the earlier-
  // logged claim takes effect.
  std::vector<ClaimRecord> claims = {Claim(1, 10), Claim(2, 5)};
  EXPECT_EQ(InForceAt(claims, Day(7)), 2);
  EXPECT_THAT(StatesAt(claims, Day(7)),
              ElementsAre("2:in force", "1:not yet effective"));
  EXPECT_EQ(InForceAt(claims, Day(12)), 1);
  EXPECT_THAT(StatesAt(claims, Day(12)),
              ElementsAre("2:superseded>1", "1:in force"));
}

TEST(History, TiesGoToTheHigherLogIndex) {
  std::vector<ClaimRecord> claims = {Claim(9, 0), Claim(4, 0)};
  EXPECT_EQ(InForceAt(claims, Day(0)), 9);
  EXPECT_THAT(StatesAt(claims, Day(0)),
              ElementsAre("9:in force", "4:superseded>9"));
}

TEST(History, SupersessionChain) {
  std::vector<ClaimRecord> claims = {Claim(1, 0), Claim(2, 10, 1),
                                     Claim(3, 20, 2)};
  EXPECT_EQ(InForceAt(claims, Day(5)), 1);
  EXPECT_THAT(StatesAt(claims, Day(5)),
              ElementsAre("3:not yet effective", "2:not yet effective",
                          "1:in force"));
  EXPECT_EQ(InForceAt(claims, Day(15)), 2);
  EXPECT_THAT(StatesAt(claims, Day(15)),
              ElementsAre("3:not yet effective", "2:in force",
                          "1:superseded>2"));
  EXPECT_EQ(InForceAt(claims, Day(25)), 3);
  EXPECT_THAT(StatesAt(claims, Day(25)),
              ElementsAre("3:in force", "2:superseded>3", "1:superseded>2"));
}

TEST(History, SupersedingFromAnEarlierEffectiveTimeRetiresAScheduledClaim) {
  // Claim 1 was to take effect on day 10; claim 2 replaces it from day 5, so
  // claim 1 never comes into force.
  std::vector<ClaimRecord> claims = {Claim(1, 10), Claim(2, 5, 1)};
  EXPECT_EQ(InForceAt(claims, Day(3)), -1);
  EXPECT_THAT(StatesAt(claims, Day(3)),
              ElementsAre("2:not yet effective", "1:not yet effective"));
  EXPECT_EQ(InForceAt(claims, Day(7)), 2);
  EXPECT_THAT(StatesAt(claims, Day(7)),
              ElementsAre("2:in force", "1:superseded>2"));
  EXPECT_EQ(InForceAt(claims, Day(12)), 2);
  EXPECT_THAT(StatesAt(claims, Day(12)),
              ElementsAre("2:in force", "1:superseded>2"));
}

TEST(History, SupersessionIsNeverUndone) {
  // 1 (day 20) is superseded by 2 (day 5), itself superseded by 3 (day 6):
  // on day 25, 1 is still superseded although it is the newest effective.
  std::vector<ClaimRecord> claims = {Claim(1, 20), Claim(2, 5, 1),
                                     Claim(3, 6, 2)};
  EXPECT_EQ(InForceAt(claims, Day(25)), 3);
  EXPECT_THAT(StatesAt(claims, Day(25)),
              ElementsAre("3:in force", "2:superseded>3", "1:superseded>2"));
}

TEST(History, SupersedesTakesEffectOnlyFromItsEffectiveTime) {
  std::vector<ClaimRecord> claims = {Claim(1, 0), Claim(2, 30, 1)};
  EXPECT_EQ(InForceAt(claims, Day(29)), 1);
  EXPECT_THAT(StatesAt(claims, Day(29)),
              ElementsAre("2:not yet effective", "1:in force"));
  EXPECT_EQ(InForceAt(claims, Day(30)), 2);
}

TEST(History, SeveralSupersedersTheEarliestInTheLogIsNamed) {
  std::vector<ClaimRecord> claims = {Claim(1, 0), Claim(2, 3, 1),
                                     Claim(3, 2, 1)};
  EXPECT_EQ(InForceAt(claims, Day(5)), 2);
  EXPECT_THAT(StatesAt(claims, Day(5)),
              ElementsAre("3:superseded>2", "2:in force", "1:superseded>2"));
}

TEST(History, OnlyClaimsByVendorsInScopeCount) {
  // "gone" once spoke for the app; its claims no longer count, and its
  // supersedes cannot retire anyone's claim.
  std::vector<ClaimRecord> claims = {Claim(1, 0), Claim(2, 5, 1, "gone")};
  EXPECT_EQ(InForceAt(claims, Day(10)), 1);
  EXPECT_THAT(StatesAt(claims, Day(10)),
              ElementsAre("2:out of scope", "1:in force"));
  EXPECT_EQ(InForceAt(claims, Day(10), {}), -1);
  EXPECT_THAT(StatesAt(claims, Day(10), {}),
              ElementsAre("2:out of scope", "1:out of scope"));
}

TEST(History, TwoVendorsInScopeNewestEffectiveWins) {
  // Another in-scope vendor cannot supersede by name, but its newer claim is
  // in force from its effective time.
  std::vector<ClaimRecord> claims = {Claim(1, 0), Claim(2, 10, 1, "partner"),
                                     Claim(3, 20)};
  const std::vector<std::string> both = {"example", "partner"};
  EXPECT_EQ(InForceAt(claims, Day(5), both), 1);
  EXPECT_EQ(InForceAt(claims, Day(15), both), 2);
  EXPECT_THAT(StatesAt(claims, Day(15), both),
              ElementsAre("3:not yet effective", "2:in force", "1:superseded>2"));
  EXPECT_EQ(InForceAt(claims, Day(25), both), 3);
  EXPECT_THAT(StatesAt(claims, Day(25), both),
              ElementsAre("3:in force", "2:superseded>3", "1:superseded>3"));
}

TEST(History, SupersedesNamingALaterClaimIsIgnored) {
  // Admission makes this impossible (supersedes names an entry already in
  // the log); the rules do not depend on it.
  std::vector<ClaimRecord> claims = {Claim(1, 10, 2), Claim(2, 0)};
  EXPECT_EQ(InForceAt(claims, Day(5)), 2);
  EXPECT_THAT(StatesAt(claims, Day(12)),
              ElementsAre("2:superseded>1", "1:in force"));
}

TEST(History, RecordFromEntry) {
  PrivateKey key = *PrivateKey::Generate(KeyType::kEd25519);
  v1::Claim c;
  c.mutable_app()->set_id("android:com.example.app");
  c.set_issuer("example");
  c.mutable_effective_at()->set_seconds(1800000000);
  c.mutable_effective_at()->set_nanos(500000000);
  c.set_supersedes(std::string(merkle::AsBytes(LeafOf(1))));
  Statement st;
  st.subjects.push_back(NamedSubject(c.app().id()));
  st.predicate_type = std::string(kClaimPredicateType);
  st.predicate_json = PredicateToJson(c);
  const std::string entry = *SignStatement(st, key);
  absl::StatusOr<ClaimRecord> r = ClaimRecordFromEntry(7, entry);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->index, 7u);
  EXPECT_EQ(r->leaf_hash, merkle::HashLeaf(entry));
  EXPECT_EQ(r->signer, "example");
  EXPECT_EQ(r->effective_at, kDay0 + absl::Milliseconds(500));
  ASSERT_TRUE(r->supersedes.has_value());
  EXPECT_EQ(*r->supersedes, LeafOf(1));
  // The same statement in another JSON form: another leaf, one identity.
  absl::StatusOr<ClaimRecord> replay = ClaimRecordFromEntry(8, " " + entry);
  ASSERT_THAT(replay, IsOk());
  EXPECT_NE(replay->leaf_hash, r->leaf_hash);
  ASSERT_TRUE(r->identity.has_value());
  EXPECT_EQ(replay->identity, r->identity);
  EXPECT_FALSE(r->label);
  // A claim carrying the Data-safety form is the vendor's imported label.
  c.add_documents()->set_kind(v1::Document::DATA_SAFETY_FORM);
  st.predicate_json = PredicateToJson(c);
  absl::StatusOr<ClaimRecord> label = ClaimRecordFromEntry(9, *SignStatement(st, key));
  ASSERT_THAT(label, IsOk());
  EXPECT_TRUE(label->label);
  c.clear_documents();

  c.set_supersedes("short");
  st.predicate_json = PredicateToJson(c);
  EXPECT_THAT(ClaimRecordFromEntry(7, *SignStatement(st, key)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "claim supersedes: must be a 32-byte leaf hash"));
}

// Anyone can log a claim again in other bytes. The repeat counts as the
// original: it cannot come back once its vendor superseded it, and naming it
// names the original.
ClaimRecord Repeat(const ClaimRecord& original, uint64_t index) {
  ClaimRecord r = original;
  r.index = index;
  r.leaf_hash = LeafOf(index);
  return r;
}

ClaimRecord WithIdentity(ClaimRecord r) {
  r.identity = Sha256(absl::StrCat("statement of entry ", r.index));
  return r;
}

TEST(History, AReplayedClaimChangesNoHistory) {
  // The vendor corrects claim 0 with claim 1, effective earlier; someone then
  // logs claim 0 again as entry 2.
  const ClaimRecord c = WithIdentity(Claim(0, 2));
  const ClaimRecord s = WithIdentity(Claim(1, 1, 0));
  const std::vector<ClaimRecord> claims = {c, s, Repeat(c, 2)};
  EXPECT_EQ(InForceAt(claims, Day(3)), 1);
  EXPECT_THAT(StatesAt(claims, Day(3)),
              ElementsAre("2:a repeat", "1:in force", "0:superseded>1"));
  const std::vector<ClaimState> states = ClaimStatesAt(claims, kExample, Day(3));
  ASSERT_NE(states[0].repeats, nullptr);
  EXPECT_EQ(states[0].repeats->index, 0u);

  // Without the supersession, the repeat is still not a second claim in
  // force: the original is.
  const std::vector<ClaimRecord> alone = {c, Repeat(c, 1)};
  EXPECT_EQ(InForceAt(alone, Day(3)), 0);
  EXPECT_THAT(StatesAt(alone, Day(3)), ElementsAre("1:a repeat", "0:in force"));
}

TEST(History, SupersedingARepeatSupersedesTheOriginal) {
  const ClaimRecord c = WithIdentity(Claim(0, 1));
  const std::vector<ClaimRecord> claims = {c, Repeat(c, 1), WithIdentity(Claim(2, 2, 1))};
  EXPECT_EQ(InForceAt(claims, Day(3)), 2);
  EXPECT_THAT(StatesAt(claims, Day(3)),
              ElementsAre("2:in force", "1:a repeat", "0:superseded>2"));
}

// A superseding claim replayed supersedes nothing a second time, and its
// replay is not in force on its own.
TEST(History, AReplayedSupersedingClaimIsTheSameSupersession) {
  const ClaimRecord c = WithIdentity(Claim(0, 1));
  const ClaimRecord s = WithIdentity(Claim(1, 2, 0));
  const std::vector<ClaimRecord> claims = {c, s, Repeat(s, 2)};
  EXPECT_EQ(InForceAt(claims, Day(3)), 1);
  EXPECT_THAT(StatesAt(claims, Day(3)),
              ElementsAre("2:a repeat", "1:in force", "0:superseded>1"));
}

// ---------------------------------------------------------------------------
// Recordings: readings others logged of what was said, beside the vendor's
// claim.

ClaimRecord Recording(uint64_t index, int effective_day,
                      std::optional<uint64_t> supersedes = std::nullopt,
                      const std::string& recorder = "press-watch") {
  ClaimRecord r = Claim(index, effective_day, supersedes, recorder);
  r.kind = ClaimKind::kRecorded;
  return r;
}

// The indices ClaimsInForce gives, in its order.
std::vector<uint64_t> AllInForceAt(const std::vector<ClaimRecord>& claims, absl::Time t,
                                   const std::vector<std::string>& vendors = kExample) {
  std::vector<uint64_t> out;
  for (const ClaimRecord* c : ClaimsInForce(claims, vendors, t)) out.push_back(c->index);
  return out;
}

TEST(HistoryOfRecordings, ARecordingStandsBesideTheVendorsClaim) {
  // The vendor's claim comes first whatever the log order.
  const std::vector<ClaimRecord> claims = {Recording(1, 0), Claim(2, 1), Recording(3, 2)};
  EXPECT_EQ(InForceAt(claims, Day(3)), 2);
  EXPECT_THAT(AllInForceAt(claims, Day(3)), ElementsAre(2, 1, 3));
  EXPECT_THAT(StatesAt(claims, Day(3)),
              ElementsAre("3:in force", "2:in force", "1:in force"));
  // Before the vendor's claim takes effect, the recording alone; and a
  // recording is never the vendor's claim in force.
  EXPECT_EQ(InForceAt(claims, Day(0)), -1);
  EXPECT_THAT(AllInForceAt(claims, Day(0)), ElementsAre(1));
  EXPECT_THAT(StatesAt(claims, Day(0)),
              ElementsAre("3:not yet effective", "2:not yet effective", "1:in force"));
  // Recordings count whoever the vendors in scope are.
  EXPECT_THAT(AllInForceAt(claims, Day(3), {}), ElementsAre(1, 3));
  EXPECT_THAT(StatesAt(claims, Day(3), {}),
              ElementsAre("3:in force", "2:out of scope", "1:in force"));
}

TEST(HistoryOfRecordings, ANewerVendorClaimDoesNotReplaceARecording) {
  const std::vector<ClaimRecord> claims = {Claim(1, 0), Recording(2, 1), Claim(3, 5)};
  EXPECT_THAT(AllInForceAt(claims, Day(6)), ElementsAre(3, 2));
  EXPECT_THAT(StatesAt(claims, Day(6)),
              ElementsAre("3:in force", "2:in force", "1:superseded>3"));
}

TEST(HistoryOfRecordings, ARecordingNotYetEffective) {
  const std::vector<ClaimRecord> claims = {Claim(1, 0), Recording(2, 5)};
  EXPECT_THAT(AllInForceAt(claims, Day(4)), ElementsAre(1));
  EXPECT_THAT(StatesAt(claims, Day(4)),
              ElementsAre("2:not yet effective", "1:in force"));
  EXPECT_THAT(AllInForceAt(claims, Day(5)), ElementsAre(1, 2));
}

TEST(HistoryOfRecordings, SupersededByTheSameRecordersCorrection) {
  const std::vector<ClaimRecord> claims = {Recording(1, 0), Recording(2, 3, 1)};
  EXPECT_THAT(AllInForceAt(claims, Day(2)), ElementsAre(1));
  EXPECT_THAT(StatesAt(claims, Day(2)),
              ElementsAre("2:not yet effective", "1:in force"));
  EXPECT_THAT(AllInForceAt(claims, Day(3)), ElementsAre(2));
  EXPECT_THAT(StatesAt(claims, Day(3)),
              ElementsAre("2:in force", "1:superseded>2"));
  // Naming the recording is what retires it: another recording by the same
  // recorder stands beside it.
  const std::vector<ClaimRecord> beside = {Recording(1, 0), Recording(2, 3)};
  EXPECT_THAT(AllInForceAt(beside, Day(3)), ElementsAre(1, 2));
}

TEST(HistoryOfRecordings, NotSupersededByAnotherRecorder) {
  const std::vector<ClaimRecord> claims = {Recording(1, 0),
                                           Recording(2, 3, 1, "fact-check")};
  EXPECT_THAT(AllInForceAt(claims, Day(4)), ElementsAre(1, 2));
  EXPECT_THAT(StatesAt(claims, Day(4)), ElementsAre("2:in force", "1:in force"));
}

TEST(HistoryOfRecordings, SupersededByAVendorInScopeAnsweringIt) {
  const std::vector<ClaimRecord> claims = {Recording(1, 0), Claim(2, 3, 1)};
  EXPECT_THAT(AllInForceAt(claims, Day(2)), ElementsAre(1));
  EXPECT_THAT(StatesAt(claims, Day(2)),
              ElementsAre("2:not yet effective", "1:in force"));
  EXPECT_EQ(InForceAt(claims, Day(3)), 2);
  EXPECT_THAT(AllInForceAt(claims, Day(3)), ElementsAre(2));
  EXPECT_THAT(StatesAt(claims, Day(3)),
              ElementsAre("2:in force", "1:superseded>2"));
  // Still superseded once the vendor's answer is itself replaced.
  std::vector<ClaimRecord> later = claims;
  later.push_back(Claim(3, 6, 2));
  EXPECT_THAT(AllInForceAt(later, Day(7)), ElementsAre(3));
  EXPECT_THAT(StatesAt(later, Day(7)),
              ElementsAre("3:in force", "2:superseded>3", "1:superseded>2"));
}

TEST(HistoryOfRecordings, NotSupersededByAVendorOutOfScope) {
  const std::vector<ClaimRecord> claims = {Recording(1, 0), Claim(2, 3, 1, "outsider")};
  EXPECT_THAT(AllInForceAt(claims, Day(4)), ElementsAre(1));
  EXPECT_THAT(StatesAt(claims, Day(4)),
              ElementsAre("2:out of scope", "1:in force"));
}

TEST(HistoryOfRecordings, ARecordingNeverSupersedesTheVendorsClaim) {
  const std::vector<ClaimRecord> claims = {Claim(1, 0), Recording(2, 3, 1)};
  EXPECT_EQ(InForceAt(claims, Day(4)), 1);
  EXPECT_THAT(AllInForceAt(claims, Day(4)), ElementsAre(1, 2));
  EXPECT_THAT(StatesAt(claims, Day(4)), ElementsAre("2:in force", "1:in force"));
  // Nor does a recording whose recorder shares the vendor's name.
  const std::vector<ClaimRecord> same_name = {Claim(1, 0),
                                              Recording(2, 3, 1, "example")};
  EXPECT_EQ(InForceAt(same_name, Day(4)), 1);
  EXPECT_THAT(StatesAt(same_name, Day(4)),
              ElementsAre("2:in force", "1:in force"));
}

TEST(HistoryOfRecordings, ARepeatedRecordingCountsOnce) {
  const ClaimRecord r = WithIdentity(Recording(1, 0));
  const std::vector<ClaimRecord> claims = {Claim(0, 0), r, Repeat(r, 2)};
  EXPECT_THAT(AllInForceAt(claims, Day(1)), ElementsAre(0, 1));
  EXPECT_THAT(StatesAt(claims, Day(1)),
              ElementsAre("2:a repeat", "1:in force", "0:in force"));
  const std::vector<ClaimState> states = ClaimStatesAt(claims, kExample, Day(1));
  ASSERT_NE(states[0].repeats, nullptr);
  EXPECT_EQ(states[0].repeats->index, 1u);
  // Answering the repeat answers the recording; the repeat comes back with it
  // no more than the recording does.
  std::vector<ClaimRecord> answered = claims;
  answered.push_back(WithIdentity(Claim(3, 1, 2)));
  EXPECT_THAT(AllInForceAt(answered, Day(2)), ElementsAre(3));
  EXPECT_THAT(StatesAt(answered, Day(2)),
              ElementsAre("3:in force", "2:a repeat", "1:superseded>3",
                          "0:superseded>3"));
}

TEST(HistoryOfRecordings, RecordFromARecordingEntry) {
  PrivateKey key = *PrivateKey::Generate(KeyType::kEd25519);
  v1::RecordedClaim rec;
  rec.set_recorder("press-watch");
  rec.set_kind(v1::RecordedClaim::STATEMENT);
  rec.mutable_speaker()->set_principal("example");
  rec.mutable_speaker()->set_name("Example Corp spokesperson");
  v1::Claim* c = rec.mutable_reading();
  c->mutable_app()->set_id("android:com.example.app");
  c->set_issuer("press-watch");
  c->mutable_effective_at()->set_seconds(1800000000 + 24 * 3600);
  c->set_supersedes(std::string(merkle::AsBytes(LeafOf(1))));
  Statement st;
  st.subjects.push_back(NamedSubject(c->app().id()));
  st.predicate_type = std::string(kRecordedClaimType);
  st.predicate_json = PredicateToJson(rec);
  const std::string entry = *SignStatement(st, key);
  absl::StatusOr<ClaimRecord> r = ClaimRecordFromEntry(9, entry);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->kind, ClaimKind::kRecorded);
  EXPECT_EQ(r->index, 9u);
  EXPECT_EQ(r->leaf_hash, merkle::HashLeaf(entry));
  EXPECT_EQ(r->signer, "press-watch");
  EXPECT_EQ(r->effective_at, Day(1));
  ASSERT_TRUE(r->supersedes.has_value());
  EXPECT_EQ(*r->supersedes, LeafOf(1));
  EXPECT_TRUE(r->identity.has_value());

  // The signer is the recorder whatever the reading names (admission makes
  // them equal; history does not rely on it).
  c->set_issuer("example");
  st.predicate_json = PredicateToJson(rec);
  r = ClaimRecordFromEntry(9, *SignStatement(st, key));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->signer, "press-watch");

  // A signed claim is kSigned; other statements are not claims.
  v1::Claim plain = rec.reading();
  st.predicate_type = std::string(kClaimPredicateType);
  st.predicate_json = PredicateToJson(plain);
  r = ClaimRecordFromEntry(10, *SignStatement(st, key));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->kind, ClaimKind::kSigned);
  EXPECT_EQ(r->signer, "example");
  st.predicate_type = std::string(kDisputeType);
  st.predicate_json = "{}";
  EXPECT_THAT(ClaimRecordFromEntry(11, *SignStatement(st, key)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the entry is a \"https://candor.dev/dispute/v1\" "
                       "statement, not a claim"));
}

}  // namespace
}  // namespace candor::claim
