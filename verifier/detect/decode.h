// Lenient decoders for what apps put on the wire: percent-encoding and
// base64 in either alphabet, padded or not, found inside larger text.
//
// Unlike log/encoding (which accepts only the one canonical form of signed
// data), these accept whatever a sender might have written, because the
// detector must see through encodings, not judge them. They never fail on
// odd input: they decode what can be decoded and say whether anything was.
//
// Pure functions, thread-safe.

#ifndef CANDOR_VERIFIER_DETECT_DECODE_H_
#define CANDOR_VERIFIER_DETECT_DECODE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace candor::detect {

// Whether `text` holds at least one "%XX" escape (X a hex digit).
bool HasPercentEscape(absl::string_view text);

// Decodes every "%XX" escape (and, with `plus_is_space`, every '+', as in
// application/x-www-form-urlencoded); anything else, including a '%' not
// followed by two hex digits, is copied. If `from_escape` is given, it gets
// one flag per output byte: whether that byte came from an escape (or a '+').
std::string PercentDecode(absl::string_view text, bool plus_is_space,
                          std::vector<bool>* from_escape = nullptr);

enum class Base64Alphabet { kStandard, kUrl };

// A run of base64 characters in some text, a candidate for decoding.
struct Base64Token {
  size_t begin;            // offset in the text
  absl::string_view text;  // without padding
  Base64Alphabet alphabet;
};

// Calls `fn` for every maximal run of at least `min_chars` base64 characters
// ("A-Za-z0-9" plus either "+/" or "-_", never both; trailing '=' padding is
// dropped) whose length could be base64 (not 1 mod 4). Within a run of the
// standard alphabet that contains '/', each '/'-separated piece of at least
// `min_chars` characters is a candidate too, since paths and base64 share
// that character and a misaligned decode would hide a token.
void ForEachBase64Token(absl::string_view text, size_t min_chars,
                        absl::FunctionRef<void(const Base64Token&)> fn);

// Decodes base64 without padding in `alphabet`; ignores the stray low bits a
// non-canonical encoder may leave. False if `text` has a character outside
// the alphabet or a length of 1 mod 4.
bool DecodeBase64Lenient(absl::string_view text, Base64Alphabet alphabet,
                         std::string& out);

// Like DecodeBase64Lenient, but also accepts padding and the ASCII whitespace
// that MIME line-wraps base64 with, and either alphabet: for bodies that a
// capture tool says are base64.
bool DecodeBase64Body(absl::string_view text, std::string& out);

// A run of hex digits in some text, a candidate for decoding.
struct HexToken {
  size_t begin;            // offset in the text
  absl::string_view text;  // an even number of hex digits
};

// Calls `fn` for every maximal run of at least `min_chars` hex digits whose
// letters are all of one case (hex encoders write one case; mixed-case runs
// are words and base64). A run of odd length is offered as its even-length
// prefix and its even-length suffix, since either may be the encoding.
void ForEachHexToken(absl::string_view text, size_t min_chars,
                     absl::FunctionRef<void(const HexToken&)> fn);

// Decodes an even-length run of hex digits (either case).
std::string DecodeHexRun(absl::string_view hex);

// Decodes quoted-printable (RFC 2045): "=XX" escapes and "=" soft line
// breaks; anything malformed is copied.
std::string DecodeQuotedPrintable(absl::string_view text);

// Text in the charset a Content-Type names, as UTF-8: UTF-16 (LE, BE, or
// by its byte-order mark) and Latin-1 (iso-8859-1, windows-1252 taken as
// Latin-1) are converted; nullopt for UTF-8, ASCII, unknown charsets, or
// bytes that are not in the charset (then the bytes are searched as sent).
std::optional<std::string> CharsetToUtf8(absl::string_view bytes,
                                         absl::string_view charset);

// Capture tools that cannot write a body's bytes as UTF-8 text write one
// character per byte (Latin-1: mitmproxy for bodies without a text charset,
// Chromium for bodies that are not UTF-8). Given such text as UTF-8, returns
// the bytes it stands for: if every character is U+0000 to U+00FF and at
// least one is U+0080 or above; nullopt otherwise (the text is the bytes).
std::optional<std::string> Latin1Bytes(absl::string_view utf8);

}  // namespace candor::detect

#endif  // CANDOR_VERIFIER_DETECT_DECODE_H_
