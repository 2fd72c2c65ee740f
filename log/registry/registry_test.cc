#include "log/registry/registry.h"

#include "gtest/gtest.h"
#include "log/statement/dsse.h"
#include "tests/support/status_matchers.h"

namespace candor::registry {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusCodeIs;
using ::candor::testing::StatusIs;

PrivateKey NewKey(KeyType type = KeyType::kEd25519) {
  return *PrivateKey::Generate(type);
}

Registration Vendor(const std::string& name,
                    const std::vector<PrivateKey>& keys) {
  Registration r;
  r.set_name(name);
  r.set_role(v1::VENDOR);
  for (const PrivateKey& k : keys) r.add_public_keys(k.public_key().Pem());
  r.mutable_scope()->add_apps("android:com.example.app");
  r.mutable_scope()->add_domains("example.com");
  r.mutable_scope()->add_organisations("Example Corp");
  return r;
}

std::string Id(const PrivateKey& k) { return dsse::KeyId(k.public_key()); }

TEST(ValidateRegistration, AcceptsWellFormed) {
  EXPECT_THAT(ValidateRegistration(Vendor("example", {NewKey()})), IsOk());
  Registration auditor;
  auditor.set_name("lab-1");
  auditor.set_role(v1::AUDITOR);
  auditor.add_public_keys(NewKey(KeyType::kEcdsaP256).public_key().Pem());
  EXPECT_THAT(ValidateRegistration(auditor), IsOk());
}

TEST(ValidateRegistration, RefusesMalformed) {
  PrivateKey key = NewKey();
  Registration r = Vendor("Bad Name", {key});
  EXPECT_THAT(ValidateRegistration(r),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "registration name \"Bad Name\" may contain only "
                       "lower-case letters, digits, '.', '-' and '_'"));
  r = Vendor("", {key});
  EXPECT_THAT(ValidateRegistration(r),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "registration name must be 1 to 64 characters"));
  r = Vendor("v", {key});
  r.set_role(v1::ROLE_UNSPECIFIED);
  EXPECT_THAT(ValidateRegistration(r),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "registration role must be VENDOR, AUDITOR, VERIFIER or RECORDER"));
  r = Vendor("v", {});
  EXPECT_THAT(ValidateRegistration(r),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "registration must list at least one public key (or "
                       "set revoked)"));
  r = Vendor("v", {key});
  r.set_revoked(true);
  EXPECT_THAT(ValidateRegistration(r),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a revoking registration must not list public keys"));
  r = Vendor("v", {key, key});
  EXPECT_THAT(ValidateRegistration(r),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "registration public_keys[1] repeats an earlier key"));
  r = Vendor("v", {});
  r.add_public_keys("not a key");
  EXPECT_THAT(ValidateRegistration(r),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "registration public_keys[0]: not a PEM \"PUBLIC KEY\" "
                       "block"));
  r = Vendor("v", {key});
  r.mutable_scope()->add_apps("com.example.app");
  EXPECT_THAT(
      ValidateRegistration(r),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "registration scope: app \"com.example.app\" must be "
               "\"android:<package>\", \"ios:<bundle id>\" or "
               "\"web:https://<host>\""));
  r = Vendor("v", {key});
  r.mutable_scope()->add_domains("Example.COM");
  EXPECT_THAT(ValidateRegistration(r),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "registration scope domain \"Example.COM\" must be a "
                       "lower-case DNS name (letters, digits, '.', '-')"));
  r = Vendor("v", {key});
  r.set_role(v1::AUDITOR);
  EXPECT_THAT(ValidateRegistration(r),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "only vendors have a scope; this registration is for a "
                       "auditor"));
}

TEST(RegistryState, RotationAndRevocation) {
  RegistryState state;
  PrivateKey k1 = NewKey(), k2 = NewKey(KeyType::kEcdsaP256);
  ASSERT_THAT(state.Apply(Vendor("example", {k1}), 3), IsOk());
  // Not before its registration is in the log.
  EXPECT_THAT(state.AuthorizeKey(Id(k1), v1::VENDOR, 3),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "key " + Id(k1) + " is not registered"));
  auto signer = state.AuthorizeKey(Id(k1), v1::VENDOR, 4);
  ASSERT_THAT(signer, IsOk());
  EXPECT_EQ(signer->principal->registration().name(), "example");
  EXPECT_EQ(signer->public_key, k1.public_key());
  EXPECT_THAT(state.AuthorizeKey(Id(k1), v1::AUDITOR, 4),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "key " + Id(k1) +
                           " belongs to \"example\", a vendor; this statement "
                           "needs a auditor"));

  // Rotate k1 out for k2 at index 10.
  ASSERT_THAT(state.Apply(Vendor("example", {k2}), 10), IsOk());
  EXPECT_THAT(state.AuthorizeKey(Id(k1), v1::VENDOR, 9), IsOk());
  EXPECT_THAT(state.AuthorizeKey(Id(k1), v1::VENDOR, 11),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "key " + Id(k1) +
                           " of \"example\" was rotated out or revoked at "
                           "index 10"));
  EXPECT_THAT(state.AuthorizeKey(Id(k2), v1::VENDOR, 11), IsOk());
  // A rotated-out key never comes back.
  EXPECT_THAT(state.Apply(Vendor("example", {k1}), 12),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "key " + Id(k1) +
                           " was rotated out at index 10 and cannot be "
                           "registered again"));

  // Revocation retires every key.
  Registration revoke;
  revoke.set_name("example");
  revoke.set_role(v1::VENDOR);
  revoke.set_revoked(true);
  ASSERT_THAT(state.Apply(revoke, 20), IsOk());
  EXPECT_THAT(state.AuthorizeKey(Id(k2), v1::VENDOR, 21),
              StatusCodeIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(state.AuthorizeKey(Id(k2), v1::VENDOR, 15), IsOk());
  EXPECT_TRUE(state.FindPrincipal("example")->registration().revoked());
}

TEST(RegistryState, RefusesConflicts) {
  RegistryState state;
  PrivateKey k = NewKey();
  ASSERT_THAT(state.Apply(Vendor("a", {k}), 0), IsOk());
  EXPECT_THAT(state.Apply(Vendor("b", {k}), 1),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "key " + Id(k) + " is already registered to \"a\""));
  Registration as_auditor = Vendor("a", {k});
  as_auditor.set_role(v1::AUDITOR);
  as_auditor.clear_scope();
  EXPECT_THAT(state.Apply(as_auditor, 1),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "principal \"a\" is registered as a vendor; a "
                       "principal's role cannot change"));
  Registration revoke;
  revoke.set_name("nobody");
  revoke.set_role(v1::VENDOR);
  revoke.set_revoked(true);
  EXPECT_THAT(state.Apply(revoke, 1),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "cannot revoke \"nobody\": it was never registered"));
  EXPECT_EQ(state.principal_count(), 1u);
}

TEST(RegistryState, RecordsRoundTrip) {
  RegistryState state;
  PrivateKey k1 = NewKey(), k2 = NewKey();
  ASSERT_THAT(state.Apply(Vendor("a", {k1}), 0), IsOk());
  ASSERT_THAT(state.Apply(Vendor("a", {k2}), 5), IsOk());
  auto copy = RegistryState::FromRecords(state.Records());
  ASSERT_THAT(copy, IsOk());
  EXPECT_THAT(copy->AuthorizeKey(Id(k1), v1::VENDOR, 6),
              StatusCodeIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(copy->AuthorizeKey(Id(k2), v1::VENDOR, 6), IsOk());
  EXPECT_THAT(RegistryState::FromRecords({{"x/1", ""}}),
              StatusIs(absl::StatusCode::kDataLoss,
                       "unknown registry record x/1"));
}

TEST(ValidateAppId, Forms) {
  EXPECT_THAT(ValidateAppId("android:com.example"), IsOk());
  EXPECT_THAT(ValidateAppId("ios:com.Example.App"), IsOk());
  EXPECT_THAT(ValidateAppId("web:https://www.example.com"), IsOk());
  EXPECT_THAT(ValidateAppId("web:http://example.com"),
              StatusCodeIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateAppId("android:"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "app \"android:\" has an empty or overlong identifier"));
  EXPECT_THAT(ValidateAppId("android:com/evil"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "app \"android:com/evil\" contains '/'; identifiers use "
                       "letters, digits, '.', '-' and '_'"));
}

}  // namespace
}  // namespace candor::registry
