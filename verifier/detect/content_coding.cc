#include "verifier/detect/content_coding.h"

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "brotli/decode.h"
#include "zlib.h"
#include "zstd.h"

namespace candor::detect {
namespace {

constexpr size_t kChunk = 64 << 10;

// The most output allowed for `input_size` bytes of input.
size_t OutputCap(size_t input_size, const DecodeLimits& limits) {
  const size_t by_ratio =
      std::max<size_t>(size_t{1} << 20, input_size * limits.max_ratio);
  return std::min(limits.max_output, by_ratio);
}

bool IsGzip(absl::string_view b) {
  return b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0x1f &&
         static_cast<unsigned char>(b[1]) == 0x8b && b[2] == 8;
}

bool IsZstd(absl::string_view b) {
  return b.size() >= 4 && static_cast<unsigned char>(b[0]) == 0x28 &&
         static_cast<unsigned char>(b[1]) == 0xb5 &&
         static_cast<unsigned char>(b[2]) == 0x2f &&
         static_cast<unsigned char>(b[3]) == 0xfd;
}

// RFC 1950: deflate, a window of at most 32 KiB, no preset dictionary, and
// the header's check bits.
bool IsZlib(absl::string_view b) {
  if (b.size() < 2) return false;
  const unsigned cmf = static_cast<unsigned char>(b[0]);
  const unsigned flg = static_cast<unsigned char>(b[1]);
  return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && (flg & 0x20) == 0 &&
         (cmf * 256 + flg) % 31 == 0;
}

Decompressed Inflate(int window_bits, absl::string_view in,
                     const DecodeLimits& limits) {
  Decompressed out;
  const size_t cap = OutputCap(in.size(), limits);
  z_stream z{};
  if (inflateInit2(&z, window_bits) != Z_OK) {
    out.damaged = true;
    return out;
  }
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  while (true) {
    const size_t room = std::min(kChunk, cap + 1 - out.bytes.size());
    const size_t old = out.bytes.size();
    out.bytes.resize(old + room);
    z.next_out = reinterpret_cast<Bytef*>(out.bytes.data() + old);
    z.avail_out = static_cast<uInt>(room);
    const int r = inflate(&z, Z_NO_FLUSH);
    out.bytes.resize(old + room - z.avail_out);
    if (out.bytes.size() > cap) {
      out.bytes.resize(cap);
      out.capped = true;
      break;
    }
    if (r == Z_STREAM_END) {
      // gzip allows several members one after another.
      const absl::string_view rest(reinterpret_cast<const char*>(z.next_in),
                                   z.avail_in);
      if (rest.empty()) break;
      if (window_bits > 15 && IsGzip(rest) && inflateReset(&z) == Z_OK) continue;
      out.damaged = true;  // trailing bytes after the stream
      break;
    }
    if (r == Z_BUF_ERROR && z.avail_in == 0) {
      out.damaged = true;  // the input ended inside the stream
      break;
    }
    if (r != Z_OK && r != Z_BUF_ERROR) {
      out.damaged = true;
      break;
    }
  }
  inflateEnd(&z);
  return out;
}

Decompressed Unbrotli(absl::string_view in, const DecodeLimits& limits) {
  Decompressed out;
  const size_t cap = OutputCap(in.size(), limits);
  std::unique_ptr<BrotliDecoderState, decltype(&BrotliDecoderDestroyInstance)>
      state(BrotliDecoderCreateInstance(nullptr, nullptr, nullptr),
            &BrotliDecoderDestroyInstance);
  if (state == nullptr) {
    out.damaged = true;
    return out;
  }
  size_t avail_in = in.size();
  const uint8_t* next_in = reinterpret_cast<const uint8_t*>(in.data());
  while (true) {
    const size_t room = std::min(kChunk, cap + 1 - out.bytes.size());
    const size_t old = out.bytes.size();
    out.bytes.resize(old + room);
    size_t avail_out = room;
    uint8_t* next_out = reinterpret_cast<uint8_t*>(out.bytes.data() + old);
    const BrotliDecoderResult r = BrotliDecoderDecompressStream(
        state.get(), &avail_in, &next_in, &avail_out, &next_out, nullptr);
    out.bytes.resize(old + room - avail_out);
    if (out.bytes.size() > cap) {
      out.bytes.resize(cap);
      out.capped = true;
      break;
    }
    if (r == BROTLI_DECODER_RESULT_SUCCESS) {
      out.damaged = avail_in != 0;
      break;
    }
    if (r != BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
      out.damaged = true;  // an error, or the input ended inside the stream
      break;
    }
  }
  return out;
}

Decompressed Unzstd(absl::string_view in, const DecodeLimits& limits) {
  Decompressed out;
  const size_t cap = OutputCap(in.size(), limits);
  std::unique_ptr<ZSTD_DStream, decltype(&ZSTD_freeDStream)> stream(
      ZSTD_createDStream(), &ZSTD_freeDStream);
  if (stream == nullptr || ZSTD_isError(ZSTD_initDStream(stream.get()))) {
    out.damaged = true;
    return out;
  }
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  size_t pending = 1;  // non-zero while a frame is unfinished
  while (true) {
    const size_t room = std::min(kChunk, cap + 1 - out.bytes.size());
    const size_t old = out.bytes.size();
    out.bytes.resize(old + room);
    ZSTD_outBuffer output{out.bytes.data() + old, room, 0};
    pending = ZSTD_decompressStream(stream.get(), &output, &input);
    out.bytes.resize(old + output.pos);
    if (ZSTD_isError(pending)) {
      out.damaged = true;
      break;
    }
    if (out.bytes.size() > cap) {
      out.bytes.resize(cap);
      out.capped = true;
      break;
    }
    if (input.pos == input.size && output.pos < room) {
      out.damaged = pending != 0;  // the input ended inside a frame
      break;
    }
  }
  return out;
}

std::string Size(size_t n) {
  if (n >= (size_t{1} << 20) && n % (size_t{1} << 20) == 0) {
    return absl::StrCat(n >> 20, " MiB");
  }
  return absl::StrCat(n, " bytes");
}

// Records the decoding of d.bytes as `coding`, and what went wrong.
void Apply(Coding coding, Decompressed out, ContentDecoding& d) {
  const std::string name(CodingName(coding));
  if (out.capped) {
    d.problems.push_back(absl::StrCat("the body is ", name,
                                      "-coded and expands past ",
                                      Size(out.bytes.size()),
                                      "; only that much was searched"));
    d.complete = false;
  } else if (out.damaged) {
    d.problems.push_back(absl::StrCat("the ", name,
                                      "-coded body is damaged after ",
                                      Size(out.bytes.size()),
                                      " of decoded data; the rest was not "
                                      "searched"));
    d.complete = false;
  }
  d.bytes = std::move(out.bytes);
  d.undone.push_back(coding);
}

// Undoes `coding` if d.bytes are in it; false if they are not (the exporter
// decoded them already).
bool UndoIfPresent(Coding coding, const DecodeLimits& limits,
                   ContentDecoding& d) {
  Decompressed out;
  switch (coding) {
    case Coding::kGzip:
    case Coding::kZstd:
      if (coding == Coding::kGzip ? !IsGzip(d.bytes) : !IsZstd(d.bytes)) {
        return false;
      }
      out = Decompress(coding, d.bytes, limits);
      break;
    case Coding::kZlib:
    case Coding::kRawDeflate:
      // "deflate" means zlib, but servers and SDKs often send raw deflate.
      if (IsZlib(d.bytes)) {
        out = Decompress(Coding::kZlib, d.bytes, limits);
        if (!out.damaged || !out.bytes.empty()) {
          coding = Coding::kZlib;
          break;
        }
      }
      out = Decompress(Coding::kRawDeflate, d.bytes, limits);
      if (out.damaged) return false;
      coding = Coding::kRawDeflate;
      break;
    case Coding::kBrotli:
      // Brotli has no magic bytes: the body is brotli if it decodes whole.
      out = Decompress(coding, d.bytes, limits);
      if (out.damaged) return false;
      break;
  }
  Apply(coding, std::move(out), d);
  return true;
}

// Printable and short: safe to name in a problem.
bool IsTokenWord(absl::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::string_view CodingName(Coding coding) {
  switch (coding) {
    case Coding::kGzip:
      return "gzip";
    case Coding::kZlib:
      return "deflate (zlib)";
    case Coding::kRawDeflate:
      return "deflate (raw)";
    case Coding::kBrotli:
      return "br";
    case Coding::kZstd:
      return "zstd";
  }
  return "unknown";
}

Decompressed Decompress(Coding coding, absl::string_view in,
                        const DecodeLimits& limits) {
  switch (coding) {
    case Coding::kGzip:
      return Inflate(16 + MAX_WBITS, in, limits);
    case Coding::kZlib:
      return Inflate(MAX_WBITS, in, limits);
    case Coding::kRawDeflate:
      return Inflate(-MAX_WBITS, in, limits);
    case Coding::kBrotli:
      return Unbrotli(in, limits);
    case Coding::kZstd:
      return Unzstd(in, limits);
  }
  return Decompressed{{}, false, true};
}

std::optional<Coding> SniffCompression(absl::string_view bytes) {
  if (IsGzip(bytes)) return Coding::kGzip;
  if (IsZstd(bytes)) return Coding::kZstd;
  if (IsZlib(bytes)) return Coding::kZlib;
  return std::nullopt;
}

ContentDecoding DecodeContentCodings(absl::string_view body,
                                     absl::string_view content_encoding,
                                     const DecodeLimits& limits) {
  ContentDecoding d;
  d.bytes = std::string(body);
  std::vector<std::string> named;
  for (absl::string_view token : absl::StrSplit(content_encoding, ',')) {
    token = absl::StripAsciiWhitespace(token);
    if (token.empty()) continue;
    std::string lower = absl::AsciiStrToLower(token);
    if (lower != "identity") named.push_back(std::move(lower));
  }
  if (named.empty()) {
    // No header: only what announces itself. A sniffed format that does not
    // decode was not compressed after all.
    const std::optional<Coding> sniffed = SniffCompression(d.bytes);
    if (!sniffed.has_value()) return d;
    Decompressed out = Decompress(*sniffed, d.bytes, limits);
    // A two-byte zlib header is weak evidence: only a clean stream counts.
    if (out.damaged && (out.bytes.empty() || *sniffed == Coding::kZlib)) {
      return d;
    }
    Apply(*sniffed, std::move(out), d);
    return d;
  }
  for (auto it = named.rbegin(); it != named.rend(); ++it) {
    std::optional<Coding> coding;
    if (*it == "gzip" || *it == "x-gzip") coding = Coding::kGzip;
    if (*it == "deflate") coding = Coding::kZlib;
    if (*it == "br") coding = Coding::kBrotli;
    if (*it == "zstd") coding = Coding::kZstd;
    if (!coding.has_value()) {
      d.problems.push_back(absl::StrCat(
          "Content-Encoding names ",
          IsTokenWord(*it) ? absl::StrCat("\"", *it, "\"") : "a coding",
          ", which is not supported; the body was searched as sent"));
      d.complete = false;
      d.unknown_coding = true;
      return d;
    }
    if (!UndoIfPresent(*coding, limits, d)) return d;  // decoded already
    if (!d.complete) return d;
  }
  return d;
}

}  // namespace candor::detect
