// Strict text encodings of binary data: base64 (RFC 4648 standard and URL
// alphabets) and hex.
//
// Decoders accept only the canonical encoding of some byte string: padding
// exactly as the encoder would write it, no whitespace, no stray bits in the
// last character. A signed object must have one textual form, or two parties
// could disagree on what was signed.
//
// All functions are pure and thread-safe.

#ifndef CANDOR_LOG_ENCODING_ENCODING_H_
#define CANDOR_LOG_ENCODING_ENCODING_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor {

// Standard alphabet, with padding.
std::string Base64Encode(absl::string_view data);
// Fails with INVALID_ARGUMENT unless `text` is canonical padded standard base64.
absl::StatusOr<std::string> Base64Decode(absl::string_view text);

// URL-safe alphabet, without padding.
std::string Base64UrlEncode(absl::string_view data);
// Accepts canonical URL-safe base64, padded or not.
absl::StatusOr<std::string> Base64UrlDecode(absl::string_view text);

// Lower-case hex.
std::string HexEncode(absl::string_view data);
// Accepts upper- or lower-case hex of even length.
absl::StatusOr<std::string> HexDecode(absl::string_view text);

}  // namespace candor

#endif  // CANDOR_LOG_ENCODING_ENCODING_H_
