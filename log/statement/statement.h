// Signed statements: a DSSE envelope whose payload is an in-toto Statement v1
// (github.com/in-toto/attestation, spec v1):
//
//   {"_type": "https://in-toto.io/Statement/v1",
//    "subject": [{"name": "...", "digest": {"sha256": "<hex>"},
//                 "annotations": {"key": "string value", ...}}],
//    "predicateType": "<URI>", "predicate": {...}}
//
// Every entry of the log is one of these. Parsing is strict (unknown fields
// are errors) and keeps the predicate's JSON text verbatim, so the signed bytes
// are never re-serialized. Predicates are proto messages read and written with
// protobuf's JSON mapping.
//
// Pure functions, thread-safe. Errors are INVALID_ARGUMENT naming the field,
// or RESOURCE_EXHAUSTED for an entry over kMaxEntrySize.

#ifndef CANDOR_LOG_STATEMENT_STATEMENT_H_
#define CANDOR_LOG_STATEMENT_STATEMENT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "log/crypto/keys.h"
#include "log/statement/dsse.h"

namespace candor {

// The tlog-tiles entry bundle limit.
inline constexpr size_t kMaxEntrySize = 65535;

inline constexpr absl::string_view kStatementType =
    "https://in-toto.io/Statement/v1";

struct Subject {
  std::string name;
  std::map<std::string, std::string> digest;  // algorithm -> lower-case hex
  // The ResourceDescriptor's optional "annotations". in-toto allows any JSON
  // value; Candor reads and writes string values only (a subject with another
  // kind of value is refused, naming the key), since that is all its own
  // subjects use (see verifier/subject/app_subject.h). Written only when
  // non-empty.
  std::map<std::string, std::string> annotations;
};

struct Statement {
  std::vector<Subject> subjects;
  std::string predicate_type;
  std::string predicate_json;  // the predicate object's JSON text
};

struct SignedStatement {
  dsse::Envelope envelope;
  Statement statement;
};

absl::StatusOr<Statement> ParseStatement(absl::string_view payload);
// Compact JSON; predicate_json is inserted as it is.
std::string SerializeStatement(const Statement& statement);

// Parses an entry as submitted to the log: size limit, envelope, payload type,
// statement. Signatures are not checked here.
absl::StatusOr<SignedStatement> ParseSignedStatement(absl::string_view entry);

// Signs `statement` with `key` and returns the envelope's JSON: an entry.
absl::StatusOr<std::string> SignStatement(const Statement& statement,
                                          const PrivateKey& key);

// Reads a predicate with protobuf's JSON mapping; unknown fields are errors.
absl::Status ParsePredicate(absl::string_view json,
                            google::protobuf::Message& out);
// Writes a predicate with protobuf's JSON mapping (lowerCamel field names).
std::string PredicateToJson(const google::protobuf::Message& predicate);

// The principal the predicate names as its signer (the member
// SignerFieldOf(predicate type) names: a claim's issuer, a measurement's
// auditor, ...), or "" if its type names none or the member is missing or
// not a string. Admission checks that this principal signed.
std::string NamedSignerOf(const Statement& statement);

// A subject naming `name` with digest sha256(name): for statements about
// something that has a name but no artifact bytes (a principal, an app).
Subject NamedSubject(absl::string_view name);

}  // namespace candor

#endif  // CANDOR_LOG_STATEMENT_STATEMENT_H_
