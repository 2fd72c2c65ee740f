// SHA-256, one-shot and streaming, on OpenSSL.
//
// Thread-safe: every call uses this thread's own digest context.

#ifndef CANDOR_LOG_CRYPTO_SHA256_H_
#define CANDOR_LOG_CRYPTO_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "log/crypto/openssl_ptr.h"

namespace candor {

inline constexpr size_t kSha256Size = 32;
using Sha256Digest = std::array<uint8_t, kSha256Size>;

// SHA-256 of the concatenation of `parts`; more than one part avoids copying
// when a prefix byte must be hashed before a buffer (as in RFC 6962).
Sha256Digest Sha256(absl::string_view data);
Sha256Digest Sha256(absl::string_view prefix, absl::string_view data);

// The digest as bytes in a string, for APIs that take strings.
inline std::string DigestBytes(const Sha256Digest& d) {
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

// Incremental SHA-256 for inputs too large to hold in memory. Not copyable.
class Sha256Hasher {
 public:
  Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(absl::string_view data);
  // Returns the digest; the hasher must not be used afterwards.
  Sha256Digest Finish();

 private:
  EvpMdCtxPtr ctx_;
};

}  // namespace candor

#endif  // CANDOR_LOG_CRYPTO_SHA256_H_
