// Punycode (RFC 3492) encoding of internationalised domain-name labels, so
// that Unicode rules of the Public Suffix List match the A-label ("xn--")
// form in which hosts travel over the wire.
//
// Only encoding: hosts are matched in A-label form and never decoded. The
// caller supplies labels already in the form the PSL uses (lower-case, NFC);
// no IDNA mapping or normalisation happens here.
//
// Pure functions, thread-safe. Errors are INVALID_ARGUMENT.

#ifndef CANDOR_VERIFIER_REFERENCE_PUNYCODE_H_
#define CANDOR_VERIFIER_REFERENCE_PUNYCODE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor::reference {

// The Punycode form of a UTF-8 string, without the "xn--" prefix:
// "bücher" -> "bcher-kva". Fails on invalid UTF-8 (overlong forms,
// surrogates, code points above U+10FFFF).
absl::StatusOr<std::string> PunycodeEncode(absl::string_view utf8);

// A label as it appears in a host name: ASCII labels are returned unchanged,
// others as "xn--" + PunycodeEncode(label).
absl::StatusOr<std::string> ToAsciiLabel(absl::string_view utf8_label);

}  // namespace candor::reference

#endif  // CANDOR_VERIFIER_REFERENCE_PUNYCODE_H_
