#include "log/note/note.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "tests/support/status_matchers.h"
#include "tests/support/testdata.h"

namespace candor::note {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::ReadFileToString;
using ::candor::testing::SharedTestDataPath;
using ::candor::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr absl::string_view kDash = "\xe2\x80\x94 ";
constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

std::string TestData(const std::string& name) {
  auto text = ReadFileToString(SharedTestDataPath("note/" + name));
  EXPECT_THAT(text, IsOk());
  return text.ok() ? *text : "";
}

std::string TestKey(const std::string& name) {
  return std::string(absl::StripAsciiWhitespace(TestData(name)));
}

Verifier TestLogKey() {
  auto v = Verifier::FromKey(TestKey("test-log.vkey"));
  EXPECT_THAT(v, IsOk());
  return *v;
}

Signer NewSigner(absl::string_view name) {
  auto s = Signer::Generate(name);
  EXPECT_THAT(s, IsOk());
  return *s;
}

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
          static_cast<char>(v >> 8), static_cast<char>(v)};
}

// A signature line as Sign writes it, for arbitrary (even wrong) contents.
std::string SigLine(absl::string_view name, uint32_t hash,
                    absl::string_view sig) {
  return absl::StrCat(kDash, name, " ",
                      Base64Encode(Be32(hash) + std::string(sig)), "\n");
}

std::string SigLine(const Signer& s, absl::string_view text) {
  return SigLine(s.name(), s.key_hash(), *s.Sign(text));
}

std::string Hex32(uint32_t v) { return absl::StrFormat("%08x", v); }

// The key hash Go computes over an encoded key of any algorithm.
uint32_t GoKeyHash(absl::string_view name, absl::string_view alg_and_key) {
  std::string d = DigestBytes(Sha256(absl::StrCat(name, "\n", alg_and_key)));
  return (static_cast<uint32_t>(static_cast<uint8_t>(d[0])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(d[1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(d[2])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(d[3]));
}

TEST(Note, OpensGoSignedNotesAndRejectsTampered) {
  Verifier key = TestLogKey();
  EXPECT_EQ(key.name(), "example.com/candor-test-log");
  EXPECT_EQ(key.key_hash(), 0xefc14479u);
  for (const char* name : {"checkpoint.signed", "checkpoint-ext.signed"}) {
    const std::string signed_note = TestData(name);
    auto note = Open(signed_note, {key});
    ASSERT_THAT(note, IsOk()) << name;
    EXPECT_EQ(note->text, signed_note.substr(0, signed_note.rfind("\n\n") + 1));
    ASSERT_EQ(note->verified.size(), 1u);
    EXPECT_EQ(note->verified[0].name, "example.com/candor-test-log");
    EXPECT_EQ(note->verified[0].key_hash, 0xefc14479u);
    EXPECT_EQ(note->verified[0].signature.size(), kEd25519SignatureSize);
    EXPECT_THAT(note->unverified, IsEmpty());
  }
  EXPECT_THAT(Open(TestData("checkpoint.tampered"), {key}),
              StatusIs(kInvalid,
                       "invalid signature for key "
                       "example.com/candor-test-log+efc14479"));
}

// Ed25519 is deterministic: our signature of the same text with the Go
// generated key is byte-identical to Go's.
TEST(Note, SignsExactlyAsGoDoes) {
  auto signer = Signer::FromKey(TestKey("test-log.skey"));
  ASSERT_THAT(signer, IsOk());
  EXPECT_EQ(signer->name(), "example.com/candor-test-log");
  EXPECT_EQ(signer->key_hash(), 0xefc14479u);
  EXPECT_EQ(signer->verifier().EncodedKey(), TestKey("test-log.vkey"));
  EXPECT_EQ(signer->EncodedKey(), TestKey("test-log.skey"));
  EXPECT_EQ(signer->verifier().public_key(), TestLogKey().public_key());
  for (const char* name : {"checkpoint.signed", "checkpoint-ext.signed"}) {
    const std::string go = TestData(name);
    auto ours = Sign(go.substr(0, go.rfind("\n\n") + 1), {*signer});
    ASSERT_THAT(ours, IsOk());
    EXPECT_EQ(*ours, go) << name;
  }
}

TEST(Note, KeyTextRoundTrips) {
  Signer s = NewSigner("example.com/log\xc3\xa9");
  EXPECT_EQ(s.key_hash(),
            KeyHash(s.name(), s.verifier().public_key().Ed25519Bytes()));
  auto parsed_signer = Signer::FromKey(s.EncodedKey());
  ASSERT_THAT(parsed_signer, IsOk());
  EXPECT_EQ(parsed_signer->EncodedKey(), s.EncodedKey());
  auto parsed = Verifier::FromKey(s.verifier().EncodedKey());
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->name(), s.name());
  EXPECT_EQ(parsed->key_hash(), s.key_hash());
  EXPECT_EQ(parsed->public_key(), s.verifier().public_key());
  auto from_public =
      Verifier::FromPublicKey(s.name(), s.verifier().public_key());
  ASSERT_THAT(from_public, IsOk());
  EXPECT_EQ(from_public->EncodedKey(), s.verifier().EncodedKey());
  // Go prints the hash in lower case but reads either case.
  std::string upper = s.verifier().EncodedKey();
  const size_t h = upper.find('+') + 1;
  for (size_t i = h; i < h + 8; ++i) upper[i] = absl::ascii_toupper(upper[i]);
  auto from_upper = Verifier::FromKey(upper);
  ASSERT_THAT(from_upper, IsOk());
  EXPECT_EQ(from_upper->key_hash(), s.key_hash());
}

TEST(Note, SeveralSignaturesAndUnknownKeys) {
  Signer a = NewSigner("a.example");
  Signer b = NewSigner("b.example");
  Signer c = NewSigner("c.example");
  auto note = Sign("hello\nworld\n", {a, b, c});
  ASSERT_THAT(note, IsOk());
  EXPECT_EQ(
      *note,
      absl::StrCat("hello\nworld\n\n", SigLine(a, "hello\nworld\n"),
                   SigLine(b, "hello\nworld\n"), SigLine(c, "hello\nworld\n")));

  auto only_b = Open(*note, {b.verifier()});
  ASSERT_THAT(only_b, IsOk());
  EXPECT_EQ(only_b->text, "hello\nworld\n");
  EXPECT_THAT(only_b->verified,
              ElementsAre(Field(&Signature::name, "b.example")));
  ASSERT_EQ(only_b->unverified.size(), 2u);
  EXPECT_EQ(only_b->unverified[0].name, "a.example");
  EXPECT_EQ(only_b->unverified[0].key_hash, a.key_hash());
  EXPECT_EQ(only_b->unverified[0].signature, *a.Sign("hello\nworld\n"));
  EXPECT_EQ(only_b->unverified[1].name, "c.example");

  // Verified signatures come in note order, not in the order of `known`.
  auto all = Open(*note, {c.verifier(), a.verifier(), b.verifier()});
  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(all->verified, ElementsAre(Field(&Signature::name, "a.example"),
                                         Field(&Signature::name, "b.example"),
                                         Field(&Signature::name, "c.example")));
  EXPECT_THAT(all->unverified, IsEmpty());

  EXPECT_THAT(
      Open(*note, {NewSigner("d.example").verifier()}),
      StatusIs(kInvalid, "note has no verifiable signature by a known key"));
  EXPECT_THAT(
      Open(*note, {}),
      StatusIs(kInvalid, "note has no verifiable signature by a known key"));
}

// Parse reads the form only: a tampered note parses (Open refuses it),
// text that is not a note does not, with Open's error.
TEST(Note, ParseChecksTheFormAndNoSignature) {
  auto tampered = Parse(TestData("checkpoint.tampered"));
  ASSERT_THAT(tampered, IsOk());
  EXPECT_THAT(tampered->verified, IsEmpty());
  ASSERT_EQ(tampered->unverified.size(), 1u);
  EXPECT_EQ(tampered->unverified[0].name, "example.com/candor-test-log");
  for (const std::string& bad : {std::string(""), std::string("no blank line\n"),
                                 absl::StrCat("text\n\n", kDash, "a.example !!!\n")}) {
    absl::StatusOr<Note> parsed = Parse(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status(), Open(bad, {TestLogKey()}).status()) << bad;
  }
}

// C2SP: signatures by a key that shares only the name, or only the hash,
// with a known key are ignored, not verified.
TEST(Note, NameOrHashAloneDoesNotMakeAKeyKnown) {
  Signer a = NewSigner("a.example");
  Signer other_a = NewSigner("a.example");
  ASSERT_NE(a.key_hash(), other_a.key_hash());
  const std::string text = "text\n";
  const std::string note =
      absl::StrCat(text, "\n", SigLine(other_a, text),
                   SigLine("z.example", a.key_hash(), std::string(64, 'x')),
                   SigLine(a, text));
  auto opened = Open(note, {a.verifier()});
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(opened->verified.size(), 1u);
  ASSERT_EQ(opened->unverified.size(), 2u);
  EXPECT_EQ(opened->unverified[0].key_hash, other_a.key_hash());
  EXPECT_EQ(opened->unverified[1].name, "z.example");
}

TEST(Note, BadSignatureByAKnownKeyRejectsTheNote) {
  Signer a = NewSigner("a.example");
  Signer b = NewSigner("b.example");
  const std::string text = "checkpoint\n";
  std::string bad_sig = *b.Sign(text);
  bad_sig[10] ^= 1;
  const std::string b_error =
      absl::StrCat("invalid signature for key b.example+", Hex32(b.key_hash()));
  // Before or after a good signature, the bad one rejects the whole note.
  for (bool bad_first : {true, false}) {
    const std::string bad_line = SigLine("b.example", b.key_hash(), bad_sig);
    const std::string good_line = SigLine(a, text);
    const std::string note =
        absl::StrCat(text, "\n", bad_first ? bad_line : good_line,
                     bad_first ? good_line : bad_line);
    EXPECT_THAT(Open(note, {a.verifier(), b.verifier()}),
                StatusIs(kInvalid, b_error));
    // Unknown to the caller, the same signature is only kept, unverified.
    auto without_b = Open(note, {a.verifier()});
    ASSERT_THAT(without_b, IsOk());
    ASSERT_EQ(without_b->unverified.size(), 1u);
    EXPECT_EQ(without_b->unverified[0].signature, bad_sig);
  }
  // A signature of the wrong length is a bad signature, not a syntax error.
  EXPECT_THAT(
      Open(absl::StrCat(text, "\n", SigLine("b.example", b.key_hash(), "x")),
           {b.verifier()}),
      StatusIs(kInvalid, b_error));
  // So is a good signature of other text.
  EXPECT_THAT(
      Open(absl::StrCat(text, "\n", SigLine(b, "other\n")), {b.verifier()}),
      StatusIs(kInvalid, b_error));
}

// s + L, where L is the order of the Ed25519 group, satisfies the
// verification equation too; RFC 8032 and Go require s < L, or one signed
// note would have many valid encodings.
TEST(Note, RejectsMalleatedSignatureScalar) {
  static constexpr uint8_t kOrder[32] = {
      0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
      0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};
  Signer a = NewSigner("a.example");
  const std::string text = "text\n";
  std::string sig = *a.Sign(text);
  unsigned carry = 0;
  for (int i = 0; i < 32; ++i) {  // little-endian s, in the second half
    unsigned sum = static_cast<uint8_t>(sig[32 + i]) + kOrder[i] + carry;
    sig[32 + i] = static_cast<char>(sum & 0xFF);
    carry = sum >> 8;
  }
  ASSERT_EQ(carry, 0u);
  EXPECT_THAT(
      Open(absl::StrCat(text, "\n", SigLine(a.name(), a.key_hash(), sig)),
           {a.verifier()}),
      StatusIs(kInvalid, absl::StrCat("invalid signature for key a.example+",
                                      Hex32(a.key_hash()))));
}

// Go keeps only a key's first signature and drops repeated identical lines by
// unknown keys; a later, different signature by a known key is not checked.
TEST(Note, RepeatedSignaturesCountOnce) {
  Signer a = NewSigner("a.example");
  Signer b = NewSigner("b.example");
  const std::string text = "text\n";
  const std::string good = SigLine(a, text);
  const std::string junk =
      SigLine(a.name(), a.key_hash(), std::string(64, 'j'));
  const std::string unknown = SigLine(b, text);
  auto opened =
      Open(absl::StrCat(text, "\n", good, unknown, junk, good, unknown),
           {a.verifier()});
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(opened->verified.size(), 1u);
  EXPECT_EQ(opened->unverified.size(), 1u);
  EXPECT_THAT(
      Open(absl::StrCat(text, "\n", junk, good), {a.verifier()}),
      StatusIs(kInvalid, absl::StrCat("invalid signature for key a.example+",
                                      Hex32(a.key_hash()))));
}

// As with Go's VerifierList, keys that share a name and hash are an error
// only when a signature names them.
TEST(Note, AmbiguousKnownKeys) {
  Signer a = NewSigner("a.example");
  Signer b = NewSigner("b.example");
  auto by_a = Sign("text\n", {a});
  auto by_b = Sign("text\n", {b});
  ASSERT_THAT(by_a, IsOk());
  ASSERT_THAT(by_b, IsOk());
  EXPECT_THAT(Open(*by_a, {a.verifier(), b.verifier(), a.verifier()}),
              StatusIs(kInvalid, absl::StrCat("ambiguous key a.example+",
                                              Hex32(a.key_hash()),
                                              ": several known verifiers have "
                                              "this name and hash")));
  EXPECT_THAT(Open(*by_b, {a.verifier(), b.verifier(), a.verifier()}), IsOk());
}

TEST(Note, TextMayHoldBlankLines) {
  Signer a = NewSigner("a.example");
  for (const std::string text :
       {"a\n\nb\n", "\n", "a\n\n", "\n\n\n", "x\n\n\ny\n"}) {
    auto note = Sign(text, {a});
    ASSERT_THAT(note, IsOk());
    auto opened = Open(*note, {a.verifier()});
    ASSERT_THAT(opened, IsOk()) << text;
    EXPECT_EQ(opened->text, text);
  }
}

TEST(Note, HostileInput) {
  Signer a = NewSigner("a.example");
  const std::string line = SigLine(a, "text\n");
  const std::string good = "text\n\n" + line;
  ASSERT_THAT(Open(good, {a.verifier()}), IsOk());
  // 68 bytes leave 2 unused bits in the last base64 digit; they must be 0.
  std::string bad_bits = line;
  ASSERT_EQ(bad_bits.substr(bad_bits.size() - 2), "=\n");
  constexpr absl::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char& last = bad_bits[bad_bits.size() - 3];
  last = kAlphabet[kAlphabet.find(last) + 1];
  const std::string tab_line =
      absl::StrCat(kDash, "a.example\t", line.substr(kDash.size() + 10));
  struct Case {
    std::string note;
    std::string message;
  } cases[] = {
      {"text\xff\n\n" + line, "malformed note: invalid UTF-8 at byte 4"},
      {"te\xc0\xafxt\n\n" + line, "malformed note: invalid UTF-8 at byte 2"},
      {"\xed\xa0\x80text\n\n" + line,
       "malformed note: invalid UTF-8 at byte 0"},
      {"text\xf4\x90\x80\x80\n\n" + line,
       "malformed note: invalid UTF-8 at byte 4"},
      {"text\xe2\x80\n\n" + line, "malformed note: invalid UTF-8 at byte 4"},
      {"te\x01xt\n\n" + line,
       "malformed note: control character 0x01 at byte 2"},
      {"text\r\n\n" + line, "malformed note: control character 0x0d at byte 4"},
      {"te\txt\n\n" + line, "malformed note: control character 0x09 at byte 2"},
      {"text\n\n" + tab_line,
       "malformed note: control character 0x09 at byte 19"},
      {good + std::string("\0", 1),
       "malformed note: control character 0x00 at byte " +
           std::to_string(good.size())},
      {absl::StrCat("text\n\n", kDash, "a.\xff ",
                    line.substr(kDash.size() + 10)),
       "malformed note: invalid UTF-8 at byte 12"},
      {"text\n" + line, "malformed note: no blank line before the signatures"},
      {"", "malformed note: no blank line before the signatures"},
      {"text\n\n", "malformed note: no signature lines after the blank line"},
      {good.substr(0, good.size() - 1),
       "malformed note: the last signature line does not end in a newline"},
      {"text\n\n- a.example AAAAAAA=\n",
       "malformed note: signature line 1 does not start with \"\xe2\x80\x94 "
       "\""},
      {"text\n\n\xe2\x80\x94"
       "a.example AAAAAAA=\n",
       "malformed note: signature line 1 does not start with \"\xe2\x80\x94 "
       "\""},
      {good + "\xe2\x80\x94 b AAAAAAA=\n\xe2\x80\x93 c AAAAAAA=\n",
       "malformed note: signature line 3 does not start with \"\xe2\x80\x94 "
       "\""},
      {"text\n\n\xe2\x80\x94 a+b AAAAAAA=\n",
       "malformed note: signature line 1 has an invalid key name"},
      {"text\n\n\xe2\x80\x94  a.example AAAAAAA=\n",
       "malformed note: signature line 1 has an invalid key name"},
      {"text\n\n\xe2\x80\x94 a.example\n",
       "malformed note: signature line 1 has no signature after the key name"},
      {"text\n\n\xe2\x80\x94 a.example \n",
       "malformed note: signature line 1 has no signature after the key name"},
      {"text\n\n\xe2\x80\x94 a.example !!!!\n",
       "malformed note: signature line 1: signature is not canonical base64"},
      {"text\n\n\xe2\x80\x94 a.example AAAAAAA\n",
       "malformed note: signature line 1: signature is not canonical base64"},
      {"text\n\n\xe2\x80\x94 a.example AAAA AAAA\n",
       "malformed note: signature line 1: signature is not canonical base64"},
      {"text\n\n" + bad_bits,
       "malformed note: signature line 1: signature is not canonical base64"},
      {"text\n\n\xe2\x80\x94 a.example AAAAAA==\n",
       "malformed note: signature line 1 is too short for a 4-byte key hash "
       "and a signature"},
      {"text\n\n\xe2\x80\x94 a.example AAAA\n",
       "malformed note: signature line 1 is too short for a 4-byte key hash "
       "and a signature"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Open(c.note, {a.verifier()}), StatusIs(kInvalid, c.message))
        << absl::CEscape(c.note);
  }
}

TEST(Note, AtMostMaxSignatures) {
  Signer a = NewSigner("a.example");
  const std::string text = "text\n";
  std::string note = absl::StrCat(text, "\n", SigLine(a, text));
  for (size_t i = 1; i < kMaxSignatures; ++i) {
    absl::StrAppend(&note, SigLine(absl::StrCat("k", i), 0, "sig"));
  }
  auto opened = Open(note, {a.verifier()});
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(opened->unverified.size(), kMaxSignatures - 1);
  absl::StrAppend(&note, SigLine("one.too.many", 0, "sig"));
  EXPECT_THAT(Open(note, {a.verifier()}),
              StatusIs(kInvalid, "malformed note: more than 100 signatures"));
  // Repeated lines count too: dropping them costs parsing all the same.
  std::string repeated = absl::StrCat(text, "\n");
  for (size_t i = 0; i <= kMaxSignatures; ++i)
    absl::StrAppend(&repeated, SigLine(a, text));
  EXPECT_THAT(Open(repeated, {a.verifier()}),
              StatusIs(kInvalid, "malformed note: more than 100 signatures"));
}

TEST(Note, AtMostMaxNoteSize) {
  Signer a = NewSigner("a.example");
  const size_t overhead = 2 + SigLine(a, "x\n").size();
  const std::string fits(kMaxNoteSize - overhead, 'x');
  auto note = Sign(fits + "\n", {a});
  ASSERT_THAT(note, IsOk());
  EXPECT_EQ(note->size(), kMaxNoteSize);
  EXPECT_THAT(Open(*note, {a.verifier()}), IsOk());
  EXPECT_THAT(Sign(fits + "x\n", {a}),
              StatusIs(kInvalid, "note is larger than 1048576 bytes"));
  EXPECT_THAT(Open("x" + *note, {a.verifier()}),
              StatusIs(kInvalid, "note is larger than 1048576 bytes"));
}

TEST(Note, SignRejectsTextOpenWouldReject) {
  Signer a = NewSigner("a.example");
  EXPECT_THAT(Sign("no newline", {a}),
              StatusIs(kInvalid, "malformed note: text must end in a newline"));
  EXPECT_THAT(Sign("", {a}),
              StatusIs(kInvalid, "malformed note: text must end in a newline"));
  EXPECT_THAT(
      Sign("a\tb\n", {a}),
      StatusIs(kInvalid, "malformed note: control character 0x09 at byte 1"));
  EXPECT_THAT(Sign("ab\xc3\n", {a}),
              StatusIs(kInvalid, "malformed note: invalid UTF-8 at byte 2"));
  EXPECT_THAT(Sign("text\n", {}),
              StatusIs(kInvalid, "a note needs at least one signer"));
  std::vector<Signer> many(kMaxSignatures + 1, a);
  EXPECT_THAT(Sign("text\n", many),
              StatusIs(kInvalid, "malformed note: more than 100 signatures"));
}

TEST(NoteKeys, KeyNames) {
  for (const char* name : {"a", "example.com/log", "example.com/log\xc3\xa9",
                           "a-b_c:d@e", "\xe2\x80\x94"}) {
    EXPECT_TRUE(IsValidKeyName(name)) << absl::CEscape(name);
  }
  // Go only forbids spaces and '+'; Open rejects the control character.
  EXPECT_TRUE(
      IsValidKeyName("a\x01"
                     "b"));
  for (const char* name : {"", "a+b", "+", "a b", "a\tb", "a\nb", "a\rb",
                           "a\xc2\x85"
                           "b",
                           "a\xc2\xa0"
                           "b",
                           "a\xe1\x9a\x80"
                           "b",
                           "a\xe2\x80\x8a"
                           "b",
                           "a\xe2\x80\xa8"
                           "b",
                           "a\xe2\x80\xaf"
                           "b",
                           "a\xe3\x80\x80"
                           "b",
                           "\xff", "a\xc0\xaf", "\xed\xa0\x80", "\xe2\x80"}) {
    EXPECT_FALSE(IsValidKeyName(name)) << absl::CEscape(name);
  }
  // A zero-width space is not White_Space, so Go accepts it.
  EXPECT_TRUE(
      IsValidKeyName("a\xe2\x80\x8b"
                     "b"));
  for (const char* name : {"", "bad name", "a+b", "\xff"}) {
    EXPECT_THAT(
        Signer::Generate(name),
        StatusIs(kInvalid, absl::StrCat("invalid key name \"", name,
                                        "\": it must be non-empty UTF-8, "
                                        "without spaces or '+'")));
  }
  Signer a = NewSigner("a.example");
  EXPECT_THAT(Verifier::FromPublicKey("a b", a.verifier().public_key()),
              StatusIs(kInvalid,
                       "invalid key name \"a b\": it must be non-empty "
                       "UTF-8, without spaces or '+'"));
  auto ecdsa = PrivateKey::Generate(KeyType::kEcdsaP256);
  ASSERT_THAT(ecdsa, IsOk());
  EXPECT_THAT(Verifier::FromPublicKey("a.example", ecdsa->public_key()),
              StatusIs(kInvalid, "note keys must be Ed25519"));
}

TEST(NoteKeys, VerifierKeyErrors) {
  const std::string vkey = TestKey("test-log.vkey");
  const std::string b64 = vkey.substr(vkey.find('+', vkey.find('+') + 1) + 1);
  const std::string key32(32, '\x07');
  const std::string alg2 = "\x02" + key32;
  const std::string short_key = "\x01" + key32.substr(1);
  struct Case {
    std::string key;
    std::string message;
  } cases[] = {
      {"", "malformed verifier key: want <name>+<hash>+<key>"},
      {"name", "malformed verifier key: want <name>+<hash>+<key>"},
      {"name+efc14479", "malformed verifier key: want <name>+<hash>+<key>"},
      {"+efc14479+" + b64, "malformed verifier key: invalid key name"},
      {"na me+efc14479+" + b64, "malformed verifier key: invalid key name"},
      {"na\xc2\xa0me+efc14479+" + b64,
       "malformed verifier key: invalid key name"},
      {"na\xffme+efc14479+" + b64, "malformed verifier key: invalid key name"},
      {"a+b+efc14479+" + b64,
       "malformed verifier key: key hash must be 8 hex digits"},
      {"name+efc1447+" + b64,
       "malformed verifier key: key hash must be 8 hex digits"},
      {"name+efc144790+" + b64,
       "malformed verifier key: key hash must be 8 hex digits"},
      {"name+efc1447g+" + b64,
       "malformed verifier key: key hash must be 8 hex digits"},
      {"name+0xc14479+" + b64,
       "malformed verifier key: key hash must be 8 hex digits"},
      {"name+-fc14479+" + b64,
       "malformed verifier key: key hash must be 8 hex digits"},
      {"name+ efc1447+" + b64,
       "malformed verifier key: key hash must be 8 hex digits"},
      {"name+efc14479+!!!!", "malformed verifier key: key is not base64"},
      {"name+efc14479+AQ", "malformed verifier key: key is not base64"},
      {vkey + " ", "malformed verifier key: key is not base64"},
      {"name+efc14479+", "malformed verifier key: empty key"},
      // As in Go, the hash is checked first, over the key of any algorithm.
      {"example.com/candor-test-log+efc14478+" + b64,
       "invalid verifier key: the key hash does not match the key"},
      {"example.com/candor-test-lof+efc14479+" + b64,
       "invalid verifier key: the key hash does not match the key"},
      {"name+00000000+" + Base64Encode(alg2),
       "invalid verifier key: the key hash does not match the key"},
      {absl::StrCat("name+", Hex32(GoKeyHash("name", alg2)), "+",
                    Base64Encode(alg2)),
       "unknown verifier key algorithm 2; only Ed25519 (1) is supported"},
      {absl::StrCat("name+", Hex32(GoKeyHash("name", "\xff")), "+",
                    Base64Encode("\xff")),
       "unknown verifier key algorithm 255; only Ed25519 (1) is supported"},
      {absl::StrCat("name+", Hex32(GoKeyHash("name", short_key)), "+",
                    Base64Encode(short_key)),
       "malformed verifier key: Ed25519 key must be 32 bytes"},
      {absl::StrCat("name+", Hex32(GoKeyHash("name", "\x01" + key32 + "x")),
                    "+", Base64Encode("\x01" + key32 + "x")),
       "malformed verifier key: Ed25519 key must be 32 bytes"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Verifier::FromKey(c.key), StatusIs(kInvalid, c.message))
        << absl::CEscape(c.key);
  }
  // The right hash over a well-formed key is all Go asks.
  EXPECT_THAT(Verifier::FromKey(absl::StrCat(
                  "name+", Hex32(GoKeyHash("name", "\x01" + key32)), "+",
                  Base64Encode("\x01" + key32))),
              IsOk());
}

TEST(NoteKeys, SignerKeyErrorsNeverShowTheSeed) {
  const std::string skey = TestKey("test-log.skey");
  const std::string seed_b64 = skey.substr(skey.rfind('+') + 1);
  const std::string seed32(32, '\x05');
  const std::string alg2 = Base64Encode("\x02" + seed32);
  const std::string short_seed = Base64Encode("\x01" + seed32.substr(1));
  struct Case {
    std::string key;
    std::string message;
  } cases[] = {
      {"example.com/candor-test-log+efc14479+" + seed_b64,
       "malformed signer key: must start with PRIVATE+KEY+"},
      {"PRIVATE+example.com/candor-test-log+efc14479+" + seed_b64,
       "malformed signer key: must start with PRIVATE+KEY+"},
      {"private+key+example.com/candor-test-log+efc14479+" + seed_b64,
       "malformed signer key: must start with PRIVATE+KEY+"},
      {"PRIVATE+KEY+", "malformed signer key: want <name>+<hash>+<key>"},
      {"PRIVATE+KEY+name+efc14479",
       "malformed signer key: want <name>+<hash>+<key>"},
      {"PRIVATE+KEY+na me+efc14479+" + seed_b64,
       "malformed signer key: invalid key name"},
      {"PRIVATE+KEY+name+efc1447x+" + seed_b64,
       "malformed signer key: key hash must be 8 hex digits"},
      {"PRIVATE+KEY+name+efc14479+" + seed_b64 + "!",
       "malformed signer key: key is not base64"},
      {"PRIVATE+KEY+name+efc14479+", "malformed signer key: empty key"},
      // Go checks the algorithm and size before the hash here: the hash names
      // the public key, which must be derived first.
      {"PRIVATE+KEY+name+00000000+" + alg2,
       "unknown signer key algorithm 2; only Ed25519 (1) is supported"},
      {"PRIVATE+KEY+name+00000000+" + short_seed,
       "malformed signer key: Ed25519 key must be 32 bytes"},
      {"PRIVATE+KEY+example.com/candor-test-log+efc14478+" + seed_b64,
       "invalid signer key: the key hash does not match the key"},
      {"PRIVATE+KEY+example.com/candor-test-lof+efc14479+" + seed_b64,
       "invalid signer key: the key hash does not match the key"},
  };
  for (const Case& c : cases) {
    auto signer = Signer::FromKey(c.key);
    EXPECT_THAT(signer, StatusIs(kInvalid, c.message)) << c.key;
    EXPECT_THAT(std::string(signer.status().message()),
                Not(HasSubstr(seed_b64)));
  }
}

}  // namespace
}  // namespace candor::note
