// C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, compatible with
// Go's golang.org/x/mod/sumdb/note.
//
// A signed note is UTF-8 text ending in a newline, a blank line, and one or
// more signature lines "— <name> base64(key hash[4] || signature)".
//
// Key text forms, exactly as Go's note package reads and writes them:
//   verifier: <name>+<hex8 key hash>+base64(0x01 || 32-byte public key)
//   signer:   PRIVATE+KEY+<name>+<hex8 key hash>+base64(0x01 || 32-byte seed)
// with key hash = first 4 bytes (big-endian) of
// SHA-256(name || "\n" || 0x01 || public key).
//
// Witness cosignatures (c2sp.org/tlog-cosignature, "cosignature/v1") use the
// same forms with algorithm byte 0x04 in place of 0x01. Their signature is
// an 8-byte big-endian timestamp followed by an Ed25519 signature over
//   "cosignature/v1\ntime <timestamp>\n" || note text.
// A key is one or the other: a cosigner key never verifies or makes a plain
// note signature, and a note key never a cosignature, so a witness cannot be
// mistaken for a log or the reverse.
//
// Signer and Verifier are immutable, cheap to copy and thread-safe. Functions
// are pure. Errors are INVALID_ARGUMENT for malformed input and for signatures
// that do not verify, with a message naming the problem; secret key material
// never appears in a message.

#ifndef CANDOR_LOG_NOTE_NOTE_H_
#define CANDOR_LOG_NOTE_NOTE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "log/crypto/keys.h"

namespace candor::note {

// Limits applied to every note opened, against hostile input.
inline constexpr size_t kMaxNoteSize = 1 << 20;  // bytes, text + signatures
inline constexpr size_t kMaxSignatures = 100;

// Algorithm byte of Ed25519 keys in the note key encoding.
inline constexpr uint8_t kAlgEd25519 = 0x01;
// Algorithm byte of Ed25519 cosigner keys (tlog-cosignature v1).
inline constexpr uint8_t kAlgCosignatureV1 = 0x04;
// Cosignature timestamps are POSIX seconds, at most 2^63 - 1.
inline constexpr uint64_t kMaxCosignatureTime = (uint64_t{1} << 63) - 1;

// The 4-byte key hash of an Ed25519 key named `name`.
uint32_t KeyHash(absl::string_view name, absl::string_view ed25519_public_key);

// Key names: non-empty UTF-8 with no Unicode spaces and no '+'.
bool IsValidKeyName(absl::string_view name);

class Verifier {
 public:
  // A note (log) key: algorithm 0x01 only.
  static absl::StatusOr<Verifier> FromKey(absl::string_view vkey);
  static absl::StatusOr<Verifier> FromPublicKey(absl::string_view name,
                                                const PublicKey& key);
  // A cosigner (witness) key: algorithm 0x04 only.
  static absl::StatusOr<Verifier> FromCosignerKey(absl::string_view vkey);
  static absl::StatusOr<Verifier> CosignerFromPublicKey(absl::string_view name,
                                                        const PublicKey& key);

  const std::string& name() const { return name_; }
  uint32_t key_hash() const { return key_hash_; }
  const PublicKey& public_key() const { return key_; }
  // True for a tlog-cosignature v1 key (algorithm 0x04).
  bool is_cosigner() const { return alg_ == kAlgCosignatureV1; }
  // The verifier key text form.
  std::string EncodedKey() const;
  // The raw Ed25519 check of `signature` over `message`.
  bool Verify(absl::string_view message, absl::string_view signature) const;

 private:
  friend class Signer;
  static absl::StatusOr<Verifier> FromKeyText(absl::string_view vkey,
                                              uint8_t alg,
                                              absl::string_view what);
  static absl::StatusOr<Verifier> FromPublicKeyAlg(absl::string_view name,
                                                   const PublicKey& key,
                                                   uint8_t alg);
  Verifier(std::string name, uint32_t key_hash, PublicKey key, uint8_t alg)
      : name_(std::move(name)),
        key_hash_(key_hash),
        key_(std::move(key)),
        alg_(alg) {}

  std::string name_;
  uint32_t key_hash_;
  PublicKey key_;
  uint8_t alg_;
};

class Signer {
 public:
  // A fresh random Ed25519 note key named `name`.
  static absl::StatusOr<Signer> Generate(absl::string_view name);
  // A note key's signer text: algorithm 0x01 only.
  static absl::StatusOr<Signer> FromKey(absl::string_view skey);
  // The same for cosigner (witness) keys, algorithm 0x04.
  static absl::StatusOr<Signer> GenerateCosigner(absl::string_view name);
  static absl::StatusOr<Signer> FromCosignerKey(absl::string_view skey);

  const std::string& name() const { return name_; }
  uint32_t key_hash() const { return key_hash_; }
  bool is_cosigner() const { return alg_ == kAlgCosignatureV1; }
  // The signer key text form. Secret: store with mode 0600.
  std::string EncodedKey() const;
  Verifier verifier() const;
  // The Ed25519 key itself, to sign other things (DSSE envelopes) with the
  // same identity.
  const PrivateKey& private_key() const { return key_; }
  absl::StatusOr<std::string> Sign(absl::string_view message) const;

 private:
  static absl::StatusOr<Signer> GenerateAlg(absl::string_view name,
                                            uint8_t alg);
  static absl::StatusOr<Signer> FromKeyText(absl::string_view skey, uint8_t alg,
                                            absl::string_view what);
  Signer(std::string name, uint32_t key_hash, PrivateKey key, uint8_t alg)
      : name_(std::move(name)),
        key_hash_(key_hash),
        key_(std::move(key)),
        alg_(alg) {}

  std::string name_;
  uint32_t key_hash_;
  PrivateKey key_;
  uint8_t alg_;
};

struct Signature {
  std::string name;
  uint32_t key_hash = 0;
  std::string signature;  // raw signature bytes, without the key hash
  // For a verified cosignature, the time it states (POSIX seconds); 0
  // otherwise.
  uint64_t timestamp = 0;
};

struct Note {
  std::string text;                   // the signed text, ending in "\n"
  std::vector<Signature> verified;    // by a known verifier, in note order
  std::vector<Signature> unverified;  // by keys not among the known ones
};

// Signs `text` (valid note text ending in a newline) with every signer and
// returns the signed note. Signers must be note keys, not cosigners.
absl::StatusOr<std::string> Sign(absl::string_view text,
                                 absl::Span<const Signer> signers);

// The message a tlog-cosignature v1 signs: "cosignature/v1\ntime <T>\n"
// followed by the note text.
std::string CosignatureMessage(absl::string_view text, uint64_t timestamp);

// A cosignature line, "— <name> base64(key hash || timestamp || signature)"
// and a newline, by `cosigner` over note text `text` (without signatures) at
// `timestamp` (1 to kMaxCosignatureTime). INVALID_ARGUMENT if `cosigner` is
// not a cosigner key, the time is out of range or the text is not note text.
absl::StatusOr<std::string> Cosign(absl::string_view text,
                                   const Signer& cosigner, uint64_t timestamp);

// `signed_note` with the signature lines `lines` (each ending in a newline)
// appended, skipping lines it already holds and, for a key that has signed
// already, later lines by the same key. The result is checked for form
// (Parse): INVALID_ARGUMENT if it is not a note.
absl::StatusOr<std::string> AddSignatureLines(absl::string_view signed_note,
                                              absl::string_view lines);

// Parses a signed note and checks its signatures against `known`. A cosigner
// key in `known` verifies cosignatures (its signature lines must hold a
// timestamp and a cosignature over the text) and reports their time. Signatures
// by unknown keys are kept in `unverified`; a signature by a known key that
// does not verify rejects the note; at least one known key must have signed.
// As in Go, only a key's first signature is checked (later ones are dropped)
// and verifiers in `known` sharing a name and hash are an error only when a
// signature names them. Stricter than Go: signatures must be canonical base64
// and the note at most kMaxNoteSize bytes.
absl::StatusOr<Note> Open(absl::string_view signed_note,
                          absl::Span<const Verifier> known);

// Reads a signed note's form without checking any signature: the same limits
// and the same errors as Open for text that is not a signed note; every
// signature is in `unverified`. Tells input that is not a note at all from
// a note that does not verify.
absl::StatusOr<Note> Parse(absl::string_view signed_note);

}  // namespace candor::note

#endif  // CANDOR_LOG_NOTE_NOTE_H_
