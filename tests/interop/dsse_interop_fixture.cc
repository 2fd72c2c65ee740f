#include "tests/interop/dsse_interop_fixture.h"

#include "log/registry/registry.h"
#include "log/statement/dsse.h"
#include "log/statement/statement.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_files.h"
#include "tests/support/test_claims.h"

namespace candor::testing {

void DsseInteropTest::StartLog() {
  LogFixtureOptions options;
  options.name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  options.clock = [this] { return now_; };
  log_ = std::make_unique<LogFixture>(options);
  ASSERT_THAT(log_->Start(), IsOk());
}

std::string DsseInteropTest::ClaimPayload(const std::string& vendor,
                                          const std::string& app) const {
  return SerializeStatement(MinimalClaimStatement(app, vendor, now_, now_));
}

void DsseInteropTest::ExpectAdmittedOnceRegistered(const std::string& entry,
                                                   const std::string& keyid,
                                                   const std::string& vendor,
                                                   const std::string& app,
                                                   const std::string& public_key_pem,
                                                   uint64_t& next) {
  EXPECT_THAT(log_->client().AddEntry(entry, false),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       keyid.empty()
                           ? "signature 0 has no key id, and the predicate's issuer \"" + vendor +
                                 "\" is not a registered vendor whose keys could be tried: "
                                 "name the signer in issuer or give the signature its key id"
                           : "key " + keyid + " is not registered"));
  registry::Registration r;
  r.set_name(vendor);
  r.set_role(registry::v1::VENDOR);
  r.add_public_keys(public_key_pem);
  r.mutable_scope()->add_apps(app);
  auto registered = log_->client().AddEntry(log_->RegistrationEntry(r), false);
  ASSERT_THAT(registered, IsOk());
  EXPECT_EQ(registered->index(), next++);
  auto added = log_->client().AddEntry(entry, /*wait_for_inclusion=*/true);
  ASSERT_THAT(added, IsOk());
  EXPECT_FALSE(added->duplicate());
  EXPECT_EQ(added->index(), next++);
}

DsseInteropTest::CandorEnvelope DsseInteropTest::WriteCandorEnvelope(
    const PrivateKey& key, const std::string& name) const {
  CandorEnvelope out;
  out.envelope_path = TempPath(name + ".candor.dsse.json");
  out.pubkey_path = TempPath(name + ".candor.pem");
  absl::StatusOr<Statement> st = ParseStatement(ClaimPayload("example", "android:com.example.app"));
  EXPECT_THAT(st, IsOk());
  if (!st.ok()) return out;
  absl::StatusOr<std::string> entry = SignStatement(*st, key);
  EXPECT_THAT(entry, IsOk());
  if (!entry.ok()) return out;
  out.entry = *entry;
  WriteTestFile(out.envelope_path, out.entry);
  WriteTestFile(out.pubkey_path, key.public_key().Pem());
  return out;
}

void DsseInteropTest::WriteTampered(const CandorEnvelope& envelope) const {
  absl::StatusOr<dsse::Envelope> tampered = dsse::ParseEnvelope(envelope.entry);
  ASSERT_THAT(tampered, IsOk());
  tampered->payload += " ";  // a statement other than the one signed
  WriteTestFile(envelope.envelope_path, dsse::SerializeEnvelope(*tampered));
}

}  // namespace candor::testing
