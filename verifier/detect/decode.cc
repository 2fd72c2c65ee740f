#include "verifier/detect/decode.h"

#include "absl/strings/ascii.h"
#include "log/encoding/utf8.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace candor::detect {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Character classes for base64 scanning.
enum : uint8_t {
  kUpper = 1,
  kLower = 2,
  kDigit = 4,
  kStdOnly = 8,   // '+', '/'
  kUrlOnly = 16,  // '-', '_'
};

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kUpper;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kLower;
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
  t['+'] = kStdOnly;
  t['/'] = kStdOnly;
  t['-'] = kUrlOnly;
  t['_'] = kUrlOnly;
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

// 6-bit values, or 0xFF; separate tables for the two alphabets.
constexpr std::array<uint8_t, 256> MakeDecodeTable(bool url) {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = 0xFF;
  for (int i = 0; i < 26; ++i) {
    t['A' + i] = static_cast<uint8_t>(i);
    t['a' + i] = static_cast<uint8_t>(26 + i);
  }
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<uint8_t>(52 + i);
  t[url ? '-' : '+'] = 62;
  t[url ? '_' : '/'] = 63;
  return t;
}
constexpr std::array<uint8_t, 256> kStdTable = MakeDecodeTable(false);
constexpr std::array<uint8_t, 256> kUrlTable = MakeDecodeTable(true);

// Real base64 of six or more bytes mixes character classes; English words,
// numbers and lower-case identifiers do not, and decoding them only costs.
bool MixedClasses(uint8_t seen) {
  int classes = 0;
  if (seen & kUpper) ++classes;
  if (seen & kLower) ++classes;
  if (seen & (kDigit | kStdOnly | kUrlOnly)) ++classes;
  return classes >= 2;
}

void EmitRun(absl::string_view text, size_t begin, size_t end, size_t min_chars,
             bool split_pieces,
             absl::FunctionRef<void(const Base64Token&)> fn) {
  if (end - begin < min_chars) return;
  uint8_t seen = 0;
  for (size_t i = begin; i < end; ++i) {
    seen |= kClasses[static_cast<unsigned char>(text[i])];
  }
  const bool std_chars = (seen & kStdOnly) != 0;
  const bool url_chars = (seen & kUrlOnly) != 0;
  if (!(std_chars && url_chars) && (end - begin) % 4 != 1 &&
      MixedClasses(seen)) {
    fn(Base64Token{
        begin, text.substr(begin, end - begin),
        url_chars ? Base64Alphabet::kUrl : Base64Alphabet::kStandard});
  }
  if (!split_pieces) return;
  // Paths ("v1/user/<token>") and ambiguous runs: try each piece between
  // '/' (and, when the alphabet is ambiguous, '+') on its own.
  const bool split_plus = std_chars && url_chars;
  if (text.substr(begin, end - begin).find('/') == absl::string_view::npos &&
      !split_plus) {
    return;
  }
  size_t piece = begin;
  for (size_t i = begin; i <= end; ++i) {
    if (i == end || text[i] == '/' || (split_plus && text[i] == '+')) {
      if (!(piece == begin && i == end)) {
        EmitRun(text, piece, i, min_chars, false, fn);
      }
      piece = i + 1;
    }
  }
}

}  // namespace

bool HasPercentEscape(absl::string_view text) {
  for (size_t i = text.find('%'); i != absl::string_view::npos;
       i = text.find('%', i + 1)) {
    if (i + 2 < text.size() && HexDigit(text[i + 1]) >= 0 &&
        HexDigit(text[i + 2]) >= 0) {
      return true;
    }
  }
  return false;
}

std::string PercentDecode(absl::string_view text, bool plus_is_space,
                          std::vector<bool>* from_escape) {
  std::string out;
  out.reserve(text.size());
  if (from_escape != nullptr) {
    from_escape->clear();
    from_escape->reserve(text.size());
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size() && HexDigit(text[i + 1]) >= 0 &&
        HexDigit(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexDigit(text[i + 1]) * 16 +
                                      HexDigit(text[i + 2])));
      if (from_escape != nullptr) from_escape->push_back(true);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
      if (from_escape != nullptr) from_escape->push_back(true);
    } else {
      out.push_back(c);
      if (from_escape != nullptr) from_escape->push_back(false);
    }
  }
  return out;
}

void ForEachBase64Token(absl::string_view text, size_t min_chars,
                        absl::FunctionRef<void(const Base64Token&)> fn) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    if (kClasses[static_cast<unsigned char>(text[i])] == 0) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < n && kClasses[static_cast<unsigned char>(text[end])] != 0) {
      ++end;
    }
    EmitRun(text, i, end, min_chars, true, fn);
    i = end;
  }
}

bool DecodeBase64Lenient(absl::string_view text, Base64Alphabet alphabet,
                         std::string& out) {
  if (text.size() % 4 == 1) return false;
  const std::array<uint8_t, 256>& table =
      alphabet == Base64Alphabet::kUrl ? kUrlTable : kStdTable;
  out.clear();
  out.reserve(text.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : text) {
    const uint8_t v = table[static_cast<unsigned char>(ch)];
    if (v == 0xFF) return false;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

bool DecodeBase64Body(absl::string_view text, std::string& out) {
  std::string compact;
  compact.reserve(text.size());
  bool std_chars = false;
  bool url_chars = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '+' || c == '/') std_chars = true;
    if (c == '-' || c == '_') url_chars = true;
    compact.push_back(c);
  }
  if (std_chars && url_chars) return false;
  size_t padding = 0;
  while (!compact.empty() && compact.back() == '=' && padding < 2) {
    compact.pop_back();
    ++padding;
  }
  if (padding > 0 && (compact.size() + padding) % 4 != 0) return false;
  return DecodeBase64Lenient(
      compact, url_chars ? Base64Alphabet::kUrl : Base64Alphabet::kStandard,
      out);
}

void ForEachHexToken(absl::string_view text, size_t min_chars,
                     absl::FunctionRef<void(const HexToken&)> fn) {
  min_chars = std::max<size_t>(min_chars, 2);
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    if (HexDigit(text[i]) < 0) {
      ++i;
      continue;
    }
    const size_t begin = i;
    bool lower = false;
    bool upper = false;
    while (i < n && HexDigit(text[i]) >= 0) {
      lower = lower || (text[i] >= 'a' && text[i] <= 'f');
      upper = upper || (text[i] >= 'A' && text[i] <= 'F');
      ++i;
    }
    const size_t len = i - begin;
    if (len < min_chars || (lower && upper)) continue;
    if (len % 2 == 0) {
      fn(HexToken{begin, text.substr(begin, len)});
    } else if (len - 1 >= min_chars) {
      fn(HexToken{begin, text.substr(begin, len - 1)});
      fn(HexToken{begin + 1, text.substr(begin + 1, len - 1)});
    }
  }
}

std::string DecodeHexRun(absl::string_view hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    const int hi = HexDigit(hex[i]);
    const int lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) break;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::string DecodeQuotedPrintable(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 < text.size() && HexDigit(text[i + 1]) >= 0 &&
        HexDigit(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexDigit(text[i + 1]) * 16 +
                                      HexDigit(text[i + 2])));
      i += 2;
    } else if (i + 1 < text.size() && text[i + 1] == '\n') {
      i += 1;  // soft line break
    } else if (i + 2 < text.size() && text[i + 1] == '\r' &&
               text[i + 2] == '\n') {
      i += 2;
    } else {
      out.push_back('=');
    }
  }
  return out;
}

namespace {

std::optional<std::string> Utf16ToUtf8(absl::string_view bytes, bool little) {
  if (bytes.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(bytes.size());
  auto unit = [&](size_t i) -> uint32_t {
    const uint32_t a = static_cast<unsigned char>(bytes[i]);
    const uint32_t b = static_cast<unsigned char>(bytes[i + 1]);
    return little ? a | (b << 8) : (a << 8) | b;
  };
  for (size_t i = 0; i < bytes.size(); i += 2) {
    uint32_t cp = unit(i);
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 3 < bytes.size()) {
      const uint32_t low = unit(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      } else {
        return std::nullopt;
      }
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      return std::nullopt;
    }
    AppendUtf8(cp, out);
  }
  return out;
}

}  // namespace

std::optional<std::string> CharsetToUtf8(absl::string_view bytes,
                                         absl::string_view charset) {
  std::string name;
  for (char c : charset) {
    if (c != '"' && c != ' ') name.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  if (name == "utf-16" || name == "utf-16le" || name == "utf-16be") {
    bool little = name != "utf-16be";
    absl::string_view rest = bytes;
    if (rest.size() >= 2 && rest[0] == '\xff' && rest[1] == '\xfe') {
      little = true;
      rest.remove_prefix(2);
    } else if (rest.size() >= 2 && rest[0] == '\xfe' && rest[1] == '\xff') {
      little = false;
      rest.remove_prefix(2);
    } else if (name == "utf-16") {
      little = false;  // RFC 2781: big-endian without a mark
    }
    return Utf16ToUtf8(rest, little);
  }
  if (name == "iso-8859-1" || name == "latin1" || name == "latin-1" ||
      name == "windows-1252" || name == "cp1252") {
    if (IsUtf8(bytes)) return std::nullopt;
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 4);
    for (char c : bytes) AppendUtf8(static_cast<unsigned char>(c), out);
    return out;
  }
  return std::nullopt;
}

std::optional<std::string> Latin1Bytes(absl::string_view utf8) {
  // Most bodies are ASCII: nothing to do, and nothing to copy.
  if (std::none_of(utf8.begin(), utf8.end(),
                   [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(utf8.size());
  bool high = false;
  for (size_t i = 0; i < utf8.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    // U+0080 to U+00FF are C2 80 to C3 BF.
    if ((c != 0xC2 && c != 0xC3) || i + 1 >= utf8.size()) return std::nullopt;
    const unsigned char next = static_cast<unsigned char>(utf8[i + 1]);
    if ((next & 0xC0) != 0x80) return std::nullopt;
    out.push_back(static_cast<char>(((c & 0x03) << 6) | (next & 0x3F)));
    high = true;
    ++i;
  }
  if (!high) return std::nullopt;
  return out;
}

}  // namespace candor::detect
