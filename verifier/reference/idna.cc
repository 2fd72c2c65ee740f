#include "verifier/reference/idna.h"

#include <idn2.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace candor::reference {
namespace {

// Owns a string that libidn2 allocated.
struct Idn2Free {
  void operator()(char* p) const { idn2_free(p); }
};
using Idn2String = std::unique_ptr<char, Idn2Free>;

// UTS #46 non-transitional processing (IDNA 2008 semantics for deviation
// characters such as 'ß'), on NFC-normalised input.
constexpr int kFlags = IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL;

using Converter = int (*)(const char*, char**, int);

absl::StatusOr<std::string> Convert(Converter convert, absl::string_view in,
                                    absl::string_view what) {
  if (in.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot convert a host name with a NUL byte ", what));
  }
  const std::string terminated(in);
  char* raw = nullptr;
  const int rc = convert(terminated.c_str(), &raw, kFlags);
  Idn2String out(raw);
  if (rc != IDN2_OK) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot convert the host name ", what, ": ", idn2_strerror(rc)));
  }
  return std::string(out.get());
}

}  // namespace

absl::StatusOr<std::string> ToAsciiHost(absl::string_view utf8_host) {
  return Convert(&idn2_to_ascii_8z, utf8_host, "to its A-label form");
}

absl::StatusOr<std::string> ToUnicodeHost(absl::string_view host) {
  return Convert(&idn2_to_unicode_8z8z, host, "to Unicode");
}

}  // namespace candor::reference
