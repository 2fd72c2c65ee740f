#include "log/index/index_note.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/note/note.h"
#include "tests/support/status_matchers.h"

namespace candor::index {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

IndexCheckpoint Example() {
  IndexCheckpoint c;
  c.origin = "log.example/test";
  c.size = 42;
  c.log_root.fill(0xaa);
  c.index_root.fill(0xbb);
  return c;
}

TEST(IndexNoteTest, FormatsAndParses) {
  const std::string text = FormatIndexNote(Example());
  EXPECT_EQ(text,
            "candor.dev/index/v1\nlog.example/test\n42\n"
            "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqo=\n"
            "u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7u7s=\n");
  EXPECT_EQ(*ParseIndexNote(text), Example());
}

TEST(IndexNoteTest, RefusesMalformedText) {
  EXPECT_THAT(ParseIndexNote("log.example/test\n42\nqq==\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "an index note has 5 lines, this one 3"));
  EXPECT_THAT(ParseIndexNote("candor.dev/index/v2\no\n1\na\nb\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "index note line 1 is not \"candor.dev/index/v1\""));
  std::string text = FormatIndexNote(Example());
  text.replace(text.find("\n42\n"), 4, "\n042\n");
  EXPECT_THAT(ParseIndexNote(text), StatusIs(absl::StatusCode::kInvalidArgument,
                                             "index note line 3 is not a tree size"));
}

TEST(IndexNoteTest, OpensOnlyUnderTheLogsKey) {
  absl::StatusOr<note::Signer> signer = note::Signer::Generate("log.example/test");
  ASSERT_THAT(signer.status(), IsOk());
  absl::StatusOr<note::Signer> other = note::Signer::Generate("log.example/other");
  ASSERT_THAT(other.status(), IsOk());
  const note::Verifier key = signer->verifier();
  absl::StatusOr<std::string> signed_note = note::Sign(FormatIndexNote(Example()), {*signer});
  ASSERT_THAT(signed_note.status(), IsOk());
  EXPECT_EQ(*OpenIndexNote(*signed_note, key), Example());

  absl::StatusOr<std::string> mislabelled = note::Sign(FormatIndexNote(Example()), {*other});
  EXPECT_FALSE(OpenIndexNote(*mislabelled, key).ok());
  EXPECT_THAT(OpenIndexNote(*mislabelled, other->verifier()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "index note origin \"log.example/test\" is not the log key's name "
                       "\"log.example/other\""));
}

}  // namespace
}  // namespace candor::index
