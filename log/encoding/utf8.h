// UTF-8, one code point at a time: encoding, decoding with validation, and
// checking a whole text. Well-formed means RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF.
//
// Pure functions, thread-safe.

#ifndef CANDOR_LOG_ENCODING_UTF8_H_
#define CANDOR_LOG_ENCODING_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace candor {

// Appends the UTF-8 form of code point `cp` (at most U+10FFFF) to `out`.
void AppendUtf8(uint32_t cp, std::string& out);

// The code point of the well-formed UTF-8 sequence that starts at text[i],
// with its length in `length`; -1 if none starts there (an ASCII byte is a
// sequence of length 1).
int32_t DecodeUtf8At(absl::string_view text, size_t i, size_t* length = nullptr);

// Whether all of `text` is well-formed UTF-8.
bool IsUtf8(absl::string_view text);

}  // namespace candor

#endif  // CANDOR_LOG_ENCODING_UTF8_H_
