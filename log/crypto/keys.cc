#include "log/crypto/keys.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "log/crypto/openssl_ptr.h"

namespace candor {
namespace {

std::shared_ptr<EVP_PKEY> Share(EVP_PKEY* key) {
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

// Classifies `key`, refusing every algorithm and curve Candor does not use.
absl::StatusOr<KeyType> Classify(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_ED25519:
      return KeyType::kEd25519;
    case EVP_PKEY_EC: {
      char group[64] = {0};
      size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
                                         group, sizeof(group), &len) != 1) {
        return absl::InvalidArgumentError("EC key without a named curve");
      }
      if (std::strcmp(group, "prime256v1") != 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "unsupported EC curve ", group, "; only P-256 is accepted"));
      }
      return KeyType::kEcdsaP256;
    }
    default:
      return absl::InvalidArgumentError(
          "unsupported key algorithm; only Ed25519 and ECDSA P-256 are "
          "accepted");
  }
}

// SHA-256 for ECDSA; Ed25519 hashes internally and takes no digest.
const EVP_MD* DigestFor(KeyType type) {
  return type == KeyType::kEd25519 ? nullptr : EVP_sha256();
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, len > 0 ? static_cast<size_t>(len) : 0);
}

}  // namespace

absl::string_view KeyTypeName(KeyType type) {
  return type == KeyType::kEd25519 ? "ed25519" : "ecdsa-p256";
}

absl::StatusOr<KeyType> ParseKeyType(absl::string_view name) {
  if (name == "ed25519") return KeyType::kEd25519;
  if (name == "ecdsa-p256") return KeyType::kEcdsaP256;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown key type \"", name, "\"; use ed25519 or ecdsa-p256"));
}

absl::StatusOr<PublicKey> PublicKey::FromOwned(EVP_PKEY* key) {
  std::shared_ptr<EVP_PKEY> shared = Share(key);
  absl::StatusOr<KeyType> type = Classify(key);
  if (!type.ok()) return type.status();
  return PublicKey(std::move(shared), *type);
}

absl::StatusOr<PublicKey> PublicKey::FromEd25519(absl::string_view raw) {
  if (raw.size() != kEd25519KeySize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Ed25519 public key must be 32 bytes, got ", raw.size()));
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr,
      reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  if (key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("invalid Ed25519 public key");
  }
  return FromOwned(key);
}

absl::StatusOr<PublicKey> PublicKey::FromSpkiDer(absl::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "not a DER SubjectPublicKeyInfo public key");
  }
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    EVP_PKEY_free(key);
    return absl::InvalidArgumentError(
        "trailing bytes after DER SubjectPublicKeyInfo");
  }
  return FromOwned(key);
}

absl::StatusOr<PublicKey> PublicKey::FromPem(absl::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("not a PEM \"PUBLIC KEY\" block");
  }
  return FromOwned(key);
}

std::string PublicKey::SpkiDer() const {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key_.get(), &der);
  if (len <= 0) return std::string();
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::string PublicKey::Pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key_.get());
  return BioContents(bio.get());
}

std::string PublicKey::Ed25519Bytes() const {
  if (type_ != KeyType::kEd25519) return std::string();
  std::string out(kEd25519KeySize, '\0');
  size_t len = out.size();
  EVP_PKEY_get_raw_public_key(
      key_.get(), reinterpret_cast<unsigned char*>(out.data()), &len);
  return out;
}

bool PublicKey::Verify(absl::string_view message,
                       absl::string_view signature) const {
  if (type_ == KeyType::kEd25519 && signature.size() != kEd25519SignatureSize) {
    return false;
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, DigestFor(type_), nullptr,
                           key_.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  int rc = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
      signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
      message.size());
  if (rc != 1) ERR_clear_error();
  return rc == 1;
}

bool PublicKey::operator==(const PublicKey& other) const {
  return type_ == other.type_ && SpkiDer() == other.SpkiDer();
}

absl::StatusOr<PrivateKey> PrivateKey::FromOwned(EVP_PKEY* key) {
  std::shared_ptr<EVP_PKEY> shared = Share(key);
  absl::StatusOr<KeyType> type = Classify(key);
  if (!type.ok()) return type.status();
  return PrivateKey(std::move(shared), *type);
}

absl::StatusOr<PrivateKey> PrivateKey::Generate(KeyType type) {
  EVP_PKEY* key = type == KeyType::kEd25519
                      ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key == nullptr) return OpenSslError("key generation");
  return FromOwned(key);
}

absl::StatusOr<PrivateKey> PrivateKey::FromEd25519Seed(absl::string_view seed) {
  if (seed.size() != kEd25519KeySize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Ed25519 private key seed must be 32 bytes, got ", seed.size()));
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr,
      reinterpret_cast<const unsigned char*>(seed.data()), seed.size());
  if (key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("invalid Ed25519 private key");
  }
  return FromOwned(key);
}

absl::StatusOr<PrivateKey> PrivateKey::FromPem(absl::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key =
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "not an unencrypted PEM \"PRIVATE KEY\" block");
  }
  return FromOwned(key);
}

PublicKey PrivateKey::public_key() const {
  // Re-encoding through DER drops the private half, so the public key object
  // can be handed out without sharing secret material.
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key_.get(), &der);
  const unsigned char* p = der;
  EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, len);
  OPENSSL_free(der);
  return PublicKey(Share(pub), type_);
}

std::string PrivateKey::Ed25519Seed() const {
  if (type_ != KeyType::kEd25519) return std::string();
  std::string out(kEd25519KeySize, '\0');
  size_t len = out.size();
  EVP_PKEY_get_raw_private_key(
      key_.get(), reinterpret_cast<unsigned char*>(out.data()), &len);
  return out;
}

std::string PrivateKey::Pkcs8Pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr,
                           nullptr);
  return BioContents(bio.get());
}

absl::StatusOr<std::string> PrivateKey::Sign(absl::string_view message) const {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr || EVP_DigestSignInit(ctx.get(), nullptr, DigestFor(type_),
                                           nullptr, key_.get()) != 1) {
    return OpenSslError("signing init");
  }
  const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, msg, message.size()) != 1) {
    return OpenSslError("signing");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()),
                     &len, msg, message.size()) != 1) {
    return OpenSslError("signing");
  }
  sig.resize(len);
  return sig;
}

}  // namespace candor
