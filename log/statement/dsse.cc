#include "log/statement/dsse.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "log/json/json.h"

namespace candor::dsse {
namespace {

absl::Status FieldError(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("DSSE envelope: ", field, " ", problem));
}

absl::StatusOr<std::string> DecodeBase64Field(const json::Value& v,
                                              absl::string_view field) {
  if (!v.is_string()) return FieldError(field, "must be a string");
  absl::StatusOr<std::string> raw = Base64Decode(v.text());
  if (!raw.ok()) {
    return FieldError(field, absl::StrCat("is not ", raw.status().message()));
  }
  return raw;
}

absl::StatusOr<Signature> ParseSignature(const json::Value& v, size_t i) {
  const std::string field = absl::StrCat("signatures[", i, "]");
  if (!v.is_object()) return FieldError(field, "must be an object");
  Signature sig;
  bool has_sig = false;
  for (const auto& [key, value] : v.members()) {
    if (key == "keyid") {
      if (!value.is_string()) return FieldError(field + ".keyid", "must be a string");
      sig.keyid = value.text();
    } else if (key == "sig") {
      absl::StatusOr<std::string> raw = DecodeBase64Field(value, field + ".sig");
      if (!raw.ok()) return raw.status();
      sig.sig = *std::move(raw);
      has_sig = true;
    } else {
      return FieldError(field, absl::StrCat("has unknown field ", json::Quote(key)));
    }
  }
  if (!has_sig) return FieldError(field + ".sig", "is missing");
  if (sig.sig.empty()) return FieldError(field + ".sig", "is empty");
  return sig;
}

}  // namespace

std::string Pae(absl::string_view payload_type, absl::string_view payload) {
  return absl::StrCat("DSSEv1 ", payload_type.size(), " ", payload_type, " ",
                      payload.size(), " ", payload);
}

Sha256Digest StatementIdentity(const Envelope& envelope) {
  return Sha256(Pae(envelope.payload_type, envelope.payload));
}

absl::StatusOr<Sha256Digest> EntryIdentity(absl::string_view entry) {
  absl::StatusOr<Envelope> envelope = ParseEnvelope(entry);
  if (!envelope.ok()) return envelope.status();
  return StatementIdentity(*envelope);
}

std::string KeyId(const PublicKey& key) {
  return HexEncode(DigestBytes(Sha256(key.SpkiDer())));
}

absl::StatusOr<Envelope> ParseEnvelope(absl::string_view text) {
  absl::StatusOr<json::Value> doc = json::Parse(text);
  if (!doc.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("DSSE envelope: ", doc.status().message()));
  }
  if (!doc->is_object()) {
    return absl::InvalidArgumentError("DSSE envelope must be a JSON object");
  }
  Envelope env;
  bool has_type = false, has_payload = false, has_signatures = false;
  for (const auto& [key, value] : doc->members()) {
    if (key == "payloadType") {
      if (!value.is_string()) return FieldError("payloadType", "must be a string");
      env.payload_type = value.text();
      has_type = true;
    } else if (key == "payload") {
      absl::StatusOr<std::string> raw = DecodeBase64Field(value, "payload");
      if (!raw.ok()) return raw.status();
      env.payload = *std::move(raw);
      has_payload = true;
    } else if (key == "signatures") {
      if (!value.is_array()) return FieldError("signatures", "must be an array");
      if (value.items().empty()) return FieldError("signatures", "is empty");
      if (value.items().size() > kMaxSignatures) {
        return FieldError("signatures",
                          absl::StrCat("has more than ", kMaxSignatures,
                                       " entries"));
      }
      for (size_t i = 0; i < value.items().size(); ++i) {
        absl::StatusOr<Signature> sig = ParseSignature(value.items()[i], i);
        if (!sig.ok()) return sig.status();
        env.signatures.push_back(*std::move(sig));
      }
      has_signatures = true;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "DSSE envelope has unknown field ", json::Quote(key)));
    }
  }
  if (!has_type) return FieldError("payloadType", "is missing");
  if (!has_payload) return FieldError("payload", "is missing");
  if (!has_signatures) return FieldError("signatures", "is missing");
  return env;
}

std::string SerializeEnvelope(const Envelope& envelope) {
  std::string out = absl::StrCat(
      "{\"payloadType\":", json::Quote(envelope.payload_type),
      ",\"payload\":\"", Base64Encode(envelope.payload), "\",\"signatures\":[");
  for (size_t i = 0; i < envelope.signatures.size(); ++i) {
    const Signature& s = envelope.signatures[i];
    absl::StrAppend(&out, i ? "," : "", "{\"keyid\":", json::Quote(s.keyid),
                    ",\"sig\":\"", Base64Encode(s.sig), "\"}");
  }
  out += "]}";
  return out;
}

absl::StatusOr<Envelope> Sign(absl::string_view payload_type,
                              absl::string_view payload,
                              const PrivateKey& key) {
  absl::StatusOr<std::string> sig = key.Sign(Pae(payload_type, payload));
  if (!sig.ok()) return sig.status();
  Envelope env;
  env.payload_type = std::string(payload_type);
  env.payload = std::string(payload);
  env.signatures.push_back({KeyId(key.public_key()), *std::move(sig)});
  return env;
}

bool VerifySignature(const Envelope& envelope, size_t i, const PublicKey& key) {
  if (i >= envelope.signatures.size()) return false;
  return key.Verify(Pae(envelope.payload_type, envelope.payload),
                    envelope.signatures[i].sig);
}

}  // namespace candor::dsse
