#include "log/crypto/sha256.h"

#include <cstdlib>
#include <iostream>

namespace candor {
namespace {

// Fetching the algorithm once, rather than on every digest as EVP_sha256()
// implies in OpenSSL 3, roughly halves the cost of hashing a Merkle node.
const EVP_MD* FetchedSha256() {
  static const EVP_MD* md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) {
      // Without SHA-256 nothing in Candor can work; this is a broken install,
      // not a recoverable error.
      std::cerr << "fatal: OpenSSL provides no SHA256\n";
      std::abort();
    }
    return fetched;
  }();
  return md;
}

EVP_MD_CTX* ThreadContext() {
  thread_local EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  return ctx.get();
}

// The digest calls below cannot fail for an in-memory SHA-256 once the
// algorithm was fetched; their results are not checked.
void DigestInto(EVP_MD_CTX* ctx, absl::string_view prefix,
                absl::string_view data, Sha256Digest& out) {
  EVP_DigestInit_ex2(ctx, FetchedSha256(), nullptr);
  if (!prefix.empty()) EVP_DigestUpdate(ctx, prefix.data(), prefix.size());
  EVP_DigestUpdate(ctx, data.data(), data.size());
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, out.data(), &len);
}

}  // namespace

Sha256Digest Sha256(absl::string_view data) {
  Sha256Digest out;
  DigestInto(ThreadContext(), absl::string_view(), data, out);
  return out;
}

Sha256Digest Sha256(absl::string_view prefix, absl::string_view data) {
  Sha256Digest out;
  DigestInto(ThreadContext(), prefix, data, out);
  return out;
}

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex2(ctx_.get(), FetchedSha256(), nullptr);
}

void Sha256Hasher::Update(absl::string_view data) {
  EVP_DigestUpdate(ctx_.get(), data.data(), data.size());
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest out;
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_.get(), out.data(), &len);
  return out;
}

}  // namespace candor
