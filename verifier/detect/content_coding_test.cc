#include "verifier/detect/content_coding.h"

#include <random>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "brotli/encode.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "zlib.h"
#include "zstd.h"

namespace candor::detect {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// window_bits: 16 + 15 gzip, 15 zlib, -15 raw deflate.
std::string Deflate(const std::string& in, int window_bits) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, in.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = in.size();
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = out.size();
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}
std::string Gzip(const std::string& in) { return Deflate(in, 16 + 15); }
std::string Zlib(const std::string& in) { return Deflate(in, 15); }
std::string RawDeflate(const std::string& in) { return Deflate(in, -15); }

std::string Brotli(const std::string& in) {
  size_t size = BrotliEncoderMaxCompressedSize(in.size());
  std::string out(size, '\0');
  EXPECT_TRUE(BrotliEncoderCompress(
      BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, in.size(),
      reinterpret_cast<const uint8_t*>(in.data()), &size,
      reinterpret_cast<uint8_t*>(out.data())));
  out.resize(size);
  return out;
}

std::string Zstd(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

const std::string kBody =
    R"({"events":[{"email":"honey.alice@example.org","n":1},{"n":2}]})";

TEST(ContentCoding, UndoesEachCodingTheHeaderNames) {
  struct Case {
    std::string header;
    std::string body;
    Coding undone;
  };
  const Case cases[] = {
      {"gzip", Gzip(kBody), Coding::kGzip},
      {"x-gzip", Gzip(kBody), Coding::kGzip},
      {"deflate", Zlib(kBody), Coding::kZlib},
      {"deflate", RawDeflate(kBody), Coding::kRawDeflate},
      {"br", Brotli(kBody), Coding::kBrotli},
      {"zstd", Zstd(kBody), Coding::kZstd},
      {" GZIP ", Gzip(kBody), Coding::kGzip},
  };
  for (const Case& c : cases) {
    ContentDecoding d = DecodeContentCodings(c.body, c.header, DecodeLimits());
    EXPECT_EQ(d.bytes, kBody) << c.header;
    EXPECT_THAT(d.undone, ElementsAre(c.undone)) << c.header;
    EXPECT_THAT(d.problems, IsEmpty()) << c.header;
    EXPECT_TRUE(d.complete) << c.header;
  }
}

TEST(ContentCoding, UndoesChainedCodingsLastAppliedFirst) {
  ContentDecoding d =
      DecodeContentCodings(Brotli(Gzip(kBody)), "gzip, br", DecodeLimits());
  EXPECT_EQ(d.bytes, kBody);
  EXPECT_THAT(d.undone, ElementsAre(Coding::kBrotli, Coding::kGzip));
  d = DecodeContentCodings(Gzip(Zstd(kBody)), "zstd, identity, gzip", DecodeLimits());
  EXPECT_EQ(d.bytes, kBody);
  EXPECT_THAT(d.undone, ElementsAre(Coding::kGzip, Coding::kZstd));
}

TEST(ContentCoding, ABodyTheExporterDecodedAlreadyIsTakenAsIs) {
  // mitmproxy keeps the header but writes the decoded body.
  for (const char* header : {"gzip", "deflate", "br", "zstd", "gzip, br"}) {
    ContentDecoding d = DecodeContentCodings(kBody, header, DecodeLimits());
    EXPECT_EQ(d.bytes, kBody) << header;
    EXPECT_THAT(d.undone, IsEmpty()) << header;
    EXPECT_THAT(d.problems, IsEmpty()) << header;
    EXPECT_TRUE(d.complete) << header;
  }
}

TEST(ContentCoding, WithoutAHeaderOnlyMagicBytesCount) {
  ContentDecoding d = DecodeContentCodings(Gzip(kBody), "", DecodeLimits());
  EXPECT_EQ(d.bytes, kBody);
  EXPECT_THAT(d.undone, ElementsAre(Coding::kGzip));
  d = DecodeContentCodings(Zstd(kBody), "", DecodeLimits());
  EXPECT_EQ(d.bytes, kBody);
  // Brotli has no magic: without a header it stays as sent.
  const std::string br = Brotli(kBody);
  d = DecodeContentCodings(br, "", DecodeLimits());
  EXPECT_EQ(d.bytes, br);
  EXPECT_THAT(d.undone, IsEmpty());
  // Text that happens to start like a zlib header is text.
  d = DecodeContentCodings("x^ is not compressed", "", DecodeLimits());
  EXPECT_EQ(d.bytes, "x^ is not compressed");
  EXPECT_THAT(d.undone, IsEmpty());
}

TEST(ContentCoding, ConcatenatedGzipMembersAreAllDecoded) {
  ContentDecoding d =
      DecodeContentCodings(Gzip("first half, ") + Gzip("second half"), "gzip",
                           DecodeLimits());
  EXPECT_EQ(d.bytes, "first half, second half");
  EXPECT_TRUE(d.complete);
}

TEST(ContentCoding, BombsAreCutAtTheCapAndSaySo) {
  const std::string zeros(size_t{8} << 20, '\0');
  DecodeLimits limits;
  limits.max_output = size_t{2} << 20;
  limits.max_ratio = 1'000'000;  // the size cap alone
  for (const auto& [header, body] :
       {std::pair<std::string, std::string>{"gzip", Gzip(zeros)},
        {"br", Brotli(zeros)},
        {"zstd", Zstd(zeros)},
        {"deflate", Zlib(zeros)}}) {
    ContentDecoding d = DecodeContentCodings(body, header, limits);
    EXPECT_EQ(d.bytes.size(), limits.max_output) << header;
    EXPECT_FALSE(d.complete) << header;
    ASSERT_EQ(d.problems.size(), 1u) << header;
    EXPECT_THAT(d.problems[0], ::testing::EndsWith(
                                   "-coded and expands past 2 MiB; only that "
                                   "much was searched"))
        << header;
  }
  // The ratio cap: 8 MiB from a few KiB is over 1000:1.
  limits = DecodeLimits();
  ContentDecoding d = DecodeContentCodings(Gzip(zeros), "gzip", limits);
  EXPECT_FALSE(d.complete);
  EXPECT_LT(d.bytes.size(), zeros.size());
}

TEST(ContentCoding, DamagedAndUnknownCodingsAreReported) {
  std::string cut = Gzip(kBody);
  cut.resize(cut.size() - 12);
  ContentDecoding d = DecodeContentCodings(cut, "gzip", DecodeLimits());
  EXPECT_FALSE(d.complete);
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_THAT(d.problems[0], ::testing::StartsWith("the gzip-coded body is damaged after "));
  EXPECT_TRUE(absl::StartsWith(kBody, d.bytes));

  d = DecodeContentCodings("whatever", "compress", DecodeLimits());
  EXPECT_EQ(d.bytes, "whatever");
  EXPECT_FALSE(d.complete);
  EXPECT_THAT(d.problems,
              ElementsAre("Content-Encoding names \"compress\", which is not "
                          "supported; the body was searched as sent"));
  // A name that could be someone's data is not repeated.
  d = DecodeContentCodings("whatever", "alice@example.org", DecodeLimits());
  EXPECT_THAT(d.problems, ElementsAre("Content-Encoding names a coding, which is "
                                      "not supported; the body was searched as sent"));
}

TEST(ContentCoding, RandomBytesNeverCrashAnyDecoder) {
  std::mt19937 rng(20261206);
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 300, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    if (i % 3 == 0 && junk.size() > 4) {
      junk[0] = '\x1f';
      junk[1] = '\x8b';
      junk[2] = 8;
    }
    for (Coding c : {Coding::kGzip, Coding::kZlib, Coding::kRawDeflate,
                     Coding::kBrotli, Coding::kZstd}) {
      Decompressed out = Decompress(c, junk, DecodeLimits());
      EXPECT_LE(out.bytes.size(), size_t{1} << 20);
    }
    DecodeContentCodings(junk, "gzip, deflate, br, zstd", DecodeLimits());
  }
}

}  // namespace
}  // namespace candor::detect
