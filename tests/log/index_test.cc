// The verifiable index through the real gRPC API of a real log: answers
// verify, a monitor rebuilding the index from the entries reaches the root
// the log signed, tampered index records are caught, and the index survives
// a restart.

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/index_read.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/index/index_keys.h"
#include "log/index/index_note.h"
#include "log/index/reference.h"
#include "log/registry/registry.h"
#include "log/statement/dsse.h"
#include "log/statement/statement.h"
#include "log/storage/log_store.h"
#include "log/storage/open_store.h"
#include "log/storage/rocksdb_util.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_claims.h"

namespace candor {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::LogFixture;
using ::candor::testing::MinimalClaimStatement;
using ::candor::testing::StatusIs;
using ::candor::testing::StatusIsWithPrefix;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

constexpr char kApp[] = "android:com.example.app";
constexpr char kOtherApp[] = "android:org.second.app";

class IndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(log_.Start(), IsOk());
    absl::StatusOr<PrivateKey> key = log_.RegisterVendor("example");
    ASSERT_THAT(key.status(), IsOk());
    example_key_.emplace(*std::move(key));
    absl::StatusOr<PrivateKey> second = PrivateKey::Generate(KeyType::kEd25519);
    ASSERT_THAT(second.status(), IsOk());
    second_key_.emplace(*std::move(second));
    registry::Registration r;
    r.set_name("second");
    r.set_role(registry::v1::VENDOR);
    r.add_public_keys(second_key_->public_key().Pem());
    r.mutable_scope()->add_apps(kOtherApp);
    ASSERT_THAT(Add(log_.RegistrationEntry(r)).status(), IsOk());
    // Claims about the two apps, interleaved, and test statements.
    for (int n = 0; n < 6; ++n) {
      const absl::Time now = absl::Now();
      absl::StatusOr<uint64_t> a = Add(*SignStatement(
          MinimalClaimStatement(kApp, "example", now, now, absl::StrCat("claim ", n)),
          *example_key_));
      ASSERT_THAT(a.status(), IsOk());
      app_entries_.push_back(*a);
      example_signed_.push_back(*a);
      if (n % 2 == 0) {
        absl::StatusOr<uint64_t> b = Add(*SignStatement(
            MinimalClaimStatement(kOtherApp, "second", now, now, absl::StrCat("other ", n)),
            *second_key_));
        ASSERT_THAT(b.status(), IsOk());
        other_entries_.push_back(*b);
      }
      absl::StatusOr<uint64_t> t = Add(LogFixture::TestEntry(*example_key_, n));
      ASSERT_THAT(t.status(), IsOk());
      app_entries_.push_back(*t);
    }
    ASSERT_THAT(log_.WaitForSize(size_), IsOk());
  }

  absl::StatusOr<uint64_t> Add(const std::string& entry) {
    absl::StatusOr<log::v1::AddEntryResponse> added = log_.client().AddEntry(entry, false);
    if (!added.ok()) return added.status();
    size_ = added->index() + 1;
    return added->index();
  }

  std::vector<std::string> AllEntries() {
    std::vector<std::string> entries;
    while (entries.size() < size_) {
      absl::StatusOr<log::v1::GetEntriesResponse> got =
          log_.client().GetEntries(entries.size(), size_ - entries.size());
      EXPECT_THAT(got.status(), IsOk());
      if (!got.ok()) break;
      for (const std::string& e : got->entries()) entries.push_back(e);
    }
    return entries;
  }

  // Rewrites index records of the stopped log, then starts it again.
  void TamperWithIndex(const std::vector<std::pair<std::string, std::string>>& records) {
    log_.Stop();
    {
      storage::StoreOptions options;
      options.identity = dsse::EntryIdentity;
      absl::StatusOr<std::unique_ptr<storage::LogStore>> store =
          storage::OpenLogStore(log_.data_dir(), options);
      ASSERT_THAT(store.status(), IsOk());
      storage::LogStore::Batch batch = (*store)->NewBatch();
      for (const auto& [key, value] : records) batch.PutIndexRecord(key, value);
      ASSERT_THAT((*store)->Commit(batch), IsOk());
    }
    ASSERT_THAT(log_.Start(), IsOk());
  }

  LogFixture log_{{.name = "index"}};
  std::optional<PrivateKey> example_key_;
  std::optional<PrivateKey> second_key_;
  uint64_t size_ = 0;
  std::vector<uint64_t> app_entries_, other_entries_, example_signed_;
};

TEST_F(IndexTest, AnswersVerifyAndListExactlyTheKeysEntries) {
  const note::Verifier key = log_.log_signer().verifier();
  absl::StatusOr<client::IndexAnswer> app = client::LookUpVerified(log_.client(), key, kApp);
  ASSERT_THAT(app.status(), IsOk());
  EXPECT_TRUE(app->present);
  EXPECT_EQ(app->tree.size, size_);
  EXPECT_THAT(app->indices, ElementsAreArray(app_entries_));
  EXPECT_GT(app->proof_bytes, 0u);

  absl::StatusOr<client::IndexAnswer> other =
      client::LookUpVerified(log_.client(), key, kOtherApp);
  ASSERT_THAT(other.status(), IsOk());
  EXPECT_THAT(other->indices, ElementsAreArray(other_entries_));

  absl::StatusOr<client::IndexAnswer> signer =
      client::LookUpVerified(log_.client(), key, index::SignerKey("example"));
  ASSERT_THAT(signer.status(), IsOk());
  EXPECT_THAT(signer->indices, ElementsAreArray(example_signed_));

  absl::StatusOr<client::IndexAnswer> principal =
      client::LookUpVerified(log_.client(), key, registry::PrincipalSubject("second"));
  ASSERT_THAT(principal.status(), IsOk());
  EXPECT_THAT(principal->indices, ElementsAre(1));

  // Absence is proved too.
  absl::StatusOr<client::IndexAnswer> absent =
      client::LookUpVerified(log_.client(), key, "android:never.logged");
  ASSERT_THAT(absent.status(), IsOk());
  EXPECT_FALSE(absent->present);
  EXPECT_TRUE(absent->indices.empty());
}

TEST_F(IndexTest, PagesChainIntoOneVerifiedAnswer) {
  const note::Verifier key = log_.log_signer().verifier();
  // An earlier answer for the key, extended by what came after it.
  absl::StatusOr<client::IndexAnswer> first = client::LookUpVerified(log_.client(), key, kApp);
  ASSERT_THAT(first.status(), IsOk());
  const absl::Time now = absl::Now();
  absl::StatusOr<uint64_t> more = Add(*SignStatement(
      MinimalClaimStatement(kApp, "example", now, now, "a later claim"), *example_key_));
  ASSERT_THAT(more.status(), IsOk());
  ASSERT_THAT(log_.WaitForSize(size_), IsOk());
  absl::StatusOr<client::IndexAnswer> next =
      client::LookUpVerified(log_.client(), key, kApp, &*first);
  ASSERT_THAT(next.status(), IsOk());
  std::vector<uint64_t> expected = app_entries_;
  expected.push_back(*more);
  EXPECT_THAT(next->indices, ElementsAreArray(expected));
  // One index per page gives the same answer.
  absl::StatusOr<log::v1::LookupIndexResponse> page = log_.client().LookupIndex(kApp, 2, 1);
  ASSERT_THAT(page.status(), IsOk());
  EXPECT_THAT(page->indices(), ElementsAre(expected[2]));
  EXPECT_THAT(log_.client().LookupIndex(kApp, expected.size() + 1).status(),
              StatusIs(absl::StatusCode::kOutOfRange,
                       absl::StrCat("position ", expected.size() + 1, " is beyond the ",
                                    expected.size(), " entries of this key")));
  EXPECT_THAT(log_.client().LookupIndex(std::string(2000, 'x'), 0).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "key: 2000 bytes; index keys have at most 1024"));
}

TEST_F(IndexTest, AMonitorRebuildsTheSignedRootFromTheEntries) {
  absl::StatusOr<client::IndexAnswer> any =
      client::LookUpVerified(log_.client(), log_.log_signer().verifier(), kApp);
  ASSERT_THAT(any.status(), IsOk());
  std::vector<std::string> entries = AllEntries();
  ASSERT_EQ(entries.size(), size_);
  EXPECT_EQ(index::ReferenceIndexRoot(entries), any->tree.index_root);
  // The table of contents lists every entry that used a key first.
  absl::StatusOr<client::IndexAnswer> contents = client::LookUpVerified(
      log_.client(), log_.log_signer().verifier(), std::string(index::kNewKeysKey));
  ASSERT_THAT(contents.status(), IsOk());
  EXPECT_EQ(contents->indices, index::ReferenceIndex(entries)[""]);

  // An index that dropped an entry, or gained one, has another root.
  std::vector<std::string> dropped = entries;
  dropped[app_entries_[1]] = "not a statement";
  EXPECT_NE(index::ReferenceIndexRoot(dropped), any->tree.index_root);
  std::vector<std::string> added = entries;
  added.push_back(entries[app_entries_[0]]);
  EXPECT_NE(index::ReferenceIndexRoot(added), any->tree.index_root);
}

TEST_F(IndexTest, ReadsEntriesWithInclusionAndSignaturesChecked) {
  const note::Verifier key = log_.log_signer().verifier();
  absl::StatusOr<client::IndexAnswer> app = client::LookUpVerified(log_.client(), key, kApp);
  ASSERT_THAT(app.status(), IsOk());
  client::IndexedReader reader(&log_.client(), key);
  std::vector<uint64_t> claims;
  ASSERT_THAT(reader.Read(app->tree, app->indices,
                          [&](uint64_t i, absl::string_view, const SignedStatement& st,
                              const std::string& signer) {
                            EXPECT_EQ(st.statement.predicate_type, kClaimType);
                            EXPECT_EQ(signer, "example");
                            claims.push_back(i);
                          }),
              IsOk());
  // The test statements name no signer, so they are not handed on.
  EXPECT_THAT(claims, ElementsAreArray(example_signed_));
}

TEST_F(IndexTest, ProofsOfManyEntriesComeInOneCall) {
  std::vector<uint64_t> indices = app_entries_;
  absl::StatusOr<log::v1::GetInclusionProofsResponse> proofs =
      log_.client().GetInclusionProofs(indices, size_);
  ASSERT_THAT(proofs.status(), IsOk());
  ASSERT_EQ(proofs->proofs_size(), static_cast<int>(indices.size()));
  EXPECT_EQ(proofs->tree_size(), size_);
  EXPECT_FALSE(proofs->checkpoint().empty());
  EXPECT_THAT(log_.client().GetInclusionProofs({size_}, size_).status(),
              StatusIs(absl::StatusCode::kOutOfRange,
                       absl::StrCat("entry ", size_, " is not in the tree of size ", size_)));
  EXPECT_THAT(log_.client().GetInclusionProofs(std::vector<uint64_t>(1001, 0), size_).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "1001 indices; ask for at most 1000 proofs at once"));
  EXPECT_THAT(log_.client().GetInclusionProofs({0}, size_ + 1).status(),
              StatusIs(absl::StatusCode::kOutOfRange,
                       absl::StrCat("tree size ", size_ + 1,
                                    " is beyond the latest checkpoint (size ", size_, ")")));
  // Each verifies, as the reader checks them.
  client::IndexedReader reader(&log_.client(), log_.log_signer().verifier());
  absl::StatusOr<client::IndexAnswer> app =
      client::LookUpVerified(log_.client(), log_.log_signer().verifier(), kApp);
  ASSERT_THAT(app.status(), IsOk());
  absl::StatusOr<std::vector<std::string>> entries = reader.ReadEntries(app->tree, indices);
  ASSERT_THAT(entries.status(), IsOk());
  std::vector<std::string> all = AllEntries();
  for (size_t k = 0; k < indices.size(); ++k) EXPECT_EQ((*entries)[k], all[indices[k]]);
}

TEST_F(IndexTest, AReorderedPostingIsCaughtByTheReader) {
  // Swap the log indices of the key's first two postings: the chain breaks.
  const index::Hash h = index::KeyHash(kApp);
  auto posting = [&](uint64_t position, uint64_t log_index) {
    return std::make_pair(
        absl::StrCat("p", merkle::AsBytes(h), storage::BigEndian64(position)),
        absl::StrCat(storage::BigEndian64(log_index), std::string(32, '\0')));
  };
  TamperWithIndex({posting(0, app_entries_[1]), posting(1, app_entries_[0])});
  EXPECT_THAT(client::LookUpVerified(log_.client(), log_.log_signer().verifier(), kApp).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("the index's answer for key \"", kApp,
                                    "\" does not verify: log index ", app_entries_[0],
                                    " is out of order or beyond the tree of ", size_,
                                    " entries")));
}

TEST_F(IndexTest, ASwappedEntryIsCaughtByTheReader) {
  // Put another app's entry in place of the key's second: one left out, one
  // added in its place, in log order.
  ASSERT_LT(app_entries_[0], other_entries_[0]);
  ASSERT_LT(other_entries_[0], app_entries_[2]);
  const index::Hash h = index::KeyHash(kApp);
  TamperWithIndex({{absl::StrCat("p", merkle::AsBytes(h), storage::BigEndian64(1)),
                    absl::StrCat(storage::BigEndian64(other_entries_[0]),
                                 std::string(32, '\0'))}});
  EXPECT_THAT(client::LookUpVerified(log_.client(), log_.log_signer().verifier(), kApp).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("the index's answer for key \"", kApp,
                                    "\" does not verify: its ", app_entries_.size(),
                                    " log indices do not hash to the key's value in the index (",
                                    app_entries_.size(),
                                    " entries): an entry was left out, added or reordered")));
}

TEST_F(IndexTest, AValueRewrittenWithoutTheMapIsCaughtByTheReader) {
  // The key's record claims one entry fewer, as if the last were never filed.
  const index::Hash h = index::KeyHash(kApp);
  std::vector<uint64_t> fewer(app_entries_.begin(), app_entries_.end() - 1);
  const index::Value value = index::ExtendValue(index::Value{}, fewer);
  TamperWithIndex({{absl::StrCat("k", merkle::AsBytes(h)),
                    absl::StrCat(storage::BigEndian64(value.count), merkle::AsBytes(value.head),
                                 kApp)}});
  EXPECT_THAT(client::LookUpVerified(log_.client(), log_.log_signer().verifier(), kApp).status(),
              StatusIsWithPrefix(absl::StatusCode::kInvalidArgument,
                                 absl::StrCat("the index's answer for key \"", kApp,
                                              "\" does not verify: the proof does not lead to "
                                              "the index root: it gives ")));
}

TEST_F(IndexTest, TheIndexSurvivesARestartAndKeepsGrowing) {
  const note::Verifier key = log_.log_signer().verifier();
  absl::StatusOr<client::IndexAnswer> before = client::LookUpVerified(log_.client(), key, kApp);
  ASSERT_THAT(before.status(), IsOk());
  log_.Stop();
  ASSERT_THAT(log_.Start(), IsOk());
  absl::StatusOr<client::IndexAnswer> after = client::LookUpVerified(log_.client(), key, kApp);
  ASSERT_THAT(after.status(), IsOk());
  EXPECT_EQ(after->tree, before->tree);
  EXPECT_EQ(after->indices, before->indices);
  const absl::Time now = absl::Now();
  absl::StatusOr<uint64_t> more = Add(*SignStatement(
      MinimalClaimStatement(kApp, "example", now, now, "after the restart"), *example_key_));
  ASSERT_THAT(more.status(), IsOk());
  ASSERT_THAT(log_.WaitForSize(size_), IsOk());
  absl::StatusOr<client::IndexAnswer> grown =
      client::LookUpVerified(log_.client(), key, kApp, &*after);
  ASSERT_THAT(grown.status(), IsOk());
  EXPECT_EQ(grown->indices.back(), *more);
  EXPECT_THAT(client::CheckTreeAgainst(
                  log_.client(), after->tree,
                  note::Checkpoint{grown->tree.origin, grown->tree.size, grown->tree.log_root, {}}),
              IsOk());
  EXPECT_EQ(index::ReferenceIndexRoot(AllEntries()), grown->tree.index_root);
}

}  // namespace
}  // namespace candor
