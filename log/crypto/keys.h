// Public and private signing keys: Ed25519 and ECDSA P-256 (SHA-256, ASN.1 DER
// signatures), on OpenSSL.
//
// Both classes are cheap to copy (the OpenSSL key is shared and immutable) and
// safe to use from many threads at once. Private key material never appears in
// a Status message.

#ifndef CANDOR_LOG_CRYPTO_KEYS_H_
#define CANDOR_LOG_CRYPTO_KEYS_H_

#include <memory>
#include <string>

#include <openssl/evp.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor {

enum class KeyType { kEd25519, kEcdsaP256 };

// "ed25519" or "ecdsa-p256".
absl::string_view KeyTypeName(KeyType type);
absl::StatusOr<KeyType> ParseKeyType(absl::string_view name);

inline constexpr size_t kEd25519KeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

class PublicKey {
 public:
  // A raw 32-byte Ed25519 public key.
  static absl::StatusOr<PublicKey> FromEd25519(absl::string_view raw);
  // DER SubjectPublicKeyInfo; only Ed25519 and P-256 keys are accepted.
  static absl::StatusOr<PublicKey> FromSpkiDer(absl::string_view der);
  // PEM "PUBLIC KEY" block; only Ed25519 and P-256 keys are accepted.
  static absl::StatusOr<PublicKey> FromPem(absl::string_view pem);

  KeyType type() const { return type_; }
  std::string SpkiDer() const;
  std::string Pem() const;
  // The raw 32-byte key. Only meaningful for Ed25519 keys.
  std::string Ed25519Bytes() const;

  // True if `signature` is a valid signature of `message` under this key.
  bool Verify(absl::string_view message, absl::string_view signature) const;

  bool operator==(const PublicKey& other) const;
  bool operator!=(const PublicKey& other) const { return !(*this == other); }

 private:
  friend class PrivateKey;
  PublicKey(std::shared_ptr<EVP_PKEY> key, KeyType type)
      : key_(std::move(key)), type_(type) {}
  static absl::StatusOr<PublicKey> FromOwned(EVP_PKEY* key);

  std::shared_ptr<EVP_PKEY> key_;
  KeyType type_;
};

class PrivateKey {
 public:
  static absl::StatusOr<PrivateKey> Generate(KeyType type);
  // A raw 32-byte Ed25519 seed (the private key as RFC 8032 defines it).
  static absl::StatusOr<PrivateKey> FromEd25519Seed(absl::string_view seed);
  // PEM PKCS#8 "PRIVATE KEY" block; only Ed25519 and P-256 keys are accepted.
  static absl::StatusOr<PrivateKey> FromPem(absl::string_view pem);

  KeyType type() const { return type_; }
  PublicKey public_key() const;
  // The 32-byte seed. Only meaningful for Ed25519 keys.
  std::string Ed25519Seed() const;
  // PEM PKCS#8, unencrypted: the caller must store it with mode 0600.
  std::string Pkcs8Pem() const;

  absl::StatusOr<std::string> Sign(absl::string_view message) const;

 private:
  PrivateKey(std::shared_ptr<EVP_PKEY> key, KeyType type)
      : key_(std::move(key)), type_(type) {}
  static absl::StatusOr<PrivateKey> FromOwned(EVP_PKEY* key);

  std::shared_ptr<EVP_PKEY> key_;
  KeyType type_;
};

}  // namespace candor

#endif  // CANDOR_LOG_CRYPTO_KEYS_H_
