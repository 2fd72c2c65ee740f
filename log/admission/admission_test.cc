#include "log/admission/admission.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "log/statement/dsse.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "tests/support/status_matchers.h"

namespace candor::admission {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

constexpr char kTestType[] = "https://candor.dev/test/v1";
// 2027-01-15T08:00:00Z, the log's clock in these tests.
const absl::Time kNow = absl::FromUnixSeconds(1800000000);

class NoLog : public LogView {
 public:
  absl::Time Now() const override { return kNow; }
  absl::StatusOr<std::optional<IndexedEntry>> FindEntry(
      const merkle::Hash&) const override {
    return std::nullopt;
  }
};

// Accepts predicates {"ok": true} signed by vendors.
class TestValidator : public PredicateValidator {
 public:
  registry::Role signer_role() const override { return registry::v1::VENDOR; }
  absl::Status Validate(const SignedStatement& s,
                        const ValidationContext& context) const override {
    if (context.signer == nullptr) return absl::InternalError("no signer");
    if (s.statement.predicate_json != R"({"ok":true})") {
      return absl::InvalidArgumentError("test predicate must be ok");
    }
    return absl::OkStatus();
  }
};

class AdmissionTest : public ::testing::Test {
 protected:
  AdmissionTest()
      : admin_(*PrivateKey::Generate(KeyType::kEd25519)),
        vendor_key_(*PrivateKey::Generate(KeyType::kEcdsaP256)),
        admission_(admin_.public_key(), &validators_) {
    validators_.Register(kTestType, std::make_unique<TestValidator>());
    EXPECT_THAT(registry_.Apply(VendorRegistration(vendor_key_), 0), IsOk());
  }

  registry::Registration VendorRegistration(const PrivateKey& key) {
    registry::Registration r;
    r.set_name("example");
    r.set_role(registry::v1::VENDOR);
    r.add_public_keys(key.public_key().Pem());
    return r;
  }

  std::string RegistrationEntry(const registry::Registration& r,
                                const PrivateKey& signer,
                                absl::Time issued_at = kNow) {
    return *registry::SignRegistration(r, issued_at, signer);
  }

  registry::Registration Auditor() {
    registry::Registration r;
    r.set_name("lab");
    r.set_role(registry::v1::AUDITOR);
    r.add_public_keys(PrivateKey::Generate(KeyType::kEd25519)->public_key().Pem());
    return r;
  }

  std::string TestEntry(const PrivateKey& signer,
                        const std::string& predicate = R"({"ok":true})",
                        const std::string& type = kTestType) {
    Statement st;
    st.subjects.push_back(NamedSubject("android:com.example.app"));
    st.predicate_type = type;
    st.predicate_json = predicate;
    return *SignStatement(st, signer);
  }

  PrivateKey admin_;
  PrivateKey vendor_key_;
  ValidatorRegistry validators_;
  Admission admission_;
  registry::RegistryState registry_;
  NoLog log_;
};

TEST_F(AdmissionTest, AdmitsSignedStatementOfRegisteredKey) {
  std::string entry = TestEntry(vendor_key_);
  auto admitted = admission_.Admit(entry, registry_, 1, log_);
  ASSERT_THAT(admitted, IsOk());
  EXPECT_EQ(admitted->entry, entry);
  EXPECT_EQ(admitted->leaf_hash, merkle::HashLeaf(entry));
  EXPECT_EQ(admitted->identity,
            dsse::StatementIdentity(*dsse::ParseEnvelope(entry)));
  EXPECT_EQ(admitted->keyids,
            std::vector<std::string>{dsse::KeyId(vendor_key_.public_key())});
  EXPECT_FALSE(admitted->registration.has_value());
}

TEST_F(AdmissionTest, AdmitsRegistrationByAdmin) {
  PrivateKey auditor = *PrivateKey::Generate(KeyType::kEd25519);
  registry::Registration r;
  r.set_name("lab");
  r.set_role(registry::v1::AUDITOR);
  r.add_public_keys(auditor.public_key().Pem());
  auto admitted =
      admission_.Admit(RegistrationEntry(r, admin_), registry_, 1, log_);
  ASSERT_THAT(admitted, IsOk());
  ASSERT_TRUE(admitted->registration.has_value());
  EXPECT_EQ(admitted->registration->name(), "lab");
}

TEST_F(AdmissionTest, RefusesRegistrationNotByAdmin) {
  registry::Registration r = VendorRegistration(vendor_key_);
  EXPECT_THAT(
      admission_.Admit(RegistrationEntry(r, vendor_key_), registry_, 1, log_),
      StatusIs(absl::StatusCode::kPermissionDenied,
               "a https://candor.dev/registration/v1 statement must be signed "
               "by the operator's admin key " +
                   admission_.admin_keyid() + "; signature 0 has key id \"" +
                   dsse::KeyId(vendor_key_.public_key()) + "\""));
}

TEST_F(AdmissionTest, RefusesConflictingRegistration) {
  registry::Registration r = VendorRegistration(vendor_key_);
  r.set_name("other");
  EXPECT_THAT(
      admission_.Admit(RegistrationEntry(r, admin_), registry_, 1, log_),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               "key " + dsse::KeyId(vendor_key_.public_key()) +
                   " is already registered to \"example\""));
}

TEST_F(AdmissionTest, RefusesUnknownKeyBadSignatureAndUnknownType) {
  PrivateKey stranger = *PrivateKey::Generate(KeyType::kEd25519);
  EXPECT_THAT(admission_.Admit(TestEntry(stranger), registry_, 1, log_),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "key " + dsse::KeyId(stranger.public_key()) +
                           " is not registered"));

  auto env = *dsse::ParseEnvelope(TestEntry(vendor_key_));
  env.payload += " ";  // still valid JSON, no longer what was signed
  EXPECT_THAT(
      admission_.Admit(dsse::SerializeEnvelope(env), registry_, 1, log_),
      StatusIs(absl::StatusCode::kPermissionDenied,
               "signature 0 by key " + dsse::KeyId(vendor_key_.public_key()) +
                   " of \"example\" does not verify"));

  EXPECT_THAT(admission_.Admit(TestEntry(vendor_key_, "{}",
                                         "https://candor.dev/unknown/v1"),
                               registry_, 1, log_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "unknown predicate type "
                       "\"https://candor.dev/unknown/v1\""));
  EXPECT_THAT(admission_.Admit(TestEntry(vendor_key_, R"({"ok":false})"),
                               registry_, 1, log_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "test predicate must be ok"));
  EXPECT_THAT(admission_.Admit("not json", registry_, 1, log_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "DSSE envelope: invalid JSON at offset 0: unexpected "
                       "character"));
}

TEST_F(AdmissionTest, RecheckSeesRotation) {
  auto admitted = admission_.Admit(TestEntry(vendor_key_), registry_, 1, log_);
  ASSERT_THAT(admitted, IsOk());
  PrivateKey next = *PrivateKey::Generate(KeyType::kEd25519);
  ASSERT_THAT(registry_.Apply(VendorRegistration(next), 1), IsOk());
  EXPECT_THAT(admission_.Recheck(*admitted, registry_, 2),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "key " + dsse::KeyId(vendor_key_.public_key()) +
                           " of \"example\" was rotated out or revoked at "
                           "index 1"));
}

// Another JSON form of the envelope carries the same statement: the same
// identity, another leaf hash.
TEST_F(AdmissionTest, IdentityIsWhatWasSignedNotTheEnvelopesForm) {
  const std::string entry = TestEntry(vendor_key_);
  const std::string spaced = " " + entry + "\n";
  auto a = admission_.Admit(entry, registry_, 1, log_);
  auto b = admission_.Admit(spaced, registry_, 1, log_);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->identity, b->identity);
  EXPECT_NE(a->leaf_hash, b->leaf_hash);
}

TEST(CheckSignedTime, AdmitsTheWindowOnBothSidesAndNothingBeyond) {
  const absl::Duration w = absl::Minutes(5);
  EXPECT_THAT(CheckSignedTime("t", kNow, kNow, w), IsOk());
  EXPECT_THAT(CheckSignedTime("t", kNow - w, kNow, w), IsOk());
  EXPECT_THAT(CheckSignedTime("t", kNow + w, kNow, w), IsOk());
  EXPECT_THAT(
      CheckSignedTime("claim issuedAt:", kNow - w - absl::Seconds(1), kNow, w),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "claim issuedAt: 2027-01-15T07:54:59Z is 5m1s before now "
               "(2027-01-15T08:00:00Z); the log admits only signed times within "
               "5m of its clock: sign it again with the current time"));
  EXPECT_THAT(
      CheckSignedTime("finding issued_at", kNow + absl::Hours(1), kNow, w),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "finding issued_at 2027-01-15T09:00:00Z is 1h after now "
               "(2027-01-15T08:00:00Z); the log admits only signed times within "
               "5m of its clock: check the signing machine's clock and sign "
               "again"));
  EXPECT_THAT(CheckSignedTime("t", kNow - absl::Milliseconds(1500), kNow,
                              absl::Seconds(1)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "t 2027-01-15T07:59:58.5Z is 1.5s before now "
                       "(2027-01-15T08:00:00Z); the log admits only signed "
                       "times within 1s of its clock: sign it again with the "
                       "current time"));
}

TEST_F(AdmissionTest, RegistrationsAreFreshOrRefused) {
  EXPECT_THAT(admission_.Admit(
                  RegistrationEntry(Auditor(), admin_, kNow - absl::Minutes(4)),
                  registry_, 1, log_),
              IsOk());
  EXPECT_THAT(admission_.Admit(
                  RegistrationEntry(Auditor(), admin_, kNow + absl::Minutes(4)),
                  registry_, 1, log_),
              IsOk());
  EXPECT_THAT(
      admission_.Admit(RegistrationEntry(Auditor(), admin_, kNow - absl::Minutes(6)),
                       registry_, 1, log_),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "registration issuedAt 2027-01-15T07:54:00Z is 6m before now "
               "(2027-01-15T08:00:00Z); the log admits only signed times within "
               "5m of its clock: sign it again with the current time"));
  EXPECT_THAT(
      admission_.Admit(RegistrationEntry(Auditor(), admin_, kNow - absl::Hours(1)),
                       registry_, 1, log_),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "registration issuedAt 2027-01-15T07:00:00Z is 1h before now "
               "(2027-01-15T08:00:00Z); the log admits only signed times within "
               "5m of its clock: sign it again with the current time"));
  EXPECT_THAT(
      admission_.Admit(RegistrationEntry(Auditor(), admin_, kNow + absl::Minutes(6)),
                       registry_, 1, log_),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "registration issuedAt 2027-01-15T08:06:00Z is 6m after now "
               "(2027-01-15T08:00:00Z); the log admits only signed times within "
               "5m of its clock: check the signing machine's clock and sign "
               "again"));

  // Signed as registrations were before they carried a time.
  registry::Registration r = Auditor();
  Statement st;
  st.subjects.push_back(NamedSubject(registry::PrincipalSubject(r.name())));
  st.predicate_type = std::string(registry::kRegistrationPredicateType);
  st.predicate_json = PredicateToJson(r);
  EXPECT_THAT(admission_.Admit(*SignStatement(st, admin_), registry_, 1, log_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "registration issuedAt is missing; sign registrations "
                       "with `candor register`, which sets it to the time of "
                       "signing"));
}

TEST_F(AdmissionTest, TheWindowIsConfigured) {
  Admission wide(admin_.public_key(), &validators_,
                 AdmissionOptions{.max_time_skew = absl::Hours(2)});
  EXPECT_THAT(wide.Admit(RegistrationEntry(Auditor(), admin_, kNow - absl::Hours(1)),
                         registry_, 1, log_),
              IsOk());
  EXPECT_THAT(
      wide.Admit(RegistrationEntry(Auditor(), admin_, kNow - absl::Hours(3)),
                 registry_, 1, log_),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "registration issuedAt 2027-01-15T05:00:00Z is 3h before now "
               "(2027-01-15T08:00:00Z); the log admits only signed times within "
               "2h of its clock: sign it again with the current time"));
}


// Signatures as cosign and in-toto tools write them: no key id, or beside
// someone else's signature (AuthorizeSignatures).

// Accepts claim predicates whose issuer is the signer.
class IssuerValidator : public PredicateValidator {
 public:
  registry::Role signer_role() const override { return registry::v1::VENDOR; }
  absl::Status Validate(const SignedStatement& s,
                        const ValidationContext& context) const override {
    if (s.statement.predicate_json !=
        absl::StrCat("{\"issuer\":\"", context.signer->registration().name(),
                     "\"}")) {
      return absl::PermissionDeniedError("issuer is not the signer");
    }
    return absl::OkStatus();
  }
};

class DsseRulesTest : public AdmissionTest {
 protected:
  DsseRulesTest() {
    validators_.Register(std::string(kClaimType),
                         std::make_unique<IssuerValidator>());
    // "example" gets a second key, registered at index 1.
    registry::Registration r = VendorRegistration(vendor_key_);
    r.add_public_keys(second_key_.public_key().Pem());
    EXPECT_THAT(registry_.Apply(r, 1), IsOk());
  }

  // An envelope of `payload` signed by each of `keys` in order, the key id
  // of each signature replaced by the matching `keyids` entry if given.
  static dsse::Envelope SignedBy(const std::string& payload,
                                 std::vector<const PrivateKey*> keys) {
    dsse::Envelope env;
    env.payload_type = std::string(dsse::kInTotoPayloadType);
    env.payload = payload;
    for (const PrivateKey* key : keys) {
      env.signatures.push_back(
          dsse::Sign(env.payload_type, payload, *key)->signatures[0]);
    }
    return env;
  }

  static std::string ClaimPayload(const std::string& issuer = "example") {
    Statement st;
    st.subjects.push_back(NamedSubject("android:com.example.app"));
    st.predicate_type = std::string(kClaimType);
    st.predicate_json = absl::StrCat("{\"issuer\":\"", issuer, "\"}");
    return SerializeStatement(st);
  }

  absl::StatusOr<AdmittedEntry> Admit(const dsse::Envelope& env) {
    return admission_.Admit(dsse::SerializeEnvelope(env), registry_, 2, log_);
  }

  std::string Id(const PrivateKey& key) { return dsse::KeyId(key.public_key()); }

  PrivateKey second_key_ = *PrivateKey::Generate(KeyType::kEd25519);
  PrivateKey stranger_ = *PrivateKey::Generate(KeyType::kEd25519);
};

TEST_F(DsseRulesTest, EmptyKeyIdIsTriedUnderTheNamedSignersKeys) {
  for (const PrivateKey* key : {&vendor_key_, &second_key_}) {
    dsse::Envelope env = SignedBy(ClaimPayload(), {key});
    env.signatures[0].keyid.clear();
    absl::StatusOr<AdmittedEntry> admitted = Admit(env);
    ASSERT_THAT(admitted, IsOk());
    EXPECT_EQ(admitted->principal, "example");
    EXPECT_EQ(admitted->keyids, std::vector<std::string>{Id(*key)});
    ASSERT_EQ(admitted->signatures.size(), 1u);
    EXPECT_EQ(admitted->signatures[0].given_keyid, "");
    EXPECT_EQ(admitted->signatures[0].keyid, Id(*key));
    EXPECT_EQ(DescribeSignatures(admitted->signatures),
              "signature 0 (no key id) verified by key " + Id(*key));
    // The key found is re-checked like a named one.
    EXPECT_THAT(admission_.Recheck(*admitted, registry_, 2), IsOk());
  }
}

TEST_F(DsseRulesTest, MissingKeyIdMemberIsTheSameAsEmpty) {
  dsse::Envelope env = SignedBy(ClaimPayload(), {&second_key_});
  env.signatures[0].keyid.clear();
  std::string json = dsse::SerializeEnvelope(env);
  const std::string empty = "\"keyid\":\"\",";
  json.erase(json.find(empty), empty.size());
  ASSERT_EQ(json.find("keyid"), std::string::npos);
  absl::StatusOr<AdmittedEntry> admitted =
      admission_.Admit(json, registry_, 2, log_);
  ASSERT_THAT(admitted, IsOk());
  EXPECT_EQ(admitted->keyids, std::vector<std::string>{Id(second_key_)});
}

TEST_F(DsseRulesTest, EmptyKeyIdThatNoKeyVerifiesIsRefusedWithWhy) {
  dsse::Envelope env = SignedBy(ClaimPayload(), {&stranger_});
  env.signatures[0].keyid.clear();
  EXPECT_THAT(Admit(env),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "signature 0 has no key id and verifies under none of "
                       "the 2 keys of \"example\" in force"));

  // The predicate names no registered vendor.
  env = SignedBy(ClaimPayload("nobody"), {&vendor_key_});
  env.signatures[0].keyid.clear();
  EXPECT_THAT(Admit(env),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "signature 0 has no key id, and the predicate's issuer "
                       "\"nobody\" is not a registered vendor whose keys could "
                       "be tried: name the signer in issuer or give the "
                       "signature its key id"));

  // A predicate type that names no signer.
  env = *dsse::ParseEnvelope(TestEntry(vendor_key_));
  env.signatures[0].keyid.clear();
  EXPECT_THAT(Admit(env),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "signature 0 has no key id, and a "
                       "https://candor.dev/test/v1 predicate names no signer "
                       "whose keys could be tried: give the signature its key "
                       "id"));
}

TEST_F(DsseRulesTest, KeyIdOfAnotherSignatureNamesThePrincipal) {
  // The test predicate names no signer, but signature 0 names its key.
  dsse::Envelope env = *dsse::ParseEnvelope(TestEntry(vendor_key_));
  env.signatures.push_back(
      dsse::Sign(env.payload_type, env.payload, second_key_)->signatures[0]);
  env.signatures[1].keyid.clear();
  absl::StatusOr<AdmittedEntry> admitted = Admit(env);
  ASSERT_THAT(admitted, IsOk());
  EXPECT_EQ(admitted->keyids,
            (std::vector<std::string>{Id(vendor_key_), Id(second_key_)}));
}

TEST_F(DsseRulesTest, UnknownKeysAreIgnoredAndRecorded) {
  const std::string original =
      dsse::SerializeEnvelope(SignedBy(ClaimPayload(), {&vendor_key_}));
  dsse::Envelope env = SignedBy(ClaimPayload(), {&stranger_, &vendor_key_});
  absl::StatusOr<AdmittedEntry> admitted = Admit(env);
  ASSERT_THAT(admitted, IsOk());
  EXPECT_EQ(admitted->keyids, std::vector<std::string>{Id(vendor_key_)});
  ASSERT_EQ(admitted->signatures.size(), 2u);
  EXPECT_EQ(admitted->signatures[0].keyid, "");
  EXPECT_EQ(admitted->signatures[0].ignored_because,
            "key " + Id(stranger_) + " is not registered");
  EXPECT_EQ(DescribeSignatures(admitted->signatures),
            "signature 0 (key id \"" + Id(stranger_) + "\") ignored: key " +
                Id(stranger_) + " is not registered; signature 1 (key id \"" +
                Id(vendor_key_) + "\") verified by key " + Id(vendor_key_));
  // What was signed is the same: the log holds it once.
  EXPECT_EQ(admitted->identity, *dsse::EntryIdentity(original));

  // An unknown signature without a key id is ignored too.
  env = SignedBy(ClaimPayload(), {&vendor_key_, &stranger_});
  env.signatures[1].keyid.clear();
  admitted = Admit(env);
  ASSERT_THAT(admitted, IsOk());
  EXPECT_EQ(admitted->keyids, std::vector<std::string>{Id(vendor_key_)});
  EXPECT_EQ(admitted->signatures[1].ignored_because,
            "signature 1 has no key id and verifies under none of the 2 keys "
            "of \"example\" in force");
}

TEST_F(DsseRulesTest, AnotherToolsKeyIdIsAHintNotARefusal) {
  // securesystemslib names keys by the SHA-256 of its own key dictionary.
  const std::string foreign(64, 'a');
  dsse::Envelope env = SignedBy(ClaimPayload(), {&second_key_});
  env.signatures[0].keyid = foreign;
  absl::StatusOr<AdmittedEntry> admitted = Admit(env);
  ASSERT_THAT(admitted, IsOk());
  EXPECT_EQ(admitted->keyids, std::vector<std::string>{Id(second_key_)});
  EXPECT_EQ(DescribeSignatures(admitted->signatures),
            "signature 0 (key id \"" + foreign + "\") verified by key " +
                Id(second_key_));

  env = *dsse::ParseEnvelope(RegistrationEntry(Auditor(), admin_));
  env.signatures[0].keyid = foreign;
  admitted = Admit(env);
  ASSERT_THAT(admitted, IsOk());
  EXPECT_EQ(admitted->signatures[0].keyid, admission_.admin_keyid());
}

TEST_F(DsseRulesTest, AtMostFourSignaturesAreTried) {
  auto keyless = [](dsse::Envelope env) {
    for (dsse::Signature& sig : env.signatures) sig.keyid.clear();
    return env;
  };
  // The vendor's signature is the fifth to try: not tried.
  EXPECT_THAT(
      Admit(keyless(SignedBy(ClaimPayload(), {&stranger_, &stranger_, &stranger_,
                                              &stranger_, &vendor_key_}))),
      StatusIs(absl::StatusCode::kPermissionDenied,
               "signature 0 has no key id and verifies under none of the 2 "
               "keys of \"example\" in force"));
  // The fourth: tried; the fifth is ignored untried.
  absl::StatusOr<AdmittedEntry> admitted =
      Admit(keyless(SignedBy(ClaimPayload(), {&stranger_, &stranger_, &stranger_,
                                              &vendor_key_, &stranger_})));
  ASSERT_THAT(admitted, IsOk());
  EXPECT_EQ(admitted->keyids, std::vector<std::string>{Id(vendor_key_)});
  EXPECT_EQ(admitted->signatures[4].ignored_because,
            "signature 4 has no key id and was not tried: at most 4 signatures "
            "without a registered key id are tried per envelope");
  // A signature that names its registered key is not counted.
  dsse::Envelope env = keyless(SignedBy(
      ClaimPayload(), {&stranger_, &stranger_, &stranger_, &stranger_, &vendor_key_}));
  env.signatures[4].keyid = Id(vendor_key_);
  admitted = Admit(env);
  ASSERT_THAT(admitted, IsOk());
  EXPECT_EQ(admitted->keyids, std::vector<std::string>{Id(vendor_key_)});
}

TEST_F(DsseRulesTest, RefusedWhenNoRegisteredKeyVerifies) {
  PrivateKey other = *PrivateKey::Generate(KeyType::kEcdsaP256);
  // The error of today for an unknown key: the first signature's.
  EXPECT_THAT(Admit(SignedBy(ClaimPayload(), {&stranger_, &other})),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "key " + Id(stranger_) + " is not registered"));
  // A registered key that does not verify is refused, not ignored.
  dsse::Envelope env = SignedBy(ClaimPayload(), {&vendor_key_, &second_key_});
  env.signatures[1].sig = env.signatures[0].sig;
  EXPECT_THAT(Admit(env),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "signature 1 by key " + Id(second_key_) +
                           " of \"example\" does not verify"));
}

TEST_F(DsseRulesTest, RegistrationsFollowTheSameRules) {
  std::string entry = RegistrationEntry(Auditor(), admin_);
  dsse::Envelope env = *dsse::ParseEnvelope(entry);
  env.signatures[0].keyid.clear();
  EXPECT_THAT(Admit(env), IsOk());

  env = *dsse::ParseEnvelope(entry);
  env.signatures.insert(
      env.signatures.begin(),
      dsse::Sign(env.payload_type, env.payload, stranger_)->signatures[0]);
  absl::StatusOr<AdmittedEntry> admitted = Admit(env);
  ASSERT_THAT(admitted, IsOk());
  EXPECT_TRUE(admitted->keyids.empty());
  EXPECT_EQ(admitted->signatures[1].keyid, admission_.admin_keyid());
  EXPECT_EQ(admitted->signatures[0].ignored_because,
            "a https://candor.dev/registration/v1 statement must be signed by "
            "the operator's admin key " +
                admission_.admin_keyid() + "; signature 0 has key id \"" +
                Id(stranger_) + "\"");

  env.signatures.erase(env.signatures.begin() + 1);
  env.signatures[0].keyid.clear();
  EXPECT_THAT(Admit(env),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "signature 0 has no key id and does not verify under "
                       "the operator's admin key " +
                           admission_.admin_keyid()));
}

}  // namespace
}  // namespace candor::admission
