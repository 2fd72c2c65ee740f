// DSSE envelopes (github.com/secure-systems-lab/dsse, v1.0): the signed
// wrapper around every statement in the log.
//
//   {"payloadType": "...", "payload": "<base64>",
//    "signatures": [{"keyid": "...", "sig": "<base64>"}]}
//
// Signatures are over PAE(type, payload) =
//   "DSSEv1" SP len(type) SP type SP len(payload) SP payload.
//
// Key ids in Candor are the lower-case hex SHA-256 of the signer's DER
// SubjectPublicKeyInfo, so that a key id names exactly one key. Envelopes
// written by other tools may carry no key id or one of their own scheme: on
// input a key id is only a hint, and log/admission (AuthorizeSignatures) says
// how the signing key is found.
//
// Pure functions, thread-safe. Malformed envelopes are INVALID_ARGUMENT with a
// message naming the field at fault.

#ifndef CANDOR_LOG_STATEMENT_DSSE_H_
#define CANDOR_LOG_STATEMENT_DSSE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "log/crypto/keys.h"
#include "log/crypto/sha256.h"

namespace candor::dsse {

inline constexpr absl::string_view kInTotoPayloadType =
    "application/vnd.in-toto+json";
inline constexpr size_t kMaxSignatures = 8;

struct Signature {
  std::string keyid;
  std::string sig;  // raw signature bytes
};

struct Envelope {
  std::string payload_type;
  std::string payload;  // raw payload bytes
  std::vector<Signature> signatures;
};

// The pre-authentication encoding that signatures cover.
std::string Pae(absl::string_view payload_type, absl::string_view payload);

// What an envelope's signers signed, as one 32-byte digest: SHA-256 of
// PAE(payload_type, payload). Two envelopes carry the same statement exactly
// when their identities are equal, whatever their JSON form (whitespace,
// member order, escapes) or their signatures; the log deduplicates on it.
Sha256Digest StatementIdentity(const Envelope& envelope);
// ParseEnvelope, then StatementIdentity.
absl::StatusOr<Sha256Digest> EntryIdentity(absl::string_view entry);

// Candor's key id for `key`.
std::string KeyId(const PublicKey& key);

// Parses an envelope strictly: exactly the fields above (keyid optional), a
// canonical base64 payload and signatures, 1..kMaxSignatures signatures.
absl::StatusOr<Envelope> ParseEnvelope(absl::string_view json);

// Compact JSON with the fields in the order shown above.
std::string SerializeEnvelope(const Envelope& envelope);

// An envelope of `payload` signed by `key` (key id KeyId(key.public_key())).
absl::StatusOr<Envelope> Sign(absl::string_view payload_type,
                              absl::string_view payload,
                              const PrivateKey& key);

// Whether signatures[i] verifies under `key`.
bool VerifySignature(const Envelope& envelope, size_t i, const PublicKey& key);

}  // namespace candor::dsse

#endif  // CANDOR_LOG_STATEMENT_DSSE_H_
