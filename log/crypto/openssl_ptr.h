// RAII owners for OpenSSL handles, and the one way to turn OpenSSL's error
// queue into an absl::Status.

#ifndef CANDOR_LOG_CRYPTO_OPENSSL_PTR_H_
#define CANDOR_LOG_CRYPTO_OPENSSL_PTR_H_

#include <memory>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace candor {

template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const { Free(p); }
};

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using EvpPkeyCtxPtr =
    std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using EvpMdCtxPtr =
    std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EvpMdPtr = std::unique_ptr<EVP_MD, OpenSslDeleter<EVP_MD, EVP_MD_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;
using EcdsaSigPtr =
    std::unique_ptr<ECDSA_SIG, OpenSslDeleter<ECDSA_SIG, ECDSA_SIG_free>>;

// Returns an INTERNAL error naming `what` and the first entry of this thread's
// OpenSSL error queue, and clears the queue so later calls start clean.
absl::Status OpenSslError(absl::string_view what);

}  // namespace candor

#endif  // CANDOR_LOG_CRYPTO_OPENSSL_PTR_H_
