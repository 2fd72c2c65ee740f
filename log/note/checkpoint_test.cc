#include "log/note/checkpoint.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
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
using ::testing::IsEmpty;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

std::string TestData(const std::string& name) {
  auto text = ReadFileToString(SharedTestDataPath("note/" + name));
  EXPECT_THAT(text, IsOk());
  return text.ok() ? *text : "";
}

Verifier TestLogKey() {
  auto key =
      Verifier::FromKey(absl::StripAsciiWhitespace(TestData("test-log.vkey")));
  EXPECT_THAT(key, IsOk());
  return *key;
}

Signer NewSigner(absl::string_view name) {
  auto s = Signer::Generate(name);
  EXPECT_THAT(s, IsOk());
  return *s;
}

const std::string& EmptyRootBase64() {
  static const std::string* root =
      new std::string(Base64Encode(merkle::AsBytes(merkle::EmptyRoot())));
  return *root;
}

TEST(Checkpoint, OpensTestVectors) {
  Verifier key = TestLogKey();
  const std::string plain_note = TestData("checkpoint.signed");
  auto plain = OpenCheckpoint(plain_note, key);
  ASSERT_THAT(plain, IsOk());
  EXPECT_EQ(plain->checkpoint.origin, "example.com/candor-test-log");
  EXPECT_EQ(plain->checkpoint.size, 8u);
  EXPECT_EQ(Base64Encode(merkle::AsBytes(plain->checkpoint.root)),
            "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=");
  EXPECT_THAT(plain->checkpoint.extensions, IsEmpty());
  EXPECT_EQ(plain->note, plain_note);
  EXPECT_EQ(FormatCheckpoint(plain->checkpoint), plain->opened.text);

  auto ext = OpenCheckpoint(TestData("checkpoint-ext.signed"), key);
  ASSERT_THAT(ext, IsOk());
  EXPECT_EQ(ext->checkpoint.size, 8u);
  EXPECT_THAT(ext->checkpoint.extensions, ElementsAre("extension line: v1"));
  EXPECT_EQ(FormatCheckpoint(ext->checkpoint), ext->opened.text);

  EXPECT_THAT(OpenCheckpoint(TestData("checkpoint.tampered"), key),
              StatusIs(kInvalid,
                       "invalid signature for key "
                       "example.com/candor-test-log+efc14479"));
}

TEST(Checkpoint, FormatParseRoundTrip) {
  const Checkpoint cases[] = {
      {"example.com/log", 1234, merkle::HashLeaf("x"), {"a", "b c"}},
      {"example.com/log", 0, merkle::EmptyRoot(), {}},
      {"o", UINT64_MAX, merkle::HashLeaf("y"), {}},
      {"example.com/\xc3\xa9", 9, merkle::HashLeaf("z"), {"\xe2\x80\x94 x"}},
  };
  for (const Checkpoint& cp : cases) {
    const std::string text = FormatCheckpoint(cp);
    auto parsed = ParseCheckpoint(text);
    ASSERT_THAT(parsed, IsOk()) << text;
    EXPECT_EQ(*parsed, cp);
    EXPECT_EQ(FormatCheckpoint(*parsed), text);
  }
  EXPECT_EQ(FormatCheckpoint(cases[0]),
            absl::StrCat("example.com/log\n1234\n",
                         Base64Encode(merkle::AsBytes(merkle::HashLeaf("x"))),
                         "\na\nb c\n"));
  EXPECT_EQ(FormatCheckpoint(cases[2]).substr(2, 21), "18446744073709551615\n");
}

TEST(Checkpoint, ParseErrors) {
  const std::string& root = EmptyRootBase64();
  // The same 32 bytes with the unused low bits of the last digit set.
  std::string loose_root = root;
  ASSERT_EQ(loose_root.substr(42), "U=");
  loose_root[42] = 'V';
  struct Case {
    std::string text;
    std::string message;
  } cases[] = {
      {"", "malformed checkpoint: text must end in a newline"},
      {"o\n1\n" + root, "malformed checkpoint: text must end in a newline"},
      {"o\n1\n" + root + "\next",
       "malformed checkpoint: text must end in a newline"},
      {"\n", "malformed checkpoint: need origin, size and root lines"},
      {"o\n", "malformed checkpoint: need origin, size and root lines"},
      {"o\n1\n", "malformed checkpoint: need origin, size and root lines"},
      {"\n1\n" + root + "\n", "malformed checkpoint: empty origin line"},
      {"o\n\n" + root + "\n",
       "malformed checkpoint: size line must be decimal digits without sign or "
       "leading zeros"},
      {"o\n01\n" + root + "\n",
       "malformed checkpoint: size line must be decimal digits without sign or "
       "leading zeros"},
      {"o\n00\n" + root + "\n",
       "malformed checkpoint: size line must be decimal digits without sign or "
       "leading zeros"},
      {"o\n-1\n" + root + "\n",
       "malformed checkpoint: size line must be decimal digits without sign or "
       "leading zeros"},
      {"o\n+1\n" + root + "\n",
       "malformed checkpoint: size line must be decimal digits without sign or "
       "leading zeros"},
      {"o\n 1\n" + root + "\n",
       "malformed checkpoint: size line must be decimal digits without sign or "
       "leading zeros"},
      {"o\n1 \n" + root + "\n",
       "malformed checkpoint: size line must be decimal digits without sign or "
       "leading zeros"},
      {"o\n0x10\n" + root + "\n",
       "malformed checkpoint: size line must be decimal digits without sign or "
       "leading zeros"},
      {"o\n1e3\n" + root + "\n",
       "malformed checkpoint: size line must be decimal digits without sign or "
       "leading zeros"},
      {"o\n18446744073709551616\n" + root + "\n",
       "malformed checkpoint: size line does not fit in 64 bits"},
      {"o\n99999999999999999999999\n" + root + "\n",
       "malformed checkpoint: size line does not fit in 64 bits"},
      {"o\n1\n\n",
       "malformed checkpoint: root line must be the canonical base64 of 32 "
       "bytes"},
      {"o\n1\nAAAA\n",
       "malformed checkpoint: root line must be the canonical base64 of 32 "
       "bytes"},
      {"o\n1\n" + root.substr(0, 43) + "\n",
       "malformed checkpoint: root line must be the canonical base64 of 32 "
       "bytes"},
      {"o\n1\n" + root + "AAAA\n",
       "malformed checkpoint: root line must be the canonical base64 of 32 "
       "bytes"},
      {"o\n1\n" + root + " \n",
       "malformed checkpoint: root line must be the canonical base64 of 32 "
       "bytes"},
      {"o\n1\n" + loose_root + "\n",
       "malformed checkpoint: root line must be the canonical base64 of 32 "
       "bytes"},
      {"o\n1\n" + Base64UrlEncode(std::string(32, '\xff')) + "=\n",
       "malformed checkpoint: root line must be the canonical base64 of 32 "
       "bytes"},
      {"o\n1\n" + root + "\n\n",
       "malformed checkpoint: line 4 (an extension line) is empty"},
      {"o\n1\n" + root + "\na\n\nb\n",
       "malformed checkpoint: line 5 (an extension line) is empty"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseCheckpoint(c.text), StatusIs(kInvalid, c.message))
        << absl::CEscape(c.text);
  }
  EXPECT_THAT(ParseCheckpoint("o\n0\n" + root + "\n"), IsOk());
}

TEST(Checkpoint, OpenKeepsCosignaturesAsUnverified) {
  Signer log = NewSigner("example.com/log");
  Signer witness = NewSigner("witness.example");
  const Checkpoint cp{"example.com/log", 5, merkle::HashLeaf("w"), {"ext"}};
  auto note = Sign(FormatCheckpoint(cp), {log, witness});
  ASSERT_THAT(note, IsOk());
  auto opened = OpenCheckpoint(*note, log.verifier());
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(opened->checkpoint, cp);
  EXPECT_EQ(opened->note, *note);
  EXPECT_THAT(opened->opened.verified,
              ElementsAre(Field(&Signature::name, "example.com/log")));
  EXPECT_THAT(opened->opened.unverified,
              ElementsAre(Field(&Signature::name, "witness.example")));
  // The witness alone cannot stand in for the log.
  auto by_witness = Sign(FormatCheckpoint(cp), {witness});
  ASSERT_THAT(by_witness, IsOk());
  EXPECT_THAT(
      OpenCheckpoint(*by_witness, log.verifier()),
      StatusIs(kInvalid, "note has no verifiable signature by a known key"));
}

TEST(Checkpoint, OpenChecksTheBodyAndOrigin) {
  Signer signer = NewSigner("example.com/log");
  const Checkpoint other{"example.com/other", 0, merkle::EmptyRoot(), {}};
  auto note = Sign(FormatCheckpoint(other), {signer});
  ASSERT_THAT(note, IsOk());
  EXPECT_THAT(OpenCheckpoint(*note, signer.verifier()),
              StatusIs(kInvalid,
                       "checkpoint origin \"example.com/other\" is not the log "
                       "key's name \"example.com/log\""));
  auto not_a_checkpoint =
      Sign("example.com/log\n01\n" + EmptyRootBase64() + "\n", {signer});
  ASSERT_THAT(not_a_checkpoint, IsOk());
  EXPECT_THAT(OpenCheckpoint(*not_a_checkpoint, signer.verifier()),
              StatusIs(kInvalid,
                       "malformed checkpoint: size line must be decimal digits "
                       "without sign or leading zeros"));
}

}  // namespace
}  // namespace candor::note
