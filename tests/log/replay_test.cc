// One statement, one entry, and only while it is fresh: candor-log through
// its real gRPC API, against the attacks of issue 20. Anyone can re-send an
// admitted statement in another JSON form or with other signatures; it is
// answered with the original entry and adds nothing, before and after a
// restart, however many are sent at once. A statement whose signed times are
// outside the log's window of its (injected) clock is refused, with both
// times in the error.

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "grpcpp/client_context.h"
#include "log/encoding/encoding.h"
#include "log/json/json.h"
#include "log/merkle/hash.h"
#include "log/registry/registry.h"
#include "log/statement/dsse.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "proto/candor/finding/v1/finding.pb.h"
#include "proto/candor/measurement/v1/measurement.pb.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_claims.h"

namespace candor::testing {
namespace {

namespace pb = ::candor::log::v1;

constexpr char kApp[] = "android:com.example.app";
// 2027-01-15T08:00:00Z: the log's clock, until a test moves it.
const absl::Time kStart = absl::FromUnixSeconds(1800000000);

// A clock the test sets.
class TestClock {
 public:
  absl::Time Now() const { return absl::FromUnixNanos(nanos_.load()); }
  void Set(absl::Time t) { nanos_.store(absl::ToUnixNanos(t)); }
  std::function<absl::Time()> AsFunction() {
    return [this] { return Now(); };
  }

 private:
  std::atomic<int64_t> nanos_{absl::ToUnixNanos(kStart)};
};

// The envelope's JSON, written another way: `order` of the three members,
// `indent` before each, every character of the payload type and key ids
// written as a \u escape if `escape`.
std::string Rewrite(const dsse::Envelope& env, const std::vector<std::string>& order,
                    const std::string& indent, bool escape) {
  auto quote = [&](const std::string& s) {
    if (!escape) return json::Quote(s);
    std::string out = "\"";
    for (unsigned char c : s) absl::StrAppend(&out, absl::StrFormat("\\u%04x", c));
    return out + "\"";
  };
  std::vector<std::string> sigs;
  for (const dsse::Signature& s : env.signatures) {
    sigs.push_back(absl::StrCat("{", indent, "\"sig\": \"", Base64Encode(s.sig), "\",",
                                indent, "\"keyid\": ", quote(s.keyid), "}"));
  }
  std::vector<std::string> members;
  for (const std::string& m : order) {
    if (m == "payloadType") {
      members.push_back(absl::StrCat(indent, "\"payloadType\": ", quote(env.payload_type)));
    } else if (m == "payload") {
      members.push_back(absl::StrCat(indent, "\"payload\": \"", Base64Encode(env.payload), "\""));
    } else {
      members.push_back(absl::StrCat(indent, "\"signatures\": [", absl::StrJoin(sigs, ", "), "]"));
    }
  }
  return absl::StrCat("{", absl::StrJoin(members, ","), "\n}\n");
}

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = std::make_unique<LogFixture>(LogFixtureOptions{
        .name = ::testing::UnitTest::GetInstance()->current_test_info()->name(),
        .clock = clock_.AsFunction()});
    ASSERT_THAT(log_->Start(), IsOk());
    // A vendor with two keys, so that one statement can carry two
    // signatures; an auditor; a verifier.
    registry::Registration vendor;
    vendor.set_name("example");
    vendor.set_role(registry::v1::VENDOR);
    vendor.add_public_keys(vendor_key_.public_key().Pem());
    vendor.add_public_keys(vendor_key2_.public_key().Pem());
    vendor.mutable_scope()->add_apps(kApp);
    Register(vendor);
    registry::Registration auditor;
    auditor.set_name("lab-one");
    auditor.set_role(registry::v1::AUDITOR);
    auditor.add_public_keys(auditor_key_.public_key().Pem());
    Register(auditor);
    registry::Registration verifier;
    verifier.set_name("watchdog");
    verifier.set_role(registry::v1::VERIFIER);
    verifier.add_public_keys(verifier_key_.public_key().Pem());
    Register(verifier);
  }

  void Register(const registry::Registration& r) {
    ASSERT_THAT(log_->client().AddEntry(log_->RegistrationEntry(r), false), IsOk());
  }

  uint64_t Sequenced() { return *log_->server().store()->ReadSequencedSize(); }

  // A claim by "example" issued at `issued_at`, its text marked `n`.
  Statement ClaimStatement(absl::Time issued_at, int n = 0) {
    return MinimalClaimStatement(kApp, "example", issued_at, kStart - absl::Hours(24),
                                 absl::StrCat("claim ", n));
  }

  // A statement signed by each of `keys`, in that order.
  static std::string SignedBy(const Statement& st, std::vector<const PrivateKey*> keys) {
    const std::string payload = SerializeStatement(st);
    dsse::Envelope env;
    env.payload_type = std::string(dsse::kInTotoPayloadType);
    env.payload = payload;
    for (const PrivateKey* key : keys) {
      dsse::Envelope one = *dsse::Sign(env.payload_type, payload, *key);
      env.signatures.push_back(one.signatures[0]);
    }
    return dsse::SerializeEnvelope(env);
  }

  // Expects `r` to be the answer for a duplicate of `original`.
  static void ExpectDuplicateOf(const absl::StatusOr<pb::AddEntryResponse>& r,
                                const pb::AddEntryResponse& original,
                                const std::string& what) {
    ASSERT_THAT(r, IsOk()) << what;
    EXPECT_EQ(r->index(), original.index()) << what;
    EXPECT_EQ(r->leaf_hash(), original.leaf_hash()) << what;
    EXPECT_TRUE(r->duplicate()) << what;
  }

  TestClock clock_;
  std::unique_ptr<LogFixture> log_;
  PrivateKey vendor_key_ = *PrivateKey::Generate(KeyType::kEd25519);
  PrivateKey vendor_key2_ = *PrivateKey::Generate(KeyType::kEcdsaP256);
  PrivateKey auditor_key_ = *PrivateKey::Generate(KeyType::kEd25519);
  PrivateKey verifier_key_ = *PrivateKey::Generate(KeyType::kEd25519);
  PrivateKey stranger_ = *PrivateKey::Generate(KeyType::kEd25519);
};

TEST_F(ReplayTest, EveryOtherFormOfAnAdmittedStatementIsTheSameEntry) {
  const std::string entry =
      SignedBy(ClaimStatement(clock_.Now()), {&vendor_key_, &vendor_key2_});
  absl::StatusOr<pb::AddEntryResponse> original = log_->client().AddEntry(entry, false);
  ASSERT_THAT(original, IsOk());
  EXPECT_FALSE(original->duplicate());
  const uint64_t size = Sequenced();

  const dsse::Envelope env = *dsse::ParseEnvelope(entry);
  const std::vector<std::string> usual = {"payloadType", "payload", "signatures"};
  dsse::Envelope reordered = env;
  std::swap(reordered.signatures[0], reordered.signatures[1]);
  dsse::Envelope one_signature = env;
  one_signature.signatures.pop_back();
  dsse::Envelope stranger_too = env;
  stranger_too.signatures.push_back(
      dsse::Sign(env.payload_type, env.payload, stranger_)->signatures[0]);
  // ECDSA signs anew each time: the same statement, another signature.
  dsse::Envelope resigned = env;
  resigned.signatures = {dsse::Sign(env.payload_type, env.payload, vendor_key2_)->signatures[0]};
  ASSERT_NE(resigned.signatures[0].sig, env.signatures[1].sig);

  const std::pair<std::string, std::string> forms[] = {
      {"the same bytes", entry},
      {"other whitespace", Rewrite(env, usual, "\n    ", false)},
      {"other member order",
       Rewrite(env, {"signatures", "payload", "payloadType"}, "", false)},
      {"escaped Unicode", Rewrite(env, usual, " ", true)},
      {"signatures reordered", dsse::SerializeEnvelope(reordered)},
      {"a signature fewer", dsse::SerializeEnvelope(one_signature)},
      {"an extra signature by a stranger", dsse::SerializeEnvelope(stranger_too)},
      {"signed again", dsse::SerializeEnvelope(resigned)},
  };
  for (const auto& [what, form] : forms) {
    ExpectDuplicateOf(log_->client().AddEntry(form, false), *original, what);
    // Waiting for inclusion: the original's inclusion.
    absl::StatusOr<pb::AddEntryResponse> waited = log_->client().AddEntry(form, true);
    ExpectDuplicateOf(waited, *original, what);
    if (waited.ok()) EXPECT_GT(waited->tree_size(), original->index()) << what;
  }
  grpc::ClientContext context;
  auto stream = log_->client().stub().AddEntries(&context);
  for (const auto& [what, form] : forms) {
    pb::AddEntryRequest request;
    request.set_entry(form);
    ASSERT_TRUE(stream->Write(request));
  }
  stream->WritesDone();
  for (const auto& [what, form] : forms) {
    pb::AddEntriesResponse response;
    ASSERT_TRUE(stream->Read(&response)) << what;
    ASSERT_TRUE(response.has_added()) << what << ": " << response.error().message();
    ExpectDuplicateOf(response.added(), *original, what);
  }
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(Sequenced(), size) << "a replay added an entry";
}

// A statement once admitted stays answerable after its time has gone stale:
// the replay is answered with its entry, not refused, and adds nothing.
TEST_F(ReplayTest, AStaleReplayIsAnsweredWithTheOriginalBeforeAndAfterARestart) {
  const std::string entry = SignedBy(ClaimStatement(clock_.Now()), {&vendor_key_});
  absl::StatusOr<pb::AddEntryResponse> original = log_->client().AddEntry(entry, false);
  ASSERT_THAT(original, IsOk());
  const dsse::Envelope env = *dsse::ParseEnvelope(entry);
  const std::string spaced = Rewrite(env, {"payloadType", "payload", "signatures"}, " ", false);
  const uint64_t size = Sequenced();

  ExpectDuplicateOf(log_->client().AddEntry(spaced, false), *original, "before restart");
  clock_.Set(kStart + absl::Hours(1));
  ExpectDuplicateOf(log_->client().AddEntry(spaced, false), *original, "an hour later");

  log_->Stop();
  ASSERT_THAT(log_->Start(), IsOk());
  ExpectDuplicateOf(log_->client().AddEntry(spaced, false), *original, "after restart");
  ExpectDuplicateOf(log_->client().AddEntry(entry, false), *original, "same bytes");
  EXPECT_EQ(Sequenced(), size);
  // A new claim signed now is admitted as usual.
  absl::StatusOr<pb::AddEntryResponse> fresh =
      log_->client().AddEntry(SignedBy(ClaimStatement(clock_.Now(), 1), {&vendor_key_}), false);
  ASSERT_THAT(fresh, IsOk());
  EXPECT_EQ(fresh->index(), size);
  EXPECT_FALSE(fresh->duplicate());
}

// Many forms of one new statement at once, over unary calls and streams:
// exactly one entry, and every answer names it.
TEST_F(ReplayTest, ConcurrentAddsOfOneStatementMakeExactlyOneEntry) {
  const std::string entry = SignedBy(ClaimStatement(clock_.Now()), {&vendor_key_});
  const dsse::Envelope env = *dsse::ParseEnvelope(entry);
  const uint64_t size = Sequenced();
  constexpr int kThreads = 8;
  constexpr int kEach = 8;
  absl::Mutex mu;
  int ready = 0;
  std::vector<absl::StatusOr<pb::AddEntryResponse>> answers;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::string> forms;
      for (int i = 0; i < kEach; ++i) {
        forms.push_back(Rewrite(env, {"payloadType", "payload", "signatures"},
                                std::string(1 + t * kEach + i, ' '), false));
      }
      {
        // Start together.
        absl::MutexLock lock(&mu);
        ++ready;
        mu.Await(absl::Condition(+[](int* n) { return *n == kThreads; }, &ready));
      }
      std::vector<absl::StatusOr<pb::AddEntryResponse>> mine;
      if (t % 2 == 0) {
        for (const std::string& form : forms) mine.push_back(log_->client().AddEntry(form, false));
      } else {
        grpc::ClientContext context;
        auto stream = log_->client().stub().AddEntries(&context);
        for (const std::string& form : forms) {
          pb::AddEntryRequest request;
          request.set_entry(form);
          stream->Write(request);
        }
        stream->WritesDone();
        pb::AddEntriesResponse response;
        while (stream->Read(&response)) {
          if (response.has_added()) {
            mine.push_back(response.added());
          } else {
            mine.push_back(absl::Status(static_cast<absl::StatusCode>(response.error().code()),
                                        response.error().message()));
          }
        }
        stream->Finish();
      }
      absl::MutexLock lock(&mu);
      for (auto& r : mine) answers.push_back(std::move(r));
    });
  }
  for (std::thread& t : threads) t.join();

  ASSERT_EQ(answers.size(), static_cast<size_t>(kThreads * kEach));
  int firsts = 0;
  for (const auto& r : answers) {
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(r->index(), size);
    if (!r->duplicate()) ++firsts;
  }
  EXPECT_EQ(firsts, 1);
  EXPECT_EQ(Sequenced(), size + 1);
}

// Fresh or refused: backdated or postdated by more than the window, every
// kind of signed time.
TEST_F(ReplayTest, BackdatedStatementsAreRefusedWithBothTimes) {
  auto add = [&](const std::string& entry) { return log_->client().AddEntry(entry, false); };
  const uint64_t size = Sequenced();
  EXPECT_THAT(add(SignedBy(ClaimStatement(kStart - absl::Minutes(6)), {&vendor_key_})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "claim issuedAt: 2027-01-15T07:54:00Z is 6m before now "
                       "(2027-01-15T08:00:00Z); the log admits only signed times "
                       "within 5m of its clock: sign it again with the current time"));
  EXPECT_THAT(add(SignedBy(ClaimStatement(kStart - absl::Hours(1)), {&vendor_key_})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "claim issuedAt: 2027-01-15T07:00:00Z is 1h before now "
                       "(2027-01-15T08:00:00Z); the log admits only signed times "
                       "within 5m of its clock: sign it again with the current time"));
  EXPECT_THAT(add(SignedBy(ClaimStatement(kStart + absl::Minutes(6)), {&vendor_key_})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "claim issuedAt: 2027-01-15T08:06:00Z is 6m after now "
                       "(2027-01-15T08:00:00Z); the log admits only signed times "
                       "within 5m of its clock: check the signing machine's clock "
                       "and sign again"));

  registry::Registration late;
  late.set_name("lab-two");
  late.set_role(registry::v1::AUDITOR);
  late.add_public_keys(stranger_.public_key().Pem());
  EXPECT_THAT(add(*registry::SignRegistration(late, kStart - absl::Hours(1), log_->admin_key())),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "registration issuedAt 2027-01-15T07:00:00Z is 1h before now "
                       "(2027-01-15T08:00:00Z); the log admits only signed times "
                       "within 5m of its clock: sign it again with the current time"));

  measurement::v1::Measurement m;
  m.set_app(kApp);
  m.set_auditor("lab-one");
  m.set_capture_sha256(std::string(64, 'a'));
  m.set_consent(measurement::v1::NO_INTERACTION);
  m.set_vantage_country("DE");
  *m.mutable_start_time() = ToTimestamp(kStart - absl::Hours(2));
  *m.mutable_end_time() = ToTimestamp(kStart - absl::Minutes(6));
  Statement ms;
  ms.subjects.push_back(NamedSubject(kApp));
  ms.predicate_type = std::string(kMeasurementType);
  ms.predicate_json = PredicateToJson(m);
  EXPECT_THAT(add(SignedBy(ms, {&auditor_key_})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "measurement end_time 2027-01-15T07:54:00Z is 6m before now "
                       "(2027-01-15T08:00:00Z); the log admits only signed times "
                       "within 5m of its clock: sign it again with the current time"));

  finding::v1::Finding f;
  f.set_app(kApp);
  f.set_verifier("watchdog");
  f.set_evaluator_version("candor-evaluate/1");
  f.mutable_claim()->set_index(3);
  f.mutable_claim()->set_leaf_hash(std::string(32, 'c'));
  f.mutable_assertion()->set_id("no-location");
  f.set_verdict(finding::v1::CONSISTENT);
  *f.mutable_issued_at() = ToTimestamp(kStart - absl::Hours(1));
  Statement fs;
  fs.subjects.push_back(NamedSubject(kApp));
  fs.predicate_type = std::string(kFindingType);
  fs.predicate_json = PredicateToJson(f);
  EXPECT_THAT(add(SignedBy(fs, {&verifier_key_})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "finding issued_at 2027-01-15T07:00:00Z is 1h before now "
                       "(2027-01-15T08:00:00Z); the log admits only signed times "
                       "within 5m of its clock: sign it again with the current time"));
  f.clear_issued_at();
  fs.predicate_json = PredicateToJson(f);
  EXPECT_THAT(add(SignedBy(fs, {&verifier_key_})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "finding issued_at is missing: give the time of signing"));
  EXPECT_EQ(Sequenced(), size) << "a stale statement was logged";

  // Within the window, on either side, it is admitted.
  EXPECT_THAT(add(SignedBy(ClaimStatement(kStart - absl::Minutes(4), 1), {&vendor_key_})),
              IsOk());
  EXPECT_THAT(add(SignedBy(ClaimStatement(kStart + absl::Minutes(4), 2), {&vendor_key_})),
              IsOk());
}

// The window is the operator's to set (candor-log --max_time_skew).
TEST(ReplayWindow, AWiderWindowAdmitsWhatTheDefaultRefuses) {
  TestClock clock;
  LogFixture log({.name = "wide-window",
                  .clock = clock.AsFunction(),
                  .admission = {.max_time_skew = absl::Hours(2)}});
  ASSERT_THAT(log.Start(), IsOk());
  absl::StatusOr<PrivateKey> key = log.RegisterVendor("example");
  ASSERT_THAT(key, IsOk());
  const absl::Time effective = kStart - absl::Hours(1);
  EXPECT_THAT(log.client().AddEntry(
                  *SignStatement(MinimalClaimStatement(kApp, "example",
                                                       kStart - absl::Hours(1), effective),
                                 *key),
                  false),
              IsOk());
  EXPECT_THAT(log.client().AddEntry(
                  *SignStatement(MinimalClaimStatement(kApp, "example",
                                                       kStart - absl::Hours(3), effective),
                                 *key),
                  false),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "claim issuedAt: 2027-01-15T05:00:00Z is 3h before now "
                       "(2027-01-15T08:00:00Z); the log admits only signed times "
                       "within 2h of its clock: sign it again with the current time"));
}

}  // namespace
}  // namespace candor::testing
