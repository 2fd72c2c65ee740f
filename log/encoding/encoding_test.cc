#include "log/encoding/encoding.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor {
namespace {

using ::testing::HasSubstr;

TEST(Base64, RoundTripsAllLengths) {
  std::string data;
  for (int n = 0; n < 40; ++n) {
    auto decoded = Base64Decode(Base64Encode(data));
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, data);
    auto url = Base64UrlDecode(Base64UrlEncode(data));
    ASSERT_TRUE(url.ok()) << url.status();
    EXPECT_EQ(*url, data);
    data.push_back(static_cast<char>(0xf0 + n));
  }
}

TEST(Base64, KnownAnswer) {
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
}

TEST(Base64, RejectsNonCanonical) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"aGVsbG8", "length is not a multiple of 4"},
      {"aGVsbG9=", "not canonical"},  // stray low bits in the last char
      {"aGV bG8=", "unexpected character at offset 3"},
      {"aGVsbG8=\n", "length is not a multiple of 4"},
      {"-_8=", "unexpected character at offset 0"},
      {"a===", "unexpected character at offset 1"},
  };
  for (const Case& c : cases) {
    auto decoded = Base64Decode(c.text);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument)
        << c.text;
    EXPECT_THAT(decoded.status().message(), HasSubstr(c.message)) << c.text;
  }
}

TEST(Base64Url, AcceptsPaddedAndUnpadded) {
  EXPECT_EQ(*Base64UrlDecode("aGVsbG8"), "hello");
  EXPECT_EQ(*Base64UrlDecode("aGVsbG8="), "hello");
  EXPECT_EQ(Base64UrlDecode("aGVsbG8+").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Hex, RoundTripAndErrors) {
  EXPECT_EQ(HexEncode("\x01\xab"), "01ab");
  EXPECT_EQ(*HexDecode("01AB"), "\x01\xab");
  EXPECT_THAT(HexDecode("abc").status().message(), HasSubstr("odd length"));
  EXPECT_THAT(HexDecode("zz").status().message(),
              HasSubstr("unexpected character at offset 0"));
}

}  // namespace
}  // namespace candor
