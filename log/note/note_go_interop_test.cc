// Cross-checks log/note with Go's golang.org/x/mod/sumdb/note (Debian's
// golang-golang-x-mod-dev, built offline by tests/go/notecheck): notes and
// keys made by either side work on the other, and on hostile notes both
// accept and reject exactly the same ones, except where Candor is stricter
// on purpose (see GoAcceptsWhatWeRejectOnPurpose).

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/crypto/keys.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "log/merkle/hash.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"
#include "tests/support/go_tool.h"
#include "tests/support/status_matchers.h"
#include "tests/support/testdata.h"

namespace candor::note {
namespace {

using ::candor::testing::CommandResult;
using ::candor::testing::IsOk;
using ::candor::testing::ReadFileToString;
using ::candor::testing::RunCommand;
using ::candor::testing::SharedTestDataPath;
using ::candor::testing::StatusIs;
using ::testing::StartsWith;

constexpr absl::string_view kDash = "\xe2\x80\x94 ";

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
          static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string SigLine(absl::string_view name, uint32_t hash,
                    absl::string_view sig) {
  return absl::StrCat(kDash, name, " ",
                      Base64Encode(Be32(hash) + std::string(sig)), "\n");
}

std::string SigLine(const Signer& s, absl::string_view text) {
  return SigLine(s.name(), s.key_hash(), *s.Sign(text));
}

std::string KeyId(absl::string_view name, uint32_t hash) {
  return absl::StrFormat("%s+%08x", name, hash);
}

std::string KeyId(const Signer& s) { return KeyId(s.name(), s.key_hash()); }

// Adds L, the order of the Ed25519 group, to the scalar s of `sig`: the
// result still satisfies the verification equation, and RFC 8032 (and Go)
// reject it only because s >= L.
std::string AddGroupOrder(std::string sig) {
  static constexpr uint8_t kOrder[32] = {
      0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
      0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};
  unsigned carry = 0;
  for (int i = 0; i < 32; ++i) {  // s is little-endian, after R
    const unsigned sum = static_cast<uint8_t>(sig[32 + i]) + kOrder[i] + carry;
    sig[32 + i] = static_cast<char>(sum & 0xFF);
    carry = sum >> 8;
  }
  return sig;
}

// What notecheck prints on stderr for an opened note: Go's verified
// signatures, then its unverified ones.
std::string SignatureReport(const Note& note) {
  std::string out;
  for (const Signature& s : note.verified) {
    absl::StrAppend(&out, "verified ", KeyId(s.name, s.key_hash), "\n");
  }
  for (const Signature& s : note.unverified) {
    absl::StrAppend(&out, "unverified ", KeyId(s.name, s.key_hash), "\n");
  }
  return out;
}

class GoNoteTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto built = candor::testing::BuildGoProgram("tests/go/notecheck/main.go");
    notecheck_ = new absl::StatusOr<std::string>(std::move(built));
  }

  void SetUp() override { ASSERT_THAT(*notecheck_, IsOk()); }

  // Writes `content` to a fresh file and returns its path.
  std::string WriteFile(absl::string_view content) {
    const std::string path =
        absl::StrCat(::testing::TempDir(), "/go-note-", file_count_++);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), **notecheck_);
    auto result = RunCommand(args);
    EXPECT_THAT(result, IsOk());
    return result.ok() ? *result : CommandResult{};
  }

  CommandResult GoVerify(const std::vector<std::string>& vkeys,
                         absl::string_view note) {
    std::vector<std::string> args = {"verify"};
    for (const std::string& k : vkeys) args.push_back(WriteFile(k + "\n"));
    args.push_back(WriteFile(note));
    return Run(args);
  }

  CommandResult GoSign(const std::vector<std::string>& skeys,
                       absl::string_view text) {
    std::vector<std::string> args = {"sign"};
    for (const std::string& k : skeys) args.push_back(WriteFile(k + "\n"));
    args.push_back(WriteFile(text));
    return Run(args);
  }

  CommandResult GoKey(const std::string& key) { return Run({"key", key}); }

  static Signer NewSigner(absl::string_view name) {
    auto s = Signer::Generate(name);
    EXPECT_THAT(s, IsOk());
    return *s;
  }

  static absl::StatusOr<std::string>* notecheck_;
  int file_count_ = 0;
};

absl::StatusOr<std::string>* GoNoteTest::notecheck_ = nullptr;

// Witness cosignatures (tlog-cosignature v1, key type 0x04) are signature
// lines Go's note package does not know: it must still open a cosigned
// checkpoint with the log's key and list the cosignatures as unverified.
TEST_F(GoNoteTest, GoOpensCosignedCheckpoints) {
  const Signer log = NewSigner("example.com/log");
  auto w1 = Signer::GenerateCosigner("witness.example/w1");
  auto w2 = Signer::GenerateCosigner("witness.example/w2");
  ASSERT_THAT(w1, IsOk());
  ASSERT_THAT(w2, IsOk());
  const std::string text =
      FormatCheckpoint({"example.com/log", 42, merkle::HashLeaf("x"), {}});
  auto signed_note = Sign(text, {log});
  ASSERT_THAT(signed_note, IsOk());
  auto c1 = Cosign(text, *w1, 1700000000);
  auto c2 = Cosign(text, *w2, 1700000001);
  ASSERT_THAT(c1, IsOk());
  ASSERT_THAT(c2, IsOk());
  auto cosigned = AddSignatureLines(*signed_note, *c1 + *c2);
  ASSERT_THAT(cosigned, IsOk());
  CommandResult go = GoVerify({log.verifier().EncodedKey()}, *cosigned);
  ASSERT_EQ(go.exit_code, 0) << go.err;
  EXPECT_EQ(go.out, text);
  EXPECT_EQ(go.err, absl::StrCat("verified ", KeyId(log), "\nunverified ", KeyId(*w1),
                                 "\nunverified ", KeyId(*w2), "\n"));
  // And ours verifies the cosignatures Go let through.
  auto opened = Open(*cosigned, {log.verifier(), w1->verifier(), w2->verifier()});
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(opened->verified.size(), 3u);
}

TEST_F(GoNoteTest, GoOpensNotesWeSign) {
  const Signer log = NewSigner("example.com/log");
  const Signer w1 = NewSigner("witness.example/w1");
  const Signer w2 = NewSigner("w\xc3\xaftness.example/\xc3\xbc");
  const Signer stranger = NewSigner("example.com/log");
  const std::vector<Signer> all = {log, w1, w2};
  const std::string texts[] = {
      FormatCheckpoint({"example.com/log",
                        42,
                        merkle::HashLeaf("x"),
                        {"extension: yes", "\xe2\x80\x94 not a signature"}}),
      "free text\n\nwith a blank line\n\n",
  };
  for (const std::string& text : texts) {
    SCOPED_TRACE(absl::CEscape(text));
    auto note = Sign(text, all);
    ASSERT_THAT(note, IsOk());
    for (const Signer& known : all) {
      CommandResult go = GoVerify({known.verifier().EncodedKey()}, *note);
      ASSERT_EQ(go.exit_code, 0) << go.err;
      EXPECT_EQ(go.out, text);
      std::string report = absl::StrCat("verified ", KeyId(known), "\n");
      for (const Signer& other : all) {
        if (KeyId(other) != KeyId(known)) {
          absl::StrAppend(&report, "unverified ", KeyId(other), "\n");
        }
      }
      EXPECT_EQ(go.err, report);
    }
    CommandResult go_all =
        GoVerify({w2.verifier().EncodedKey(), log.verifier().EncodedKey(),
                  w1.verifier().EncodedKey()},
                 *note);
    ASSERT_EQ(go_all.exit_code, 0) << go_all.err;
    EXPECT_EQ(go_all.err,
              absl::StrCat("verified ", KeyId(log), "\nverified ", KeyId(w1),
                           "\nverified ", KeyId(w2), "\n"));
    // A key that shares only the log's name never signed: nothing verifies.
    CommandResult go_stranger =
        GoVerify({stranger.verifier().EncodedKey()}, *note);
    EXPECT_EQ(go_stranger.exit_code, 1);
    EXPECT_EQ(go_stranger.err,
              "notecheck: open: note has no verifiable signatures\n");
  }
  // Tampered, our note fails in Go with the very message we give.
  auto note = Sign(texts[0], all);
  ASSERT_THAT(note, IsOk());
  std::string tampered = *note;
  tampered[texts[0].find("42")] = '3';
  CommandResult go = GoVerify({log.verifier().EncodedKey()}, tampered);
  EXPECT_EQ(go.exit_code, 1);
  EXPECT_EQ(go.err, absl::StrCat("notecheck: open: invalid signature for key ",
                                 KeyId(log), "\n"));
  EXPECT_THAT(Open(tampered, {log.verifier()}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("invalid signature for key ", KeyId(log))));
}

TEST_F(GoNoteTest, WeOpenNotesGoSigns) {
  const Signer log = NewSigner("example.com/log");
  const Signer w1 = NewSigner("witness.example/w1");
  const Signer w2 = NewSigner("w\xc3\xaftness.example/\xc3\xbc");
  const std::string text = FormatCheckpoint(
      {"example.com/log", 7, merkle::HashLeaf("y"), {"ext 1", "ext 2"}});
  CommandResult go =
      GoSign({log.EncodedKey(), w1.EncodedKey(), w2.EncodedKey()}, text);
  ASSERT_EQ(go.exit_code, 0) << go.err;
  // Deterministic Ed25519 and the same line format: byte-identical notes.
  auto ours = Sign(text, {log, w1, w2});
  ASSERT_THAT(ours, IsOk());
  EXPECT_EQ(go.out, *ours);
  auto opened = Open(go.out, {w2.verifier(), log.verifier(), w1.verifier()});
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(opened->text, text);
  EXPECT_EQ(SignatureReport(*opened),
            absl::StrCat("verified ", KeyId(log), "\nverified ", KeyId(w1),
                         "\nverified ", KeyId(w2), "\n"));
  auto checkpoint = OpenCheckpoint(go.out, log.verifier());
  ASSERT_THAT(checkpoint, IsOk());
  EXPECT_EQ(checkpoint->checkpoint.size, 7u);
  EXPECT_EQ(checkpoint->opened.unverified.size(), 2u);

  // Go's own key and vector, signed again by Go, open here unchanged.
  auto skey = ReadFileToString(SharedTestDataPath("note/test-log.skey"));
  auto vkey = ReadFileToString(SharedTestDataPath("note/test-log.vkey"));
  auto vector =
      ReadFileToString(SharedTestDataPath("note/checkpoint-ext.signed"));
  ASSERT_THAT(skey, IsOk());
  ASSERT_THAT(vkey, IsOk());
  ASSERT_THAT(vector, IsOk());
  CommandResult again = GoSign({std::string(absl::StripAsciiWhitespace(*skey))},
                               vector->substr(0, vector->rfind("\n\n") + 1));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, *vector);
  auto test_log = Verifier::FromKey(absl::StripAsciiWhitespace(*vkey));
  ASSERT_THAT(test_log, IsOk());
  EXPECT_THAT(OpenCheckpoint(again.out, *test_log), IsOk());
}

TEST_F(GoNoteTest, GoReadsKeysWeGenerate) {
  for (const char* name :
       {"example.com/log", "w\xc3\xaftness.example/\xc3\xbc", "a", "x:y@z",
        "a\xe2\x80\x8b"
        "b"}) {
    SCOPED_TRACE(absl::CEscape(name));
    const Signer s = NewSigner(name);
    const std::string id = KeyId(s) + "\n";
    CommandResult go_vkey = GoKey(s.verifier().EncodedKey());
    EXPECT_EQ(go_vkey.exit_code, 0) << go_vkey.err;
    EXPECT_EQ(go_vkey.out, id);
    CommandResult go_skey = GoKey(s.EncodedKey());
    EXPECT_EQ(go_skey.exit_code, 0) << go_skey.err;
    EXPECT_EQ(go_skey.out, id);
    // And Go's signature with our secret key verifies with our public key.
    CommandResult go_signed = GoSign({s.EncodedKey()}, "text\n");
    ASSERT_EQ(go_signed.exit_code, 0) << go_signed.err;
    EXPECT_THAT(Open(go_signed.out, {s.verifier()}), IsOk());
  }
}

// Both sides must agree on every key text: accepted by both with the same
// name and hash, or rejected by both.
TEST_F(GoNoteTest, KeyParsingAgreesWithGo) {
  const Signer s = NewSigner("example.com/log");
  const std::string vkey = s.verifier().EncodedKey();
  const std::string skey = s.EncodedKey();
  const size_t vhash = vkey.find('+') + 1;
  const size_t shash = skey.find('+', 12) + 1;
  auto with = [](std::string key, size_t pos, absl::string_view repl,
                 size_t len) {
    return key.replace(pos, len, std::string(repl));
  };
  // Keys Go checks in full: the hash over whatever key bytes there are.
  auto hashed = [](absl::string_view name, const std::string& key) {
    const std::string d = DigestBytes(Sha256(absl::StrCat(name, "\n", key)));
    return absl::StrCat(name, "+", HexEncode(d.substr(0, 4)), "+",
                        Base64Encode(key));
  };
  const std::string key32(32, '\x07');
  const std::string public32 =
      PrivateKey::FromEd25519Seed(key32)->public_key().Ed25519Bytes();
  auto signer_key = [&](absl::string_view name) {
    return absl::StrFormat("PRIVATE+KEY+%s+%08x+%s", name,
                           KeyHash(name, public32),
                           Base64Encode("\x01" + key32));
  };
  // A name whose key hash starts with a zero byte, so that hex parsers
  // laxer than Go's ("0x", spaces) would read the same value.
  std::string zero;
  for (int i = 0; zero.empty() || KeyHash(zero, key32) >> 24 != 0; ++i) {
    zero = absl::StrCat("zero", i);
  }
  const std::string zhex = absl::StrFormat("%08x", KeyHash(zero, key32));
  auto zero_key = [&](absl::string_view hash) {
    return absl::StrCat(zero, "+", hash, "+", Base64Encode("\x01" + key32));
  };
  std::string upper = vkey;
  for (size_t i = vhash; i < vhash + 8; ++i)
    upper[i] = absl::ascii_toupper(upper[i]);
  const std::vector<std::string> keys = {
      vkey,
      skey,
      upper,
      with(vkey, vhash, "0x", 2),
      with(vkey, vhash, " ", 1),
      with(vkey, vhash, "-", 1),
      with(vkey, vhash, "", 1),
      with(vkey, vhash + 7, vkey.substr(vhash + 7, 1) == "0" ? "1" : "0", 1),
      with(vkey, 0, "example.com/lof", 15),
      with(vkey, 0, "example com/log", 15),
      with(vkey, 0,
           "example\xc2\xa0"
           "com/log",
           15),
      with(vkey, 0, "example\xff", 15),
      with(vkey, 0, "", 15),
      vkey + " ",
      vkey + "=",
      vkey.substr(0, vkey.size() - 1),
      vkey.substr(0, vhash + 9),
      vkey.substr(0, vhash + 8),
      with(skey, 0, "private", 7),
      with(skey, 8, "KEX", 3),
      with(skey, shash, "00000000", 8),
      skey.substr(12),
      skey.substr(0, skey.size() - 1),
      "PRIVATE+KEY+" + vkey,
      hashed("name", "\x01" + key32),
      signer_key("name"),
      zero_key(zhex),
      zero_key("0x" + zhex.substr(2)),
      zero_key("0X" + zhex.substr(2)),
      zero_key(" " + zhex.substr(1)),
      zero_key(zhex.substr(1) + " "),
      // Name rules, with hashes that match so only the name can fail.
      hashed("a\xc2\xa0"
             "b",
             "\x01" + key32),
      hashed("a\xe3\x80\x80"
             "b",
             "\x01" + key32),
      hashed("a\xe2\x80\xa8"
             "b",
             "\x01" + key32),
      hashed("a\xc2\x85"
             "b",
             "\x01" + key32),
      hashed("a\tb", "\x01" + key32),
      hashed("a b", "\x01" + key32),
      hashed("a\xe2\x80\x8b"
             "b",
             "\x01" + key32),
      hashed("a\x01"
             "b",
             "\x01" + key32),
      hashed("a\xc0\xaf", "\x01" + key32),
      hashed("a\xed\xa0\x80", "\x01" + key32),
      hashed("\xe2\x80\x94", "\x01" + key32),
      signer_key("a\xc2\xa0"
                 "b"),
      signer_key("a\xe2\x80\x8b"
                 "b"),
      signer_key("a\xff"),
      hashed("name", "\x02" + key32),
      hashed("name", "\x01" + key32.substr(1)),
      hashed("name", "\x01" + key32 + "x"),
      hashed("name", "\x01"),
      hashed("name", ""),
      "PRIVATE+KEY+" + hashed("name", "\x02" + key32),
      "PRIVATE+KEY+" + hashed("name", "\x01" + key32.substr(1)),
  };
  for (const std::string& key : keys) {
    SCOPED_TRACE(absl::CEscape(key));
    CommandResult go = GoKey(key);
    std::string ours;
    if (absl::StartsWith(key, "PRIVATE+")) {
      auto parsed = Signer::FromKey(key);
      if (parsed.ok()) ours = KeyId(*parsed) + "\n";
    } else {
      auto parsed = Verifier::FromKey(key);
      if (parsed.ok()) ours = KeyId(parsed->name(), parsed->key_hash()) + "\n";
    }
    EXPECT_EQ(go.exit_code == 0, !ours.empty()) << go.err;
    if (go.exit_code == 0) {
      EXPECT_EQ(go.out, ours);
    }
  }
}

struct HostileCase {
  std::string label;
  std::string note;
  std::vector<int> known;  // indexes into the test's signers
};

// Every note below is opened by both implementations with the same keys;
// they must agree on the outcome, and on the text and signatures kept.
TEST_F(GoNoteTest, HostileNotesGetTheSameVerdict) {
  const std::vector<Signer> signers = {
      NewSigner("a.example"), NewSigner("b.example"), NewSigner("a.example")};
  const Signer& a = signers[0];
  const Signer& b = signers[1];
  const Signer nobody = NewSigner("nobody.example");
  const std::string text = "origin\n1\nroot\n";
  const std::string sa = SigLine(a, text);
  const std::string sb = SigLine(b, text);
  const std::string good = text + "\n" + sa;
  const std::string malleated = AddGroupOrder(*a.Sign(text));
  auto signed_text = [&](const std::string& t) {
    return t + "\n" + SigLine(a, t);
  };
  std::string hundred = good, hundred_one;
  for (int i = 1; i < 100; ++i)
    absl::StrAppend(&hundred, SigLine(absl::StrCat("k", i), 0, "s"));
  hundred_one = hundred + SigLine("k100", 0, "s");

  const std::vector<HostileCase> cases = {
      {"good", good, {0}},
      {"good, all keys", text + "\n" + sa + sb, {0, 1}},
      {"blank lines in text", signed_text("a\n\n\nb\n"), {0}},
      {"text is one newline", signed_text("\n"), {0}},
      {"DEL and C1 controls are allowed", signed_text("a\x7f\xc2\x85\n"), {0}},
      {"U+FFFD itself is valid", signed_text("\xef\xbf\xbd\n"), {0}},
      {"tampered text", "origin\n2\nroot\n\n" + sa, {0}},
      {"control 0x01", signed_text("a\x01\n"), {0}},
      {"tab", signed_text("a\tb\n"), {0}},
      {"carriage return", signed_text("a\r\n"), {0}},
      {"tab in a signature line",
       absl::StrCat(text, "\n", kDash, "a.example\t",
                    sa.substr(kDash.size() + 10)),
       {0}},
      {"invalid UTF-8", signed_text("a\xff\n"), {0}},
      {"overlong UTF-8", signed_text("a\xc0\xaf\n"), {0}},
      {"surrogate", signed_text("a\xed\xa0\x80\n"), {0}},
      {"past U+10FFFF", signed_text("a\xf4\x90\x80\x80\n"), {0}},
      {"truncated UTF-8", signed_text("a\xe2\x80\n"), {0}},
      {"invalid UTF-8 in a key name",
       absl::StrCat(text, "\n", kDash, "a\xff ", sa.substr(kDash.size() + 10)),
       {0}},
      {"no blank line", text + sa, {0}},
      {"empty", "", {0}},
      {"no signature lines", text + "\n", {0}},
      {"no final newline", good.substr(0, good.size() - 1), {0}},
      {"hyphen", good + "- b AAAAAAA=\n", {0}},
      {"en dash", good + "\xe2\x80\x93 b AAAAAAA=\n", {0}},
      {"no space after dash",
       good + "\xe2\x80\x94"
              "b AAAAAAA=\n",
       {0}},
      {"empty line in signatures", good + "\n" + sb, {0}},
      {"empty line in signatures, known after",
       text + "\n" + sb + "\n" + sa,
       {0}},
      {"'+' in name", good + absl::StrCat(kDash, "b+c AAAAAAA=\n"), {0}},
      {"no-break space in name",
       good + absl::StrCat(kDash,
                           "b\xc2\xa0"
                           "c AAAAAAA=\n"),
       {0}},
      {"empty name", good + absl::StrCat(kDash, " AAAAAAA=\n"), {0}},
      {"no signature", good + absl::StrCat(kDash, "b\n"), {0}},
      {"empty signature", good + absl::StrCat(kDash, "b \n"), {0}},
      {"trailing space", good.substr(0, good.size() - 1) + " \n", {0}},
      {"bad base64", good + absl::StrCat(kDash, "b !!!!!!!=\n"), {0}},
      {"unpadded base64", good + absl::StrCat(kDash, "b AAAAAAA\n"), {0}},
      {"4 bytes", good + absl::StrCat(kDash, "b AAAAAA==\n"), {0}},
      {"3 bytes", good + absl::StrCat(kDash, "b AAAA\n"), {0}},
      {"5 bytes by an unknown key", good + SigLine("b", 0, "s"), {0}},
      {"5 bytes by the known key",
       text + "\n" + SigLine(a.name(), a.key_hash(), "s"),
       {0}},
      {"unknown keys only", text + "\n" + sb, {0}},
      {"no known keys", good, {}},
      {"same name, other key", good, {2}},
      {"same hash, other name",
       text + "\n" + SigLine("z.example", a.key_hash(), *a.Sign(text)),
       {0}},
      {"bad signature before a good one",
       text + "\n" + SigLine(b.name(), b.key_hash(), *a.Sign(text)) + sa,
       {0, 1}},
      {"bad signature by an ignored key",
       text + "\n" + SigLine(b.name(), b.key_hash(), *a.Sign(text)) + sa,
       {0}},
      {"repeated lines", text + "\n" + sa + sb + sa + sb, {0}},
      {"junk after the key's good signature",
       good + SigLine(a.name(), a.key_hash(), std::string(64, 'j')),
       {0}},
      {"junk before the key's good signature",
       text + "\n" + SigLine(a.name(), a.key_hash(), std::string(64, 'j')) + sa,
       {0}},
      {"s + L", text + "\n" + SigLine(a.name(), a.key_hash(), malleated), {0}},
      {"signature of other text", text + "\n" + SigLine(a, "other\n"), {0}},
      {"ambiguous keys, named", good, {0, 1, 0}},
      {"ambiguous keys, not named", text + "\n" + sb, {0, 1, 0}},
      {"100 signatures", hundred, {0}},
      {"101 signatures", hundred_one, {0}},
  };
  for (const HostileCase& c : cases) {
    SCOPED_TRACE(c.label);
    std::vector<Verifier> known;
    std::vector<std::string> vkeys;
    for (int i : c.known) {
      known.push_back(signers[i].verifier());
      vkeys.push_back(signers[i].verifier().EncodedKey());
    }
    // notecheck needs a key; one that never signs stands in for none.
    if (vkeys.empty()) vkeys.push_back(nobody.verifier().EncodedKey());
    absl::StatusOr<Note> ours = Open(c.note, known);
    CommandResult go = GoVerify(vkeys, c.note);
    EXPECT_EQ(go.exit_code == 0, ours.ok())
        << "Go: " << go.err << "ours: " << ours.status();
    if ((go.exit_code == 0) != ours.ok()) continue;
    if (ours.ok()) {
      EXPECT_EQ(go.out, ours->text);
      EXPECT_EQ(go.err, SignatureReport(*ours));
      continue;
    }
    // The error names the same problem, in our words where Go is terse.
    const std::string go_error(absl::StripSuffix(
        absl::StripPrefix(go.err, "notecheck: open: "), "\n"));
    const std::string message(ours.status().message());
    if (go_error == "malformed note") {
      EXPECT_THAT(message, StartsWith("malformed note: "));
    } else if (go_error == "note has no verifiable signatures") {
      EXPECT_EQ(message, "note has no verifiable signature by a known key");
    } else if (absl::StartsWith(go_error, "ambiguous key ")) {
      EXPECT_EQ(message,
                go_error + ": several known verifiers have this name and hash");
    } else {
      EXPECT_EQ(message, go_error);
    }
  }
}

// Candor is stricter than Go in two ways, on purpose: it accepts only the
// canonical base64 of a signature (one signed note, one byte string) and caps
// a note at kMaxNoteSize bytes (Go has no cap).
TEST_F(GoNoteTest, GoAcceptsWhatWeRejectOnPurpose) {
  const Signer a = NewSigner("a.example");
  const Signer b = NewSigner("b.example");
  const std::string text = "text\n";
  // 68 bytes leave 2 unused bits in the last base64 digit; set one.
  auto loosen = [](std::string line) {
    constexpr absl::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char& last = line[line.size() - 3];
    last = kAlphabet[kAlphabet.find(last) + 1];
    return line;
  };
  const std::string loose_a = loosen(SigLine(a, text));
  const std::string loose_b = loosen(SigLine(b, text));
  ASSERT_NE(loose_a, SigLine(a, text));
  for (const std::string& note :
       {text + "\n" + loose_a, text + "\n" + SigLine(a, text) + loose_b}) {
    CommandResult go = GoVerify({a.verifier().EncodedKey()}, note);
    EXPECT_EQ(go.exit_code, 0) << go.err;
    absl::Status ours = Open(note, {a.verifier()}).status();
    EXPECT_EQ(ours.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(ours.message()),
                ::testing::MatchesRegex("malformed note: signature line [12]: "
                                        "signature is not canonical base64"));
  }
  const std::string big_text(kMaxNoteSize, 'x');
  const std::string big =
      absl::StrCat(big_text, "\n\n", SigLine(a, big_text + "\n"));
  CommandResult go = GoVerify({a.verifier().EncodedKey()}, big);
  EXPECT_EQ(go.exit_code, 0) << go.err;
  EXPECT_THAT(Open(big, {a.verifier()}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "note is larger than 1048576 bytes"));
}

}  // namespace
}  // namespace candor::note
