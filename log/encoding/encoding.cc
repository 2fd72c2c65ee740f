#include "log/encoding/encoding.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace candor {
namespace {

bool IsStandardBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '+' || c == '/';
}

bool IsUrlBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

std::string Base64Encode(absl::string_view data) {
  return absl::Base64Escape(data);
}

absl::StatusOr<std::string> Base64Decode(absl::string_view text) {
  if (text.size() % 4 != 0) {
    return absl::InvalidArgumentError(
        "invalid base64: length is not a multiple of 4");
  }
  size_t body = text.size();
  while (body > 0 && text.size() - body < 2 && text[body - 1] == '=') --body;
  for (size_t i = 0; i < body; ++i) {
    if (!IsStandardBase64Char(text[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid base64: unexpected character at offset ", i));
    }
  }
  std::string out;
  // absl accepts some non-canonical forms (stray low bits, missing padding);
  // re-encoding and comparing rejects them.
  if (!absl::Base64Unescape(text, &out) || absl::Base64Escape(out) != text) {
    return absl::InvalidArgumentError("invalid base64: not canonical");
  }
  return out;
}

std::string Base64UrlEncode(absl::string_view data) {
  return absl::WebSafeBase64Escape(data);
}

absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text) {
  absl::string_view body = text;
  if (text.size() % 4 == 0) {
    while (!body.empty() && text.size() - body.size() < 2 &&
           body.back() == '=') {
      body.remove_suffix(1);
    }
  }
  for (size_t i = 0; i < body.size(); ++i) {
    if (!IsUrlBase64Char(body[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid base64url: unexpected character at offset ", i));
    }
  }
  std::string out;
  if (!absl::WebSafeBase64Unescape(body, &out) ||
      absl::WebSafeBase64Escape(out) != body) {
    return absl::InvalidArgumentError("invalid base64url: not canonical");
  }
  return out;
}

std::string HexEncode(absl::string_view data) {
  return absl::BytesToHexString(data);
}

absl::StatusOr<std::string> HexDecode(absl::string_view text) {
  if (text.size() % 2 != 0) {
    return absl::InvalidArgumentError("invalid hex: odd length");
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(text[i]))) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid hex: unexpected character at offset ", i));
    }
  }
  return absl::HexStringToBytes(text);
}

}  // namespace candor
