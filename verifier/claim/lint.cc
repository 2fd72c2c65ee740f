#include "verifier/claim/lint.h"

#include <algorithm>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"
#include "log/json/json.h"
#include "log/statement/statement.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "verifier/claim/claim.h"
#include "verifier/taxonomy/taxonomy.h"

namespace candor::claim {
namespace {

// "line L, column C" of byte offset `offset` in `text` (1-based; columns
// count bytes).
std::string Position(absl::string_view text, size_t offset) {
  if (offset > text.size()) offset = text.size();
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return absl::StrCat("line ", line, ", column ", offset - line_start + 1);
}

// The reader's errors read "invalid JSON at offset N: <what>"; a vendor
// editing a file wants a line and column instead.
std::string SyntaxProblem(absl::string_view text, const absl::Status& s) {
  absl::string_view message = s.message();
  constexpr absl::string_view kPrefix = "invalid JSON at offset ";
  if (absl::ConsumePrefix(&message, kPrefix)) {
    const size_t colon = message.find(':');
    size_t offset;
    if (colon != absl::string_view::npos &&
        absl::SimpleAtoi(message.substr(0, colon), &offset)) {
      return absl::StrCat(Position(text, offset), ": invalid JSON: ",
                          absl::StripLeadingAsciiWhitespace(message.substr(colon + 1)));
    }
  }
  return absl::StrCat("the claim is not valid JSON: ", s.message());
}

// Checks a JSON document against a message type the way protobuf's JSON
// mapping reads it, but reports every mismatch (with its line and column)
// rather than stopping at the first: unknown or repeated fields, values of
// the wrong JSON type, unknown enum names, malformed timestamps and base64.
class SchemaChecker {
 public:
  explicit SchemaChecker(absl::string_view text) : text_(text) {}

  void Message(const json::Value& v, const google::protobuf::Descriptor* d,
               const std::string& path) {
    if (!v.is_object()) {
      Add(v, path, absl::StrCat("must be an object, not ", json::TypeName(v.type())));
      return;
    }
    absl::flat_hash_set<const google::protobuf::FieldDescriptor*> seen;
    for (const auto& [key, value] : v.members()) {
      const std::string field_path = path.empty() ? key : absl::StrCat(path, ".", key);
      const google::protobuf::FieldDescriptor* f = FindField(d, key);
      if (f == nullptr) {
        Add(value, field_path,
            absl::StrCat("unknown field; ", path.empty() ? "a claim" : path,
                         " takes ", FieldNames(d)));
        continue;
      }
      if (!seen.insert(f).second) {
        Add(value, field_path, absl::StrCat("repeats field ", f->json_name()));
        continue;
      }
      if (value.is_null()) continue;  // protobuf reads null as "not set"
      if (!f->is_repeated()) {
        Field(value, f, field_path);
      } else if (!value.is_array()) {
        Add(value, field_path,
            absl::StrCat("must be an array, not ", json::TypeName(value.type())));
      } else {
        for (size_t i = 0; i < value.items().size(); ++i) {
          Field(value.items()[i], f, absl::StrCat(field_path, "[", i, "]"));
        }
      }
    }
  }

  std::vector<std::string>& problems() { return problems_; }

 private:
  void Add(const json::Value& at, absl::string_view path,
           absl::string_view problem) {
    problems_.push_back(absl::StrCat(Position(text_, at.begin()), ": ",
                                     path.empty() ? "the claim" : path, ": ",
                                     problem));
  }

  // By JSON name ("issuedAt") or proto name ("issued_at"), as protobuf's
  // JSON parser accepts both.
  static const google::protobuf::FieldDescriptor* FindField(
      const google::protobuf::Descriptor* d, absl::string_view key) {
    for (int i = 0; i < d->field_count(); ++i) {
      if (d->field(i)->json_name() == key) return d->field(i);
    }
    return d->FindFieldByName(std::string(key));
  }

  static std::string FieldNames(const google::protobuf::Descriptor* d) {
    std::vector<std::string> names;
    for (int i = 0; i < d->field_count(); ++i) {
      names.push_back(d->field(i)->json_name());
    }
    return absl::StrJoin(names, ", ");
  }

  static std::string EnumNames(const google::protobuf::EnumDescriptor* e) {
    std::vector<std::string> names;
    for (int i = 0; i < e->value_count(); ++i) {
      if (!absl::EndsWith(e->value(i)->name(), "_UNSPECIFIED")) {
        names.push_back(e->value(i)->name());
      }
    }
    return absl::StrJoin(names, ", ");
  }

  void Field(const json::Value& v, const google::protobuf::FieldDescriptor* f,
             const std::string& path) {
    using FD = google::protobuf::FieldDescriptor;
    switch (f->cpp_type()) {
      case FD::CPPTYPE_MESSAGE:
        if (f->message_type()->full_name() == "google.protobuf.Timestamp") {
          google::protobuf::Timestamp t;
          if (!v.is_string() ||
              !google::protobuf::util::TimeUtil::FromString(v.text(), &t)) {
            Add(v, path,
                "must be an RFC 3339 time such as \"2025-06-01T00:00:00Z\"");
          }
          return;
        }
        Message(v, f->message_type(), path);
        return;
      case FD::CPPTYPE_STRING:
        if (!v.is_string()) {
          Add(v, path, absl::StrCat("must be a string, not ", json::TypeName(v.type())));
        } else if (f->type() == FD::TYPE_BYTES) {
          std::string bytes;
          if (!absl::Base64Unescape(v.text(), &bytes) &&
              !absl::WebSafeBase64Unescape(v.text(), &bytes)) {
            Add(v, path, "must be base64");
          }
        }
        return;
      case FD::CPPTYPE_ENUM:
        if (v.is_number()) return;  // ValidateClaim names unknown numbers
        if (!v.is_string() || f->enum_type()->FindValueByName(v.text()) == nullptr) {
          Add(v, path,
              absl::StrCat(v.is_string() ? json::Quote(v.text())
                                         : std::string(json::TypeName(v.type())),
                           " is not one of ", EnumNames(f->enum_type())));
        }
        return;
      case FD::CPPTYPE_BOOL:
        if (!v.is_bool()) Add(v, path, "must be true or false");
        return;
      default:  // numbers, which protobuf also reads from strings
        if (!v.is_number() && !v.is_string()) Add(v, path, "must be a number");
        return;
    }
  }

  absl::string_view text_;
  std::vector<std::string> problems_;
};

}  // namespace

std::string StripComments(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool first = true;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!first) out.push_back('\n');
    first = false;
    absl::string_view rest = line;
    while (!rest.empty() && (rest[0] == ' ' || rest[0] == '\t')) {
      rest.remove_prefix(1);
    }
    if (absl::StartsWith(rest, "//")) continue;
    out.append(line.data(), line.size());
  }
  return out;
}

std::vector<std::string> LintClaim(absl::string_view text,
                                   const LintOptions& options) {
  const std::string json = StripComments(text);
  absl::StatusOr<json::Value> doc = json::Parse(json);
  if (!doc.ok()) return {SyntaxProblem(json, doc.status())};
  if (!doc->is_object()) {
    return {absl::StrCat("the claim must be a JSON object, not ",
                         json::TypeName(doc->type()))};
  }
  SchemaChecker schema(json);
  schema.Message(*doc, v1::Claim::descriptor(), "");
  if (!schema.problems().empty()) return std::move(schema.problems());
  v1::Claim claim;
  if (absl::Status s = ParsePredicate(json, claim); !s.ok()) {
    // Something the schema check does not know protobuf refuses.
    return {std::string(s.message())};
  }
  std::vector<std::string> lines;
  for (const absl::Status& problem :
       ClaimProblems(claim, options.now, options.vendor)) {
    lines.emplace_back(problem.message());
  }
  return lines;
}

namespace {

// The "app" member of the example claim: every version from 1.0 on of a
// placeholder app, or (with `build`) that one build.
std::string ExampleApp(const ExampleBuild* build) {
  if (build == nullptr) {
    return R"(  // The app the claim is about: "android:<package>", "ios:<bundle id>" or
  // "web:https://<host>". It must be in your vendor registration's scope.
  "app": {
    "id": "android:<your.package.name>",
    // Versions covered, both ends inclusive, as dot-separated numbers
    // ("2.10.1" is above "2.9"). Leave out minVersion and maxVersion to
    // cover every version.
    "minVersion": "1.0"
  },
)";
  }
  std::string versions;
  if (!build->version.empty()) {
    versions = absl::StrCat(",\n    \"minVersion\": ", json::Quote(build->version),
                            ",\n    \"maxVersion\": ", json::Quote(build->version));
  }
  return absl::StrCat(R"(  // The app the claim is about. It must be in your vendor registration's
  // scope.
  "app": {
    "id": )", json::Quote(build->app_id), R"(,
    // The one build this claim is about: the SHA-256 of its APK, AAB or IPA
    // (computed by `candor claim init --apk`). The signed statement's subject
    // will be this binary, so anyone can look the claim up by the file's
    // digest (`candor claims --binary_sha256`). To cover every build
    // instead, delete binarySha256 and give the versions covered
    // (minVersion, maxVersion; neither: every version).
    "binarySha256": )", json::Quote(build->binary_sha256), versions, R"(
  },
)");
}

}  // namespace

std::string ExampleClaim(absl::Time now, const ExampleBuild* build) {
  const std::string when =
      FormatTimestamp(absl::FromUnixSeconds(absl::ToUnixSeconds(now)));
  std::vector<std::string> categories;
  for (const taxonomy::Category& c : taxonomy::Categories()) {
    categories.push_back(absl::StrCat("\"", c.id, "\""));
  }
  // Three categories to a line keeps the list within 80 columns.
  std::vector<std::string> rows;
  for (size_t i = 0; i < categories.size(); i += 3) {
    std::vector<std::string> row(
        categories.begin() + i,
        categories.begin() + std::min(categories.size(), i + 3));
    rows.push_back(absl::StrCat("        ", absl::StrJoin(row, ", ")));
  }
  return absl::StrCat(
      R"(// A Candor claim: what your app does and does not do with its users' data,
// signed by you and published in the Candor log, where anyone can check it
// against what auditors observe the app sending.
//
// Lines whose first non-blank characters are // are comments; they are
// removed before the claim is signed. Field names and values follow
// protobuf's JSON mapping of candor.claim.v1.Claim.
//
// Replace every <placeholder>, then run
//   candor claim lint claim.json
// which lists every problem it finds.
{
)",
      ExampleApp(build), R"(  // Your vendor name, exactly as the log's operator registered it; sign the
  // claim with one of that registration's keys.
  "issuer": "<your-vendor-name>",
  // When you sign the claim and when it takes effect (RFC 3339, UTC).
  // effectiveAt may be in the past (a claim about the past) and at most a
  // year ahead. From effectiveAt on, this claim replaces your earlier claims
  // about the app.
  "issuedAt": ")",
      when, R"(",
  "effectiveAt": ")",
      when, R"(",
  // The claim in your own words, for people. Auditors' measurements are
  // checked against the assertions below, not against this text.
  "text": "We never share our users' contacts, phone numbers, precise location or face data with third parties, and no user data is ever sent to an endpoint located in China.",
  // The documents this claim summarises, each with the lower-case hex
  // SHA-256 of the document as you retrieved it (sha256sum policy.html).
  // Kinds: PRIVACY_POLICY, DATA_SAFETY_FORM, APP_PRIVACY_LABEL, OTHER.
  // Delete the list if there are none.
  "documents": [
    {
      "kind": "PRIVACY_POLICY",
      "url": "https://<your-site>/privacy",
      "sha256": "<sha256 of the policy>"
    }
  ],
  // A newer claim replaces your older ones from its effectiveAt on. To
  // retire one particular earlier claim (even one not yet in effect), also
  // name it by its leaf hash (base64, from the receipt `candor claim submit`
  // gave you):
  //   "supersedes": "<base64 leaf hash>",
  //
  // Each assertion has:
  //   "id"          unique in the claim: letters, digits, '.', '-', '_';
  //   "dataTypes"   type ids such as "location.precise", or category ids
  //                 such as "location", which stand for all their types;
  //   "practice"    NOT_COLLECTED: never leaves the device;
  //                 NOT_SHARED_WITH_THIRD_PARTIES: sent only to you (your
  //                   registered organisations and domains);
  //                 SHARED_ONLY_WITH: sent only to you and "organisations";
  //                 NOT_SENT_TO_COUNTRIES: never sent to an endpoint located
  //                   in one of "countries" (ISO 3166-1 alpha-2 codes);
  //                 ONLY_SENT_TO_COUNTRIES: sent only to endpoints located
  //                   in "countries";
  //                 NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES: never sent to
  //                   an organisation incorporated in one of "countries",
  //                   or owned (through its parents) from there, wherever
  //                   its endpoints are;
  //   "consent"     when it holds: ALWAYS (whatever the user chose),
  //                 WHEN_TRACKING_DECLINED or WHEN_TRACKING_ACCEPTED;
  //   "exemptions"  optional, those you rely on: SERVICE_PROVIDER,
  //                 USER_INITIATED, EPHEMERAL_PROCESSING, LEGAL_REQUEST,
  //                 ANONYMISED_DATA.
  // Assertions must not contradict each other: `candor claim lint` says
  // which do.
  "assertions": [
    {
      "id": "no-sensitive-data-to-third-parties",
      "dataTypes": [
        "contacts.contacts",
        "personal_info.phone_number",
        "location.precise",
        "biometrics.face_data"
      ],
      "practice": "NOT_SHARED_WITH_THIRD_PARTIES",
      "consent": "ALWAYS"
    },
    {
      "id": "no-user-data-to-cn",
      // Every category: any user data at all.
      "dataTypes": [
)",
      absl::StrJoin(rows, ",\n"), R"(
      ],
      "practice": "NOT_SENT_TO_COUNTRIES",
      "countries": ["CN"],
      "consent": "ALWAYS"
    }
  ]
}
)");
}

std::string ExampleClaim(absl::Time now) { return ExampleClaim(now, nullptr); }

std::string ExampleClaim() { return ExampleClaim(absl::Now()); }

}  // namespace candor::claim
