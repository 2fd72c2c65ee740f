#include "log/crypto/keys.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/encoding/encoding.h"

namespace candor {
namespace {

using ::testing::HasSubstr;

// RFC 8032 section 7.1, TEST 2.
constexpr char kSeedHex[] =
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
constexpr char kPublicHex[] =
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
constexpr char kSignatureHex[] =
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

TEST(Ed25519, Rfc8032Vector) {
  auto key = PrivateKey::FromEd25519Seed(*HexDecode(kSeedHex));
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(HexEncode(key->public_key().Ed25519Bytes()), kPublicHex);
  auto sig = key->Sign("\x72");
  ASSERT_TRUE(sig.ok()) << sig.status();
  EXPECT_EQ(HexEncode(*sig), kSignatureHex);
  EXPECT_TRUE(key->public_key().Verify("\x72", *sig));
  EXPECT_FALSE(key->public_key().Verify("\x73", *sig));
  EXPECT_EQ(HexEncode(key->Ed25519Seed()), kSeedHex);
}

TEST(Keys, SignVerifyBothTypes) {
  for (KeyType type : {KeyType::kEd25519, KeyType::kEcdsaP256}) {
    auto key = PrivateKey::Generate(type);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(key->type(), type);
    auto sig = key->Sign("message");
    ASSERT_TRUE(sig.ok()) << sig.status();
    PublicKey pub = key->public_key();
    EXPECT_TRUE(pub.Verify("message", *sig));
    EXPECT_FALSE(pub.Verify("messagf", *sig));
    std::string bad = *sig;
    bad[bad.size() / 2] ^= 1;
    EXPECT_FALSE(pub.Verify("message", bad));
    EXPECT_FALSE(pub.Verify("message", ""));

    auto from_der = PublicKey::FromSpkiDer(pub.SpkiDer());
    ASSERT_TRUE(from_der.ok()) << from_der.status();
    EXPECT_EQ(*from_der, pub);
    auto from_pem = PublicKey::FromPem(pub.Pem());
    ASSERT_TRUE(from_pem.ok()) << from_pem.status();
    EXPECT_EQ(*from_pem, pub);

    auto reloaded = PrivateKey::FromPem(key->Pkcs8Pem());
    ASSERT_TRUE(reloaded.ok()) << reloaded.status();
    EXPECT_EQ(reloaded->public_key(), pub);
  }
}

TEST(Keys, DistinctKeysDiffer) {
  auto a = PrivateKey::Generate(KeyType::kEd25519);
  auto b = PrivateKey::Generate(KeyType::kEd25519);
  EXPECT_NE(a->public_key(), b->public_key());
  auto sig = a->Sign("m");
  EXPECT_FALSE(b->public_key().Verify("m", *sig));
}

TEST(Keys, RejectsBadInput) {
  EXPECT_EQ(PublicKey::FromEd25519("short").status().message(),
            "Ed25519 public key must be 32 bytes, got 5");
  EXPECT_EQ(PrivateKey::FromEd25519Seed("").status().message(),
            "Ed25519 private key seed must be 32 bytes, got 0");
  EXPECT_EQ(PublicKey::FromSpkiDer("garbage").status().message(),
            "not a DER SubjectPublicKeyInfo public key");
  EXPECT_EQ(PublicKey::FromPem("-----BEGIN PUBLIC KEY-----\n").status().message(),
            "not a PEM \"PUBLIC KEY\" block");
  auto key = PrivateKey::Generate(KeyType::kEd25519);
  std::string der = key->public_key().SpkiDer() + "x";
  EXPECT_EQ(PublicKey::FromSpkiDer(der).status().message(),
            "trailing bytes after DER SubjectPublicKeyInfo");
  EXPECT_EQ(ParseKeyType("rsa").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Keys, RejectsOtherCurves) {
  // A P-384 public key generated with `openssl ecparam -name secp384r1`.
  constexpr char kP384Pem[] =
      "-----BEGIN PUBLIC KEY-----\n"
      "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE6pnXgfE6Xs5+LxG/Jr/2nDd6/5IGPNNc\n"
      "kS56fZZ5plkenOCZUWVM0LWmdHTydKu6NZD8t+9cr+pmIsEnPGSQOVvpAWEELYzD\n"
      "63la1dOX51CNlIH6FFkuLsre45Zp8ub4\n"
      "-----END PUBLIC KEY-----\n";
  EXPECT_EQ(PublicKey::FromPem(kP384Pem).status().message(),
            "unsupported EC curve secp384r1; only P-256 is accepted");
}

}  // namespace
}  // namespace candor
