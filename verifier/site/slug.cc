#include "verifier/site/slug.h"

#include "absl/strings/str_cat.h"

namespace candor::site {
namespace {

bool Plain(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '-';
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // lower case is not what AppSlug writes
}

}  // namespace

std::string AppSlug(absl::string_view app) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(app.size());
  for (char c : app) {
    if (Plain(c)) {
      out.push_back(c);
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out.push_back('_');
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xf]);
  }
  return out;
}

absl::StatusOr<std::string> AppFromSlug(absl::string_view slug) {
  std::string out;
  for (size_t i = 0; i < slug.size(); ++i) {
    if (Plain(slug[i])) {
      out.push_back(slug[i]);
      continue;
    }
    if (slug[i] != '_' || i + 2 >= slug.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("not an app slug: unexpected character at ", i));
    }
    const int high = HexDigit(slug[i + 1]);
    const int low = HexDigit(slug[i + 2]);
    if (high < 0 || low < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("not an app slug: bad escape at ", i));
    }
    const char c = static_cast<char>(high * 16 + low);
    if (Plain(c)) {
      return absl::InvalidArgumentError(
          absl::StrCat("not an app slug: needless escape at ", i));
    }
    out.push_back(c);
    i += 2;
  }
  return out;
}

}  // namespace candor::site
