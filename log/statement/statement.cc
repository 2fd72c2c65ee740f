#include "log/statement/statement.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "log/json/json.h"
#include "log/statement/predicate_types.h"

namespace candor {
namespace {

absl::Status StatementError(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("in-toto statement: ", field, " ", problem));
}

bool IsLowerHex(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

absl::StatusOr<Subject> ParseSubject(const json::Value& v, size_t i) {
  const std::string field = absl::StrCat("subject[", i, "]");
  if (!v.is_object()) return StatementError(field, "must be an object");
  Subject subject;
  bool has_digest = false;
  for (const auto& [key, value] : v.members()) {
    if (key == "name") {
      if (!value.is_string() || value.text().empty()) {
        return StatementError(field + ".name", "must be a non-empty string");
      }
      subject.name = value.text();
    } else if (key == "digest") {
      if (!value.is_object() || value.members().empty()) {
        return StatementError(field + ".digest", "must be a non-empty object");
      }
      for (const auto& [alg, hex] : value.members()) {
        if (!hex.is_string() || !IsLowerHex(hex.text())) {
          return StatementError(
              absl::StrCat(field, ".digest.", alg),
              "must be a lower-case hex string");
        }
        subject.digest[alg] = hex.text();
      }
      has_digest = true;
    } else if (key == "annotations") {
      if (!value.is_object()) {
        return StatementError(field + ".annotations", "must be an object");
      }
      for (const auto& [name, text] : value.members()) {
        if (!text.is_string()) {
          return StatementError(
              absl::StrCat(field, ".annotations.", name),
              "must be a string (Candor reads string annotations only)");
        }
        subject.annotations[name] = text.text();
      }
    } else {
      return StatementError(field, absl::StrCat("has unknown field ",
                                                json::Quote(key)));
    }
  }
  if (subject.name.empty()) return StatementError(field + ".name", "is missing");
  if (!has_digest) return StatementError(field + ".digest", "is missing");
  return subject;
}

}  // namespace

absl::StatusOr<Statement> ParseStatement(absl::string_view payload) {
  absl::StatusOr<json::Value> doc = json::Parse(payload);
  if (!doc.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("in-toto statement: ", doc.status().message()));
  }
  if (!doc->is_object()) {
    return absl::InvalidArgumentError("in-toto statement must be a JSON object");
  }
  Statement st;
  bool has_type = false, has_subject = false, has_predicate = false;
  for (const auto& [key, value] : doc->members()) {
    if (key == "_type") {
      if (!value.is_string() || value.text() != kStatementType) {
        return StatementError("_type", absl::StrCat("must be ",
                                                    json::Quote(kStatementType)));
      }
      has_type = true;
    } else if (key == "subject") {
      if (!value.is_array() || value.items().empty()) {
        return StatementError("subject", "must be a non-empty array");
      }
      for (size_t i = 0; i < value.items().size(); ++i) {
        absl::StatusOr<Subject> s = ParseSubject(value.items()[i], i);
        if (!s.ok()) return s.status();
        st.subjects.push_back(*std::move(s));
      }
      has_subject = true;
    } else if (key == "predicateType") {
      if (!value.is_string() || value.text().empty()) {
        return StatementError("predicateType", "must be a non-empty string");
      }
      st.predicate_type = value.text();
    } else if (key == "predicate") {
      if (!value.is_object()) {
        return StatementError("predicate", "must be an object");
      }
      st.predicate_json = std::string(
          payload.substr(value.begin(), value.end() - value.begin()));
      has_predicate = true;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "in-toto statement has unknown field ", json::Quote(key)));
    }
  }
  if (!has_type) return StatementError("_type", "is missing");
  if (!has_subject) return StatementError("subject", "is missing");
  if (st.predicate_type.empty()) {
    return StatementError("predicateType", "is missing");
  }
  if (!has_predicate) return StatementError("predicate", "is missing");
  return st;
}

std::string SerializeStatement(const Statement& statement) {
  std::string out = absl::StrCat("{\"_type\":", json::Quote(kStatementType),
                                 ",\"subject\":[");
  for (size_t i = 0; i < statement.subjects.size(); ++i) {
    const Subject& s = statement.subjects[i];
    absl::StrAppend(&out, i ? "," : "", "{\"name\":", json::Quote(s.name),
                    ",\"digest\":{");
    bool first = true;
    for (const auto& [alg, hex] : s.digest) {
      absl::StrAppend(&out, first ? "" : ",", json::Quote(alg), ":",
                      json::Quote(hex));
      first = false;
    }
    out += "}";
    if (!s.annotations.empty()) {
      out += ",\"annotations\":{";
      first = true;
      for (const auto& [key, text] : s.annotations) {
        absl::StrAppend(&out, first ? "" : ",", json::Quote(key), ":",
                        json::Quote(text));
        first = false;
      }
      out += "}";
    }
    out += "}";
  }
  absl::StrAppend(&out, "],\"predicateType\":",
                  json::Quote(statement.predicate_type),
                  ",\"predicate\":", statement.predicate_json, "}");
  return out;
}

absl::StatusOr<SignedStatement> ParseSignedStatement(absl::string_view entry) {
  if (entry.size() > kMaxEntrySize) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "entry is ", entry.size(), " bytes; the limit is ", kMaxEntrySize));
  }
  SignedStatement out;
  absl::StatusOr<dsse::Envelope> env = dsse::ParseEnvelope(entry);
  if (!env.ok()) return env.status();
  out.envelope = *std::move(env);
  if (out.envelope.payload_type != dsse::kInTotoPayloadType) {
    return absl::InvalidArgumentError(absl::StrCat(
        "DSSE envelope: payloadType must be ",
        json::Quote(dsse::kInTotoPayloadType), ", got ",
        json::Quote(out.envelope.payload_type)));
  }
  absl::StatusOr<Statement> st = ParseStatement(out.envelope.payload);
  if (!st.ok()) return st.status();
  out.statement = *std::move(st);
  return out;
}

absl::StatusOr<std::string> SignStatement(const Statement& statement,
                                          const PrivateKey& key) {
  absl::StatusOr<dsse::Envelope> env = dsse::Sign(
      dsse::kInTotoPayloadType, SerializeStatement(statement), key);
  if (!env.ok()) return env.status();
  return dsse::SerializeEnvelope(*env);
}

absl::Status ParsePredicate(absl::string_view json,
                            google::protobuf::Message& out) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &out, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "predicate is not a valid ", out.GetDescriptor()->full_name(), ": ",
        std::string(status.message())));
  }
  return absl::OkStatus();
}

std::string PredicateToJson(const google::protobuf::Message& predicate) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  (void)google::protobuf::util::MessageToJsonString(predicate, &out, options);
  return out;
}

std::string NamedSignerOf(const Statement& statement) {
  const absl::string_view field = SignerFieldOf(statement.predicate_type);
  if (field.empty()) return "";
  absl::StatusOr<json::Value> predicate = json::Parse(statement.predicate_json);
  if (!predicate.ok() || !predicate->is_object()) return "";
  for (const auto& [key, value] : predicate->members()) {
    if (key == field && value.is_string()) return value.text();
  }
  return "";
}

Subject NamedSubject(absl::string_view name) {
  Subject s;
  s.name = std::string(name);
  s.digest["sha256"] = HexEncode(DigestBytes(Sha256(name)));
  return s;
}

}  // namespace candor
