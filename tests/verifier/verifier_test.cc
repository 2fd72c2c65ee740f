// The verifier end to end through the real gRPC APIs: a candor-log and a
// candor-verifier on 127.0.0.1, the demo's story driven with the candor CLI
// (a vendor's claim, two auditors' measurements from HAR captures), the
// confirmed finding's inconsistency proof checked offline, every part of it
// tampered with, a verifier that lies, a restart, and a log that forks.

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "client/cli_testing.h"
#include "client/verifier_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/json/json.h"
#include "log/keyfile/keyfile.h"
#include "log/merkle/hash.h"
#include "log/note/note.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/verifier/demo_tables.h"
#include "verifier/bundle/bundle.h"
#include "verifier/claim/recording.h"
#include "verifier/reference/ip_country.h"
#include "verifier/reference/organisations.h"
#include "verifier/reference/resolver.h"
#include "verifier/server/verifier_server.h"

namespace candor {
namespace {

namespace fpb = ::candor::finding::v1;
namespace vpb = ::candor::verifier::v1;
using ::candor::testing::IsOk;
using ::candor::testing::LogFixture;
using ::candor::testing::StatusIs;
using ::testing::HasSubstr;
using cli::Candor;
using cli::Result;

constexpr char kApp[] = "android:com.example.app";
constexpr char kAssertion[] = "no-sensitive-data-to-third-parties";

class VerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(absl::StrCat(::testing::TempDir(), "/verifier"));
    std::filesystem::remove_all(*dir_);
    std::filesystem::create_directories(*dir_);
    // The demo captures were made in November 2026: this log admits
    // measurements of runs that ended up to ten years before its clock.
    log_ = new LogFixture({.name = "verifier-log",
                           .admission = {.max_time_skew = absl::Hours(24 * 365 * 10)}});
    ASSERT_THAT(log_->Start(), IsOk());
    ASSERT_THAT(keyfile::WriteSecretFile(P("admin.key"), log_->admin_key().Pkcs8Pem()),
                IsOk());
    ASSERT_THAT(keyfile::WritePublicFile(P("admin.pub"), log_->admin_key().public_key().Pem()),
                IsOk());
    ASSERT_THAT(
        keyfile::WritePublicFile(P("log.pub"), log_->log_signer().verifier().EncodedKey()),
        IsOk());
    for (const char* name : {"example-app", "lab-one", "lab-two", "watchdog"}) {
      ASSERT_EQ(Candor({"keygen", "--name", name, "--out", *dir_}).code, 0);
    }
    Register({"--role", "vendor", "--name", "example-app", "--display_name",
              "Example App Ltd", "--pub", P("example-app.pub"), "--app", kApp, "--org",
              "Example App Ltd", "--domain", "example-app.com"});
    Register({"--role", "auditor", "--name", "lab-one", "--pub", P("lab-one.pub")});
    Register({"--role", "auditor", "--name", "lab-two", "--pub", P("lab-two.pub")});
    Register({"--role", "verifier", "--name", "watchdog", "--pub", P("watchdog.pub")});
    StartVerifier(*log_, "verifier-db");
    ASSERT_NE(verifier_, nullptr);

    // The vendor's claim.
    ASSERT_THAT(keyfile::WritePublicFile(P("claim.json"), absl::StrCat(R"({
      "app": {"id": ")", kApp, R"(", "minVersion": "4.0"},
      "issuer": "example-app",
      "issuedAt": ")", FormatNow(), R"(",
      "effectiveAt": "2026-01-01T00:00:00Z",
      "text": "We never share contacts with third parties or send data to China.",
      "assertions": [
        {"id": "no-sensitive-data-to-third-parties",
         "dataTypes": ["contacts.contacts", "personal_info.phone_number"],
         "practice": "NOT_SHARED_WITH_THIRD_PARTIES", "consent": "ALWAYS"},
        {"id": "no-contacts-to-cn", "dataTypes": ["contacts"],
         "practice": "NOT_SENT_TO_COUNTRIES", "countries": ["CN"], "consent": "ALWAYS"},
        {"id": "no-location-collected", "dataTypes": ["location"],
         "practice": "NOT_COLLECTED", "consent": "ALWAYS"}]})")),
                IsOk());
    Result signed_claim = Candor({"claim", "sign", "--key", P("example-app.key"),
                                  P("claim.json"), "--out", P("claim.dsse")});
    ASSERT_EQ(signed_claim.code, 0) << signed_claim.err;
    Result submitted =
        Candor({"claim", "submit", "--log", log_->address(), P("claim.dsse"), "--wait"});
    ASSERT_EQ(submitted.code, 0) << submitted.err;
  }

  static void TearDownTestSuite() {
    StopVerifier();
    delete log_;
    delete dir_;
  }

  static std::string P(const std::string& name) { return *dir_ + "/" + name; }

  static std::string FormatNow() {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
  }

  static void Register(std::vector<std::string> args) {
    std::vector<std::string> argv = {"register", "--log", log_->address(), "--admin_key",
                                     P("admin.key"), "--wait"};
    argv.insert(argv.end(), args.begin(), args.end());
    Result r = Candor(argv);
    ASSERT_EQ(r.code, 0) << r.err;
  }

  static void StartVerifier(const LogFixture& log, const std::string& db) {
    verifier::VerifierServerConfig config;
    config.data_dir = P(db);
    config.log_address = log.address();
    config.core.name = "watchdog";
    config.core.key = *keyfile::ReadPrivateKey(P("watchdog.key"));
    config.core.log_key = log.log_signer().verifier();
    config.core.admin_key = log.admin_key().public_key();
    config.core.quorum = 2;
    config.tables = testing::DemoTables("verifier_test");
    config.poll_interval = absl::Milliseconds(50);
    absl::StatusOr<std::unique_ptr<verifier::VerifierServer>> server =
        verifier::VerifierServer::Start(std::move(config));
    ASSERT_THAT(server, IsOk());
    verifier_ = server->release();
    client::ClientOptions options;
    options.timeout = absl::Seconds(60);
    client_ = new client::VerifierClient(verifier_->address(), options);
  }

  static void StopVerifier() {
    delete client_;
    client_ = nullptr;
    delete verifier_;
    verifier_ = nullptr;
  }

  // A measurement by `lab` from its demo capture, signed.
  static std::string Measure(const std::string& lab) {
    Result r = Candor({"measure", "har", "--har",
                       absl::StrCat("tests/demo/data/", lab, ".har"), "--identities",
                       absl::StrCat("tests/demo/data/identities-", lab, ".json"), "--app",
                       kApp, "--app_version", "4.2.0", "--auditor", lab, "--consent",
                       "declined", "--vantage_country", "DE", "--key", P(lab + ".key"),
                       "--out", P(lab + ".dsse")});
    EXPECT_EQ(r.code, 0) << r.err;
    return P(lab + ".dsse");
  }

  static const vpb::AssertionEvaluation* Find(const vpb::SubmitMeasurementResponse& r,
                                              const std::string& id) {
    for (const auto& e : r.evaluations()) {
      if (e.assertion_id() == id) return &e;
    }
    return nullptr;
  }

  // Waits until the verifier has followed the log to `size` (or found that
  // the log equivocated), one round of following at a time.
  static absl::StatusOr<vpb::GetStatusResponse> WaitFollowed(uint64_t size) {
    const absl::Time deadline = absl::Now() + kPatience;
    while (true) {
      const uint64_t round = verifier_->rounds();
      absl::StatusOr<vpb::GetStatusResponse> s = client_->GetStatus();
      if (!s.ok() || s->followed_size() >= size || !s->equivocation().empty()) return s;
      if (absl::Status waited = verifier_->WaitForRounds(round + 1, deadline);
          !waited.ok()) {
        return waited;
      }
    }
  }

  // Waits until the verifier has completed `n` more rounds of following.
  static absl::Status WaitRounds(uint64_t n) {
    return verifier_->WaitForRounds(verifier_->rounds() + n, absl::Now() + kPatience);
  }

  // How long a test waits for a server before failing: long, since waits end
  // on a signal and only a broken server reaches this.
  static constexpr absl::Duration kPatience = absl::Minutes(3);

  static std::string* dir_;
  static LogFixture* log_;
  static verifier::VerifierServer* verifier_;
  static client::VerifierClient* client_;
  // Set by the story, used by the tamper tests.
  static fpb::FindingBundle* bundle_;
};

std::string* VerifierTest::dir_ = nullptr;
LogFixture* VerifierTest::log_ = nullptr;
verifier::VerifierServer* VerifierTest::verifier_ = nullptr;
client::VerifierClient* VerifierTest::client_ = nullptr;
fpb::FindingBundle* VerifierTest::bundle_ = nullptr;

absl::StatusOr<bundle::CheckedFinding> Check(const fpb::FindingBundle& b,
                                             const note::Verifier& log_key,
                                             const std::optional<PublicKey>& admin) {
  static const reference::PublicSuffixList* psl =
      new reference::PublicSuffixList(*reference::PublicSuffixList::Load());
  return bundle::CheckBundle(b, log_key, admin, *psl);
}

TEST_F(VerifierTest, TwoAuditorsConfirmAContradictionAndTheProofChecksOffline) {
  // One auditor: contradicted, not yet confirmed.
  absl::StatusOr<std::string> one = keyfile::ReadSmallFile(Measure("lab-one"));
  ASSERT_THAT(one, IsOk());
  absl::StatusOr<vpb::SubmitMeasurementResponse> first = client_->SubmitMeasurement(*one);
  ASSERT_THAT(first, IsOk());
  EXPECT_TRUE(first->has_claim());
  ASSERT_EQ(first->evaluations_size(), 3);
  const vpb::AssertionEvaluation* sharing = Find(*first, kAssertion);
  ASSERT_NE(sharing, nullptr);
  EXPECT_EQ(sharing->verdict(), fpb::CONTRADICTED);
  EXPECT_FALSE(sharing->confirmed());
  EXPECT_EQ(sharing->contradicting_auditors(), 1u);
  EXPECT_THAT(sharing->summary(), HasSubstr("not yet confirmed: 2 needed"));
  EXPECT_EQ(Find(*first, "no-location-collected")->verdict(), fpb::CONSISTENT);

  // The same envelope again is a duplicate, not a second auditor.
  absl::StatusOr<vpb::SubmitMeasurementResponse> again = client_->SubmitMeasurement(*one);
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->duplicate());
  EXPECT_EQ(again->index(), first->index());
  EXPECT_FALSE(Find(*again, kAssertion)->confirmed());

  // A second, independent auditor confirms it.
  absl::StatusOr<std::string> two = keyfile::ReadSmallFile(Measure("lab-two"));
  ASSERT_THAT(two, IsOk());
  absl::StatusOr<vpb::SubmitMeasurementResponse> second = client_->SubmitMeasurement(*two);
  ASSERT_THAT(second, IsOk());
  EXPECT_TRUE(Find(*second, kAssertion)->confirmed());
  EXPECT_EQ(Find(*second, kAssertion)->contradicting_auditors(), 2u);
  EXPECT_TRUE(Find(*second, "no-contacts-to-cn")->confirmed());

  // The verifier publishes findings, one round of following at a time: two
  // assertions, each unconfirmed then confirmed. The confirmed one has a
  // proof.
  uint64_t confirmed_index = 0;
  const absl::Time deadline = absl::Now() + kPatience;
  for (int published = 0; published < 4;) {
    ASSERT_LT(absl::Now(), deadline) << published << " of 4 findings were published";
    absl::StatusOr<vpb::ListFindingsResponse> findings = client_->ListFindings(kApp);
    ASSERT_THAT(findings, IsOk());
    published = findings->findings_size();
    for (const auto& f : findings->findings()) {
      if (f.assertion_id() == kAssertion && f.confirmed()) confirmed_index = f.index();
    }
    if (published < 4) {
      ASSERT_THAT(WaitRounds(1), IsOk());
    }
  }
  ASSERT_NE(confirmed_index, 0u);
  absl::StatusOr<vpb::ListAppsResponse> apps = client_->ListApps();
  ASSERT_THAT(apps, IsOk());
  ASSERT_EQ(apps->apps_size(), 1);
  EXPECT_EQ(apps->apps(0).app(), kApp);
  EXPECT_TRUE(apps->apps(0).has_claim());
  EXPECT_EQ(apps->apps(0).measurements(), 2u);
  EXPECT_EQ(apps->apps(0).findings(), 4u);  // two assertions, unconfirmed then confirmed

  ASSERT_THAT(WaitFollowed(confirmed_index + 1), IsOk());
  absl::StatusOr<vpb::GetFindingBundleResponse> got =
      client_->GetFindingBundle(confirmed_index);
  ASSERT_THAT(got, IsOk());
  bundle_ = new fpb::FindingBundle(got->bundle());

  absl::StatusOr<bundle::CheckedFinding> checked =
      Check(*bundle_, log_->log_signer().verifier(), log_->admin_key().public_key());
  ASSERT_THAT(checked, IsOk());
  EXPECT_EQ(checked->finding_index, confirmed_index);
  EXPECT_EQ(checked->finding.verdict(), fpb::CONTRADICTED);
  EXPECT_TRUE(checked->finding.confirmed());
  EXPECT_EQ(checked->finding.measurements_size(), 2);
  ASSERT_EQ(checked->finding.flows_size(), 2);
  EXPECT_EQ(checked->finding.flows(0).host(), "c.igexin.com");
  EXPECT_EQ(checked->finding.flows(0).organisation(), "Merit Interactive Co., Ltd.");
  EXPECT_EQ(checked->finding.flows(0).endpoint_country(), "CN");
  EXPECT_THAT(checked->account,
              HasSubstr("Auditor lab-two (log entry " +
                        std::to_string(second->index()) +
                        ") observed the app, version 4.2.0: it sent Contacts to "
                        "c.igexin.com (Merit Interactive Co., Ltd.), an endpoint located "
                        "in China (CN)"));
  EXPECT_THAT(checked->checks.back(), HasSubstr("gives the same verdict and flows"));

  // The public CLI, offline, from the file the verifier's API gives.
  Result fetched = Candor({"finding", "bundle", "--verifier", verifier_->address(), "--index",
                           std::to_string(confirmed_index), "--out", P("finding.json")});
  ASSERT_EQ(fetched.code, 0) << fetched.err;
  Result verified = Candor({"verify", "finding", P("finding.json"), "--log_pub",
                            P("log.pub"), "--admin_pub", P("admin.pub")});
  EXPECT_EQ(verified.code, 0) << verified.err;
  EXPECT_THAT(verified.out, HasSubstr(absl::StrCat("OK: finding ", confirmed_index)));
  EXPECT_THAT(verified.out,
              HasSubstr("Verdict: assertion \"no-sensitive-data-to-third-parties\" is "
                        "contradicted (confirmed)"));
}

// Each case changes one thing in the story's proof and names the error.
struct Tamper {
  std::string name;
  std::function<void(fpb::FindingBundle&)> change;
  absl::StatusCode code;
  std::string message;  // how the error message starts
};

fpb::BundleEntry* EntryWithRole(fpb::FindingBundle& b, fpb::BundleEntry::Role role) {
  for (fpb::BundleEntry& e : *b.mutable_entries()) {
    if (e.role() == role) return &e;
  }
  return nullptr;
}

void FlipByte(std::string* s, size_t at) { (*s)[at % s->size()] ^= 0x20; }

void RemoveRole(fpb::FindingBundle& b, fpb::BundleEntry::Role role) {
  auto* entries = b.mutable_entries();
  for (int i = 0; i < entries->size(); ++i) {
    if (entries->Get(i).role() == role) {
      entries->DeleteSubrange(i, 1);
      return;
    }
  }
}

TEST_F(VerifierTest, EveryTamperedPartOfTheProofIsCaughtAndNamed) {
  ASSERT_NE(bundle_, nullptr) << "the story test did not produce a proof";
  using Role = fpb::BundleEntry;
  std::vector<Tamper> cases;
  cases.push_back({"format", [](fpb::FindingBundle& b) { b.set_format("x"); },
                   absl::StatusCode::kInvalidArgument,
                   "not a finding bundle: format must be"});
  cases.push_back({"checkpoint signature",
                   [](fpb::FindingBundle& b) {
                     std::string* cp = b.mutable_checkpoint();
                     FlipByte(cp, cp->size() - 10);
                   },
                   absl::StatusCode::kInvalidArgument, "the bundle's checkpoint: "});
  cases.push_back({"checkpoint root",
                   [](fpb::FindingBundle& b) {
                     std::string* cp = b.mutable_checkpoint();
                     size_t root = cp->find('\n', cp->find('\n') + 1) + 3;
                     FlipByte(cp, root);
                   },
                   absl::StatusCode::kInvalidArgument, "the bundle's checkpoint: "});
  for (auto role : {Role::FINDING, Role::CLAIM, Role::MEASUREMENT, Role::REFERENCE,
                    Role::REGISTRATION}) {
    const std::string name = Role::Role_Name(role);
    const uint64_t index = EntryWithRole(*bundle_, role)->index();
    const std::string not_in_log = absl::StrCat(name, " entry ", index, " is not in the log: ");
    cases.push_back({name + " entry byte",
                     [role](fpb::FindingBundle& b) {
                       std::string* entry = EntryWithRole(b, role)->mutable_entry();
                       FlipByte(entry, entry->size() / 2);
                     },
                     absl::StatusCode::kFailedPrecondition, not_in_log});
    cases.push_back({name + " proof hash",
                     [role](fpb::FindingBundle& b) {
                       FlipByte(EntryWithRole(b, role)->mutable_proof(0), 7);
                     },
                     absl::StatusCode::kFailedPrecondition, not_in_log});
    cases.push_back({name + " truncated proof",
                     [role](fpb::FindingBundle& b) {
                       EntryWithRole(b, role)->mutable_proof()->RemoveLast();
                     },
                     absl::StatusCode::kFailedPrecondition, not_in_log});
    cases.push_back({name + " index",
                     [role](fpb::FindingBundle& b) {
                       fpb::BundleEntry* e = EntryWithRole(b, role);
                       e->set_index(e->index() ^ 1);
                     },
                     absl::StatusCode::kFailedPrecondition,
                     absl::StrCat(name, " entry ", index ^ 1, " is not in the log: ")});
  }
  cases.push_back({"a measurement left out",
                   [](fpb::FindingBundle& b) { RemoveRole(b, Role::MEASUREMENT); },
                   absl::StatusCode::kFailedPrecondition,
                   "the finding cites measurement entry "});
  cases.push_back({"a reference part left out",
                   [](fpb::FindingBundle& b) { RemoveRole(b, Role::REFERENCE); },
                   absl::StatusCode::kFailedPrecondition, "the finding cites reference entry "});
  cases.push_back({"the claim left out",
                   [](fpb::FindingBundle& b) { RemoveRole(b, Role::CLAIM); },
                   absl::StatusCode::kFailedPrecondition, "the finding cites claim entry "});
  cases.push_back({"the finding left out",
                   [](fpb::FindingBundle& b) { RemoveRole(b, Role::FINDING); },
                   absl::StatusCode::kInvalidArgument, "the bundle has no finding"});
  cases.push_back({"a signer's registration left out",
                   [](fpb::FindingBundle& b) { RemoveRole(b, Role::REGISTRATION); },
                   // The first registration is the vendor's: its claim has no signer.
                   absl::StatusCode::kPermissionDenied, "CLAIM entry "});
  cases.push_back({"a measurement posing as a reference part",
                   [](fpb::FindingBundle& b) {
                     EntryWithRole(b, Role::MEASUREMENT)->set_role(Role::REFERENCE);
                   },
                   absl::StatusCode::kFailedPrecondition,
                   "the finding cites measurement entry "});
  cases.push_back({"an entry twice",
                   [](fpb::FindingBundle& b) {
                     *b.add_entries() = *EntryWithRole(b, Role::CLAIM);
                   },
                   absl::StatusCode::kInvalidArgument,
                   absl::StrCat("entry ", EntryWithRole(*bundle_, Role::CLAIM)->index(),
                                " appears twice in the bundle")});

  for (const Tamper& t : cases) {
    SCOPED_TRACE(t.name);
    fpb::FindingBundle b = *bundle_;
    t.change(b);
    absl::StatusOr<bundle::CheckedFinding> checked =
        Check(b, log_->log_signer().verifier(), log_->admin_key().public_key());
    ASSERT_FALSE(checked.ok());
    EXPECT_EQ(checked.status().code(), t.code) << checked.status();
    EXPECT_THAT(std::string(checked.status().message()), ::testing::StartsWith(t.message));
  }

  // The wrong keys: another log's, another operator's.
  note::Signer other_log = *note::Signer::Generate("example.com/candor-test");
  absl::StatusOr<bundle::CheckedFinding> wrong_log =
      Check(*bundle_, other_log.verifier(), std::nullopt);
  EXPECT_EQ(wrong_log.status().code(), absl::StatusCode::kInvalidArgument)
      << wrong_log.status();
  EXPECT_THAT(std::string(wrong_log.status().message()),
              HasSubstr("the bundle's checkpoint: "));
  PrivateKey other_admin = *PrivateKey::Generate(KeyType::kEd25519);
  absl::StatusOr<bundle::CheckedFinding> wrong_admin =
      Check(*bundle_, log_->log_signer().verifier(), other_admin.public_key());
  EXPECT_EQ(wrong_admin.status().code(), absl::StatusCode::kPermissionDenied)
      << wrong_admin.status();
  EXPECT_THAT(std::string(wrong_admin.status().message()), HasSubstr("REGISTRATION entry "));

  // The CLI says where, and exits 1.
  fpb::FindingBundle b = *bundle_;
  FlipByte(EntryWithRole(b, Role::CLAIM)->mutable_entry(), 40);
  ASSERT_THAT(keyfile::WritePublicFile(P("tampered.json"), bundle::BundleToJson(b)), IsOk());
  Result r = Candor({"verify", "finding", P("tampered.json"), "--log_pub", P("log.pub")});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("candor verify finding: FAILED: CLAIM entry "));
  ASSERT_THAT(keyfile::WritePublicFile(P("truncated.json"), "{\"format\": \"https://can"),
              IsOk());
  r = Candor({"verify", "finding", P("truncated.json"), "--log_pub", P("log.pub")});
  EXPECT_EQ(r.code, 2);  // not a bundle at all: unusable input
  EXPECT_THAT(r.err, HasSubstr("candor verify finding: finding bundle: "));
}

// A verifier with a witness policy publishes bundles whose checkpoint note
// carries the witnesses' cosignatures verbatim; here they are added to the
// story's bundle as a witnessing log would have, and the public checks the
// bundle offline against a 2-of-3 policy.
TEST_F(VerifierTest, AWitnessPolicyIsCheckedOfflineAgainstTheBundlesCheckpoint) {
  ASSERT_NE(bundle_, nullptr) << "the story test did not produce a proof";
  std::vector<note::Signer> w;
  std::string policy;
  for (const char* name : {"a", "b", "c"}) {
    w.push_back(*note::Signer::GenerateCosigner(absl::StrCat("w.example/", name)));
    absl::StrAppend(&policy, "witness ", name, " ", w.back().verifier().EncodedKey(), "\n");
  }
  absl::StrAppend(&policy, "group two 2 a b c\nquorum two\n");
  ASSERT_THAT(keyfile::WritePublicFile(P("policy"), policy), IsOk());
  absl::StatusOr<note::Note> parsed = note::Parse(bundle_->checkpoint());
  ASSERT_THAT(parsed, IsOk());
  const uint64_t now = absl::ToUnixSeconds(absl::Now());
  auto cosigned_by = [&](const std::vector<size_t>& who, const std::string& file) {
    fpb::FindingBundle b = *bundle_;
    for (size_t i : who) *b.mutable_checkpoint() += *note::Cosign(parsed->text, w[i], now);
    EXPECT_THAT(keyfile::WritePublicFile(P(file), bundle::BundleToJson(b)), IsOk());
    return Candor({"verify", "finding", P(file), "--log_pub", P("log.pub"), "--admin_pub",
                   P("admin.pub"), "--policy", P("policy")});
  };
  Result one = cosigned_by({1}, "witnessed-once.json");
  EXPECT_EQ(one.code, 1);
  EXPECT_THAT(one.err, HasSubstr("does not meet the witness quorum \"two\": cosigned by b; "
                                 "missing a, c\n"));
  EXPECT_TRUE(absl::StartsWith(one.err, "candor verify finding: FAILED: the bundle's "
                                        "checkpoint: checkpoint example.com/candor-test at size "))
      << one.err;
  Result two = cosigned_by({0, 2}, "witnessed.json");
  EXPECT_EQ(two.code, 0) << two.err;
  EXPECT_THAT(two.out, HasSubstr("  - the checkpoint is cosigned by a (at "));
  EXPECT_THAT(two.out, HasSubstr("meeting the witness policy's quorum\n"));
  EXPECT_THAT(two.out,
              HasSubstr("Verdict: assertion \"no-sensitive-data-to-third-parties\" is "
                        "contradicted (confirmed)"));
}

TEST_F(VerifierTest, AFindingWhoseVerdictDoesNotFollowIsCaughtEvenWhenLogged) {
  ASSERT_NE(bundle_, nullptr) << "the story test did not produce a proof";
  // The verifier itself lies: it signs a finding that says more than its
  // evidence shows, and the log includes it. Every signature and proof is
  // then valid; only re-running the evaluation catches it.
  const fpb::BundleEntry* honest = EntryWithRole(*bundle_, fpb::BundleEntry::FINDING);
  absl::StatusOr<SignedStatement> st = ParseSignedStatement(honest->entry());
  ASSERT_THAT(st, IsOk());
  fpb::Finding lie;
  ASSERT_THAT(ParsePredicate(st->statement.predicate_json, lie), IsOk());
  lie.mutable_flows(0)->set_endpoint_country("RU");
  lie.set_summary("a different story");
  Statement forged = st->statement;
  forged.predicate_json = PredicateToJson(lie);
  absl::StatusOr<std::string> entry =
      SignStatement(forged, *keyfile::ReadPrivateKey(P("watchdog.key")));
  ASSERT_THAT(entry, IsOk());
  absl::StatusOr<log::v1::AddEntryResponse> added = log_->client().AddEntry(*entry, true);
  ASSERT_THAT(added, IsOk());
  ASSERT_THAT(WaitFollowed(added->index() + 1), IsOk());
  absl::StatusOr<vpb::GetFindingBundleResponse> got = client_->GetFindingBundle(added->index());
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(Check(got->bundle(), log_->log_signer().verifier(),
                    log_->admin_key().public_key()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "violating flow 0 differs from what re-evaluation finds"));
}

TEST_F(VerifierTest, ResumesAfterRestartWithoutRepublishing) {
  absl::StatusOr<vpb::GetStatusResponse> before =
      WaitFollowed(log_->server().integrator()->latest()->size);
  ASSERT_THAT(before, IsOk());
  uint64_t log_size = log_->server().integrator()->latest()->size;
  StopVerifier();
  StartVerifier(*log_, "verifier-db");
  ASSERT_NE(verifier_, nullptr);
  absl::StatusOr<vpb::GetStatusResponse> after = client_->GetStatus();
  ASSERT_THAT(after, IsOk());
  // The index survived; the reference parts were already in the log.
  EXPECT_GE(after->followed_size(), before->followed_size());
  EXPECT_TRUE(after->equivocation().empty());
  ASSERT_THAT(WaitRounds(3), IsOk());
  after = client_->GetStatus();
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->findings_published(), 0u);
  EXPECT_EQ(log_->server().integrator()->latest()->size, log_size);
  absl::StatusOr<vpb::ListAppsResponse> apps = client_->ListApps();
  ASSERT_THAT(apps, IsOk());
  ASSERT_EQ(apps->apps_size(), 1);
  EXPECT_EQ(apps->apps(0).measurements(), 2u);
}

TEST_F(VerifierTest, StopsLoudlyWhenTheLogForks) {
  // A second log under the same keys with another history: to a verifier
  // that followed the first, it is the same log showing a different past.
  absl::StatusOr<vpb::GetStatusResponse> followed =
      WaitFollowed(log_->server().integrator()->latest()->size);
  ASSERT_THAT(followed, IsOk());
  StopVerifier();
  std::filesystem::remove_all(P("forked-db"));
  std::filesystem::copy(P("verifier-db"), P("forked-db"),
                        std::filesystem::copy_options::recursive);

  LogFixture fork({.name = "forked-log", .keys_from = log_});
  ASSERT_THAT(fork.Start(), IsOk());
  // The watchdog is registered there too, so that the fork would admit its
  // writes.
  registry::Registration watchdog;
  watchdog.set_name("watchdog");
  watchdog.set_role(registry::v1::VERIFIER);
  watchdog.add_public_keys(keyfile::ReadPrivateKey(P("watchdog.key"))->public_key().Pem());
  ASSERT_THAT(fork.client().AddEntry(fork.RegistrationEntry(watchdog), false), IsOk());
  absl::StatusOr<PrivateKey> vendor = fork.RegisterVendor("other-vendor");
  ASSERT_THAT(vendor, IsOk());
  for (uint64_t n = 0; n < followed->followed_size() + 10; ++n) {
    ASSERT_THAT(fork.client().AddEntry(LogFixture::TestEntry(*vendor, n), false), IsOk());
  }
  const uint64_t fork_size = followed->followed_size() + 12;
  ASSERT_THAT(fork.WaitForSize(fork_size), IsOk());

  StartVerifier(fork, "forked-db");
  ASSERT_NE(verifier_, nullptr);
  absl::StatusOr<vpb::GetStatusResponse> status = WaitFollowed(UINT64_MAX);
  ASSERT_THAT(status, IsOk());
  EXPECT_THAT(status->equivocation(), HasSubstr("--- earlier\n"));
  EXPECT_EQ(status->followed_size(), followed->followed_size());
  // It wrote nothing to the forked log: no reference parts, no findings.
  ASSERT_THAT(WaitRounds(3), IsOk());
  EXPECT_EQ(fork.server().integrator()->latest()->size, fork_size);
  Result r = Candor({"verifier", "status", "--verifier", verifier_->address()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("THE LOG EQUIVOCATED"));
  StopVerifier();
}


// Issue 21: a statement the vendor gave a newspaper, recorded by a recorder,
// stands beside the vendor's own claim: the same measurements confirm
// findings against both, each saying what it stands against, until the
// vendor answers the recording with a signed claim that supersedes it. The
// publication's name carries a terminal escape, as a careless or hostile
// recorder could write it: what the CLI prints of it is escaped.
class RecordedClaimVerifierTest : public VerifierTest {
 protected:
  static constexpr char kRecordedAssertion[] = "no-user-data-to-cn";
  static constexpr char kRecorderName[] = "The Daily Example";

  static void SetUpTestSuite() {
    VerifierTest::SetUpTestSuite();
    if (::testing::Test::HasFatalFailure()) return;
    ASSERT_EQ(Candor({"keygen", "--name", "daily-example", "--out", *dir_}).code, 0);
    Register({"--role", "recorder", "--name", "daily-example", "--display_name",
              kRecorderName, "--pub", P("daily-example.pub")});
    ASSERT_THAT(keyfile::WritePublicFile(P("article.html"),
                                         "<p>We never send user data to China.</p>\n"),
                IsOk());
    ASSERT_THAT(keyfile::WritePublicFile(P("statement.json"), absl::StrCat(R"({
      "speaker": {"principal": "example-app", "name": "Example App Ltd spokesperson"},
      "source": {"url": "https://daily.example/2026/09/14/example-app-answers",
                 "publication": "The Daily \u001b[2JExample",
                 "publishedAt": "2026-09-14T00:00:00Z"},
      "quotes": [{"id": "q1", "language": "en",
                  "text": "We never send user data to China, whatever users choose."}],
      "reading": {
        "app": {"id": ")", kApp, R"("},
        "assertions": [
          {"id": "no-user-data-to-cn", "dataTypes": ["location", "personal_info",
            "financial_info", "health_and_fitness", "messages", "photos_and_videos",
            "audio", "files_and_docs", "calendar", "contacts", "app_activity",
            "web_browsing", "app_info_and_performance", "device_or_other_ids",
            "biometrics"],
           "practice": "NOT_SENT_TO_COUNTRIES", "countries": ["CN"], "consent": "ALWAYS"}]},
      "interpretations": [
        {"assertion": "no-user-data-to-cn", "quote": "q1",
         "sentence": "We never send user data to China",
         "reading": "read as no user data sent to endpoints located in China"}]})")),
                IsOk());
    Result recorded =
        Candor({"claim", "record", "--statement", P("statement.json"), "--archive",
                P("article.html"), "--recorder", "daily-example", "--key",
                P("daily-example.key"), "--out", P("statement.dsse")});
    ASSERT_EQ(recorded.code, 0) << recorded.err;
    absl::StatusOr<std::string> entry = keyfile::ReadSmallFile(P("statement.dsse"));
    ASSERT_THAT(entry, IsOk());
    absl::StatusOr<claim::v1::RecordedClaim> recording = claim::RecordingFromEntry(*entry);
    ASSERT_THAT(recording, IsOk());
    provenance_ = new std::string(claim::ProvenanceOfRecording(*recording, kRecorderName));
    absl::StatusOr<log::v1::AddEntryResponse> added = log_->client().AddEntry(*entry, true);
    ASSERT_THAT(added, IsOk());
    recording_index_ = added->index();
    recording_leaf_ = new std::string(added->leaf_hash());
  }

  static void TearDownTestSuite() {
    VerifierTest::TearDownTestSuite();
    delete provenance_;
    delete recording_leaf_;
  }

  static std::string* provenance_;
  static std::string* recording_leaf_;
  static uint64_t recording_index_;
};

std::string* RecordedClaimVerifierTest::provenance_ = nullptr;
std::string* RecordedClaimVerifierTest::recording_leaf_ = nullptr;
uint64_t RecordedClaimVerifierTest::recording_index_ = 0;

TEST_F(RecordedClaimVerifierTest, FindingsStandAgainstTheClaimAndTheRecording) {
  ASSERT_NE(provenance_, nullptr);
  EXPECT_EQ(*provenance_,
            "The Daily Example's reading of a statement quoted in The Daily \x1b[2JExample "
            "(https://daily.example/2026/09/14/example-app-answers)");
  const std::string printed_provenance =
      "The Daily Example's reading of a statement quoted in The Daily \\x1b[2JExample "
      "(https://daily.example/2026/09/14/example-app-answers)";
  absl::StatusOr<std::string> one = keyfile::ReadSmallFile(Measure("lab-one"));
  ASSERT_THAT(one, IsOk());
  ASSERT_THAT(client_->SubmitMeasurement(*one), IsOk());
  absl::StatusOr<std::string> two = keyfile::ReadSmallFile(Measure("lab-two"));
  ASSERT_THAT(two, IsOk());
  absl::StatusOr<vpb::SubmitMeasurementResponse> second = client_->SubmitMeasurement(*two);
  ASSERT_THAT(second, IsOk());
  // The measurement is evaluated against both: the recording's assertion
  // and the vendor's are both confirmed.
  ASSERT_NE(Find(*second, kRecordedAssertion), nullptr);
  EXPECT_TRUE(Find(*second, kRecordedAssertion)->confirmed());
  ASSERT_NE(Find(*second, "no-contacts-to-cn"), nullptr);
  EXPECT_TRUE(Find(*second, "no-contacts-to-cn")->confirmed());

  // Confirmed findings against both are published, each saying what it
  // stands against.
  std::optional<vpb::FindingSummary> against_recording;
  std::optional<vpb::FindingSummary> against_claim;
  const absl::Time deadline = absl::Now() + kPatience;
  while (!against_recording.has_value() || !against_claim.has_value()) {
    ASSERT_LT(absl::Now(), deadline) << "the confirmed findings were not published";
    absl::StatusOr<vpb::ListFindingsResponse> findings = client_->ListFindings(kApp);
    ASSERT_THAT(findings, IsOk());
    for (const vpb::FindingSummary& f : findings->findings()) {
      if (!f.confirmed()) continue;
      if (f.claim_index() == recording_index_ && f.assertion_id() == kRecordedAssertion) {
        against_recording = f;
      }
      if (f.claim_index() != recording_index_ && f.assertion_id() == "no-contacts-to-cn") {
        against_claim = f;
      }
    }
    if (!against_recording.has_value() || !against_claim.has_value()) {
      ASSERT_THAT(WaitRounds(1), IsOk());
    }
  }
  EXPECT_EQ(against_recording->verdict(), fpb::CONTRADICTED);
  EXPECT_EQ(against_recording->stands_against(), *provenance_);
  EXPECT_EQ(against_claim->stands_against(), "the vendor's signed claim");

  // The public CLI lists what each finding stands against, and the claims
  // the confirmed findings stand against, escaped.
  Result listed = Candor({"findings", "--verifier", verifier_->address(), kApp});
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_THAT(listed.out,
              HasSubstr(absl::StrCat("finding ", against_recording->index(),
                                     ": assertion \"no-user-data-to-cn\" of claim ",
                                     recording_index_, " is contradicted (confirmed)\n"
                                     "  stands against ",
                                     printed_provenance, "\n")));
  EXPECT_THAT(listed.out, HasSubstr("\n  stands against the vendor's signed claim\n"));
  EXPECT_THAT(listed.out, HasSubstr("\nconfirmed findings stand against 2 claim(s):\n"));
  EXPECT_THAT(listed.out,
              HasSubstr(absl::StrCat("  entry ", recording_index_, ", ", printed_provenance,
                                     ": \"no-user-data-to-cn\" contradicted (finding ",
                                     against_recording->index(), ")\n")));
  EXPECT_THAT(listed.out,
              HasSubstr(absl::StrCat(", the vendor's signed claim: ")));
  EXPECT_FALSE(absl::StrContains(listed.out, "\x1b")) << listed.out;

  // The finding against the recording, checked offline.
  ASSERT_THAT(WaitFollowed(against_recording->index() + 1), IsOk());
  absl::StatusOr<vpb::GetFindingBundleResponse> got =
      client_->GetFindingBundle(against_recording->index());
  ASSERT_THAT(got, IsOk());
  absl::StatusOr<bundle::CheckedFinding> checked =
      Check(got->bundle(), log_->log_signer().verifier(), log_->admin_key().public_key());
  ASSERT_THAT(checked, IsOk());
  EXPECT_EQ(checked->finding.stands_against(), *provenance_);
  EXPECT_EQ(checked->finding.claim().index(), recording_index_);
  EXPECT_TRUE(checked->finding.confirmed());
  EXPECT_THAT(checked->checks,
              ::testing::Contains(absl::StrCat("the finding stands against ", *provenance_,
                                               " (log entry ", recording_index_,
                                               "), as that entry shows")));
  ASSERT_THAT(keyfile::WritePublicFile(P("recording-finding.json"),
                                       bundle::BundleToJson(got->bundle())),
              IsOk());
  Result verified = Candor({"verify", "finding", P("recording-finding.json"), "--log_pub",
                            P("log.pub"), "--admin_pub", P("admin.pub")});
  EXPECT_EQ(verified.code, 0) << verified.err;
  EXPECT_THAT(verified.out,
              HasSubstr(absl::StrCat("  - the finding stands against ", printed_provenance,
                                     " (log entry ", recording_index_,
                                     "), as that entry shows\n")));
  EXPECT_FALSE(absl::StrContains(verified.out, "\x1b")) << verified.out;

  // The verifier signs the same finding saying it stands against the
  // vendor's signed claim, and the log includes it: the bundle is refused.
  fpb::FindingBundle honest_bundle = got->bundle();
  const fpb::BundleEntry* honest = EntryWithRole(honest_bundle, fpb::BundleEntry::FINDING);
  ASSERT_NE(honest, nullptr);
  absl::StatusOr<SignedStatement> st = ParseSignedStatement(honest->entry());
  ASSERT_THAT(st, IsOk());
  fpb::Finding relabelled;
  ASSERT_THAT(ParsePredicate(st->statement.predicate_json, relabelled), IsOk());
  relabelled.set_stands_against("the vendor's signed claim");
  Statement forged = st->statement;
  forged.predicate_json = PredicateToJson(relabelled);
  absl::StatusOr<std::string> forged_entry =
      SignStatement(forged, *keyfile::ReadPrivateKey(P("watchdog.key")));
  ASSERT_THAT(forged_entry, IsOk());
  absl::StatusOr<log::v1::AddEntryResponse> added =
      log_->client().AddEntry(*forged_entry, true);
  ASSERT_THAT(added, IsOk());
  ASSERT_THAT(WaitFollowed(added->index() + 1), IsOk());
  absl::StatusOr<vpb::GetFindingBundleResponse> forged_bundle =
      client_->GetFindingBundle(added->index());
  ASSERT_THAT(forged_bundle, IsOk());
  EXPECT_THAT(Check(forged_bundle->bundle(), log_->log_signer().verifier(),
                    log_->admin_key().public_key()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("the finding says it stands against \"the vendor's "
                                    "signed claim\", but its claim entry is ",
                                    json::Quote(*provenance_))));
  // So is the original with its stands_against cleared (a finding from
  // before recordings stands against a signed claim, not a recording).
  relabelled.clear_stands_against();
  forged.predicate_json = PredicateToJson(relabelled);
  forged_entry = SignStatement(forged, *keyfile::ReadPrivateKey(P("watchdog.key")));
  ASSERT_THAT(forged_entry, IsOk());
  added = log_->client().AddEntry(*forged_entry, true);
  ASSERT_THAT(added, IsOk());
  ASSERT_THAT(WaitFollowed(added->index() + 1), IsOk());
  forged_bundle = client_->GetFindingBundle(added->index());
  ASSERT_THAT(forged_bundle, IsOk());
  EXPECT_THAT(Check(forged_bundle->bundle(), log_->log_signer().verifier(),
                    log_->admin_key().public_key()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("the finding says it stands against \"\", but its "
                                    "claim entry is ",
                                    json::Quote(*provenance_))));
}

TEST_F(RecordedClaimVerifierTest, AVendorsClaimSupersedingTheRecordingEndsItsEvaluation) {
  ASSERT_NE(recording_leaf_, nullptr);
  // The vendor answers the recording with a signed claim, effective before
  // the measurements' runs.
  ASSERT_THAT(keyfile::WritePublicFile(P("answer.json"), absl::StrCat(R"({
      "app": {"id": ")", kApp, R"(", "minVersion": "4.0"},
      "issuer": "example-app",
      "issuedAt": ")", FormatNow(), R"(",
      "effectiveAt": "2026-02-01T00:00:00Z",
      "supersedes": ")", absl::Base64Escape(*recording_leaf_), R"(",
      "text": "What we said to The Daily Example, as we mean it.",
      "assertions": [
        {"id": "no-contacts-to-cn-answer", "dataTypes": ["contacts"],
         "practice": "NOT_SENT_TO_COUNTRIES", "countries": ["CN"], "consent": "ALWAYS"}]})")),
              IsOk());
  Result signed_claim = Candor({"claim", "sign", "--key", P("example-app.key"),
                                P("answer.json"), "--out", P("answer.dsse")});
  ASSERT_EQ(signed_claim.code, 0) << signed_claim.err;
  absl::StatusOr<std::string> answer = keyfile::ReadSmallFile(P("answer.dsse"));
  ASSERT_THAT(answer, IsOk());
  absl::StatusOr<log::v1::AddEntryResponse> added = log_->client().AddEntry(*answer, true);
  ASSERT_THAT(added, IsOk());
  ASSERT_THAT(WaitFollowed(added->index() + 1), IsOk());

  // Re-evaluated (both auditors' measurements, duplicates if the test above
  // ran): only the vendor's answer is evaluated; the recording no longer is.
  absl::StatusOr<std::string> two = keyfile::ReadSmallFile(Measure("lab-two"));
  ASSERT_THAT(two, IsOk());
  ASSERT_THAT(client_->SubmitMeasurement(*two), IsOk());
  absl::StatusOr<std::string> one = keyfile::ReadSmallFile(Measure("lab-one"));
  ASSERT_THAT(one, IsOk());
  absl::StatusOr<vpb::SubmitMeasurementResponse> again = client_->SubmitMeasurement(*one);
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->has_claim());
  EXPECT_EQ(again->claim_index(), added->index());
  EXPECT_EQ(Find(*again, kRecordedAssertion), nullptr);
  EXPECT_EQ(Find(*again, "no-contacts-to-cn"), nullptr);
  ASSERT_NE(Find(*again, "no-contacts-to-cn-answer"), nullptr);
  EXPECT_TRUE(Find(*again, "no-contacts-to-cn-answer")->confirmed());
  ASSERT_EQ(again->evaluations_size(), 1);
}

}  // namespace
}  // namespace candor
