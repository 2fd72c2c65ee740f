// The slug that names an app in the site's paths (API.md): every byte of
// the app id outside [A-Za-z0-9.-] is written '_' and its two upper-case hex
// digits, so "android:com.example.app" is "android_3Acom.example.app".
// Injective, and safe as a file name on every file system we write to.
//
// Pure functions, thread-safe.

#ifndef CANDOR_VERIFIER_SITE_SLUG_H_
#define CANDOR_VERIFIER_SITE_SLUG_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor::site {

std::string AppSlug(absl::string_view app);

// The app id of `slug`; INVALID_ARGUMENT if it is not a slug AppSlug could
// have written (a stray character, a bad or lower-case escape, or an escape
// of a byte that needs none, which keeps the inverse unique).
absl::StatusOr<std::string> AppFromSlug(absl::string_view slug);

}  // namespace candor::site

#endif  // CANDOR_VERIFIER_SITE_SLUG_H_
