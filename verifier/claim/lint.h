// `candor claim init` and `candor claim lint`: the commented example claim a
// vendor starts from, and every problem in a claim file explained before it
// is signed.
//
// A claim file is the Claim predicate as JSON (protobuf's JSON mapping) in
// which any line whose first non-blank characters are "//" is a comment.
// Comments are not JSON: what gets signed is StripComments(file), and the log
// keeps those bytes verbatim.
//
// Pure functions (but ExampleClaim() reads the clock), thread-safe.

#ifndef CANDOR_VERIFIER_CLAIM_LINT_H_
#define CANDOR_VERIFIER_CLAIM_LINT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "log/registry/registry.h"

namespace candor::claim {

// `text` with every comment line (first non-blank characters "//") emptied,
// keeping its line break, so that line numbers in errors still match the
// file. Other lines, including "//" inside JSON strings such as URLs, are
// kept byte for byte. A JSON string cannot span lines, so a line that starts
// with "//" is never inside one.
std::string StripComments(absl::string_view text);

struct LintOptions {
  // Checked against issuedAt and effectiveAt as the log would at submission.
  absl::Time now;
  // The vendor's registration, if at hand: then the issuer must be its name
  // and the app in its scope. Null: the issuer only needs to be a
  // well-formed principal name.
  const registry::PrincipalRecord* vendor = nullptr;
};

// Every problem in the claim file `text`, one human-readable line each;
// empty when the claim is ready to sign. In order:
//   - the file is not JSON: one line, "line L, column C: <what is wrong>";
//   - the JSON does not fit the Claim message: one line per mismatch,
//     "line L, column C: <field path>: <what is wrong>" (unknown or repeated
//     field, wrong JSON type, unknown enum name, malformed time or base64);
//   - otherwise every problem ClaimProblems finds, each naming the field
//     ("claim assertions[1].countries[0] (\"no-cn\"): ...").
std::vector<std::string> LintClaim(absl::string_view text,
                                   const LintOptions& options);

// A commented example claim (what `candor claim init` writes): an Android
// app that never shares contacts, phone numbers, precise location or face
// data with third parties and never sends any user data to endpoints located
// in China (CN), issued and effective at `now` (to the second). It lints
// clean except for its placeholders, which the vendor must fill in: app.id
// "android:<your.package.name>", issuer "<your-vendor-name>", and the
// privacy policy's url "https://<your-site>/privacy" and sha256 "<sha256 of
// the policy>".
std::string ExampleClaim(absl::Time now);

// The build a claim is about (`candor claim init --apk`).
struct ExampleBuild {
  std::string app_id;         // "android:<package>" or "ios:<bundle id>"
  std::string version;        // the build's version; empty if not known
  std::string binary_sha256;  // lower-case hex SHA-256 of the APK/AAB/IPA
};
// The same example, but with `build` (if not null) as its app: app.id and
// app.binarySha256 filled in, and minVersion = maxVersion = the version when
// it is known. The values are written as given (JSON-quoted); lint checks
// them.
std::string ExampleClaim(absl::Time now, const ExampleBuild* build);
// ExampleClaim(absl::Now()).
std::string ExampleClaim();

}  // namespace candor::claim

#endif  // CANDOR_VERIFIER_CLAIM_LINT_H_
