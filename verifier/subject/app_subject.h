// The in-toto subject of a claim or a measurement: the app binary when the
// predicate names one, else the app itself.
//
// Two kinds of subject, told apart by their form:
//
//   App subject (a claim or measurement about every build of the app, or one
//   that names no binary):
//     {"name": "android:com.example.app",
//      "digest": {"sha256": hex(SHA-256("android:com.example.app"))}}
//   The name is the app id; the digest is that of the name (NamedSubject),
//   since there are no artifact bytes to hash. It has no annotations and no
//   '@' in its name.
//
//   Binary subject (one build: an APK, AAB or IPA; "android:" and "ios:"
//   apps only):
//     {"name": "android:com.example.app@2.3.1",
//      "digest": {"sha256": "<SHA-256 of the file's bytes>"},
//      "annotations": {"app": "android:com.example.app",
//                      "package": "com.example.app",
//                      "version": "2.3.1"}}
//   The name is "<app id>@<version>", or "<app id>@*" when the version is not
//   stated (then there is no "version" annotation). "package" is the package
//   name (Android) or bundle id (iOS): the app id without its platform
//   prefix, for tools that look for it there. Other annotations are allowed
//   and ignored. The digest is what identifies the build; the name and
//   annotations say which app it is, so a reader can check them against the
//   predicate.
//
// Pure functions, thread-safe. Errors are INVALID_ARGUMENT whose message
// names the subject and what is wrong with it.

#ifndef CANDOR_VERIFIER_SUBJECT_APP_SUBJECT_H_
#define CANDOR_VERIFIER_SUBJECT_APP_SUBJECT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "log/statement/statement.h"

namespace candor::subject {

inline constexpr absl::string_view kAppAnnotation = "app";
inline constexpr absl::string_view kPackageAnnotation = "package";
inline constexpr absl::string_view kVersionAnnotation = "version";
// Stands for the version in a binary subject's name when it is not stated.
inline constexpr absl::string_view kUnstatedVersion = "*";

// 64 lower-case hex digits.
bool IsSha256Hex(absl::string_view s);

// The package name or bundle id of an "android:" or "ios:" app id; for any
// other app id (web apps have no binary), an error naming it.
absl::StatusOr<std::string> PackageName(absl::string_view app_id);

// The binary subject of the build of `app_id` whose file has SHA-256
// `sha256_hex`; `version` may be empty (not stated). Errors: an app id
// without a binary (see PackageName), a digest that is not 64 lower-case hex
// digits.
absl::StatusOr<Subject> BinarySubject(absl::string_view app_id,
                                      absl::string_view version,
                                      absl::string_view sha256_hex);

// Whether `s` presents itself as a binary subject: it has annotations or an
// '@' in its name. (No app id has an '@'; an app subject has neither.)
bool IsBinarySubject(const Subject& s);

// What a binary subject says, once ReadBinarySubject has checked it.
struct Binary {
  std::string app;      // the "app" annotation, a valid android:/ios: app id
  std::string version;  // the "version" annotation; empty if not stated
  std::string sha256;   // digest.sha256
};

// Reads `s` as a binary subject, checking it against the convention above:
// a sha256 digest of 64 hex digits, an "app" annotation naming an android:
// or ios: app, a "package" annotation (if any) that is that app's package,
// and the name "<app>@<version or *>".
absl::StatusOr<Binary> ReadBinarySubject(const Subject& s);

// What a statement's predicate says it is about, for CheckSubjects.
struct About {
  absl::string_view kind;          // "claim", "measurement": for messages
  absl::string_view app_id;        // the predicate's app
  absl::string_view binary_field;  // how the predicate's digest field is spelt
  absl::string_view binary_sha256;  // the predicate's binary; empty for none
};

// Checks that `subjects` is exactly one subject, and the right one for
// `about`: with no binary, the app subject named about.app_id (its digest is
// not checked); with a binary, a binary subject (ReadBinarySubject) of
// about.app_id whose digest is about.binary_sha256. Returns the binary
// subject's version (empty if it states none, or for an app subject), which
// the caller checks against its predicate's versions.
absl::StatusOr<std::string> CheckSubjects(absl::Span<const Subject> subjects,
                                          const About& about);

}  // namespace candor::subject

#endif  // CANDOR_VERIFIER_SUBJECT_APP_SUBJECT_H_
