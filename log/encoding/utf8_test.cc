#include "log/encoding/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace candor {
namespace {

TEST(Utf8, WellFormedOnly) {
  EXPECT_TRUE(IsUtf8("caf\xc3\xa9 \xf0\x9f\x98\x80"));
  EXPECT_TRUE(IsUtf8(""));
  EXPECT_FALSE(IsUtf8("\xff"));
  EXPECT_FALSE(IsUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(IsUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsUtf8("\xe2\x82"));          // cut
}

TEST(Utf8, DecodesOneSequenceAndRoundTrips) {
  size_t len = 0;
  EXPECT_EQ(DecodeUtf8At("a\xc3\xa9", 1, &len), 0xE9);
  EXPECT_EQ(len, 2u);
  EXPECT_EQ(DecodeUtf8At("a\xc3\xa9", 2), -1);  // a continuation byte
  EXPECT_EQ(DecodeUtf8At("a", 1), -1);           // past the end
  for (uint32_t cp : {0x0u, 0x7Fu, 0x80u, 0x7FFu, 0x800u, 0xFFFFu, 0x10000u, 0x10FFFFu}) {
    std::string s;
    AppendUtf8(cp, s);
    EXPECT_EQ(DecodeUtf8At(s, 0, &len), static_cast<int32_t>(cp));
    EXPECT_EQ(len, s.size());
  }
}

}  // namespace
}  // namespace candor
