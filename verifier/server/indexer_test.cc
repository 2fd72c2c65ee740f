#include "verifier/server/indexer.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/crypto/keys.h"
#include "log/registry/registry.h"
#include "log/statement/dsse.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "proto/candor/measurement/v1/measurement.pb.h"
#include "tests/support/status_matchers.h"

namespace candor::verifier {
namespace {

using ::candor::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kApp[] = "android:com.example.app";
const absl::Time kNow = absl::FromUnixSeconds(1800000000);

google::protobuf::Timestamp Timestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

// Another JSON form of the same signed statement: anyone can make one.
std::string Replay(const std::string& entry) { return "  " + entry + "\n"; }

class IndexerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/indexer-",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    OpenStore();
  }

  void OpenStore() {
    indexer_.reset();
    store_.reset();
    absl::StatusOr<std::unique_ptr<VerifierStore>> store = VerifierStore::Open(dir_);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
    absl::StatusOr<Indexer> indexer = Indexer::Create(store_.get(), admin_.public_key());
    ASSERT_THAT(indexer, IsOk());
    indexer_.emplace(*std::move(indexer));
  }

  std::string Registration(const std::string& name, registry::Role role,
                           const PrivateKey& key) {
    registry::Registration r;
    r.set_name(name);
    r.set_role(role);
    r.add_public_keys(key.public_key().Pem());
    if (role == registry::v1::VENDOR) r.mutable_scope()->add_apps(kApp);
    return *registry::SignRegistration(r, kNow, admin_);
  }

  std::string Claim(const PrivateKey& key, const std::string& text) {
    claim::v1::Claim c;
    c.mutable_app()->set_id(kApp);
    c.set_issuer("vendor");
    *c.mutable_issued_at() = Timestamp(kNow);
    *c.mutable_effective_at() = Timestamp(kNow);
    c.set_text(text);
    Statement st;
    st.subjects.push_back(NamedSubject(kApp));
    st.predicate_type = std::string(kClaimType);
    st.predicate_json = PredicateToJson(c);
    return *SignStatement(st, key);
  }

  std::string Measurement(const PrivateKey& key) {
    measurement::v1::Measurement m;
    m.set_app(kApp);
    m.set_auditor("lab");
    *m.mutable_start_time() = Timestamp(kNow - absl::Hours(1));
    *m.mutable_end_time() = Timestamp(kNow);
    Statement st;
    st.subjects.push_back(NamedSubject(kApp));
    st.predicate_type = std::string(kMeasurementType);
    st.predicate_json = PredicateToJson(m);
    return *SignStatement(st, key);
  }

  // Indexes `entries` from `next_`.
  IndexedChunk Index(const std::vector<std::string>& entries) {
    follower::FollowerState state;
    state.size = next_ + entries.size();
    absl::StatusOr<IndexedChunk> chunk = indexer_->IndexChunk(next_, entries, state);
    EXPECT_THAT(chunk, IsOk());
    next_ += entries.size();
    return chunk.ok() ? *std::move(chunk) : IndexedChunk();
  }

  v1::AppRecord App() {
    absl::StatusOr<std::optional<v1::AppRecord>> app = store_->ReadApp(kApp);
    EXPECT_THAT(app, IsOk());
    return app.ok() && app->has_value() ? **app : v1::AppRecord();
  }

  std::string dir_;
  PrivateKey admin_ = *PrivateKey::Generate(KeyType::kEd25519);
  PrivateKey vendor_ = *PrivateKey::Generate(KeyType::kEd25519);
  PrivateKey auditor_ = *PrivateKey::Generate(KeyType::kEd25519);
  std::unique_ptr<VerifierStore> store_;
  std::optional<Indexer> indexer_;
  uint64_t next_ = 0;
};

// Replays of a claim and of a measurement, in the same chunk and after a
// restart: recorded as repeats, indexed under no app.
TEST_F(IndexerTest, AReplayedStatementCountsOnce) {
  const std::string claim = Claim(vendor_, "ours");
  const std::string measurement = Measurement(auditor_);
  IndexedChunk first = Index({Registration("vendor", registry::v1::VENDOR, vendor_),
                              Registration("lab", registry::v1::AUDITOR, auditor_), claim,
                              measurement, Replay(measurement)});
  EXPECT_THAT(first.rejected, IsEmpty());
  EXPECT_THAT(first.repeated, ElementsAre("entry 4 repeats entry 3"));
  EXPECT_THAT(first.measurements, ElementsAre(3u));

  OpenStore();  // the identities persist
  IndexedChunk second = Index({Replay(claim), claim, Replay(Replay(measurement))});
  EXPECT_THAT(second.repeated, ElementsAre("entry 5 repeats entry 2", "entry 6 repeats entry 2",
                                           "entry 7 repeats entry 3"));
  EXPECT_THAT(second.claims, IsEmpty());
  EXPECT_THAT(second.apps, IsEmpty());

  v1::AppRecord app = App();
  EXPECT_THAT(app.claims(), ElementsAre(2u));
  EXPECT_THAT(app.measurements(), ElementsAre(3u));
  absl::StatusOr<std::optional<v1::IndexedStatement>> repeat = store_->ReadStatement(5);
  ASSERT_THAT(repeat, IsOk());
  ASSERT_TRUE(repeat->has_value());
  EXPECT_TRUE((*repeat)->repeated());
  EXPECT_EQ((*repeat)->original(), 2u);
  EXPECT_EQ((*repeat)->entry(), Replay(claim));
}

// A registration played back after a rotation does not bring the old key
// back.
TEST_F(IndexerTest, AReplayedRegistrationDoesNotApplyAgain) {
  PrivateKey rotated = *PrivateKey::Generate(KeyType::kEd25519);
  const std::string old_keys = Registration("vendor", registry::v1::VENDOR, vendor_);
  IndexedChunk chunk = Index({old_keys, Registration("vendor", registry::v1::VENDOR, rotated),
                              Replay(old_keys), Claim(vendor_, "by the old key"),
                              Claim(rotated, "by the new key")});
  EXPECT_THAT(chunk.repeated, ElementsAre("entry 2 repeats entry 0"));
  ASSERT_EQ(chunk.rejected.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(chunk.rejected[0], "entry 3: key ")) << chunk.rejected[0];
  EXPECT_THAT(chunk.claims, ElementsAre(4u));
  absl::StatusOr<std::optional<v1::PrincipalHistory>> history = store_->ReadPrincipal("vendor");
  ASSERT_THAT(history, IsOk());
  EXPECT_THAT((*history)->registrations(), ElementsAre(0u, 1u));
}

// A store of schema version 1 (before the identity index) that indexed a
// replay under its app: upgraded once, the replay leaves the app.
TEST_F(IndexerTest, UpgradesAVersion1StoreOnce) {
  const std::string measurement = Measurement(auditor_);
  {
    VerifierStore::Batch batch = store_->NewBatch();
    const std::vector<std::string> entries = {measurement, Replay(measurement)};
    v1::AppRecord app;
    app.set_app(kApp);
    for (uint64_t i = 0; i < entries.size(); ++i) {
      v1::IndexedStatement st;
      st.set_index(i);
      st.set_signer("lab");
      st.set_predicate_type(std::string(kMeasurementType));
      st.set_app(kApp);
      st.set_entry(entries[i]);
      batch.PutStatement(st);
      app.add_measurements(i);
    }
    batch.PutApp(app);
    ASSERT_THAT(store_->Commit(batch), IsOk());
    ASSERT_THAT(store_->SetSchemaVersion(1), IsOk());
  }
  OpenStore();
  EXPECT_EQ(store_->schema_version(), VerifierStore::kSchemaVersion);
  EXPECT_THAT(App().measurements(), ElementsAre(0u));
  absl::StatusOr<std::optional<v1::IndexedStatement>> repeat = store_->ReadStatement(1);
  ASSERT_THAT(repeat, IsOk());
  EXPECT_TRUE((*repeat)->repeated());
  EXPECT_EQ((*repeat)->original(), 0u);
  // Its identity is known from now on.
  absl::StatusOr<std::optional<uint64_t>> original =
      store_->ReadIdentity(DigestBytes(*dsse::EntryIdentity(Replay(Replay(measurement)))));
  ASSERT_THAT(original, IsOk());
  EXPECT_EQ(*original, std::optional<uint64_t>(0));
}

}  // namespace
}  // namespace candor::verifier
