#include "log/json/json.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace candor::json {
namespace {

// Feeds input a few bytes at a time, to exercise refills inside tokens.
class TrickleSource : public ByteSource {
 public:
  TrickleSource(std::string data, size_t step) : data_(std::move(data)), step_(step) {}
  absl::Status Read(size_t max, std::string& out) override {
    size_t n = std::min({max, step_, data_.size() - pos_});
    out.append(data_, pos_, n);
    pos_ += n;
    return absl::OkStatus();
  }

 private:
  std::string data_;
  size_t step_;
  size_t pos_ = 0;
};

TEST(Json, ParsesDocument) {
  const std::string text =
      R"( {"a": [1, -2.5e+3, "x\u00e9\ud83d\ude00\n"], "b": {"c": null,
          "d": true, "e": false}, "f": ""} )";
  auto v = Parse(text);
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_TRUE(v->is_object());
  const Value* a = v->Find("a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->items().size(), 3u);
  EXPECT_EQ(a->items()[0].text(), "1");
  EXPECT_EQ(a->items()[1].text(), "-2.5e+3");
  EXPECT_EQ(a->items()[2].text(), "x\xc3\xa9\xf0\x9f\x98\x80\n");
  EXPECT_TRUE(v->Find("b")->Find("c")->is_null());
  EXPECT_TRUE(v->Find("b")->Find("d")->bool_value());
  EXPECT_EQ(v->Find("missing"), nullptr);
  // Spans point back at the source text.
  const Value* b = v->Find("b");
  EXPECT_EQ(text.substr(b->begin(), b->end() - b->begin()),
            "{\"c\": null,\n          \"d\": true, \"e\": false}");
}

TEST(Json, StreamingMatchesInMemory) {
  const std::string text =
      R"({"key": "a long string value with \"escapes\" and \u00fc", "n": [123456789012345678901234567890, 0.5, {"x": []}]})";
  for (size_t step : {1, 2, 3, 7, 1000}) {
    TrickleSource source(text, step);
    Reader streaming(&source);
    Reader whole(text);
    while (true) {
      auto a = streaming.Next();
      auto b = whole.Next();
      ASSERT_TRUE(a.ok()) << a.status();
      ASSERT_TRUE(b.ok()) << b.status();
      ASSERT_EQ(*a, *b);
      EXPECT_EQ(streaming.value(), whole.value());
      EXPECT_EQ(streaming.token_begin(), whole.token_begin());
      if (*a == Token::kEnd) break;
    }
  }
}

TEST(Json, SkipValue) {
  Reader r(R"({"skip": {"deep": [1, [2, {"x": 3}]]}, "keep": 4})");
  ASSERT_EQ(*r.Next(), Token::kBeginObject);
  ASSERT_EQ(*r.Next(), Token::kKey);
  EXPECT_EQ(r.value(), "skip");
  ASSERT_TRUE(r.SkipValue().ok());
  ASSERT_EQ(*r.Next(), Token::kKey);
  EXPECT_EQ(r.value(), "keep");
  ASSERT_EQ(*r.Next(), Token::kNumber);
  ASSERT_EQ(*r.Next(), Token::kEndObject);
  ASSERT_EQ(*r.Next(), Token::kEnd);
}

TEST(Json, RejectsMalformedWithOffsets) {
  struct Case {
    std::string text;
    std::string message;
  } cases[] = {
      {"", "invalid JSON at offset 0: unexpected end of input"},
      {"{", "invalid JSON at offset 1: unexpected end of input"},
      {"{\"a\":1,}", "invalid JSON at offset 7: expected a string key"},
      {"[1,]", "invalid JSON at offset 3: unexpected character"},
      {"[1 2]", "invalid JSON at offset 3: expected ',' or ']'"},
      {"{\"a\" 1}", "invalid JSON at offset 5: expected ':'"},
      {"{\"a\":1,\"a\":2}", "invalid JSON at offset 7: duplicate key \"a\""},
      {"01", "invalid JSON at offset 1: invalid number"},
      {"1.", "invalid JSON at offset 2: invalid number"},
      {"-", "invalid JSON at offset 1: invalid number"},
      {"+1", "invalid JSON at offset 0: unexpected character"},
      {"nul", "invalid JSON at offset 0: unexpected character"},
      {"{} {}", "invalid JSON at offset 3: trailing content after the document"},
      {"\"a\x01\"", "invalid JSON at offset 2: control character in string"},
      {"\"\\x\"", "invalid JSON at offset 1: invalid escape sequence"},
      {"\"\\ud800\"", "invalid JSON at offset 7: unpaired surrogate"},
      {"\"\\udc00\"", "invalid JSON at offset 7: unpaired surrogate"},
      {"\"\xff\"", "invalid JSON at offset 1: invalid UTF-8 in string"},
      {"\"\xc0\xaf\"", "invalid JSON at offset 1: invalid UTF-8 in string"},
      {"\"\xed\xa0\x80\"", "invalid JSON at offset 1: invalid UTF-8 in string"},
      {"\"abc", "invalid JSON at offset 4: unterminated string"},
      {"'a'", "invalid JSON at offset 0: unexpected character"},
      {std::string("[1]\0", 4),
       "invalid JSON at offset 3: trailing content after the document"},
  };
  for (const Case& c : cases) {
    auto v = Parse(c.text);
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_EQ(v.status().message(), c.message) << c.text;
  }
}

TEST(Json, EnforcesLimits) {
  std::string deep(65, '[');
  deep += std::string(65, ']');
  auto v = Parse(deep);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(v.status().message(),
            "JSON nested deeper than 64 levels at offset 64");
  EXPECT_TRUE(Parse(std::string(64, '[') + std::string(64, ']')).ok());

  Limits small;
  small.max_token_bytes = 8;
  auto s = Parse("\"0123456789\"", small);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(s.status().message(),
            "JSON string at offset 0 is longer than 8 bytes");
  auto n = Parse("12345678901", small);
  EXPECT_EQ(n.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(Json, Quote) {
  EXPECT_EQ(Quote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
  auto round = Parse(Quote("tab\there \xc3\xa9"));
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->text(), "tab\there \xc3\xa9");
}

}  // namespace
}  // namespace candor::json
