// Undoing HTTP content codings (RFC 9110 section 8.4) on captured bodies:
// gzip and x-gzip, deflate (zlib-wrapped, or raw as some servers and SDKs
// send it), br and zstd, chained in any order, with zlib, brotli and zstd.
//
// A capture does not say reliably whether a body is still coded: mitmproxy
// writes the body already decoded but keeps the Content-Encoding header, and
// Chromium keeps bytes that a page compressed itself. So the bytes decide: a
// coding is undone only if the body really is in that coding (magic bytes,
// or a decoder that consumes the whole body cleanly), and a body that is not
// is taken as already decoded.
//
// Decompression is bounded: output stops at DecodeLimits::max_output bytes
// and at max_ratio times the input (once past one MiB), so a decompression
// bomb costs at most that much memory; what was decoded up to the cap is
// kept and the cut is reported.
//
// Pure functions, thread-safe.

#ifndef CANDOR_VERIFIER_DETECT_CONTENT_CODING_H_
#define CANDOR_VERIFIER_DETECT_CONTENT_CODING_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace candor::detect {

enum class Coding { kGzip, kZlib, kRawDeflate, kBrotli, kZstd };

// "gzip", "deflate (zlib)", "deflate (raw)", "br", "zstd".
absl::string_view CodingName(Coding coding);

struct DecodeLimits {
  size_t max_output = size_t{64} << 20;
  size_t max_ratio = 1000;
};

struct Decompressed {
  std::string bytes;
  // The output reached the limits; `bytes` holds what came before the cut.
  bool capped = false;
  // The input was not a clean, complete stream of the coding; `bytes` holds
  // what could be decoded before the fault.
  bool damaged = false;
};

// Decodes `in` as `coding` (concatenated gzip members and zstd frames too).
Decompressed Decompress(Coding coding, absl::string_view in,
                        const DecodeLimits& limits);

// The compression format `bytes` starts with, judged by magic bytes alone
// (gzip, zstd, and a zlib header whose checksum holds): the formats that can
// be recognised without a header saying so.
std::optional<Coding> SniffCompression(absl::string_view bytes);

struct ContentDecoding {
  std::string bytes;            // the body with every coding undone
  std::vector<Coding> undone;   // in the order undone (the last applied first)
  // What could not be undone or was cut, in words that never quote the body:
  // "the body is gzip-coded past 64 MiB; only the first 64 MiB were
  // searched", "Content-Encoding names \"compress\", which is not supported;
  // the body was searched as sent".
  std::vector<std::string> problems;
  // False when the body could not be decoded whole (capped, damaged, or an
  // unknown coding): the parts not decoded were not examined.
  bool complete = true;
  // A coding was named that is not supported.
  bool unknown_coding = false;
};

// Undoes the codings that `content_encoding` (the header's value, possibly
// empty or repeated with commas) lists, last applied first, each only if the
// bytes are in it; with no header, undoes a coding that SniffCompression
// recognises. A coding named but not present means the exporter decoded the
// body already, and is not a problem.
ContentDecoding DecodeContentCodings(absl::string_view body,
                                     absl::string_view content_encoding,
                                     const DecodeLimits& limits);

}  // namespace candor::detect

#endif  // CANDOR_VERIFIER_DETECT_CONTENT_CODING_H_
