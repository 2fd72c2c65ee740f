#include "verifier/detect/identities.h"

#include <cmath>
#include <cstdlib>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "log/json/json.h"
#include "openssl/rand.h"
#include "verifier/taxonomy/taxonomy.h"

namespace candor::detect {
namespace {

struct KindInfo {
  HoneyKind kind;
  absl::string_view name;
  // The member that holds the value, and the ones allowed besides the
  // common "type", "kind" and "label".
  std::vector<absl::string_view> members;
};

const std::vector<KindInfo>& Kinds() {
  static const auto* kinds = new std::vector<KindInfo>{
      {HoneyKind::kPhone,
       "phone",
       {"value", "country", "calling_code", "trunk_prefix"}},
      {HoneyKind::kEmail, "email", {"value"}},
      {HoneyKind::kName, "name", {"value"}},
      {HoneyKind::kUserId, "user_id", {"value"}},
      {HoneyKind::kAdvertisingId, "advertising_id", {"value"}},
      {HoneyKind::kAndroidId, "android_id", {"value"}},
      {HoneyKind::kIdfv, "idfv", {"value"}},
      {HoneyKind::kImei, "imei", {"value"}},
      {HoneyKind::kPosition, "position", {"latitude", "longitude"}},
      {HoneyKind::kFacePhoto, "face_photo", {"sha256"}},
      {HoneyKind::kAddress, "address", {"street", "postcode", "city", "country"}},
  };
  return *kinds;
}

const KindInfo& InfoFor(HoneyKind kind) {
  for (const KindInfo& k : Kinds()) {
    if (k.kind == kind) return k;
  }
  return Kinds()[0];
}

struct TypeRule {
  absl::string_view type;
  // Allowed kinds; the first is the default when "kind" is omitted, unless
  // `kind_required`.
  std::vector<HoneyKind> kinds;
  bool kind_required;
};

const std::vector<TypeRule>& TypeRules() {
  static const auto* rules = new std::vector<TypeRule>{
      {"personal_info.phone_number", {HoneyKind::kPhone}, false},
      {"personal_info.email_address", {HoneyKind::kEmail}, false},
      {"personal_info.name", {HoneyKind::kName}, false},
      {"personal_info.user_ids", {HoneyKind::kUserId}, false},
      {"contacts.contacts",
       {HoneyKind::kPhone, HoneyKind::kEmail, HoneyKind::kName},
       true},
      {"device_or_other_ids.device_or_other_ids",
       {HoneyKind::kAdvertisingId, HoneyKind::kAndroidId, HoneyKind::kIdfv,
        HoneyKind::kImei},
       true},
      {"location.precise", {HoneyKind::kPosition}, false},
      {"biometrics.face_data", {HoneyKind::kFacePhoto}, false},
      {"photos_and_videos.photos", {HoneyKind::kFacePhoto}, false},
      {"personal_info.address", {HoneyKind::kAddress}, false},
  };
  return *rules;
}

std::string KindList(const std::vector<HoneyKind>& kinds) {
  return absl::StrJoin(kinds, ", ", [](std::string* out, HoneyKind k) {
    absl::StrAppend(out, KindName(k));
  });
}

absl::Status Error(absl::string_view where, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(
      "identities file: ", where, where.empty() ? "" : ": ", what));
}

bool IsHex(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool AllZeroHex(absl::string_view s) {
  for (char c : s) {
    if (c != '0' && c != '-') return false;
  }
  return true;
}

bool HasControl(absl::string_view s) {
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

bool LuhnValid(absl::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

// Digits after the decimal point of a plain decimal number, or -1 if the
// text is not one (an exponent, say).
int Decimals(absl::string_view number) {
  if (number.find_first_of("eE") != absl::string_view::npos) return -1;
  const size_t dot = number.find('.');
  return dot == absl::string_view::npos
             ? 0
             : static_cast<int>(number.size() - dot - 1);
}

absl::StatusOr<std::string> StringMember(const json::Value& v,
                                         absl::string_view name,
                                         absl::string_view where,
                                         bool required) {
  const json::Value* m = v.Find(name);
  if (m == nullptr) {
    if (required) {
      return Error(where, absl::StrCat("\"", name, "\" is missing"));
    }
    return std::string();
  }
  if (!m->is_string()) {
    return Error(
        absl::StrCat(where, ".", name),
        absl::StrCat("must be a string, not ", json::TypeName(m->type())));
  }
  return m->text();
}

absl::Status ParseText(HoneyValue& h, absl::string_view text,
                       const std::string& where) {
  const std::string field = where + ".value";
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  if (HasControl(trimmed)) {
    return Error(field, "contains control characters");
  }
  h.as_written = std::string(trimmed);
  switch (h.kind) {
    case HoneyKind::kEmail: {
      if (trimmed.size() < kMinTextValueChars) {
        return Error(field, absl::StrCat("the e-mail address is shorter than ",
                                         kMinTextValueChars, " characters"));
      }
      const size_t at = trimmed.find('@');
      if (at == absl::string_view::npos || at == 0 ||
          trimmed.find('@', at + 1) != absl::string_view::npos ||
          trimmed.find_first_of(" \t") != absl::string_view::npos) {
        return Error(field, "is not an e-mail address (local@domain)");
      }
      absl::string_view domain = trimmed.substr(at + 1);
      if (domain.find('.') == absl::string_view::npos ||
          absl::StartsWith(domain, ".") || absl::EndsWith(domain, ".")) {
        return Error(field, "is not an e-mail address: the domain has no dot");
      }
      h.canonical = absl::AsciiStrToLower(trimmed);
      return absl::OkStatus();
    }
    case HoneyKind::kName: {
      if (trimmed.size() < kMinTextValueChars) {
        return Error(
            field, absl::StrCat("the name is shorter than ", kMinTextValueChars,
                                " characters: too likely to occur "
                                "by chance"));
      }
      bool letter = false;
      for (char c : trimmed) {
        if (absl::ascii_isalpha(static_cast<unsigned char>(c)) ||
            static_cast<unsigned char>(c) >= 0x80) {
          letter = true;
        }
      }
      if (!letter) return Error(field, "a name must contain letters");
      h.canonical = std::string(trimmed);
      return absl::OkStatus();
    }
    case HoneyKind::kUserId: {
      if (trimmed.size() < kMinTextValueChars) {
        return Error(field, absl::StrCat("the user ID is shorter than ",
                                         kMinTextValueChars,
                                         " characters: too likely to occur "
                                         "by chance"));
      }
      bool all_digits = true;
      for (char c : trimmed) {
        if (!absl::ascii_isdigit(static_cast<unsigned char>(c)))
          all_digits = false;
      }
      if (all_digits && trimmed.size() < 8) {
        return Error(field,
                     "a user ID of only digits must have at least 8 digits");
      }
      h.canonical = std::string(trimmed);
      return absl::OkStatus();
    }
    case HoneyKind::kAdvertisingId:
    case HoneyKind::kIdfv: {
      static constexpr int kGroups[] = {8, 4, 4, 4, 12};
      bool ok = trimmed.size() == 36;
      size_t pos = 0;
      for (int g = 0; ok && g < 5; ++g) {
        if (g > 0) {
          ok = trimmed[pos] == '-';
          ++pos;
        }
        ok = ok && IsHex(trimmed.substr(pos, kGroups[g]));
        pos += kGroups[g];
      }
      if (!ok) {
        return Error(
            field,
            absl::StrCat("the ",
                         h.kind == HoneyKind::kIdfv ? "IDFV" : "advertising ID",
                         " must be a UUID "
                         "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"));
      }
      if (AllZeroHex(trimmed)) {
        return Error(field,
                     "the all-zero ID is what a device sends when tracking is "
                     "limited; it cannot identify anyone");
      }
      h.canonical = absl::AsciiStrToLower(trimmed);
      return absl::OkStatus();
    }
    case HoneyKind::kAndroidId: {
      if (trimmed.size() < 13 || trimmed.size() > 16 || !IsHex(trimmed)) {
        return Error(field, "an Android ID must be 13 to 16 hex digits");
      }
      if (AllZeroHex(trimmed))
        return Error(field, "the Android ID is all zeros");
      h.canonical = absl::AsciiStrToLower(trimmed);
      return absl::OkStatus();
    }
    case HoneyKind::kImei: {
      bool digits = trimmed.size() == 15;
      for (char c : trimmed) {
        if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) digits = false;
      }
      if (!digits) return Error(field, "an IMEI must be exactly 15 digits");
      if (!LuhnValid(trimmed)) {
        return Error(field, "the IMEI's check digit (Luhn) is wrong");
      }
      h.canonical = std::string(trimmed);
      return absl::OkStatus();
    }
    default:
      return Error(field, "internal error: not a text kind");
  }
}

absl::Status ParsePhone(HoneyValue& h, const json::Value& v,
                        const std::string& where,
                        const std::string& default_country) {
  absl::StatusOr<std::string> text = StringMember(v, "value", where, true);
  if (!text.ok()) return text.status();
  absl::StatusOr<std::string> country =
      StringMember(v, "country", where, false);
  if (!country.ok()) return country.status();
  absl::StatusOr<std::string> calling_code =
      StringMember(v, "calling_code", where, false);
  if (!calling_code.ok()) return calling_code.status();
  absl::StatusOr<std::string> trunk =
      StringMember(v, "trunk_prefix", where, false);
  if (!trunk.ok()) return trunk.status();

  PhonePlan custom;
  const PhonePlan* plan = nullptr;
  if (v.Find("calling_code") != nullptr) {
    if (calling_code->empty() || calling_code->size() > 3 ||
        !absl::ascii_isdigit(static_cast<unsigned char>((*calling_code)[0])) ||
        (*calling_code)[0] == '0' ||
        calling_code->find_first_not_of("0123456789") != std::string::npos) {
      return Error(where + ".calling_code",
                   "must be 1 to 3 digits, not starting with 0");
    }
    if (trunk->size() > 2 ||
        trunk->find_first_not_of("0123456789") != std::string::npos) {
      return Error(where + ".trunk_prefix", "must be at most 2 digits");
    }
    custom = PhonePlan{*calling_code, *trunk};
    plan = &custom;
  } else if (v.Find("trunk_prefix") != nullptr) {
    return Error(where + ".trunk_prefix",
                 "is only allowed with \"calling_code\"");
  } else {
    std::string c = *country;
    if (c.empty() &&
        !absl::StartsWith(absl::StripLeadingAsciiWhitespace(*text), "+")) {
      c = default_country;
    }
    if (!c.empty()) {
      plan = FindPhonePlan(c);
      if (plan == nullptr) {
        return Error(
            where + (country->empty() ? "" : ".country"),
            absl::StrCat("country \"", c,
                         "\" is not in the built-in numbering table; "
                         "give \"calling_code\" and \"trunk_prefix\""));
      }
    }
  }
  absl::StatusOr<PhoneNumber> number = ParsePhoneNumber(*text, plan);
  if (!number.ok()) return Error(where + ".value", number.status().message());
  h.phone = *number;
  h.canonical = number->E164();
  h.as_written = std::string(absl::StripAsciiWhitespace(*text));
  return absl::OkStatus();
}

absl::Status ParsePosition(HoneyValue& h, const json::Value& v,
                           const std::string& where) {
  const char* names[] = {"latitude", "longitude"};
  const double limits[] = {90, 180};
  double values[2];
  std::string texts[2];
  for (int i = 0; i < 2; ++i) {
    const json::Value* m = v.Find(names[i]);
    const std::string field = absl::StrCat(where, ".", names[i]);
    if (m == nullptr) {
      return Error(where, absl::StrCat("\"", names[i], "\" is missing"));
    }
    if (!m->is_number()) return Error(field, "must be a number");
    const int decimals = Decimals(m->text());
    if (decimals < 0)
      return Error(field, "must be written without an exponent");
    if (decimals < 4) {
      return Error(field,
                   "needs at least 4 decimals: plant the precise position the "
                   "device reports");
    }
    char* end = nullptr;
    values[i] = std::strtod(m->text().c_str(), &end);
    if (std::fabs(values[i]) > limits[i]) {
      return Error(field, absl::StrCat("must be between -", limits[i], " and ",
                                       limits[i]));
    }
    texts[i] = m->text();
  }
  if (std::fabs(values[0]) < 1 && std::fabs(values[1]) < 1) {
    return Error(where,
                 "a position within one degree of (0, 0) is what broken "
                 "location code sends; plant a real position");
  }
  h.latitude = values[0];
  h.longitude = values[1];
  h.canonical = absl::StrCat(texts[0], ",", texts[1]);
  return absl::OkStatus();
}

// Trimmed, with every run of white space one space.
std::string CollapseSpaces(absl::string_view text) {
  std::string out;
  for (absl::string_view word :
       absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty())) {
    if (!out.empty()) out.push_back(' ');
    absl::StrAppend(&out, word);
  }
  return out;
}

absl::Status ParseAddress(HoneyValue& h, const json::Value& v,
                          const std::string& where) {
  struct Part {
    absl::string_view member;
    bool required;
    std::string* out;
  };
  const Part parts[] = {{"street", true, &h.street},
                        {"postcode", false, &h.postcode},
                        {"city", true, &h.city}};
  for (const Part& p : parts) {
    absl::StatusOr<std::string> text = StringMember(v, p.member, where, p.required);
    if (!text.ok()) return text.status();
    if (HasControl(*text)) {
      return Error(absl::StrCat(where, ".", p.member), "contains control characters");
    }
    *p.out = CollapseSpaces(*text);
  }
  absl::StatusOr<std::string> country = StringMember(v, "country", where, false);
  if (!country.ok()) return country.status();
  bool letter = false;
  bool digit = false;
  for (char c : h.street) {
    letter = letter || absl::ascii_isalpha(static_cast<unsigned char>(c)) ||
             static_cast<unsigned char>(c) >= 0x80;
    digit = digit || absl::ascii_isdigit(static_cast<unsigned char>(c));
  }
  // "High Street" alone is in every town; a number makes it one address.
  if (h.street.size() < 8 || !letter || !digit) {
    return Error(where + ".street",
                 "must be at least 8 characters with a house number and a "
                 "street name: shorter or unnumbered streets occur by chance");
  }
  if (h.city.size() < 2) return Error(where + ".city", "is empty");
  h.as_written = h.street;
  h.canonical = h.postcode.empty()
                    ? absl::StrCat(h.street, ", ", h.city)
                    : absl::StrCat(h.street, ", ", h.postcode, " ", h.city);
  return absl::OkStatus();
}

absl::Status ParseFacePhoto(HoneyValue& h, const json::Value& v,
                            const std::string& where) {
  absl::StatusOr<std::string> hex = StringMember(v, "sha256", where, true);
  if (!hex.ok()) return hex.status();
  if (hex->size() != 64 || !IsHex(*hex)) {
    return Error(where + ".sha256",
                 "must be the photo file's SHA-256 as 64 hex digits");
  }
  h.canonical = absl::AsciiStrToLower(*hex);
  if (h.canonical ==
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") {
    return Error(where + ".sha256", "is the SHA-256 of an empty file");
  }
  absl::StatusOr<std::string> raw = HexDecode(h.canonical);
  if (!raw.ok()) return Error(where + ".sha256", raw.status().message());
  h.photo_sha256 = *raw;
  return absl::OkStatus();
}

absl::StatusOr<HoneyValue> ParseValue(const json::Value& v, size_t index,
                                      const std::string& default_country) {
  const std::string where = absl::StrCat("values[", index, "]");
  if (!v.is_object()) return Error(where, "must be an object");
  absl::StatusOr<std::string> type = StringMember(v, "type", where, true);
  if (!type.ok()) return type.status();
  if (taxonomy::FindType(*type) == nullptr) {
    return Error(where + ".type",
                 absl::StrCat("unknown data type \"", *type,
                              "\"; use a Candor data type id such as "
                              "\"personal_info.phone_number\""));
  }
  const TypeRule* rule = nullptr;
  for (const TypeRule& r : TypeRules()) {
    if (r.type == *type) rule = &r;
  }
  if (rule == nullptr) {
    std::vector<absl::string_view> supported;
    for (const TypeRule& r : TypeRules()) supported.push_back(r.type);
    return Error(where + ".type",
                 absl::StrCat("data type \"", *type,
                              "\" cannot be planted as a honey value; "
                              "supported: ",
                              absl::StrJoin(supported, ", ")));
  }
  HoneyValue h;
  h.data_type = *type;
  absl::StatusOr<std::string> kind = StringMember(v, "kind", where, false);
  if (!kind.ok()) return kind.status();
  if (v.Find("kind") == nullptr) {
    if (rule->kind_required) {
      return Error(where,
                   absl::StrCat("\"kind\" is missing: data type \"", *type,
                                "\" needs one of ", KindList(rule->kinds)));
    }
    h.kind = rule->kinds[0];
  } else {
    bool found = false;
    for (HoneyKind k : rule->kinds) {
      if (KindName(k) == *kind) {
        h.kind = k;
        found = true;
      }
    }
    if (!found) {
      return Error(where + ".kind",
                   absl::StrCat("must be one of ", KindList(rule->kinds),
                                " for data type \"", *type, "\""));
    }
  }
  const KindInfo& info = InfoFor(h.kind);
  for (const auto& [name, member] : v.members()) {
    if (name == "type" || name == "kind" || name == "label") continue;
    bool allowed = false;
    for (absl::string_view m : info.members) allowed = allowed || m == name;
    if (!allowed) {
      return Error(where, absl::StrCat("unknown member ", json::Quote(name),
                                       " for kind ", info.name, "; expected ",
                                       absl::StrJoin(info.members, ", ")));
    }
  }
  absl::StatusOr<std::string> label = StringMember(v, "label", where, false);
  if (!label.ok()) return label.status();
  h.label = *label;

  absl::Status s;
  switch (h.kind) {
    case HoneyKind::kPhone:
      s = ParsePhone(h, v, where, default_country);
      break;
    case HoneyKind::kPosition:
      s = ParsePosition(h, v, where);
      break;
    case HoneyKind::kFacePhoto:
      s = ParseFacePhoto(h, v, where);
      break;
    case HoneyKind::kAddress:
      s = ParseAddress(h, v, where);
      break;
    default: {
      absl::StatusOr<std::string> text = StringMember(v, "value", where, true);
      if (!text.ok()) return text.status();
      s = ParseText(h, *text, where);
    }
  }
  if (!s.ok()) return s;
  return h;
}

}  // namespace

absl::string_view KindName(HoneyKind kind) { return InfoFor(kind).name; }

std::string Identities::SaltHex() const { return HexEncode(salt); }

std::string HoneyCommitment(absl::string_view salt, absl::string_view value) {
  return HexEncode(DigestBytes(Sha256(salt, value)));
}

absl::StatusOr<Identities> ParseIdentities(absl::string_view text) {
  absl::StatusOr<json::Value> doc = json::Parse(text);
  if (!doc.ok()) return Error("", doc.status().message());
  if (!doc->is_object()) return Error("", "must be a JSON object");
  static constexpr absl::string_view kTop[] = {"version", "salt",
                                               "default_country", "values"};
  for (const auto& [name, member] : doc->members()) {
    bool known = false;
    for (absl::string_view k : kTop) known = known || k == name;
    if (!known) {
      return Error("", absl::StrCat("unknown member ", json::Quote(name),
                                    "; expected ", absl::StrJoin(kTop, ", ")));
    }
  }
  const json::Value* version = doc->Find("version");
  if (version == nullptr) return Error("", "\"version\" is missing (use 1)");
  if (!version->is_number() || version->text() != "1") {
    return Error("version", "must be 1");
  }

  Identities ids;
  if (const json::Value* salt = doc->Find("salt"); salt != nullptr) {
    if (!salt->is_string() || salt->text().size() < 32 ||
        salt->text().size() > 128 || salt->text().size() % 2 != 0 ||
        !IsHex(salt->text())) {
      return Error("salt", "must be 32 to 128 hex digits (16 to 64 bytes)");
    }
    absl::StatusOr<std::string> raw = HexDecode(salt->text());
    if (!raw.ok()) return Error("salt", raw.status().message());
    ids.salt = *raw;
  } else {
    ids.salt.resize(kGeneratedSaltBytes);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(ids.salt.data()),
                   static_cast<int>(ids.salt.size())) != 1) {
      return absl::InternalError(
          "identities file: cannot draw a random salt from OpenSSL");
    }
    ids.salt_generated = true;
  }

  std::string default_country;
  if (const json::Value* c = doc->Find("default_country"); c != nullptr) {
    if (!c->is_string() || c->text().size() != 2 ||
        !absl::ascii_isupper(static_cast<unsigned char>(c->text()[0])) ||
        !absl::ascii_isupper(static_cast<unsigned char>(c->text()[1]))) {
      return Error("default_country",
                   "must be an ISO 3166-1 alpha-2 code such as \"GB\"");
    }
    default_country = c->text();
  }

  const json::Value* values = doc->Find("values");
  if (values == nullptr || !values->is_array() || values->items().empty()) {
    return Error("values", "must be a non-empty array of honey values");
  }
  absl::flat_hash_map<std::string, size_t> seen;
  for (size_t i = 0; i < values->items().size(); ++i) {
    absl::StatusOr<HoneyValue> h =
        ParseValue(values->items()[i], i, default_country);
    if (!h.ok()) return h.status();
    auto [it, inserted] = seen.emplace(absl::AsciiStrToLower(h->canonical), i);
    if (!inserted) {
      return Error(absl::StrCat("values[", i, "]"),
                   absl::StrCat("repeats the value of values[", it->second,
                                "]; each honey value must be distinct"));
    }
    h->commitment = HoneyCommitment(ids.salt, h->canonical);
    ids.values.push_back(*std::move(h));
  }
  return ids;
}

}  // namespace candor::detect
