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

TEST(HexTokens, OneCaseEvenRunsAndBothAlignmentsOfOddOnes) {
  std::vector<std::pair<size_t, std::string>> found;
  auto collect = [&](absl::string_view text) {
    found.clear();
    ForEachHexToken(text, 12, [&](const HexToken& t) {
      found.emplace_back(t.begin, std::string(t.text));
    });
    return found;
  };
  using P = std::pair<size_t, std::string>;
  EXPECT_EQ(collect("x=616c69636540 y"), (std::vector<P>{{2, "616c69636540"}}));
  EXPECT_EQ(collect("ABCDEF012345"), (std::vector<P>{{0, "ABCDEF012345"}}));
  EXPECT_EQ(collect("abcdef0123456"),
            (std::vector<P>{{0, "abcdef012345"}, {1, "bcdef0123456"}}));
  EXPECT_TRUE(collect("AbCdEf012345").empty());  // mixed case: not hex
  EXPECT_TRUE(collect("abcdef0123").empty());    // too short
  EXPECT_EQ(DecodeHexRun("616C696365"), "alice");
}

TEST(Latin1Bytes, TextWrittenOneCharacterPerByte) {
  EXPECT_EQ(Latin1Bytes("\xc3\xbf\xc3\x98\xc2\x80" "a"), std::string("\xff\xd8\x80" "a"));
  EXPECT_EQ(Latin1Bytes("plain ASCII"), std::nullopt);  // the text is the bytes
  EXPECT_EQ(Latin1Bytes("\xe2\x82\xac"), std::nullopt);  // U+20AC is not a byte
}

TEST(QuotedPrintable, EscapesAndSoftBreaks) {
  EXPECT_EQ(DecodeQuotedPrintable("alice=40example.org=\r\n!"), "alice@example.org!");
  EXPECT_EQ(DecodeQuotedPrintable("a=zz=\nb="), "a=zzb=");
}

TEST(CharsetToUtf8, Utf16AndLatin1) {
  const std::string le("a\0@\0\xe9\0", 6);
  EXPECT_EQ(CharsetToUtf8(le, "utf-16le"), "a@\xc3\xa9");
  EXPECT_EQ(CharsetToUtf8(std::string("\xff\xfe", 2) + le, "UTF-16"), "a@\xc3\xa9");
  EXPECT_EQ(CharsetToUtf8(std::string("\0a\0@", 4), "\"utf-16\""), "a@");
  EXPECT_EQ(CharsetToUtf8("caf\xe9", "iso-8859-1"), "caf\xc3\xa9");
  EXPECT_EQ(CharsetToUtf8("caf\xc3\xa9", "iso-8859-1"), std::nullopt);  // UTF-8 already
  EXPECT_EQ(CharsetToUtf8("abc", "utf-8"), std::nullopt);
  EXPECT_EQ(CharsetToUtf8(std::string("a\0\0", 3), "utf-16le"), std::nullopt);  // odd length
}

}  // namespace
}  // namespace candor::detect
