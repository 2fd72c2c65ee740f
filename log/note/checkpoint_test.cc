#include "log/note/checkpoint.h"

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
using ::candor::testing::StatusIs;

TEST(Checkpoint, OpensTestVectors) {
  auto vkey = ReadFileToString(SharedTestDataPath("note/test-log.vkey"));
  ASSERT_THAT(vkey, IsOk());
  auto key = Verifier::FromKey(absl::StripAsciiWhitespace(*vkey));
  ASSERT_THAT(key, IsOk());
  auto plain = OpenCheckpoint(
      *ReadFileToString(SharedTestDataPath("note/checkpoint.signed")), *key);
  ASSERT_THAT(plain, IsOk());
  EXPECT_EQ(plain->checkpoint.origin, "example.com/candor-test-log");
  EXPECT_EQ(plain->checkpoint.size, 8u);
  EXPECT_EQ(Base64Encode(merkle::AsBytes(plain->checkpoint.root)),
            "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=");
  EXPECT_TRUE(plain->checkpoint.extensions.empty());
  auto ext = OpenCheckpoint(
      *ReadFileToString(SharedTestDataPath("note/checkpoint-ext.signed")), *key);
  ASSERT_THAT(ext, IsOk());
  EXPECT_EQ(ext->checkpoint.extensions,
            std::vector<std::string>{"extension line: v1"});
  EXPECT_THAT(OpenCheckpoint(*ReadFileToString(
                                 SharedTestDataPath("note/checkpoint.tampered")),
                             *key),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "invalid signature for key "
                       "example.com/candor-test-log+efc14479"));
}

TEST(Checkpoint, FormatParseRoundTrip) {
  Checkpoint cp{"example.com/log", 1234, merkle::HashLeaf("x"), {"a", "b c"}};
  auto parsed = ParseCheckpoint(FormatCheckpoint(cp));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed, cp);
}

TEST(Checkpoint, ParseErrors) {
  const std::string root = Base64Encode(merkle::AsBytes(merkle::EmptyRoot()));
  struct Case {
    std::string text;
    std::string message;
  } cases[] = {
      {"o\n1\n" + root, "malformed checkpoint: text must end in a newline"},
      {"o\n1\n", "malformed checkpoint: need origin, size and root lines"},
      {"\n1\n" + root + "\n", "malformed checkpoint: empty origin line"},
      {"o\n01\n" + root + "\n",
       "malformed checkpoint: size line must be a decimal number without leading zeros"},
      {"o\n-1\n" + root + "\n",
       "malformed checkpoint: size line must be a decimal number without leading zeros"},
      {"o\n+1\n" + root + "\n",
       "malformed checkpoint: size line must be a decimal number without leading zeros"},
      {"o\n18446744073709551616\n" + root + "\n",
       "malformed checkpoint: size line must be a decimal number without leading zeros"},
      {"o\n1\nAAAA\n", "malformed checkpoint: root line must be the base64 of 32 bytes"},
      {"o\n1\n" + root.substr(0, 43) + "\n",
       "malformed checkpoint: root line must be the base64 of 32 bytes"},
      {"o\n1\n" + root + "\n\n", "malformed checkpoint: empty extension line"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseCheckpoint(c.text),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message))
        << c.text;
  }
}

TEST(Checkpoint, OriginMustBeKeyName) {
  auto signer = Signer::Generate("example.com/log");
  Checkpoint cp{"example.com/other", 0, merkle::EmptyRoot(), {}};
  auto note = Sign(FormatCheckpoint(cp), {*signer});
  ASSERT_THAT(note, IsOk());
  EXPECT_THAT(OpenCheckpoint(*note, signer->verifier()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "checkpoint origin \"example.com/other\" is not the log "
                       "key's name \"example.com/log\""));
}

}  // namespace
}  // namespace candor::note
