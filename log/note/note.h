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

// The 4-byte key hash of an Ed25519 key named `name`.
uint32_t KeyHash(absl::string_view name, absl::string_view ed25519_public_key);

// Key names: non-empty UTF-8 with no Unicode spaces and no '+'.
bool IsValidKeyName(absl::string_view name);

class Verifier {
 public:
  static absl::StatusOr<Verifier> FromKey(absl::string_view vkey);
  static absl::StatusOr<Verifier> FromPublicKey(absl::string_view name,
                                                const PublicKey& key);

  const std::string& name() const { return name_; }
  uint32_t key_hash() const { return key_hash_; }
  const PublicKey& public_key() const { return key_; }
  // The verifier key text form.
  std::string EncodedKey() const;
  bool Verify(absl::string_view message, absl::string_view signature) const;

 private:
  friend class Signer;
  Verifier(std::string name, uint32_t key_hash, PublicKey key)
      : name_(std::move(name)), key_hash_(key_hash), key_(std::move(key)) {}

  std::string name_;
  uint32_t key_hash_;
  PublicKey key_;
};

class Signer {
 public:
  // A fresh random Ed25519 key named `name`.
  static absl::StatusOr<Signer> Generate(absl::string_view name);
  static absl::StatusOr<Signer> FromKey(absl::string_view skey);

  const std::string& name() const { return name_; }
  uint32_t key_hash() const { return key_hash_; }
  // The signer key text form. Secret: store with mode 0600.
  std::string EncodedKey() const;
  Verifier verifier() const;
  // The Ed25519 key itself, to sign other things (DSSE envelopes) with the
  // same identity.
  const PrivateKey& private_key() const { return key_; }
  absl::StatusOr<std::string> Sign(absl::string_view message) const;

 private:
  Signer(std::string name, uint32_t key_hash, PrivateKey key)
      : name_(std::move(name)), key_hash_(key_hash), key_(std::move(key)) {}

  std::string name_;
  uint32_t key_hash_;
  PrivateKey key_;
};

struct Signature {
  std::string name;
  uint32_t key_hash = 0;
  std::string signature;  // raw signature bytes, without the key hash
};

struct Note {
  std::string text;                   // the signed text, ending in "\n"
  std::vector<Signature> verified;    // by a known verifier, in note order
  std::vector<Signature> unverified;  // by keys not among the known ones
};

// Signs `text` (valid note text ending in a newline) with every signer and
// returns the signed note.
absl::StatusOr<std::string> Sign(absl::string_view text,
                                 absl::Span<const Signer> signers);

// Parses a signed note and checks its signatures against `known`. Signatures
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
