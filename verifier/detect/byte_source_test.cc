#include "verifier/detect/byte_source.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "log/json/json.h"
#include "tests/support/status_matchers.h"

namespace candor::detect {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

// Hands out at most `step` bytes per read, to cut input at every position.
class TrickleSource : public json::ByteSource {
 public:
  TrickleSource(std::string data, size_t step)
      : data_(std::move(data)), step_(step) {}
  absl::Status Read(size_t max, std::string& out) override {
    const size_t n = std::min({max, step_, data_.size() - pos_});
    out.append(data_, pos_, n);
    pos_ += n;
    return absl::OkStatus();
  }

 private:
  std::string data_;
  size_t step_;
  size_t pos_ = 0;
};

std::string Drain(json::ByteSource& source, size_t max = 1 << 16) {
  std::string out;
  while (true) {
    const size_t before = out.size();
    EXPECT_THAT(source.Read(max, out), IsOk());
    EXPECT_LE(out.size() - before, max);
    if (out.size() == before) return out;
  }
}

std::string Filter(const std::string& in, size_t cap, size_t step = 1 << 20,
                   size_t max = 1 << 16) {
  TrickleSource inner(in, step);
  CappedStringSource capped(&inner, cap);
  return Drain(capped, max);
}

TEST(StringByteSource, ServesChunks) {
  StringByteSource source("abcdefg");
  std::string out;
  ASSERT_THAT(source.Read(3, out), IsOk());
  EXPECT_EQ(out, "abc");
  EXPECT_EQ(Drain(source), "defg");
}

TEST(HashingByteSource, HashesWhatPassesThrough) {
  TrickleSource inner("abc", 1);
  HashingByteSource hashing(&inner);
  EXPECT_EQ(Drain(hashing), "abc");
  EXPECT_EQ(hashing.bytes(), 3u);
  EXPECT_EQ(hashing.FinishHex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(FileByteSource, ReadsAFileAndNamesAMissingOne) {
  const std::string path =
      std::string(std::getenv("TEST_TMPDIR")) + "/file.txt";
  std::ofstream(path) << "hello file";
  absl::StatusOr<std::unique_ptr<FileByteSource>> source =
      FileByteSource::Open(path);
  ASSERT_THAT(source, IsOk());
  EXPECT_EQ(Drain(**source, 4), "hello file");

  EXPECT_THAT(
      FileByteSource::Open(path + ".missing"),
      StatusIs(absl::StatusCode::kNotFound,
               "cannot open " + path + ".missing: No such file or directory"));
}

TEST(CappedStringSource, PassesShortStringsThroughVerbatim) {
  const std::string doc =
      R"({"a": "short \"q\" \\ \u00e9 \ud83d\ude00", "n": [1, 2.5, true, null], "é": "x"})";
  for (size_t step : {1, 2, 3, 5, 64}) {
    for (size_t max : {1, 7, 1 << 16}) {
      EXPECT_EQ(Filter(doc, 1000, step, max), doc) << step << " " << max;
    }
  }
}

TEST(CappedStringSource, CutsLongStringsAndMapsOffsets) {
  const std::string doc = R"({"a":"0123456789","b":"xy","c":"abcdefgh"})";
  TrickleSource inner(doc, 3);
  CappedStringSource capped(&inner, 4);
  const std::string out = Drain(capped);
  EXPECT_EQ(out, R"({"a":"0123","b":"xy","c":"abcd"})");
  EXPECT_TRUE(capped.WasCut(5));  // "0123456789"
  EXPECT_FALSE(capped.WasCut(out.find("\"xy")));
  EXPECT_TRUE(capped.WasCut(out.find("\"abcd")));
  // Before the first cut offsets agree; after it they differ by the bytes
  // dropped.
  EXPECT_EQ(capped.OriginalOffset(4), 4u);
  EXPECT_EQ(capped.OriginalOffset(out.find("\"b")), doc.find("\"b"));
  EXPECT_EQ(capped.OriginalOffset(out.size() - 1), doc.size() - 1);
  capped.ForgetBefore(out.find("\"c"));
  EXPECT_FALSE(capped.WasCut(5));
  EXPECT_TRUE(capped.WasCut(out.find("\"abcd")));
  EXPECT_EQ(capped.OriginalOffset(out.size() - 1), doc.size() - 1);
}

TEST(CappedStringSource, NeverCutsInsideAnEscapeOrACharacter) {
  // The cap falls inside "\u00e9", then inside a 2-byte UTF-8 sequence, then
  // inside a surrogate pair; each is kept whole.
  EXPECT_EQ(Filter(R"(["ab\u00e9cd"])", 3), R"(["ab\u00e9"])");
  EXPECT_EQ(Filter("[\"a\xc3\xa9xyz\"]", 2), "[\"a\xc3\xa9\"]");
  EXPECT_EQ(Filter(R"(["a\ud83d\ude00bc"])", 2), R"(["a\ud83d\ude00"])");
  // Escaped quotes and backslashes in the dropped part do not end the string.
  for (size_t step : {1, 2, 64}) {
    EXPECT_EQ(Filter(R"(["aa\"bb\\\"cc", "d"])", 2, step), R"(["aa", "d"])");
  }
}

TEST(CappedStringSource, ReplacesUnpairedSurrogatesButKeepsEscapedBytes) {
  // "\udc80" is what Python's surrogateescape writes for the byte 0x80: kept
  // for json::Reader to restore. Other lone surrogates become U+FFFD.
  TrickleSource inner(
      R"(["\udc80x\ud83d\ude00\ud800", "\ud800\u0041\udc7f\udcff"])", 2);
  CappedStringSource capped(&inner, 1000);
  EXPECT_EQ(Drain(capped),
            R"(["\udc80x\ud83d\ude00\ufffd", "\ufffd\u0041\ufffd\udcff"])");
  EXPECT_EQ(capped.replaced_surrogates(), 3u);
}

TEST(CappedStringSource, LeavesMalformedJsonForTheReader) {
  // An unterminated escape at the end of input, a bad \u escape: passed on.
  EXPECT_EQ(Filter(R"(["\u12)", 100), R"(["\u12)");
  EXPECT_EQ(Filter(R"(["\uZZZZ"])", 100), R"(["\uZZZZ"])");
  EXPECT_EQ(Filter(R"(["abc)", 100), R"(["abc)");
}

TEST(CappedStringSource, FeedsTheJsonReader) {
  std::string doc = R"({"body": ")" + std::string(5000, 'x') + R"(", "k": 1})";
  TrickleSource inner(doc, 7);
  CappedStringSource capped(&inner, 100);
  json::Reader reader(&capped, json::Limits{8, 200});
  std::vector<json::Token> tokens;
  while (true) {
    absl::StatusOr<json::Token> t = reader.Next();
    ASSERT_THAT(t, IsOk());
    tokens.push_back(*t);
    if (*t == json::Token::kString) {
      EXPECT_EQ(reader.value(), std::string(100, 'x'));
      EXPECT_TRUE(capped.WasCut(reader.token_begin()));
    }
    if (*t == json::Token::kEnd) break;
  }
  EXPECT_EQ(tokens.size(), 7u);
}

}  // namespace
}  // namespace candor::detect
