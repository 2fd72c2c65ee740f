#include "verifier/detect/decode.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace candor::detect {
namespace {

struct Token {
  size_t begin;
  std::string text;
  Base64Alphabet alphabet;
  bool operator==(const Token& o) const {
    return begin == o.begin && text == o.text && alphabet == o.alphabet;
  }
};

std::ostream& operator<<(std::ostream& os, const Token& t) {
  return os << t.begin << ":" << t.text
            << (t.alphabet == Base64Alphabet::kUrl ? "(url)" : "(std)");
}

std::vector<Token> Tokens(absl::string_view text, size_t min_chars = 8) {
  std::vector<Token> out;
  ForEachBase64Token(text, min_chars, [&](const Base64Token& t) {
    out.push_back(Token{t.begin, std::string(t.text), t.alphabet});
  });
  return out;
}

TEST(PercentDecode, DecodesEscapesAndMarksThem) {
  std::vector<bool> mask;
  EXPECT_EQ(PercentDecode("a%40b%2x%", false, &mask), "a@b%2x%");
  EXPECT_EQ(mask, (std::vector<bool>{false, true, false, false, false, false,
                                     false}));
  EXPECT_EQ(PercentDecode("a+b%2Bc", true), "a b+c");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("%252540", false), "%2540");
  EXPECT_TRUE(HasPercentEscape("x%4a"));
  EXPECT_FALSE(HasPercentEscape("100% sure %4"));
  EXPECT_FALSE(HasPercentEscape("%"));
}

TEST(Base64Tokens, FindsRunsWorthDecoding) {
  // Padding ends a token; words of one character class are not tokens.
  EXPECT_EQ(Tokens("x=YWxpY2VAZXhhbXBsZS5vcmc=&y=application&z=1234567890"),
            (std::vector<Token>{
                {2, "YWxpY2VAZXhhbXBsZS5vcmc", Base64Alphabet::kStandard}}));
  // The alphabet follows the characters; a JWT splits on its dots.
  EXPECT_EQ(Tokens("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOi_-xIn0.c2ln"),
            (std::vector<Token>{
                {0, "eyJhbGciOiJIUzI1NiJ9", Base64Alphabet::kStandard},
                {21, "eyJzdWIiOi_-xIn0", Base64Alphabet::kUrl}}));
  // A length of 1 mod 4 cannot be base64.
  EXPECT_TRUE(Tokens("aB3dE").empty());
  EXPECT_TRUE(Tokens("aB3dEfGhI").empty());
  // Path segments are tried one by one as well as together.
  EXPECT_EQ(Tokens("v1/Tracks/YWxpY2VAZXhh"),
            (std::vector<Token>{
                {0, "v1/Tracks/YWxpY2VAZXhh", Base64Alphabet::kStandard},
                {10, "YWxpY2VAZXhh", Base64Alphabet::kStandard}}));
  // Mixed alphabets: split at '/' and '+', then each piece on its own.
  EXPECT_EQ(
      Tokens("user_Names+YWxpY2VAZXhh"),
      (std::vector<Token>{{0, "user_Names", Base64Alphabet::kUrl},
                          {11, "YWxpY2VAZXhh", Base64Alphabet::kStandard}}));
}

TEST(DecodeBase64Lenient, DecodesEitherAlphabetWithoutPadding) {
  std::string out;
  ASSERT_TRUE(DecodeBase64Lenient("YWxpY2VAZXhhbXBsZS5vcmc",
                                  Base64Alphabet::kStandard, out));
  EXPECT_EQ(out, "alice@example.org");
  ASSERT_TRUE(DecodeBase64Lenient("-_8", Base64Alphabet::kUrl, out));
  EXPECT_EQ(out, "\xfb\xff");
  // Stray low bits are ignored, as a lenient reader must.
  ASSERT_TRUE(DecodeBase64Lenient("YR", Base64Alphabet::kStandard, out));
  EXPECT_EQ(out, "a");
  EXPECT_FALSE(DecodeBase64Lenient("-_8", Base64Alphabet::kStandard, out));
  EXPECT_FALSE(DecodeBase64Lenient("abcde", Base64Alphabet::kStandard, out));
}

TEST(DecodeBase64Body, AcceptsPaddingAndLineBreaks) {
  std::string out;
  ASSERT_TRUE(DecodeBase64Body("YWxp\r\nY2U=\n", out));
  EXPECT_EQ(out, "alice");
  ASSERT_TRUE(DecodeBase64Body("", out));
  EXPECT_EQ(out, "");
  EXPECT_FALSE(DecodeBase64Body("YWxp*", out));
  EXPECT_FALSE(DecodeBase64Body("a-b+", out));
  EXPECT_FALSE(DecodeBase64Body("YW=", out));
}

}  // namespace
}  // namespace candor::detect
