#include "verifier/reference/punycode.h"

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace candor::reference {
namespace {

// RFC 3492 section 5 parameters.
constexpr uint32_t kBase = 36;
constexpr uint32_t kTMin = 1;
constexpr uint32_t kTMax = 26;
constexpr uint32_t kSkew = 38;
constexpr uint32_t kDamp = 700;
constexpr uint32_t kInitialBias = 72;
constexpr uint32_t kInitialN = 128;

absl::StatusOr<std::vector<uint32_t>> DecodeUtf8(absl::string_view s) {
  std::vector<uint32_t> out;
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t b = static_cast<uint8_t>(s[i]);
    uint32_t cp;
    size_t len;
    uint32_t min;
    if (b < 0x80) {
      cp = b, len = 1, min = 0;
    } else if ((b & 0xE0) == 0xC0) {
      cp = b & 0x1F, len = 2, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      cp = b & 0x0F, len = 3, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      cp = b & 0x07, len = 4, min = 0x10000;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid UTF-8 at byte ", i));
    }
    if (i + len > s.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("truncated UTF-8 sequence at byte ", i));
    }
    for (size_t k = 1; k < len; ++k) {
      const uint8_t c = static_cast<uint8_t>(s[i + k]);
      if ((c & 0xC0) != 0x80) {
        return absl::InvalidArgumentError(
            absl::StrCat("invalid UTF-8 at byte ", i + k));
      }
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid UTF-8 code point at byte ", i));
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

char Digit(uint32_t d) {
  return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26));
}

uint32_t Adapt(uint32_t delta, uint32_t num_points, bool first_time) {
  delta = first_time ? delta / kDamp : delta / 2;
  delta += delta / num_points;
  uint32_t k = 0;
  while (delta > ((kBase - kTMin) * kTMax) / 2) {
    delta /= kBase - kTMin;
    k += kBase;
  }
  return k + (((kBase - kTMin + 1) * delta) / (delta + kSkew));
}

}  // namespace

absl::StatusOr<std::string> PunycodeEncode(absl::string_view utf8) {
  absl::StatusOr<std::vector<uint32_t>> input = DecodeUtf8(utf8);
  if (!input.ok()) return input.status();
  std::string out;
  for (uint32_t c : *input) {
    if (c < 0x80) out.push_back(static_cast<char>(c));
  }
  const uint32_t basic = static_cast<uint32_t>(out.size());
  uint32_t handled = basic;
  if (basic > 0) out.push_back('-');

  uint32_t n = kInitialN;
  uint32_t delta = 0;
  uint32_t bias = kInitialBias;
  const uint32_t total = static_cast<uint32_t>(input->size());
  while (handled < total) {
    uint32_t m = UINT32_MAX;
    for (uint32_t c : *input) {
      if (c >= n && c < m) m = c;
    }
    // Labels are at most 63 bytes, far below where the RFC's overflow
    // checks could trigger, but the input is not trusted to be a label.
    if ((m - n) > (UINT32_MAX - delta) / (handled + 1)) {
      return absl::InvalidArgumentError("input too long for Punycode");
    }
    delta += (m - n) * (handled + 1);
    n = m;
    for (uint32_t c : *input) {
      if (c < n && ++delta == 0) {
        return absl::InvalidArgumentError("input too long for Punycode");
      }
      if (c != n) continue;
      uint32_t q = delta;
      for (uint32_t k = kBase;; k += kBase) {
        const uint32_t t =
            k <= bias ? kTMin : (k >= bias + kTMax ? kTMax : k - bias);
        if (q < t) break;
        out.push_back(Digit(t + (q - t) % (kBase - t)));
        q = (q - t) / (kBase - t);
      }
      out.push_back(Digit(q));
      bias = Adapt(delta, handled + 1, handled == basic);
      delta = 0;
      ++handled;
    }
    ++delta;
    ++n;
  }
  return out;
}

absl::StatusOr<std::string> ToAsciiLabel(absl::string_view utf8_label) {
  bool ascii = true;
  for (char c : utf8_label) {
    if (static_cast<uint8_t>(c) >= 0x80) ascii = false;
  }
  if (ascii) return std::string(utf8_label);
  absl::StatusOr<std::string> encoded = PunycodeEncode(utf8_label);
  if (!encoded.ok()) return encoded.status();
  return absl::StrCat("xn--", *encoded);
}

}  // namespace candor::reference
