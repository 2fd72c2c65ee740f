#include "verifier/reference/punycode.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::reference {
namespace {

using ::candor::testing::StatusIs;

TEST(PunycodeEncode, Rfc3492AndPslSamples) {
  EXPECT_THAT(PunycodeEncode("bücher"), ::candor::testing::IsOk());
  EXPECT_EQ(*PunycodeEncode("bücher"), "bcher-kva");
  EXPECT_EQ(*PunycodeEncode("münchen"), "mnchen-3ya");
  // The IDN cases of the Public Suffix List's own tests.
  EXPECT_EQ(*PunycodeEncode("公司"), "55qx5d");
  EXPECT_EQ(*PunycodeEncode("中国"), "fiqs8s");
  EXPECT_EQ(*PunycodeEncode("食狮"), "85x722f");
  // RFC 3492 section 7.1 (L), Japanese: "3<nen>B<gumi><kinpachi><sensei>".
  EXPECT_EQ(*PunycodeEncode("3年B組金八先生"), "3B-ww4c5e180e575a65lsy2b");
  EXPECT_EQ(*PunycodeEncode("abc"), "abc-");
}

TEST(ToAsciiLabel, OnlyNonAsciiLabelsAreEncoded) {
  EXPECT_EQ(*ToAsciiLabel("example"), "example");
  EXPECT_EQ(*ToAsciiLabel("公司"), "xn--55qx5d");
}

TEST(PunycodeEncode, RejectsInvalidUtf8) {
  EXPECT_THAT(PunycodeEncode("\xC0\xAF"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "invalid UTF-8 code point at byte 0"));
  EXPECT_THAT(PunycodeEncode("a\xE4\xB8"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "truncated UTF-8 sequence at byte 1"));
  EXPECT_THAT(PunycodeEncode("\xED\xA0\x80"),  // a surrogate
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "invalid UTF-8 code point at byte 0"));
  EXPECT_THAT(
      PunycodeEncode("\xFF"),
      StatusIs(absl::StatusCode::kInvalidArgument, "invalid UTF-8 at byte 0"));
}

}  // namespace
}  // namespace candor::reference
