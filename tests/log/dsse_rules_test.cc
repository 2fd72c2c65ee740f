// DSSE as other tools write it, through candor-log's real gRPC API
// (admission.h, AuthorizeSignatures): a signature without a key id (cosign,
// several in-toto tools) is tried under the keys of the vendor the claim
// names; a signature by a key the log does not know is ignored; an entry is
// refused only if no registered key verifies it, with today's exact errors.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "log/registry/registry.h"
#include "log/statement/dsse.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_claims.h"

namespace candor::testing {
namespace {

constexpr char kApp[] = "android:com.example.app";

class DsseRulesApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = std::make_unique<LogFixture>(LogFixtureOptions{
        .name = ::testing::UnitTest::GetInstance()->current_test_info()->name(),
        .clock = [this] { return now_; }});
    ASSERT_THAT(log_->Start(), IsOk());
    registry::Registration vendor;
    vendor.set_name("example");
    vendor.set_role(registry::v1::VENDOR);
    vendor.add_public_keys(ed_key_.public_key().Pem());
    vendor.add_public_keys(p256_key_.public_key().Pem());
    vendor.mutable_scope()->add_apps(kApp);
    ASSERT_THAT(log_->client().AddEntry(log_->RegistrationEntry(vendor), false),
                IsOk());
  }

  // The payload of a claim by `issuer`, its text marked `n`.
  std::string ClaimPayload(int n, const std::string& issuer = "example") {
    return SerializeStatement(
        MinimalClaimStatement(kApp, issuer, now_, now_, absl::StrCat("claim ", n)));
  }

  // `payload` signed by each of `keys` in order; the key ids of the
  // signatures at `keyless` left empty.
  static std::string SignedBy(const std::string& payload,
                              std::vector<const PrivateKey*> keys,
                              std::vector<size_t> keyless = {}) {
    dsse::Envelope env;
    env.payload_type = std::string(dsse::kInTotoPayloadType);
    env.payload = payload;
    for (const PrivateKey* key : keys) {
      env.signatures.push_back(
          dsse::Sign(env.payload_type, payload, *key)->signatures[0]);
    }
    for (size_t i : keyless) env.signatures[i].keyid.clear();
    return dsse::SerializeEnvelope(env);
  }

  static std::string Id(const PrivateKey& key) {
    return dsse::KeyId(key.public_key());
  }

  absl::Time now_ = absl::FromUnixSeconds(1800000000);
  std::unique_ptr<LogFixture> log_;
  PrivateKey ed_key_ = *PrivateKey::Generate(KeyType::kEd25519);
  PrivateKey p256_key_ = *PrivateKey::Generate(KeyType::kEcdsaP256);
  PrivateKey stranger_ = *PrivateKey::Generate(KeyType::kEd25519);
};

TEST_F(DsseRulesApiTest, SignaturesWithoutKeyIdAreAdmitted) {
  for (const PrivateKey* key : {&ed_key_, &p256_key_}) {
    const int n = key == &ed_key_ ? 1 : 2;
    auto added = log_->client().AddEntry(SignedBy(ClaimPayload(n), {key}, {0}),
                                         /*wait_for_inclusion=*/true);
    ASSERT_THAT(added, IsOk());
    EXPECT_FALSE(added->duplicate());
    EXPECT_EQ(added->index(), static_cast<uint64_t>(n));
  }
  // The same without the "keyid" member at all.
  std::string entry = SignedBy(ClaimPayload(3), {&ed_key_}, {0});
  const std::string empty = "\"keyid\":\"\",";
  entry.erase(entry.find(empty), empty.size());
  auto added = log_->client().AddEntry(entry, false);
  ASSERT_THAT(added, IsOk());
  EXPECT_EQ(added->index(), 3u);
}

TEST_F(DsseRulesApiTest, UnknownSignaturesAreIgnoredAndDedupHolds) {
  const std::string payload = ClaimPayload(1);
  auto original = log_->client().AddEntry(SignedBy(payload, {&ed_key_}), true);
  ASSERT_THAT(original, IsOk());
  EXPECT_FALSE(original->duplicate());

  // The same statement with a stranger's signature added, before or after,
  // with or without its key id: the original entry, nothing added.
  for (const std::string& entry :
       {SignedBy(payload, {&stranger_, &ed_key_}),
        SignedBy(payload, {&ed_key_, &stranger_}, {1}),
        SignedBy(payload, {&stranger_, &p256_key_}, {0, 1})}) {
    auto again = log_->client().AddEntry(entry, false);
    ASSERT_THAT(again, IsOk()) << entry;
    EXPECT_TRUE(again->duplicate());
    EXPECT_EQ(again->index(), original->index());
    EXPECT_EQ(again->leaf_hash(), original->leaf_hash());
  }

  // A new statement whose first signature is a stranger's is logged.
  auto fresh =
      log_->client().AddEntry(SignedBy(ClaimPayload(2), {&stranger_, &p256_key_}), true);
  ASSERT_THAT(fresh, IsOk());
  EXPECT_FALSE(fresh->duplicate());
  EXPECT_EQ(fresh->index(), original->index() + 1);
  EXPECT_EQ(fresh->tree_size(), original->index() + 2);
}

TEST_F(DsseRulesApiTest, RefusedOnlyIfNoRegisteredKeyVerifies) {
  PrivateKey other = *PrivateKey::Generate(KeyType::kEcdsaP256);
  EXPECT_THAT(log_->client().AddEntry(SignedBy(ClaimPayload(1), {&stranger_}), false),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "key " + Id(stranger_) + " is not registered"));
  EXPECT_THAT(log_->client().AddEntry(
                  SignedBy(ClaimPayload(1), {&stranger_, &other}), false),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "key " + Id(stranger_) + " is not registered"));
  EXPECT_THAT(
      log_->client().AddEntry(SignedBy(ClaimPayload(1), {&stranger_}, {0}), false),
      StatusIs(absl::StatusCode::kPermissionDenied,
               "signature 0 has no key id and verifies under none of the 2 "
               "keys of \"example\" in force"));
  EXPECT_THAT(
      log_->client().AddEntry(SignedBy(ClaimPayload(1, "nobody"), {&ed_key_}, {0}),
                              false),
      StatusIs(absl::StatusCode::kPermissionDenied,
               "signature 0 has no key id, and the predicate's issuer "
               "\"nobody\" is not a registered vendor whose keys could be "
               "tried: name the signer in issuer or give the signature its "
               "key id"));
  // A registration without a key id is tried under the admin key only.
  registry::Registration mallory;
  mallory.set_name("mallory");
  mallory.set_role(registry::v1::VENDOR);
  mallory.add_public_keys(stranger_.public_key().Pem());
  dsse::Envelope forged = *dsse::ParseEnvelope(log_->RegistrationEntry(mallory));
  forged.signatures[0] =
      dsse::Sign(forged.payload_type, forged.payload, ed_key_)->signatures[0];
  forged.signatures[0].keyid.clear();
  EXPECT_THAT(log_->client().AddEntry(dsse::SerializeEnvelope(forged), false),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "signature 0 has no key id and does not verify under the "
                       "operator's admin key " +
                           Id(log_->admin_key())));
  // Nothing was added: the next claim takes index 1.
  auto ok = log_->client().AddEntry(SignedBy(ClaimPayload(1), {&ed_key_}, {0}), false);
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->index(), 1u);
}

}  // namespace
}  // namespace candor::testing
