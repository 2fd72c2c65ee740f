// Internationalised domain names (IDNA 2008, RFC 5890-5893, with the Unicode
// UTS #46 non-transitional mapping that browsers' URL parsers apply), through
// GNU libidn2 (Debian's libidn2-dev).
//
// Hosts travel over the wire in A-label form ("xn--bcher-kva.example"); these
// functions convert between that and the Unicode form people write
// ("Bücher.example"). The mapping lower-cases, NFC-normalises and maps
// compatibility characters; IDNA 2008 then refuses what it disallows
// (symbols such as U+2603 SNOWMAN, which IDNA 2003 allowed) and keeps what
// transitional processing would have rewritten ("faß" stays "faß":
// "xn--fa-hia", not "fass"). STD3 rules are not applied, as in browsers, so
// '_' passes through.
//
// Pure functions, thread-safe. Errors are INVALID_ARGUMENT with libidn2's
// reason; the input is never quoted in them (callers quote what they must).

#ifndef CANDOR_VERIFIER_REFERENCE_IDNA_H_
#define CANDOR_VERIFIER_REFERENCE_IDNA_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor::reference {

// The A-label form of a host name given in UTF-8: "Bücher.example" ->
// "xn--bcher-kva.example"; ASCII labels come back lower-cased. Fails on
// invalid UTF-8, NUL bytes, and names IDNA 2008 disallows.
absl::StatusOr<std::string> ToAsciiHost(absl::string_view utf8_host);

// The Unicode form of a host name, for display: "xn--bcher-kva.example" ->
// "bücher.example"; other labels are returned as they are. Fails on invalid
// UTF-8 and on "xn--" labels that are not Punycode. libidn2 (2.3.3) does not
// check the decoded labels against IDNA 2008: pass the result through
// ToAsciiHost when that matters.
absl::StatusOr<std::string> ToUnicodeHost(absl::string_view host);

}  // namespace candor::reference

#endif  // CANDOR_VERIFIER_REFERENCE_IDNA_H_
