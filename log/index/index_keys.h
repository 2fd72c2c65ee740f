// The keys the verifiable index files an entry under: a pure function of the
// entry's bytes, so anyone holding the log rebuilds the same index.
//
// For each subject of the statement:
//   * a subject with an "app" annotation (a build of an app, see
//     verifier/subject/app_subject.h): that app id, and "sha256:<hex>" of the
//     build's digest;
//   * any other subject: its name ("android:com.example.app" for an app,
//     registry::PrincipalSubject(name), "principal:<name>", for a
//     registration, "reference:<table>").
// And, for a predicate type that names its signer (SignerFieldOf: a claim's
// issuer, a measurement's auditor, a finding's verifier, ...),
// SignerKey(signer), "signer:<name>": admission has checked that this
// principal signed. So "principal:<name>" lists the principal's
// registrations (its keys over time: what a reader needs to check its
// signatures), "signer:<name>" every statement it signed, and the key of an
// app every claim, recording, dispute, measurement and finding about it.
//
// kNewKeysKey, which no subject or principal can be (it is empty), lists the
// entries that filed something under a key no earlier entry used: the index's
// table of contents, from which `candor apps` lists every app.
//
// Pure functions, thread-safe.

#ifndef CANDOR_LOG_INDEX_INDEX_KEYS_H_
#define CANDOR_LOG_INDEX_INDEX_KEYS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "log/statement/statement.h"

namespace candor::index {

inline constexpr absl::string_view kNewKeysKey = "";
inline constexpr absl::string_view kBinaryKeyPrefix = "sha256:";
inline constexpr absl::string_view kSignerKeyPrefix = "signer:";

// "signer:<name>".
std::string SignerKey(absl::string_view principal);

// The keys of `statement`, sorted, without repeats, never kNewKeysKey.
std::vector<std::string> IndexKeysOf(const Statement& statement);

// The keys of an entry of the log; an entry that is not a statement (none
// is admitted) is filed under no key.
std::vector<std::string> IndexKeysOfEntry(absl::string_view entry);

}  // namespace candor::index

#endif  // CANDOR_LOG_INDEX_INDEX_KEYS_H_
