#include "log/note/note.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "log/encoding/encoding.h"
#include "tests/support/status_matchers.h"
#include "tests/support/testdata.h"

namespace candor::note {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::ReadFileToString;
using ::candor::testing::SharedTestDataPath;
using ::candor::testing::StatusCodeIs;
using ::candor::testing::StatusIs;

std::string TestData(const std::string& name) {
  auto text = ReadFileToString(SharedTestDataPath("note/" + name));
  EXPECT_THAT(text, IsOk());
  return text.ok() ? *text : "";
}

Verifier TestLogKey() {
  auto v = Verifier::FromKey(absl::StripAsciiWhitespace(TestData("test-log.vkey")));
  EXPECT_THAT(v, IsOk());
  return *v;
}

TEST(Note, OpensGoSignedNotesAndRejectsTampered) {
  Verifier key = TestLogKey();
  EXPECT_EQ(key.name(), "example.com/candor-test-log");
  EXPECT_EQ(key.key_hash(), 0xefc14479u);
  for (const char* name : {"checkpoint.signed", "checkpoint-ext.signed"}) {
    auto note = Open(TestData(name), {key});
    ASSERT_THAT(note, IsOk()) << name;
    ASSERT_EQ(note->verified.size(), 1u);
    EXPECT_EQ(note->verified[0].name, "example.com/candor-test-log");
    EXPECT_TRUE(note->unverified.empty());
  }
  EXPECT_THAT(Open(TestData("checkpoint.tampered"), {key}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "invalid signature for key "
                       "example.com/candor-test-log+efc14479"));
}

// Ed25519 is deterministic: our signature of the same text with the Go
// generated key is byte-identical to Go's.
TEST(Note, SignsExactlyAsGoDoes) {
  auto signer = Signer::FromKey(absl::StripAsciiWhitespace(TestData("test-log.skey")));
  ASSERT_THAT(signer, IsOk());
  EXPECT_EQ(signer->verifier().EncodedKey(),
            absl::StripAsciiWhitespace(TestData("test-log.vkey")));
  EXPECT_EQ(signer->EncodedKey(), absl::StripAsciiWhitespace(TestData("test-log.skey")));
  for (const char* name : {"checkpoint.signed", "checkpoint-ext.signed"}) {
    std::string go = TestData(name);
    auto opened = Open(go, {signer->verifier()});
    ASSERT_THAT(opened, IsOk());
    auto ours = Sign(opened->text, {*signer});
    ASSERT_THAT(ours, IsOk());
    EXPECT_EQ(*ours, go) << name;
  }
}

TEST(Note, SeveralSignaturesUnknownKeysKept) {
  auto a = Signer::Generate("a.example");
  auto b = Signer::Generate("b.example");
  auto note = Sign("hello\nworld\n", {*a, *b});
  ASSERT_THAT(note, IsOk());
  auto opened = Open(*note, {a->verifier()});
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(opened->text, "hello\nworld\n");
  ASSERT_EQ(opened->verified.size(), 1u);
  ASSERT_EQ(opened->unverified.size(), 1u);
  EXPECT_EQ(opened->unverified[0].name, "b.example");
  EXPECT_EQ(opened->unverified[0].key_hash, b->key_hash());
  auto both = Open(*note, {a->verifier(), b->verifier()});
  ASSERT_THAT(both, IsOk());
  EXPECT_EQ(both->verified.size(), 2u);

  auto c = Signer::Generate("c.example");
  EXPECT_THAT(Open(*note, {c->verifier()}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "note has no verifiable signature by a known key"));
  EXPECT_THAT(Open(*note, {a->verifier(), a->verifier()}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("ambiguous verifier keys for a.example+",
                                    absl::StrFormat("%08x", a->key_hash()))));
}

TEST(Note, HostileInput) {
  auto a = Signer::Generate("a.example");
  std::string good = *Sign("text\n", {*a});
  const std::string sig_line = good.substr(good.find("\xe2\x80\x94"));
  struct Case {
    std::string note;
    std::string message;
  } cases[] = {
      {"text\xff\n\n" + sig_line, "malformed note: not valid UTF-8"},
      {"te\x01xt\n\n" + sig_line, "malformed note: control character at byte 2"},
      {"text\n" + sig_line, "malformed note: no blank line before the signatures"},
      {"text\n\n", "malformed note: the signature block must end in a newline"},
      {good.substr(0, good.size() - 1),
       "malformed note: the signature block must end in a newline"},
      {"text\n\n- a.example AAAAAAA=\n",
       "malformed note: signature line 1 does not start with \"\xe2\x80\x94 \""},
      {"text\n\n\xe2\x80\x94 a.example !!!!\n",
       "malformed note: signature line 1 is not \"\xe2\x80\x94 <name> <base64>\""},
      {"text\n\n\xe2\x80\x94 a.example AAAA\n",
       "malformed note: signature line 1 is not \"\xe2\x80\x94 <name> <base64>\""},
      {"text\n\n\xe2\x80\x94 a+b AAAAAAA=\n",
       "malformed note: signature line 1 is not \"\xe2\x80\x94 <name> <base64>\""},
      {"text\n\n\xe2\x80\x94 a.example\n",
       "malformed note: signature line 1 is not \"\xe2\x80\x94 <name> <base64>\""},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Open(c.note, {a->verifier()}),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message))
        << c.note;
  }
  std::string many = "text\n\n";
  for (int i = 0; i < 101; ++i) {
    absl::StrAppend(&many, "\xe2\x80\x94 k", i, " AAAAAAA=\n");
  }
  EXPECT_THAT(Open(many, {a->verifier()}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "malformed note: more than 100 signatures"));
  std::string huge(kMaxNoteSize, 'x');
  EXPECT_THAT(Open(huge + "\n\n" + sig_line, {a->verifier()}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "note is larger than 1048576 bytes"));
  EXPECT_THAT(Sign("no newline", {*a}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "malformed note: text must end in a newline"));
  EXPECT_THAT(Sign("a\n\nb\n", {*a}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "malformed note: text must not contain a blank line"));
}

TEST(NoteKeys, ParseErrors) {
  Verifier key = TestLogKey();
  const std::string vkey = key.EncodedKey();
  struct Case {
    std::string key;
    std::string message;
  } cases[] = {
      {"name+efc14479", "malformed verifier key: want <name>+<hash>+<key>"},
      {"+efc14479+AAAA", "malformed verifier key: invalid key name"},
      {"na me+efc14479+AAAA", "malformed verifier key: invalid key name"},
      {"name+efc1447+AAAA", "malformed verifier key: key hash must be 8 hex digits"},
      {"name+efc1447g+AAAA", "malformed verifier key: key hash must be 8 hex digits"},
      {"name+efc14479+!!!!", "malformed verifier key: key is not base64"},
      {"name+efc14479+AgAA", "unknown verifier key algorithm 2; only Ed25519 (1) is supported"},
      {"name+efc14479+AQAA", "malformed verifier key: Ed25519 key must be 32 bytes"},
      {"example.com/candor-test-log+efc14478+" +
           vkey.substr(vkey.find('+', vkey.find('+') + 1) + 1),
       "invalid verifier key: the key hash does not match the key"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Verifier::FromKey(c.key),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message))
        << c.key;
  }
  EXPECT_THAT(Signer::FromKey("name+efc14479+AAAA"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "malformed signer key: must start with PRIVATE+KEY+"));
  auto s = Signer::Generate("x");
  std::string skey = s->EncodedKey();
  // Change the last hex digit of the key hash (the base64 may hold '+' too).
  skey[skey.find('+', skey.find('+', 12) + 1) - 1] ^= 1;
  EXPECT_THAT(Signer::FromKey(skey), StatusCodeIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Signer::Generate("bad name"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "invalid key name \"bad name\": it must be non-empty, "
                       "without spaces or '+'"));
  EXPECT_FALSE(IsValidKeyName("a\xc2\xa0" "b"));  // no-break space
  EXPECT_FALSE(IsValidKeyName("a\xe3\x80\x80" "b"));  // ideographic space
  EXPECT_FALSE(IsValidKeyName("\xff"));
  EXPECT_TRUE(IsValidKeyName("example.com/log\xc3\xa9"));
}

}  // namespace
}  // namespace candor::note
