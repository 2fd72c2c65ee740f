#include "log/note/note.h"

#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"

namespace candor::note {
namespace {

// "— " (U+2014 EM DASH, space) starts every signature line.
constexpr absl::string_view kSigPrefix = "\xe2\x80\x94 ";

absl::Status Malformed(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("malformed note: ", why));
}

// Decodes one UTF-8 code point at s[i]; returns its length, or 0 if invalid
// (overlong, surrogate, out of range, truncated).
size_t DecodeRune(absl::string_view s, size_t i, uint32_t& cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (len == 0 || c > 0xF4 || i + len > s.size()) return 0;
  cp = c & (0xFF >> (len + 1));
  for (size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

// Go's unicode.IsSpace: the White_Space property.
bool IsUnicodeSpace(uint32_t cp) {
  switch (cp) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

uint32_t BigEndian32(absl::string_view s) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(s[0])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(s[1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(s[2])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(s[3]));
}

std::string BigEndian32Bytes(uint32_t v) {
  std::string out(4, '\0');
  for (int i = 3; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
  return out;
}

// Splits "<name>+<hex8>+<base64>" (after any prefix) and checks the parts
// the way Go's note package does; returns the decoded key bytes (alg byte
// first).
absl::StatusOr<std::string> ParseKeyParts(absl::string_view text,
                                          absl::string_view what,
                                          std::string& name, uint32_t& hash) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, absl::MaxSplits('+', 2));
  if (parts.size() != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed ", what, ": want <name>+<hash>+<key>"));
  }
  if (!IsValidKeyName(parts[0])) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed ", what, ": invalid key name"));
  }
  if (parts[1].size() != 8 || !absl::SimpleHexAtoi(parts[1], &hash) ||
      parts[1][0] == '-' || parts[1][0] == '+') {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed ", what, ": key hash must be 8 hex digits"));
  }
  absl::StatusOr<std::string> key = Base64Decode(parts[2]);
  if (!key.ok() || key->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed ", what, ": key is not base64"));
  }
  if (static_cast<uint8_t>((*key)[0]) != kAlgEd25519) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown ", what, " algorithm ", static_cast<int>(static_cast<uint8_t>((*key)[0])),
        "; only Ed25519 (1) is supported"));
  }
  if (key->size() != 1 + kEd25519KeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed ", what, ": Ed25519 key must be 32 bytes"));
  }
  name = std::string(parts[0]);
  return key;
}

std::string EncodeKey(absl::string_view name, uint32_t hash,
                      absl::string_view key_bytes) {
  return absl::StrCat(name, "+", absl::StrFormat("%08x", hash), "+",
                      Base64Encode(absl::StrCat(std::string(1, kAlgEd25519), key_bytes)));
}

absl::Status CheckText(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    size_t n = DecodeRune(text, i, cp);
    if (n == 0) return Malformed("not valid UTF-8");
    if (cp < 0x20 && cp != '\n') {
      return Malformed(absl::StrCat("control character at byte ", i));
    }
    i += n;
  }
  return absl::OkStatus();
}

}  // namespace

uint32_t KeyHash(absl::string_view name, absl::string_view ed25519_public_key) {
  Sha256Digest d = Sha256(absl::StrCat(name, "\n", std::string(1, kAlgEd25519),
                                       ed25519_public_key));
  return BigEndian32(absl::string_view(reinterpret_cast<const char*>(d.data()), 4));
}

bool IsValidKeyName(absl::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size();) {
    uint32_t cp = 0;
    size_t n = DecodeRune(name, i, cp);
    if (n == 0 || cp == '+' || IsUnicodeSpace(cp)) return false;
    i += n;
  }
  return true;
}

absl::StatusOr<Verifier> Verifier::FromKey(absl::string_view vkey) {
  std::string name;
  uint32_t hash = 0;
  absl::StatusOr<std::string> key = ParseKeyParts(vkey, "verifier key", name, hash);
  if (!key.ok()) return key.status();
  absl::string_view raw = absl::string_view(*key).substr(1);
  if (KeyHash(name, raw) != hash) {
    return absl::InvalidArgumentError(
        "invalid verifier key: the key hash does not match the key");
  }
  absl::StatusOr<PublicKey> pub = PublicKey::FromEd25519(raw);
  if (!pub.ok()) return pub.status();
  return Verifier(std::move(name), hash, *std::move(pub));
}

absl::StatusOr<Verifier> Verifier::FromPublicKey(absl::string_view name,
                                                 const PublicKey& key) {
  if (!IsValidKeyName(name)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid key name \"", name, "\""));
  }
  if (key.type() != KeyType::kEd25519) {
    return absl::InvalidArgumentError("note keys must be Ed25519");
  }
  std::string raw = key.Ed25519Bytes();
  return Verifier(std::string(name), KeyHash(name, raw), key);
}

std::string Verifier::EncodedKey() const {
  return EncodeKey(name_, key_hash_, key_.Ed25519Bytes());
}

bool Verifier::Verify(absl::string_view message,
                      absl::string_view signature) const {
  return key_.Verify(message, signature);
}

absl::StatusOr<Signer> Signer::Generate(absl::string_view name) {
  if (!IsValidKeyName(name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid key name \"", name,
        "\": it must be non-empty, without spaces or '+'"));
  }
  absl::StatusOr<PrivateKey> key = PrivateKey::Generate(KeyType::kEd25519);
  if (!key.ok()) return key.status();
  uint32_t hash = KeyHash(name, key->public_key().Ed25519Bytes());
  return Signer(std::string(name), hash, *std::move(key));
}

absl::StatusOr<Signer> Signer::FromKey(absl::string_view skey) {
  if (!absl::StartsWith(skey, "PRIVATE+KEY+")) {
    return absl::InvalidArgumentError(
        "malformed signer key: must start with PRIVATE+KEY+");
  }
  std::string name;
  uint32_t hash = 0;
  absl::StatusOr<std::string> seed =
      ParseKeyParts(skey.substr(12), "signer key", name, hash);
  if (!seed.ok()) return seed.status();
  absl::StatusOr<PrivateKey> key =
      PrivateKey::FromEd25519Seed(absl::string_view(*seed).substr(1));
  if (!key.ok()) return key.status();
  // The hash names the public key, which only now can be derived.
  if (KeyHash(name, key->public_key().Ed25519Bytes()) != hash) {
    return absl::InvalidArgumentError(
        "invalid signer key: the key hash does not match the key");
  }
  return Signer(std::move(name), hash, *std::move(key));
}

std::string Signer::EncodedKey() const {
  return absl::StrCat("PRIVATE+KEY+",
                      EncodeKey(name_, key_hash_, key_.Ed25519Seed()));
}

Verifier Signer::verifier() const {
  return Verifier(name_, key_hash_, key_.public_key());
}

absl::StatusOr<std::string> Signer::Sign(absl::string_view message) const {
  return key_.Sign(message);
}

absl::StatusOr<std::string> Sign(absl::string_view text,
                                 absl::Span<const Signer> signers) {
  if (text.empty() || text.back() != '\n') {
    return Malformed("text must end in a newline");
  }
  if (absl::StrContains(text, "\n\n")) {
    return Malformed("text must not contain a blank line");
  }
  if (absl::Status s = CheckText(text); !s.ok()) return s;
  if (signers.empty()) return absl::InvalidArgumentError("no signers");
  std::string out(text);
  out += "\n";
  for (const Signer& s : signers) {
    absl::StatusOr<std::string> sig = s.Sign(text);
    if (!sig.ok()) return sig.status();
    absl::StrAppend(&out, kSigPrefix, s.name(), " ",
                    Base64Encode(BigEndian32Bytes(s.key_hash()) + *sig), "\n");
  }
  if (out.size() > kMaxNoteSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("note is larger than ", kMaxNoteSize, " bytes"));
  }
  return out;
}

absl::StatusOr<Note> Open(absl::string_view signed_note,
                          absl::Span<const Verifier> known) {
  if (signed_note.size() > kMaxNoteSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("note is larger than ", kMaxNoteSize, " bytes"));
  }
  if (absl::Status s = CheckText(signed_note); !s.ok()) return s;
  size_t split = signed_note.rfind("\n\n");
  if (split == absl::string_view::npos) {
    return Malformed("no blank line before the signatures");
  }
  Note note;
  note.text = std::string(signed_note.substr(0, split + 1));
  absl::string_view sigs = signed_note.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n') {
    return Malformed("the signature block must end in a newline");
  }

  // Known keys must be unambiguous by (name, hash).
  absl::flat_hash_set<std::pair<std::string, uint32_t>> known_ids;
  for (const Verifier& v : known) {
    if (!known_ids.insert({v.name(), v.key_hash()}).second) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "ambiguous verifier keys for %s+%08x", v.name(), v.key_hash()));
    }
  }

  absl::flat_hash_set<std::pair<std::string, uint32_t>> seen_verified;
  absl::flat_hash_set<std::string> seen_unverified;
  size_t count = 0;
  size_t line_number = 0;
  while (!sigs.empty()) {
    size_t nl = sigs.find('\n');
    absl::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    ++line_number;
    if (!absl::StartsWith(line, kSigPrefix)) {
      return Malformed(absl::StrCat("signature line ", line_number,
                                    " does not start with \"\xe2\x80\x94 \""));
    }
    absl::string_view rest = line.substr(kSigPrefix.size());
    size_t space = rest.find(' ');
    absl::string_view name = rest.substr(0, space);
    absl::string_view b64 =
        space == absl::string_view::npos ? absl::string_view() : rest.substr(space + 1);
    absl::StatusOr<std::string> raw = Base64Decode(b64);
    if (!IsValidKeyName(name) || b64.empty() || !raw.ok() || raw->size() < 5) {
      return Malformed(absl::StrCat("signature line ", line_number,
                                    " is not \"\xe2\x80\x94 <name> <base64>\""));
    }
    if (++count > kMaxSignatures) {
      return Malformed(absl::StrCat("more than ", kMaxSignatures, " signatures"));
    }
    Signature sig{std::string(name), BigEndian32(*raw), raw->substr(4)};
    const Verifier* verifier = nullptr;
    for (const Verifier& v : known) {
      if (v.name() == sig.name && v.key_hash() == sig.key_hash) verifier = &v;
    }
    if (verifier == nullptr) {
      if (seen_unverified.insert(std::string(line)).second) {
        note.unverified.push_back(std::move(sig));
      }
      continue;
    }
    if (!seen_verified.insert({sig.name, sig.key_hash}).second) continue;
    if (!verifier->Verify(note.text, sig.signature)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "invalid signature for key %s+%08x", sig.name, sig.key_hash));
    }
    note.verified.push_back(std::move(sig));
  }
  if (note.verified.empty()) {
    return absl::InvalidArgumentError(
        "note has no verifiable signature by a known key");
  }
  return note;
}

}  // namespace candor::note
