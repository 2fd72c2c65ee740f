#include "verifier/claim/recording.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/admission/admission.h"
#include "log/crypto/keys.h"
#include "log/merkle/hash.h"
#include "log/registry/registry.h"
#include "log/statement/dsse.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "tests/support/status_matchers.h"
#include "verifier/claim/claim.h"
#include "verifier/claim/data_safety.h"
#include "verifier/taxonomy/taxonomy.h"

namespace candor::claim {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kNow = absl::FromUnixSeconds(1800000000);  // 2027-01-15T08:00:00Z
constexpr char kApp[] = "android:com.example.app";
constexpr char kQuote[] =
    "We have never provided user data to the Chinese government, nor would we "
    "do so if asked.";
constexpr char kUrl[] = "https://daily.example.com/2027/01/05/interview";
constexpr char kPlayUrl[] =
    "https://play.google.com/store/apps/datasafety?id=com.example.app";

google::protobuf::Timestamp At(absl::Duration before_now) {
  google::protobuf::Timestamp t;
  t.set_seconds(absl::ToUnixSeconds(kNow - before_now));
  return t;
}

v1::Assertion MakeAssertion(const std::string& id, std::vector<std::string> types,
                            v1::Practice practice, std::vector<std::string> countries = {}) {
  v1::Assertion a;
  a.set_id(id);
  for (const std::string& t : types) a.add_data_types(t);
  a.set_practice(practice);
  a.set_consent(v1::ALWAYS);
  for (const std::string& c : countries) a.add_countries(c);
  return a;
}

v1::Interpretation Interpret(const std::string& assertion, const std::string& sentence,
                             const std::string& reading) {
  v1::Interpretation in;
  in.set_assertion(assertion);
  in.set_quote("q1");
  in.set_sentence(sentence);
  in.set_reading(reading);
  return in;
}

// The story: a spokesperson tells The Daily Example that the app's data never
// went to the Chinese government; a recorder logs it with its reading.
v1::RecordedClaim ValidStatement() {
  v1::RecordedClaim r;
  r.set_recorder("press-watch");
  r.set_kind(v1::RecordedClaim::STATEMENT);
  r.mutable_speaker()->set_name("Example Corp spokesperson");
  r.mutable_source()->set_url(kUrl);
  r.mutable_source()->set_publication("The Daily Example");
  *r.mutable_source()->mutable_published_at() = At(absl::Hours(24 * 10));
  r.mutable_source()->set_archive_sha256(std::string(64, 'b'));
  v1::Quote* q = r.add_quotes();
  q->set_id("q1");
  q->set_text(kQuote);
  q->set_language("en");
  v1::Claim* c = r.mutable_reading();
  c->mutable_app()->set_id(kApp);
  c->set_issuer("press-watch");
  *c->mutable_issued_at() = At(absl::Minutes(1));
  *c->mutable_effective_at() = At(absl::Hours(24 * 10));
  *c->add_assertions() =
      MakeAssertion("no-cn", {"personal_info"}, v1::NOT_SENT_TO_COUNTRIES, {"CN"});
  *c->add_assertions() = MakeAssertion("no-cn-orgs", {"personal_info"},
                                       v1::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES, {"CN"});
  *r.add_interpretations() =
      Interpret("no-cn", "We have never provided user data to the Chinese government",
                "Personal info is not sent to servers in China.");
  *r.add_interpretations() =
      Interpret("no-cn-orgs", "nor would we do so if asked",
                "Personal info is not sent to Chinese organisations, wherever "
                "their servers are.");
  return r;
}

// A reading about sharing with third parties, which needs first parties.
v1::RecordedClaim SharingStatement() {
  v1::RecordedClaim r = ValidStatement();
  r.mutable_reading()->clear_assertions();
  *r.mutable_reading()->add_assertions() =
      MakeAssertion("no-sharing", {"personal_info"}, v1::NOT_SHARED_WITH_THIRD_PARTIES);
  r.clear_interpretations();
  *r.add_interpretations() =
      Interpret("no-sharing", "We have never provided user data",
                "Personal info is shared with no one.");
  return r;
}

// The whole Data-safety form as Play Console exports it, declaring nothing
// (as data_safety_test's FormCsv({})).
std::string EmptyFormCsv() {
  const char* const kPurposes[] = {
      "PSL_APP_FUNCTIONALITY",  "PSL_ANALYTICS",
      "PSL_DEVELOPER_COMMUNICATIONS", "PSL_ADVERTISING",
      "PSL_FRAUD_PREVENTION_SECURITY", "PSL_PERSONALIZATION",
      "PSL_ACCOUNT_MANAGEMENT",
  };
  std::string csv = absl::StrCat(kDataSafetyHeader, "\n");
  absl::StrAppend(&csv, "PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA,,false,REQUIRED,",
                  "Does your app collect or share data?\n");
  absl::StrAppend(&csv, "PSL_DATA_COLLECTION_ENCRYPTED_IN_TRANSIT,,true,MAYBE_REQUIRED,",
                  "Is all of the user data encrypted in transit?\n");
  absl::StrAppend(&csv, "PSL_SUPPORT_DATA_DELETION_BY_USER,DATA_DELETION_YES,true,"
                        "SINGLE_CHOICE,\"Deletion?/Yes, on request\"\n");
  for (const PlayDataType& t : PlayDataTypes()) {
    absl::StrAppend(&csv, t.group, ",", t.play_id, ",,MULTIPLE_CHOICE,",
                    taxonomy::Label(t.candor), "\n");
  }
  for (const PlayDataType& t : PlayDataTypes()) {
    auto row = [&](absl::string_view sub, absl::string_view response) {
      absl::StrAppend(&csv, "PSL_DATA_USAGE_RESPONSES:", t.play_id, ":", sub, ",", response,
                      ",,MULTIPLE_CHOICE,Usage\n");
    };
    row("PSL_DATA_USAGE_COLLECTION_AND_SHARING", "PSL_DATA_USAGE_ONLY_COLLECTED");
    row("PSL_DATA_USAGE_COLLECTION_AND_SHARING", "PSL_DATA_USAGE_ONLY_SHARED");
    row("PSL_DATA_USAGE_EPHEMERAL", "");
    row("DATA_USAGE_USER_CONTROL", "PSL_DATA_USAGE_USER_CONTROL_OPTIONAL");
    row("DATA_USAGE_USER_CONTROL", "PSL_DATA_USAGE_USER_CONTROL_REQUIRED");
    for (const char* p : kPurposes) row("DATA_USAGE_COLLECTION_PURPOSE", p);
    for (const char* p : kPurposes) row("DATA_USAGE_SHARING_PURPOSE", p);
  }
  return csv;
}

// The app's Data-safety label as the recorder observed it on the store: the
// reading is what `candor claim import --play-data-safety` makes of it,
// issued by the recorder.
v1::RecordedClaim ValidLabel() {
  absl::StatusOr<DataSafetyImport> imported =
      ImportDataSafety(EmptyFormCsv(), DataSafetyImportOptions{kApp, "press-watch", kNow});
  EXPECT_THAT(imported.status(), IsOk());
  v1::RecordedClaim r;
  r.set_recorder("press-watch");
  r.set_kind(v1::RecordedClaim::STORE_LABEL);
  r.mutable_speaker()->set_name("Example Corp");
  r.mutable_source()->set_url(kPlayUrl);
  r.mutable_source()->set_publication("Google Play");
  *r.mutable_source()->mutable_published_at() = At(absl::Hours(24 * 10));
  r.mutable_source()->set_archive_sha256(std::string(64, 'c'));
  if (imported.ok()) *r.mutable_reading() = imported->claim;
  return r;
}

std::vector<absl::Status> Problems(const v1::RecordedClaim& r) {
  return RecordingProblems(r, kNow, admission::kDefaultMaxTimeSkew);
}

// ---------------------------------------------------------------------------
// RecordingProblems

TEST(RecordingProblems, NoneForTheValidStatementAndLabel) {
  EXPECT_THAT(Problems(ValidStatement()), IsEmpty());
  EXPECT_THAT(Problems(SharingStatement()), IsEmpty());
  const v1::RecordedClaim label = ValidLabel();
  ASSERT_EQ(label.reading().documents_size(), 1);
  EXPECT_EQ(label.reading().documents(0).kind(), v1::Document::DATA_SAFETY_FORM);
  EXPECT_THAT(Problems(label), IsEmpty());
  // The edges: published at the end of the time window, 16 quotes.
  v1::RecordedClaim edge = ValidStatement();
  *edge.mutable_source()->mutable_published_at() = At(-absl::Minutes(5));
  for (int i = 2; i <= static_cast<int>(kMaxQuotes); ++i) {
    v1::Quote* q = edge.add_quotes();
    *q = edge.quotes(0);
    q->set_id(absl::StrCat("q", i));
  }
  EXPECT_THAT(Problems(edge), IsEmpty());
  v1::Quote* q17 = edge.add_quotes();
  *q17 = edge.quotes(0);
  q17->set_id("q17");
  EXPECT_THAT(Problems(edge),
              ElementsAre(StatusIs(absl::StatusCode::kInvalidArgument,
                                   "recording quotes: a statement is recorded with 1 "
                                   "to 16 quotes of its exact words")));
  // Other language tags of the usual shapes.
  for (const char* tag : {"zh-Hans", "pt-BR", "es-419", "yue"}) {
    v1::RecordedClaim r = ValidStatement();
    r.mutable_quotes(0)->set_language(tag);
    EXPECT_THAT(Problems(r), IsEmpty()) << tag;
  }
}

TEST(RecordingProblems, RefusesEachProblem) {
  using Code = absl::StatusCode;
  struct Case {
    std::function<v1::RecordedClaim()> base;
    std::function<void(v1::RecordedClaim&)> mutate;
    std::vector<std::string> messages;  // all INVALID_ARGUMENT, in order
  } cases[] = {
      {ValidStatement, [](auto& r) { r.clear_recorder(); },
       {"recording recorder: missing; name the registered recorder that signs it"}},
      {ValidStatement, [](auto& r) { r.mutable_reading()->set_issuer("example"); },
       {"recording reading.issuer: \"example\" must be the recorder, "
        "\"press-watch\": the reading is the recorder's, not the speaker's"}},
      {ValidStatement, [](auto& r) { r.set_kind(v1::RecordedClaim::KIND_UNSPECIFIED); },
       {"recording kind: must be STATEMENT or STORE_LABEL"}},
      {ValidStatement, [](auto& r) { r.mutable_speaker()->clear_name(); },
       {"recording speaker.name: missing; name the speaker as the source names it"}},
      {ValidStatement,
       [](auto& r) { r.mutable_speaker()->set_name(std::string(kMaxSpeakerName + 1, 'x')); },
       {"recording speaker.name: longer than 200 bytes"}},
      {ValidStatement,
       [](auto& r) { r.mutable_source()->set_url("ftp://daily.example.com/a"); },
       {"recording source.url: \"ftp://daily.example.com/a\" is not an http(s) URL "
        "where the claim was published"}},
      {ValidStatement, [](auto& r) { r.mutable_source()->clear_publication(); },
       {"recording source.publication: must name the publication or store, in 1 to "
        "200 bytes"}},
      {ValidStatement, [](auto& r) { r.mutable_source()->clear_published_at(); },
       {"recording source.publishedAt: missing; say when the claim was made"}},
      {ValidStatement,
       [](auto& r) { *r.mutable_source()->mutable_published_at() = At(-absl::Minutes(6)); },
       {"recording source.publishedAt: 2027-01-15T08:06:00Z is in the future: a "
        "claim is recorded after it is made"}},
      {ValidStatement, [](auto& r) { r.mutable_source()->set_archive_sha256("ABC"); },
       {"recording source.archiveSha256: \"ABC\" must be the 64 lower-case hex "
        "digits of the SHA-256 of the archived source"}},
      {ValidStatement,
       [](auto& r) { r.mutable_source()->set_archive_sha256(std::string(64, 'B')); },
       {"recording source.archiveSha256: \"" + std::string(64, 'B') +
        "\" must be the 64 lower-case hex digits of the SHA-256 of the archived "
        "source"}},
      {ValidStatement, [](auto& r) { r.clear_quotes(); },
       {"recording quotes: a statement is recorded with 1 to 16 quotes of its exact "
        "words",
        "recording interpretations[0].quote: \"q1\" names no quote of the recording",
        "recording interpretations[1].quote: \"q1\" names no quote of the recording"}},
      {ValidStatement, [](auto& r) { r.mutable_quotes(0)->set_language("english"); },
       {"recording quotes[0].language: \"english\" is not a BCP 47 language tag "
        "such as \"en\" or \"zh-Hans\""}},
      {ValidStatement, [](auto& r) { r.mutable_quotes(0)->set_language("en-"); },
       {"recording quotes[0].language: \"en-\" is not a BCP 47 language tag such "
        "as \"en\" or \"zh-Hans\""}},
      {ValidStatement, [](auto& r) { *r.add_quotes() = r.quotes(0); },
       {"recording quotes[1].id: \"q1\" is repeated"}},
      {ValidStatement, [](auto& r) { r.mutable_quotes(0)->set_id("q 1"); },
       {"recording quotes[0].id: \"q 1\" must be 1 to 64 letters, digits, '.', '-' "
        "or '_'",
        "recording interpretations[0].quote: \"q1\" names no quote of the recording",
        "recording interpretations[1].quote: \"q1\" names no quote of the recording"}},
      {ValidStatement, [](auto& r) { r.mutable_quotes(0)->clear_text(); },
       {"recording quotes[0].text: the words as published, 1 to 8192 bytes",
        "recording interpretations[0].sentence: \"We have never provided user data "
        "to the Chinese government\" is not, verbatim, part of quote \"q1\"",
        "recording interpretations[1].sentence: \"nor would we do so if asked\" is "
        "not, verbatim, part of quote \"q1\""}},
      {ValidStatement,
       [](auto& r) {
         r.mutable_interpretations(0)->set_sentence(
             "We have never given user data to the Chinese government");
       },
       {"recording interpretations[0].sentence: \"We have never given user data to "
        "the Chinese government\" is not, verbatim, part of quote \"q1\""}},
      {ValidStatement, [](auto& r) { r.mutable_interpretations(0)->clear_reading(); },
       {"recording interpretations[0].reading: say how the sentence reads as the "
        "assertion, in 1 to 4096 bytes"}},
      {ValidStatement, [](auto& r) { r.mutable_interpretations()->RemoveLast(); },
       {"recording interpretations: the reading's assertion \"no-cn-orgs\" has no "
        "interpretation: every assertion read into a statement says which sentence "
        "it reads and how"}},
      {ValidStatement,
       [](auto& r) {
         *r.add_interpretations() =
             Interpret("no-ru", "nor would we do so if asked", "Nothing goes to Russia.");
       },
       {"recording interpretations[2].assertion: \"no-ru\" is not an assertion of "
        "the reading"}},
      {ValidStatement, [](auto& r) { *r.add_interpretations() = r.interpretations(0); },
       {"recording interpretations[2].assertion: \"no-cn\" is interpreted twice"}},
      {ValidLabel,
       [](auto& r) {
         v1::Quote* q = r.add_quotes();
         q->set_id("q1");
         q->set_text("Data isn't shared with third parties");
         q->set_language("en");
       },
       {"recording quotes: a store label is recorded without quotes or "
        "interpretations: the label's rows map to assertions as `candor claim "
        "import --play-data-safety` maps them"}},
      {ValidLabel, [](auto& r) { r.mutable_reading()->clear_documents(); },
       {"recording reading.documents: a store label's reading carries the label as "
        "a DATA_SAFETY_FORM document"}},
      {ValidLabel,
       [](auto& r) {
         *r.mutable_reading()->add_assertions() =
             MakeAssertion("no-cn", {"contacts"}, v1::NOT_SENT_TO_COUNTRIES, {"CN"});
       },
       {"recording reading.assertions: a store label says only what its form says: "
        "assertions[1] (\"no-cn\"): no answer of the Play Data safety form makes "
        "this assertion (its practice, consent or exemptions)"}},
      {ValidStatement,
       [](auto& r) { r.mutable_first_party()->add_domains("Example.COM"); },
       {"recording firstParty.domains[0]: \"Example.COM\" is not a registrable "
        "domain such as \"example.com\""}},
      // As a registration's scope refuses it: no empty label.
      {ValidStatement,
       [](auto& r) { r.mutable_first_party()->add_domains("example..com"); },
       {"recording firstParty.domains[0]: \"example..com\" is not a registrable "
        "domain such as \"example.com\""}},
      {ValidStatement, [](auto& r) { r.mutable_first_party()->add_domains("localhost"); },
       {"recording firstParty.domains[0]: \"localhost\" is not a registrable domain "
        "such as \"example.com\""}},
      {ValidStatement, [](auto& r) { r.mutable_first_party()->add_organisations(""); },
       {"recording firstParty.organisations[0]: must be 1 to 200 bytes, as "
        "reference data names it"}},
      {ValidStatement,
       [](auto& r) { r.mutable_reading()->mutable_app()->set_binary_sha256("ABC"); },
       {"recording reading: claim app.binarySha256: \"ABC\" must be 64 lower-case "
        "hex digits (SHA-256 of the APK, AAB or IPA)"}},
  };
  for (const Case& c : cases) {
    v1::RecordedClaim r = c.base();
    c.mutate(r);
    std::vector<std::string> got;
    for (const absl::Status& s : Problems(r)) {
      EXPECT_EQ(s.code(), Code::kInvalidArgument) << s;
      got.emplace_back(s.message());
    }
    EXPECT_EQ(got, c.messages);
  }
}

// ---------------------------------------------------------------------------
// Admission

class FakeLog : public admission::LogView {
 public:
  absl::Time Now() const override { return kNow; }
  absl::StatusOr<std::optional<admission::IndexedEntry>> FindEntry(
      const merkle::Hash& leaf_hash) const override {
    for (const admission::IndexedEntry& e : entries) {
      if (merkle::HashLeaf(e.entry) == leaf_hash) return e;
    }
    return std::nullopt;
  }
  // Appends `entry`; its leaf hash as bytes.
  std::string Add(const std::string& entry) {
    entries.push_back({entries.size(), entry});
    return std::string(merkle::AsBytes(merkle::HashLeaf(entry)));
  }

  std::vector<admission::IndexedEntry> entries;
};

std::string SignedEntry(absl::string_view type, const google::protobuf::Message& predicate,
                        const std::string& subject, const PrivateKey& key) {
  Statement st;
  st.subjects.push_back(NamedSubject(subject));
  st.predicate_type = std::string(type);
  st.predicate_json = PredicateToJson(predicate);
  return *SignStatement(st, key);
}

std::string RecordingEntry(const v1::RecordedClaim& r, const PrivateKey& key) {
  return SignedEntry(kRecordedClaimType, r, r.reading().app().id(), key);
}

class RecordingAdmissionTest : public ::testing::Test {
 protected:
  RecordingAdmissionTest()
      : admin_(*PrivateKey::Generate(KeyType::kEd25519)),
        example_key_(*PrivateKey::Generate(KeyType::kEd25519)),
        outsider_key_(*PrivateKey::Generate(KeyType::kEd25519)),
        press_key_(*PrivateKey::Generate(KeyType::kEd25519)),
        checker_key_(*PrivateKey::Generate(KeyType::kEcdsaP256)),
        admission_(admin_.public_key(), &validators_) {
    RegisterClaimValidator(validators_);
    RegisterRecordingValidators(validators_);
    Register(Vendor("example", example_key_, {kApp, "ios:com.example.app"}));
    Register(Vendor("outsider", outsider_key_, {"android:com.outsider.app"}));
    Register(Recorder("press-watch", press_key_));
    Register(Recorder("fact-check", checker_key_));
  }

  void Register(const registry::Registration& r) {
    EXPECT_THAT(registry_.Apply(r, log_.entries.size()), IsOk());
    log_.entries.push_back({log_.entries.size(), "registration of " + r.name()});
  }

  static registry::Registration Vendor(const std::string& name, const PrivateKey& key,
                                       std::vector<std::string> apps) {
    registry::Registration r;
    r.set_name(name);
    r.set_role(registry::v1::VENDOR);
    r.add_public_keys(key.public_key().Pem());
    for (const std::string& a : apps) r.mutable_scope()->add_apps(a);
    return r;
  }

  static registry::Registration Recorder(const std::string& name, const PrivateKey& key) {
    registry::Registration r;
    r.set_name(name);
    r.set_display_name(name == "press-watch" ? "Press Watch" : "Fact Check");
    r.set_role(registry::v1::RECORDER);
    r.add_public_keys(key.public_key().Pem());
    return r;
  }

  absl::Status Admit(const std::string& entry) {
    return admission_.Admit(entry, registry_, log_.entries.size(), log_).status();
  }

  static v1::RecordedClaim By(v1::RecordedClaim r, const std::string& recorder) {
    r.set_recorder(recorder);
    r.mutable_reading()->set_issuer(recorder);
    return r;
  }

  v1::Dispute ValidDispute(const std::string& recording) {
    v1::Dispute d;
    d.set_issuer("example");
    *d.mutable_issued_at() = At(absl::Minutes(1));
    d.set_app(kApp);
    d.set_recording(recording);
    d.set_text("Our spokesperson spoke of the government, not of every Chinese "
               "organisation: the second reading goes further than the words.");
    return d;
  }

  std::string DisputeEntry(const v1::Dispute& d, const PrivateKey& key) {
    return SignedEntry(kDisputeType, d, d.app(), key);
  }

  PrivateKey admin_;
  PrivateKey example_key_;
  PrivateKey outsider_key_;
  PrivateKey press_key_;
  PrivateKey checker_key_;
  admission::ValidatorRegistry validators_;
  admission::Admission admission_;
  registry::RegistryState registry_;
  FakeLog log_;
};

TEST_F(RecordingAdmissionTest, AdmitsAValidRecordingFromARecorder) {
  ASSERT_NE(validators_.Find(kRecordedClaimType), nullptr);
  EXPECT_EQ(validators_.Find(kRecordedClaimType)->signer_role(), registry::v1::RECORDER);
  ASSERT_NE(validators_.Find(kDisputeType), nullptr);
  EXPECT_EQ(validators_.Find(kDisputeType)->signer_role(), registry::v1::VENDOR);
  EXPECT_THAT(Admit(RecordingEntry(ValidStatement(), press_key_)), IsOk());
  EXPECT_THAT(Admit(RecordingEntry(By(ValidStatement(), "fact-check"), checker_key_)),
              IsOk());
}

TEST_F(RecordingAdmissionTest, RefusesASignerThatIsNotARecorder) {
  EXPECT_THAT(Admit(RecordingEntry(By(ValidStatement(), "example"), example_key_)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       absl::StrCat("key ", dsse::KeyId(example_key_.public_key()),
                                    " belongs to \"example\", a vendor; this "
                                    "statement needs a recorder")));
}

TEST_F(RecordingAdmissionTest, RefusesARecorderFieldOtherThanTheSigner) {
  EXPECT_THAT(Admit(RecordingEntry(By(ValidStatement(), "fact-check"), press_key_)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "recording recorder: \"fact-check\" is not the signer, "
                       "\"press-watch\""));
}

TEST_F(RecordingAdmissionTest, RefusesTheFirstProblem) {
  v1::RecordedClaim r = ValidStatement();
  r.mutable_source()->set_archive_sha256("ABC");
  r.mutable_quotes(0)->set_language("english");
  EXPECT_THAT(Admit(RecordingEntry(r, press_key_)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "recording source.archiveSha256: \"ABC\" must be the 64 "
                       "lower-case hex digits of the SHA-256 of the archived "
                       "source"));
}

TEST_F(RecordingAdmissionTest, RefusesAnUnregisteredSpeakerPrincipal) {
  v1::RecordedClaim r = ValidStatement();
  r.mutable_speaker()->set_principal("nobody");
  EXPECT_THAT(Admit(RecordingEntry(r, press_key_)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "recording speaker.principal: \"nobody\" is not registered; "
                       "name an unregistered speaker in speaker.name only"));
  r.mutable_speaker()->set_principal("example");
  EXPECT_THAT(Admit(RecordingEntry(r, press_key_)), IsOk());
}

TEST_F(RecordingAdmissionTest, AThirdPartyReadingNeedsTheSpeakersFirstParties) {
  const std::string needs =
      "recording firstParty: the reading speaks of third parties, so it needs the "
      "speaker's own organisations or domains: name a speaker.principal registered "
      "as a vendor of \"android:com.example.app\", or list them in firstParty";
  v1::RecordedClaim r = SharingStatement();
  EXPECT_THAT(Admit(RecordingEntry(r, press_key_)),
              StatusIs(absl::StatusCode::kInvalidArgument, needs));
  // A registered vendor, but not of this app, does not say whose the app is.
  r.mutable_speaker()->set_principal("outsider");
  EXPECT_THAT(Admit(RecordingEntry(r, press_key_)),
              StatusIs(absl::StatusCode::kInvalidArgument, needs));
  // The app's vendor: its registration decides.
  r.mutable_speaker()->set_principal("example");
  EXPECT_THAT(Admit(RecordingEntry(r, press_key_)), IsOk());
  // ... and then firstParty must be empty.
  r.mutable_first_party()->add_domains("example.com");
  EXPECT_THAT(Admit(RecordingEntry(r, press_key_)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "recording firstParty: the speaker \"example\" is a "
                       "registered vendor of \"android:com.example.app\", whose "
                       "registration names its first parties; leave firstParty "
                       "empty"));
  // An unregistered speaker with first parties given.
  r.mutable_speaker()->clear_principal();
  EXPECT_THAT(Admit(RecordingEntry(r, press_key_)), IsOk());
  r.mutable_first_party()->clear_domains();
  r.mutable_first_party()->add_organisations("Example Corp");
  EXPECT_THAT(Admit(RecordingEntry(r, press_key_)), IsOk());
}

TEST_F(RecordingAdmissionTest, RefusesAStatementSubjectOtherThanTheApp) {
  const v1::RecordedClaim r = ValidStatement();
  EXPECT_THAT(Admit(SignedEntry(kRecordedClaimType, r, "ios:com.example.app", press_key_)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a recording statement's subject must be named "
                       "\"android:com.example.app\" after its app, not "
                       "\"ios:com.example.app\""));
}

TEST_F(RecordingAdmissionTest, SupersedesNamesTheRecordersOwnEarlierRecording) {
  const std::string own = log_.Add(RecordingEntry(ValidStatement(), press_key_));
  const std::string theirs =
      log_.Add(RecordingEntry(By(ValidStatement(), "fact-check"), checker_key_));
  v1::Claim vendor_claim;
  vendor_claim.mutable_app()->set_id(kApp);
  vendor_claim.set_issuer("example");
  *vendor_claim.mutable_issued_at() = At(absl::Minutes(1));
  *vendor_claim.mutable_effective_at() = At(absl::Hours(1));
  *vendor_claim.add_assertions() =
      MakeAssertion("no-cn", {"personal_info"}, v1::NOT_SENT_TO_COUNTRIES, {"CN"});
  const std::string claim =
      log_.Add(SignedEntry(kClaimType, vendor_claim, kApp, example_key_));
  v1::RecordedClaim ios = ValidStatement();
  ios.mutable_reading()->mutable_app()->set_id("ios:com.example.app");
  const std::string other_app = log_.Add(RecordingEntry(ios, press_key_));

  v1::RecordedClaim correction = ValidStatement();
  correction.mutable_interpretations(1)->set_reading("A corrected reading.");
  correction.mutable_reading()->set_supersedes(own);
  EXPECT_THAT(Admit(RecordingEntry(correction, press_key_)), IsOk());

  correction.mutable_reading()->set_supersedes(theirs);
  EXPECT_THAT(Admit(RecordingEntry(correction, press_key_)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "recording reading.supersedes: that recording is by "
                       "\"fact-check\", not \"press-watch\"; a recorder corrects "
                       "only its own recordings"));
  correction.mutable_reading()->set_supersedes(std::string(32, '\x07'));
  EXPECT_THAT(Admit(RecordingEntry(correction, press_key_)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "recording reading.supersedes: no entry in the log has that "
                       "leaf hash"));
  correction.mutable_reading()->set_supersedes(claim);
  EXPECT_THAT(Admit(RecordingEntry(correction, press_key_)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("recording reading.supersedes: log entry ",
                                    log_.entries.size() - 2, " is not a recording")));
  correction.mutable_reading()->set_supersedes(other_app);
  EXPECT_THAT(Admit(RecordingEntry(correction, press_key_)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("recording reading.supersedes: log entry ",
                                    log_.entries.size() - 1,
                                    " is a recording about \"ios:com.example.app\", "
                                    "not \"android:com.example.app\"")));
}

// The vendor answers a recording by signing a claim that supersedes it
// (history.h); admission lets it name the recording.
TEST_F(RecordingAdmissionTest, AVendorsClaimMaySupersedeARecordingAboutItsApp) {
  const std::string recording = log_.Add(RecordingEntry(ValidStatement(), press_key_));
  v1::Claim answer;
  answer.mutable_app()->set_id(kApp);
  answer.set_issuer("example");
  *answer.mutable_issued_at() = At(absl::Minutes(1));
  *answer.mutable_effective_at() = At(absl::Hours(1));
  *answer.add_assertions() =
      MakeAssertion("no-cn", {"personal_info"}, v1::NOT_SENT_TO_COUNTRIES, {"CN"});
  answer.set_supersedes(recording);
  EXPECT_THAT(Admit(SignedEntry(kClaimType, answer, kApp, example_key_)), IsOk());
}

TEST_F(RecordingAdmissionTest, AdmitsAStoreLabelImportedFromTheForm) {
  EXPECT_THAT(Admit(RecordingEntry(ValidLabel(), press_key_)), IsOk());
}

// ---------------------------------------------------------------------------
// Disputes

TEST_F(RecordingAdmissionTest, AdmitsADisputeFromTheAppsVendor) {
  const std::string recording = log_.Add(RecordingEntry(ValidStatement(), press_key_));
  EXPECT_THAT(Admit(DisputeEntry(ValidDispute(recording), example_key_)), IsOk());
}

TEST_F(RecordingAdmissionTest, RefusesEachBadDispute) {
  const std::string recording = log_.Add(RecordingEntry(ValidStatement(), press_key_));
  v1::RecordedClaim ios = ValidStatement();
  ios.mutable_reading()->mutable_app()->set_id("ios:com.example.app");
  const std::string about_ios = log_.Add(RecordingEntry(ios, press_key_));

  v1::Dispute d = ValidDispute(recording);
  d.set_issuer("outsider");
  EXPECT_THAT(Admit(DisputeEntry(d, outsider_key_)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "dispute app: \"android:com.example.app\" is not in the scope "
                       "of vendor \"outsider\"; only the app's vendor answers for "
                       "it"));
  EXPECT_THAT(Admit(DisputeEntry(d, example_key_)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "dispute issuer: \"outsider\" is not the signer, \"example\""));
  d = ValidDispute(recording);
  d.clear_text();
  EXPECT_THAT(Admit(DisputeEntry(d, example_key_)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "dispute text: say why the reading is wrong, in 1 to 8192 "
                       "bytes"));
  d = ValidDispute(recording);
  d.clear_issued_at();
  EXPECT_THAT(Admit(DisputeEntry(d, example_key_)),
              StatusIs(absl::StatusCode::kInvalidArgument, "dispute issuedAt: missing"));
  d = ValidDispute(std::string(32, '\x07'));
  EXPECT_THAT(Admit(DisputeEntry(d, example_key_)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "dispute recording: no entry in the log has that leaf hash"));
  d = ValidDispute(about_ios);
  EXPECT_THAT(Admit(DisputeEntry(d, example_key_)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("dispute recording: log entry ",
                                    log_.entries.size() - 1,
                                    " is a recording about \"ios:com.example.app\", "
                                    "not \"android:com.example.app\"")));
  // Recorders do not dispute: the role is the vendor's.
  d = ValidDispute(recording);
  d.set_issuer("press-watch");
  EXPECT_THAT(Admit(DisputeEntry(d, press_key_)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       absl::StrCat("key ", dsse::KeyId(press_key_.public_key()),
                                    " belongs to \"press-watch\", a recorder; this "
                                    "statement needs a vendor")));
}

TEST(FromEntry, ReadsRecordingsAndDisputesAndRefusesOtherStatements) {
  const PrivateKey key = *PrivateKey::Generate(KeyType::kEd25519);
  const std::string recording = RecordingEntry(ValidStatement(), key);
  absl::StatusOr<v1::RecordedClaim> r = RecordingFromEntry(recording);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->recorder(), "press-watch");
  EXPECT_THAT(DisputeFromEntry(recording),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the entry is a \"https://candor.dev/recorded-claim/v1\" "
                       "statement, not a dispute"));
  v1::Dispute d;
  d.set_issuer("example");
  d.set_app(kApp);
  const std::string dispute = SignedEntry(kDisputeType, d, kApp, key);
  absl::StatusOr<v1::Dispute> back = DisputeFromEntry(dispute);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->issuer(), "example");
  EXPECT_THAT(RecordingFromEntry(dispute),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the entry is a \"https://candor.dev/dispute/v1\" statement, "
                       "not a recording"));
}

// ---------------------------------------------------------------------------
// Provenance and first parties

TEST(Provenance, OfClaims) {
  v1::Claim c;
  c.mutable_app()->set_id(kApp);
  *c.mutable_effective_at() = At(absl::Hours(1));  // 2027-01-15
  EXPECT_EQ(ProvenanceOfClaim(c), "the vendor's signed claim");
  v1::Document* policy = c.add_documents();
  policy->set_kind(v1::Document::PRIVACY_POLICY);
  EXPECT_EQ(ProvenanceOfClaim(c), "the vendor's signed claim");
  v1::Document* form = c.add_documents();
  form->set_kind(v1::Document::DATA_SAFETY_FORM);
  EXPECT_EQ(ProvenanceOfClaim(c), "the Data-safety label published on 2027-01-15");
  form->mutable_published_at()->set_seconds(
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2026, 11, 1), absl::UTCTimeZone())));
  EXPECT_EQ(ProvenanceOfClaim(c), "the Data-safety label published on 2026-11-01");
}

TEST(Provenance, OfRecordings) {
  EXPECT_EQ(ProvenanceOfRecording(ValidStatement(), "Press Watch"),
            "Press Watch's reading of a statement quoted in The Daily Example "
            "(https://daily.example.com/2027/01/05/interview)");
  EXPECT_EQ(ProvenanceOfRecording(ValidLabel(), "Press Watch"),
            "the Data-safety label published on 2027-01-05, as Press Watch observed "
            "it on https://play.google.com/store/apps/datasafety?id=com.example.app");
}

TEST(FirstPartyOf, TheVendorsRegistrationOrTheRecordingsFirstParty) {
  registry::v1::Registration example;
  example.set_name("example");
  example.set_role(registry::v1::VENDOR);
  example.mutable_scope()->add_apps(kApp);
  example.mutable_scope()->add_organisations("Example Corp");
  example.mutable_scope()->add_domains("example.com");

  v1::RecordedClaim r = SharingStatement();
  r.mutable_speaker()->set_principal("example");
  registry::v1::Registration got = FirstPartyOf(r, &example);
  EXPECT_EQ(got.SerializeAsString(), example.SerializeAsString());

  // A vendor of other apps: the recording's first party, named after it.
  registry::v1::Registration outsider;
  outsider.set_name("outsider");
  outsider.set_role(registry::v1::VENDOR);
  outsider.mutable_scope()->add_apps("android:com.outsider.app");
  outsider.mutable_scope()->add_domains("outsider.com");
  r.mutable_speaker()->set_principal("outsider");
  r.mutable_first_party()->add_organisations("Example Holdings");
  r.mutable_first_party()->add_domains("example.net");
  got = FirstPartyOf(r, &outsider);
  EXPECT_EQ(got.name(), "outsider");
  EXPECT_EQ(got.display_name(), "Example Corp spokesperson");
  EXPECT_EQ(got.role(), registry::v1::VENDOR);
  EXPECT_THAT(got.scope().apps(), ElementsAre(kApp));
  EXPECT_THAT(got.scope().organisations(), ElementsAre("Example Holdings"));
  EXPECT_THAT(got.scope().domains(), ElementsAre("example.net"));
  EXPECT_THAT(got.public_keys(), IsEmpty());

  // A revoked vendor registration of the app does not decide either.
  registry::v1::Registration revoked = example;
  revoked.set_revoked(true);
  got = FirstPartyOf(r, &revoked);
  EXPECT_THAT(got.scope().domains(), ElementsAre("example.net"));

  // No registered speaker: named after the speaker as the source names it.
  r.mutable_speaker()->clear_principal();
  got = FirstPartyOf(r, nullptr);
  EXPECT_EQ(got.name(), "Example Corp spokesperson");
  EXPECT_EQ(got.display_name(), "Example Corp spokesperson");
  EXPECT_THAT(got.scope().apps(), ElementsAre(kApp));
  EXPECT_THAT(got.scope().organisations(), ElementsAre("Example Holdings"));
  EXPECT_THAT(got.scope().domains(), ElementsAre("example.net"));

  EXPECT_TRUE(NeedsFirstParty(r.reading()));
  EXPECT_FALSE(NeedsFirstParty(ValidStatement().reading()));
}

}  // namespace
}  // namespace candor::claim
