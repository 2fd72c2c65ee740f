#include "log/note/note.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"

namespace candor::note {
namespace {

// "— " (U+2014 EM DASH, space) starts every signature line.
constexpr absl::string_view kSigPrefix = "\xe2\x80\x94 ";
constexpr absl::string_view kSignerPrefix = "PRIVATE+KEY+";
constexpr size_t kKeyHashSize = 4;

absl::Status Malformed(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("malformed note: ", why));
}

absl::Status TooLarge() {
  return absl::InvalidArgumentError(
      absl::StrCat("note is larger than ", kMaxNoteSize, " bytes"));
}

std::string KeyId(absl::string_view name, uint32_t hash) {
  return absl::StrFormat("%s+%08x", name, hash);
}

// Decodes the UTF-8 code point at s[i] into `cp` and returns its length, or
// 0 where Go's utf8.DecodeRune would return RuneError of size 1: overlong
// forms, surrogates, values past U+10FFFF and truncated sequences.
size_t DecodeRune(absl::string_view s, size_t i, uint32_t& cp) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  const size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (len == 0 || c > 0xF4 || i + len > s.size()) return 0;
  cp = c & (0xFF >> (len + 1));
  for (size_t k = 1; k < len; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

// Go's unicode.IsSpace, which is what Go's note package forbids in names:
// the Unicode White_Space property.
bool IsUnicodeSpace(uint32_t cp) {
  switch (cp) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

uint32_t BigEndian32(absl::string_view s) {
  uint32_t v = 0;
  for (size_t i = 0; i < kKeyHashSize; ++i) {
    v = (v << 8) | static_cast<uint8_t>(s[i]);
  }
  return v;
}

std::string BigEndian32Bytes(uint32_t v) {
  std::string out(kKeyHashSize, '\0');
  for (size_t i = kKeyHashSize; i-- > 0; v >>= 8) {
    out[i] = static_cast<char>(v & 0xFF);
  }
  return out;
}

// Exactly 8 hex digits, as Go's strconv.ParseUint(s, 16, 32) with a length
// check accepts them: no sign, no "0x", no spaces (which absl's hex parsers
// would all allow).
bool ParseKeyHash(absl::string_view s, uint32_t& hash) {
  if (s.size() != 8) return false;
  hash = 0;
  for (char c : s) {
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
    if (digit < 0) return false;
    hash = (hash << 4) | static_cast<uint32_t>(digit);
  }
  return true;
}

// The hash over the key bytes as they are encoded, algorithm byte included,
// so that keys of any algorithm can be checked against their hash.
uint32_t EncodedKeyHash(absl::string_view name, absl::string_view alg_and_key) {
  const Sha256Digest d = Sha256(absl::StrCat(name, "\n", alg_and_key));
  return BigEndian32(DigestBytes(d));
}

// "<name>+<hex8>+<base64(alg || key)>", split and checked for syntax only.
struct KeyText {
  std::string name;
  uint32_t hash = 0;
  std::string key;  // algorithm byte first
};

absl::Status KeyError(absl::string_view what, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed ", what, ": ", problem));
}

// The base64 part may itself contain '+', so only the first two separate
// fields, as with Go's chop.
absl::StatusOr<KeyText> SplitKeyText(absl::string_view text,
                                     absl::string_view what) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits('+', 2));
  if (parts.size() != 3) {
    return KeyError(what, "want <name>+<hash>+<key>");
  }
  KeyText out;
  if (!IsValidKeyName(parts[0])) return KeyError(what, "invalid key name");
  if (!ParseKeyHash(parts[1], out.hash)) {
    return KeyError(what, "key hash must be 8 hex digits");
  }
  absl::StatusOr<std::string> key = Base64Decode(parts[2]);
  if (!key.ok()) return KeyError(what, "key is not base64");
  if (key->empty()) return KeyError(what, "empty key");
  out.name = std::string(parts[0]);
  out.key = *std::move(key);
  return out;
}

// Returns the key bytes after the algorithm byte if it is `want_alg`: an
// Ed25519 note key (1) or an Ed25519 cosigner key (4).
absl::StatusOr<absl::string_view> Ed25519KeyBytes(const KeyText& key,
                                                  absl::string_view what,
                                                  uint8_t want_alg) {
  const uint8_t alg = static_cast<uint8_t>(key.key[0]);
  if (alg != want_alg) {
    if (want_alg == kAlgEd25519) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown ", what, " algorithm ", static_cast<int>(alg),
          alg == kAlgCosignatureV1
              ? "; this is a witness cosigner key (4), not a note key (1)"
              : "; only Ed25519 (1) is supported"));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown ", what, " algorithm ", static_cast<int>(alg),
        alg == kAlgEd25519
            ? "; this is a note key (1), not a witness cosigner key (4)"
            : "; only Ed25519 cosigner keys (4) are supported"));
  }
  absl::string_view raw = absl::string_view(key.key).substr(1);
  if (raw.size() != kEd25519KeySize) {
    return KeyError(what, "Ed25519 key must be 32 bytes");
  }
  return raw;
}

std::string EncodeKey(absl::string_view name, uint32_t hash, uint8_t alg,
                      absl::string_view key_bytes) {
  return absl::StrCat(KeyId(name, hash), "+",
                      Base64Encode(absl::StrCat(
                          std::string(1, static_cast<char>(alg)), key_bytes)));
}

uint32_t AlgKeyHash(absl::string_view name, uint8_t alg,
                    absl::string_view ed25519_public_key) {
  return EncodedKeyHash(
      name, absl::StrCat(std::string(1, static_cast<char>(alg)),
                         ed25519_public_key));
}

std::string BigEndian64Bytes(uint64_t v) {
  std::string out(8, '\0');
  for (size_t i = 8; i-- > 0; v >>= 8) out[i] = static_cast<char>(v & 0xFF);
  return out;
}

uint64_t BigEndian64(absl::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(s[i]);
  return v;
}

absl::Status InvalidName(absl::string_view name) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid key name \"", name,
                   "\": it must be non-empty UTF-8, without spaces or '+'"));
}

// Signed notes must be UTF-8 without control characters other than newline,
// the signature lines included.
absl::Status CheckText(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    const size_t n = DecodeRune(text, i, cp);
    if (n == 0) return Malformed(absl::StrCat("invalid UTF-8 at byte ", i));
    if (cp < 0x20 && cp != '\n') {
      return Malformed(
          absl::StrFormat("control character 0x%02x at byte %d", cp, i));
    }
    i += n;
  }
  return absl::OkStatus();
}

// One line of the signature block, without its newline; `number` counts
// from 1 for messages.
absl::StatusOr<Signature> ParseSignatureLine(absl::string_view line,
                                             size_t number) {
  const std::string where = absl::StrCat("signature line ", number);
  if (!absl::ConsumePrefix(&line, kSigPrefix)) {
    return Malformed(
        absl::StrCat(where, " does not start with \"", kSigPrefix, "\""));
  }
  std::pair<absl::string_view, absl::string_view> name_b64 =
      absl::StrSplit(line, absl::MaxSplits(' ', 1));
  if (!IsValidKeyName(name_b64.first)) {
    return Malformed(absl::StrCat(where, " has an invalid key name"));
  }
  if (name_b64.second.empty()) {
    return Malformed(
        absl::StrCat(where, " has no signature after the key name"));
  }
  absl::StatusOr<std::string> raw = Base64Decode(name_b64.second);
  if (!raw.ok()) {
    return Malformed(
        absl::StrCat(where, ": signature is not canonical base64"));
  }
  if (raw->size() <= kKeyHashSize) {
    return Malformed(absl::StrCat(
        where, " is too short for a 4-byte key hash and a signature"));
  }
  return Signature{std::string(name_b64.first), BigEndian32(*raw),
                   raw->substr(kKeyHashSize)};
}

// The known verifier for (name, hash), or null if there is none. Several
// with that identity are an error only once a signature names them, as with
// Go's VerifierList.
absl::StatusOr<const Verifier*> FindVerifier(absl::Span<const Verifier> known,
                                             const Signature& sig) {
  const Verifier* found = nullptr;
  for (const Verifier& v : known) {
    if (v.name() != sig.name || v.key_hash() != sig.key_hash) continue;
    if (found != nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("ambiguous key ", KeyId(sig.name, sig.key_hash),
                       ": several known verifiers have this name and hash"));
    }
    found = &v;
  }
  return found;
}

// Splits a signed note at its last blank line into the text (with its final
// newline) and the signature block (every line ending in a newline).
absl::Status SplitNote(absl::string_view signed_note, absl::string_view& text,
                       absl::string_view& sigs) {
  const size_t split = signed_note.rfind("\n\n");
  if (split == absl::string_view::npos) {
    return Malformed("no blank line before the signatures");
  }
  text = signed_note.substr(0, split + 1);
  sigs = signed_note.substr(split + 2);
  if (sigs.empty()) return Malformed("no signature lines after the blank line");
  if (sigs.back() != '\n') {
    return Malformed("the last signature line does not end in a newline");
  }
  return absl::OkStatus();
}

}  // namespace

uint32_t KeyHash(absl::string_view name, absl::string_view ed25519_public_key) {
  return AlgKeyHash(name, kAlgEd25519, ed25519_public_key);
}

bool IsValidKeyName(absl::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size();) {
    uint32_t cp = 0;
    const size_t n = DecodeRune(name, i, cp);
    if (n == 0 || cp == '+' || IsUnicodeSpace(cp)) return false;
    i += n;
  }
  return true;
}

absl::StatusOr<Verifier> Verifier::FromKey(absl::string_view vkey) {
  return FromKeyText(vkey, kAlgEd25519, "verifier key");
}

absl::StatusOr<Verifier> Verifier::FromCosignerKey(absl::string_view vkey) {
  return FromKeyText(vkey, kAlgCosignatureV1, "cosigner verifier key");
}

absl::StatusOr<Verifier> Verifier::FromKeyText(absl::string_view vkey,
                                               uint8_t alg,
                                               absl::string_view what) {
  absl::StatusOr<KeyText> key = SplitKeyText(vkey, what);
  if (!key.ok()) return key.status();
  // Go checks the hash before the algorithm, over whatever the key is.
  if (EncodedKeyHash(key->name, key->key) != key->hash) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid ", what, ": the key hash does not match the key"));
  }
  absl::StatusOr<absl::string_view> raw = Ed25519KeyBytes(*key, what, alg);
  if (!raw.ok()) return raw.status();
  absl::StatusOr<PublicKey> pub = PublicKey::FromEd25519(*raw);
  if (!pub.ok()) return pub.status();
  return Verifier(std::move(key->name), key->hash, *std::move(pub), alg);
}

absl::StatusOr<Verifier> Verifier::FromPublicKey(absl::string_view name,
                                                 const PublicKey& key) {
  return FromPublicKeyAlg(name, key, kAlgEd25519);
}

absl::StatusOr<Verifier> Verifier::CosignerFromPublicKey(
    absl::string_view name, const PublicKey& key) {
  return FromPublicKeyAlg(name, key, kAlgCosignatureV1);
}

absl::StatusOr<Verifier> Verifier::FromPublicKeyAlg(absl::string_view name,
                                                    const PublicKey& key,
                                                    uint8_t alg) {
  if (!IsValidKeyName(name)) return InvalidName(name);
  if (key.type() != KeyType::kEd25519) {
    return absl::InvalidArgumentError("note keys must be Ed25519");
  }
  return Verifier(std::string(name), AlgKeyHash(name, alg, key.Ed25519Bytes()),
                  key, alg);
}

std::string Verifier::EncodedKey() const {
  return EncodeKey(name_, key_hash_, alg_, key_.Ed25519Bytes());
}

bool Verifier::Verify(absl::string_view message,
                      absl::string_view signature) const {
  return key_.Verify(message, signature);
}

absl::StatusOr<Signer> Signer::Generate(absl::string_view name) {
  return GenerateAlg(name, kAlgEd25519);
}

absl::StatusOr<Signer> Signer::GenerateCosigner(absl::string_view name) {
  return GenerateAlg(name, kAlgCosignatureV1);
}

absl::StatusOr<Signer> Signer::GenerateAlg(absl::string_view name,
                                           uint8_t alg) {
  if (!IsValidKeyName(name)) return InvalidName(name);
  absl::StatusOr<PrivateKey> key = PrivateKey::Generate(KeyType::kEd25519);
  if (!key.ok()) return key.status();
  const uint32_t hash = AlgKeyHash(name, alg, key->public_key().Ed25519Bytes());
  return Signer(std::string(name), hash, *std::move(key), alg);
}

absl::StatusOr<Signer> Signer::FromKey(absl::string_view skey) {
  return FromKeyText(skey, kAlgEd25519, "signer key");
}

absl::StatusOr<Signer> Signer::FromCosignerKey(absl::string_view skey) {
  return FromKeyText(skey, kAlgCosignatureV1, "cosigner signer key");
}

// Messages name the part at fault but never echo the key text: it is secret.
absl::StatusOr<Signer> Signer::FromKeyText(absl::string_view skey, uint8_t alg,
                                           absl::string_view what) {
  if (!absl::ConsumePrefix(&skey, kSignerPrefix)) {
    return KeyError(what, "must start with PRIVATE+KEY+");
  }
  absl::StatusOr<KeyText> key = SplitKeyText(skey, what);
  if (!key.ok()) return key.status();
  absl::StatusOr<absl::string_view> seed = Ed25519KeyBytes(*key, what, alg);
  if (!seed.ok()) return seed.status();
  absl::StatusOr<PrivateKey> priv = PrivateKey::FromEd25519Seed(*seed);
  if (!priv.ok()) return priv.status();
  // The hash names the public key, which only now can be derived.
  if (AlgKeyHash(key->name, alg, priv->public_key().Ed25519Bytes()) !=
      key->hash) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid ", what, ": the key hash does not match the key"));
  }
  return Signer(std::move(key->name), key->hash, *std::move(priv), alg);
}

std::string Signer::EncodedKey() const {
  return absl::StrCat(kSignerPrefix,
                      EncodeKey(name_, key_hash_, alg_, key_.Ed25519Seed()));
}

Verifier Signer::verifier() const {
  return Verifier(name_, key_hash_, key_.public_key(), alg_);
}

absl::StatusOr<std::string> Signer::Sign(absl::string_view message) const {
  return key_.Sign(message);
}

// Unlike Go's Sign, this refuses text that Open would then reject, so a note
// we produce is always one we (and Go) can open.
absl::StatusOr<std::string> Sign(absl::string_view text,
                                 absl::Span<const Signer> signers) {
  if (text.empty() || text.back() != '\n') {
    return Malformed("text must end in a newline");
  }
  if (absl::Status s = CheckText(text); !s.ok()) return s;
  if (signers.empty()) {
    return absl::InvalidArgumentError("a note needs at least one signer");
  }
  if (signers.size() > kMaxSignatures) {
    return Malformed(absl::StrCat("more than ", kMaxSignatures, " signatures"));
  }
  std::string out = absl::StrCat(text, "\n");
  for (const Signer& s : signers) {
    if (s.is_cosigner()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "key ", s.name(), " is a witness cosigner key; it cosigns (Cosign) "
          "and does not sign notes"));
    }
    absl::StatusOr<std::string> sig = s.Sign(text);
    if (!sig.ok()) return sig.status();
    absl::StrAppend(&out, kSigPrefix, s.name(), " ",
                    Base64Encode(BigEndian32Bytes(s.key_hash()) + *sig), "\n");
  }
  if (out.size() > kMaxNoteSize) return TooLarge();
  return out;
}

std::string CosignatureMessage(absl::string_view text, uint64_t timestamp) {
  return absl::StrCat("cosignature/v1\ntime ", timestamp, "\n", text);
}

absl::StatusOr<std::string> Cosign(absl::string_view text,
                                   const Signer& cosigner, uint64_t timestamp) {
  if (!cosigner.is_cosigner()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key ", cosigner.name(), " is a note key, not a witness cosigner key"));
  }
  if (timestamp == 0 || timestamp > kMaxCosignatureTime) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cosignature time ", timestamp, " is outside 1..2^63-1"));
  }
  if (text.empty() || text.back() != '\n') {
    return Malformed("text must end in a newline");
  }
  if (absl::Status s = CheckText(text); !s.ok()) return s;
  absl::StatusOr<std::string> sig =
      cosigner.Sign(CosignatureMessage(text, timestamp));
  if (!sig.ok()) return sig.status();
  return absl::StrCat(kSigPrefix, cosigner.name(), " ",
                      Base64Encode(absl::StrCat(
                          BigEndian32Bytes(cosigner.key_hash()),
                          BigEndian64Bytes(timestamp), *sig)),
                      "\n");
}

absl::StatusOr<std::string> AddSignatureLines(absl::string_view signed_note,
                                              absl::string_view lines) {
  absl::StatusOr<Note> base = Parse(signed_note);
  if (!base.ok()) return base.status();
  if (!lines.empty() && lines.back() != '\n') {
    return Malformed("the last added signature line does not end in a newline");
  }
  absl::flat_hash_set<std::pair<std::string, uint32_t>> signed_by;
  for (const Signature& sig : base->unverified) {
    signed_by.insert({sig.name, sig.key_hash});
  }
  std::string out(signed_note);
  size_t number = base->unverified.size();
  for (absl::string_view line : absl::StrSplit(lines, '\n', absl::SkipEmpty())) {
    absl::StatusOr<Signature> sig = ParseSignatureLine(line, ++number);
    if (!sig.ok()) return sig.status();
    if (!signed_by.insert({sig->name, sig->key_hash}).second) continue;
    absl::StrAppend(&out, line, "\n");
  }
  // Limits and form, as any reader will check them.
  if (absl::StatusOr<Note> check = Parse(out); !check.ok()) {
    return check.status();
  }
  return out;
}

namespace {

// A known key's signature: a plain Ed25519 note signature, or for a cosigner
// key a timestamped cosignature, whose time is kept in `sig`.
absl::Status VerifySignature(const Verifier& verifier, absl::string_view text,
                             Signature& sig) {
  const std::string id = KeyId(sig.name, sig.key_hash);
  if (!verifier.is_cosigner()) {
    if (!verifier.Verify(text, sig.signature)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid signature for key ", id));
    }
    return absl::OkStatus();
  }
  constexpr size_t kTimeSize = 8;
  if (sig.signature.size() != kTimeSize + kEd25519SignatureSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid cosignature for key ", id, ": ", sig.signature.size(),
        " bytes, want an 8-byte time and a 64-byte signature"));
  }
  const uint64_t timestamp = BigEndian64(sig.signature);
  if (timestamp > kMaxCosignatureTime) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid cosignature for key ", id, ": time past 2^63-1"));
  }
  if (!verifier.Verify(CosignatureMessage(text, timestamp),
                       absl::string_view(sig.signature).substr(kTimeSize))) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid cosignature for key ", id));
  }
  sig.timestamp = timestamp;
  return absl::OkStatus();
}

// Follows Go's note.Open step by step: the same checks in the same order,
// the same treatment of unknown, repeated and ambiguous keys. Without
// `require_verified`, a note no known key signed is returned as it is.
absl::StatusOr<Note> OpenNote(absl::string_view signed_note,
                              absl::Span<const Verifier> known,
                              bool require_verified) {
  if (signed_note.size() > kMaxNoteSize) return TooLarge();
  if (absl::Status s = CheckText(signed_note); !s.ok()) return s;
  absl::string_view text, sigs;
  if (absl::Status s = SplitNote(signed_note, text, sigs); !s.ok()) return s;

  Note note;
  note.text = std::string(text);
  absl::flat_hash_set<std::pair<std::string, uint32_t>> seen_verified;
  absl::flat_hash_set<absl::string_view> seen_unverified;
  for (size_t number = 1; !sigs.empty(); ++number) {
    const size_t nl = sigs.find('\n');
    const absl::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    absl::StatusOr<Signature> sig = ParseSignatureLine(line, number);
    if (!sig.ok()) return sig.status();
    // A cap on lines bounds the work a hostile note can cause.
    if (number > kMaxSignatures) {
      return Malformed(
          absl::StrCat("more than ", kMaxSignatures, " signatures"));
    }
    absl::StatusOr<const Verifier*> verifier = FindVerifier(known, *sig);
    if (!verifier.ok()) return verifier.status();
    if (*verifier == nullptr) {
      if (seen_unverified.insert(line).second) {
        note.unverified.push_back(*std::move(sig));
      }
      continue;
    }
    // Only a key's first signature counts, as in Go; later ones are not
    // even checked.
    if (!seen_verified.insert({sig->name, sig->key_hash}).second) continue;
    if (absl::Status s = VerifySignature(**verifier, note.text, *sig);
        !s.ok()) {
      return s;
    }
    note.verified.push_back(*std::move(sig));
  }
  if (require_verified && note.verified.empty()) {
    return absl::InvalidArgumentError(
        "note has no verifiable signature by a known key");
  }
  return note;
}

}  // namespace

absl::StatusOr<Note> Open(absl::string_view signed_note,
                          absl::Span<const Verifier> known) {
  return OpenNote(signed_note, known, /*require_verified=*/true);
}

absl::StatusOr<Note> Parse(absl::string_view signed_note) {
  return OpenNote(signed_note, {}, /*require_verified=*/false);
}

}  // namespace candor::note
