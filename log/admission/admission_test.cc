#include "log/admission/admission.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "log/statement/dsse.h"
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

}  // namespace
}  // namespace candor::admission
