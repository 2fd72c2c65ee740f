#include "verifier/detect/detector.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "log/json/json.h"
#include "openssl/evp.h"
#include "verifier/detect/decode.h"

namespace candor::detect {
namespace {

namespace v1 = ::candor::measurement::v1;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The code point of the UTF-8 sequence that starts at text[i], or -1 if
// none does (binary bytes).
int32_t Utf8At(absl::string_view text, size_t i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  size_t len = 0;
  int32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return -1;
  }
  if (i + len > text.size()) return -1;
  for (size_t k = 1; k < len; ++k) {
    const unsigned char cc = static_cast<unsigned char>(text[i + k]);
    if ((cc & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (cc & 0x3F);
  }
  return cp;
}

// Whether a code point reads as part of a word: letters and digits of other
// scripts, not punctuation, symbols, spaces or the replacement character.
bool IsWordCodePoint(int32_t cp) {
  if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, symbols
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  if (cp >= 0xE000 && cp <= 0xF8FF) return false;  // private use
  if (cp >= 0xFE30 && cp <= 0xFE4F) return false;  // CJK compatibility forms
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;  // full-width punctuation
  if (cp >= 0xFFF0) return false;                  // specials
  return true;
}

// Whether the byte at text[i] glues onto a value that ends just before it:
// an ASCII letter or digit, or the start of a UTF-8 letter. Any other byte,
// such as a protobuf tag or length that is not UTF-8, ends the value.
bool GluedAfter(absl::string_view text, size_t i) {
  if (i >= text.size()) return false;
  const unsigned char u = static_cast<unsigned char>(text[i]);
  if (u < 0x80) return absl::ascii_isalnum(u);
  const int32_t cp = Utf8At(text, i);
  return cp >= 0 && IsWordCodePoint(cp);
}

// Whether the bytes before text[i] end in a letter or digit (ASCII, or a
// UTF-8 letter) that glues onto a value starting at i.
bool GluedBefore(absl::string_view text, size_t i) {
  if (i == 0) return false;
  const unsigned char u = static_cast<unsigned char>(text[i - 1]);
  if (u < 0x80) return absl::ascii_isalnum(u);
  // Back to the lead byte of the sequence, at most three continuation bytes.
  size_t lead = i - 1;
  while (lead > 0 && i - lead < 4 &&
         (static_cast<unsigned char>(text[lead]) & 0xC0) == 0x80) {
    --lead;
  }
  const int32_t cp = Utf8At(text, lead);
  if (cp < 0) return false;
  const size_t len = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  return lead + len == i && IsWordCodePoint(cp);
}

bool IsWordByte(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c));
}

// Whether the digits text[begin, end) are the integer or fractional part of
// a decimal number ("2079460321.5", "1.2079460321"): a number, not a phone
// number or IMEI. (A comma is not taken for a decimal point: lists of
// numbers are more common in traffic than decimal commas.)
bool InDecimal(absl::string_view text, size_t begin, size_t end) {
  const bool point_after =
      end + 1 < text.size() && text[end] == '.' && IsDigit(text[end + 1]);
  const bool point_before =
      begin >= 2 && text[begin - 1] == '.' && IsDigit(text[begin - 2]);
  return point_after || point_before;
}

// "16 MiB" or "1000 bytes", for problems that quote a limit.
std::string Bytes(size_t n) {
  if (n >= (size_t{1} << 20) && n % (size_t{1} << 20) == 0) {
    return absl::StrCat(n >> 20, " MiB");
  }
  return absl::StrCat(n, " bytes");
}

bool IsEmailLocalByte(char c) {
  return IsWordByte(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
         c == '-';
}

std::optional<v1::Encoding> EncodingOf(Coding coding) {
  switch (coding) {
    case Coding::kGzip:
      return v1::GZIP;
    case Coding::kZlib:
    case Coding::kRawDeflate:
      return v1::DEFLATE;
    case Coding::kBrotli:
      return v1::BROTLI;
    case Coding::kZstd:
      return v1::ZSTD;
  }
  return std::nullopt;
}

// How a terminal encoding ends a decoding path; empty for a plain value.
absl::string_view TerminalLabel(v1::Encoding e) {
  switch (e) {
    case v1::CASE_FOLDED:
      return "in another letter case";
    case v1::HEX:
      return "hex";
    case v1::MD5:
      return "md5";
    case v1::SHA1:
      return "sha1";
    case v1::SHA256:
      return "sha256";
    case v1::COORDINATES:
      return "coordinates";
    case v1::GEOHASH:
      return "geohash";
    default:
      return "";
  }
}

std::string RawDigest(const EVP_MD* md, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // In-memory digests of a fetched default-provider algorithm do not fail.
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<const char*>(out), len);
}

absl::string_view AlgorithmName(v1::Encoding e) {
  switch (e) {
    case v1::MD5:
      return "MD5";
    case v1::SHA1:
      return "SHA-1";
    case v1::SHA256:
      return "SHA-256";
    default:
      return "hex";
  }
}

absl::string_view LayerName(v1::Encoding e) {
  switch (e) {
    case v1::URL_ENCODED:
      return "URL-decoded";
    case v1::BASE64:
      return "base64-decoded";
    case v1::BASE64URL:
      return "base64url-decoded";
    case v1::JSON:
      return "parsed as JSON";
    case v1::FORM:
      return "parsed as a form";
    case v1::URL:
      return "read as a URL";
    case v1::HEX:
      return "hex-decoded";
    case v1::GZIP:
      return "gunzipped";
    case v1::DEFLATE:
      return "inflated";
    case v1::BROTLI:
      return "brotli-decoded";
    case v1::ZSTD:
      return "zstd-decoded";
    default:
      return "decoded";
  }
}

// The letter case of hex digits as written: "lower-case", "upper-case",
// "mixed-case", or empty when there are no letters.
absl::string_view HexCase(absl::string_view s) {
  bool lower = false;
  bool upper = false;
  for (char c : s) {
    if (c >= 'a' && c <= 'f') lower = true;
    if (c >= 'A' && c <= 'F') upper = true;
  }
  if (lower && upper) return "mixed-case";
  if (lower) return "lower-case";
  if (upper) return "upper-case";
  return "";
}

bool AnyEscaped(const std::vector<bool>* escaped, size_t begin, size_t end) {
  if (escaped == nullptr) return true;
  for (size_t i = begin; i < end && i < escaped->size(); ++i) {
    if ((*escaped)[i]) return true;
  }
  return false;
}

std::string Join(absl::string_view outer, absl::string_view inner) {
  if (outer.empty()) return std::string(inner);
  if (inner.empty()) return std::string(outer);
  return absl::StrCat(outer, " > ", inner);
}

// A JSON path step for member `key`, the `position`th (1-based) of its
// object: ".key" for identifiers, ["key"] for other publishable names, and
// [#position] for names that may be data.
void AppendKey(std::string& path, absl::string_view key, size_t position) {
  bool identifier = !key.empty() &&
                    (absl::ascii_isalpha(static_cast<unsigned char>(key[0])) ||
                     key[0] == '_');
  for (char c : key) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') {
      identifier = false;
    }
  }
  if (!IsPublishableName(key)) {
    absl::StrAppend(&path, "[#", position, "]");
  } else if (identifier) {
    absl::StrAppend(&path, ".", key);
  } else {
    absl::StrAppend(&path, "[", json::Quote(key), "]");
  }
}

// `name` if it may be published, else its position ("#3").
std::string PublishedName(absl::string_view name, size_t position) {
  if (IsPublishableName(name)) return std::string(name);
  return absl::StrCat("#", position);
}

}  // namespace

bool IsPublishableName(absl::string_view name) {
  if (name.empty() || name.size() > 40) return false;
  size_t digit_run = 0;
  bool upper = false;
  bool lower = false;
  bool digit = false;
  size_t hexish = 0;
  for (char c : name) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (!(absl::ascii_isalnum(u) || c == '_' || c == '-' || c == '.' ||
          c == ':' || c == '$')) {
      return false;
    }
    digit_run = absl::ascii_isdigit(u) ? digit_run + 1 : 0;
    if (digit_run >= 5) return false;  // phone numbers, IDs, timestamps
    upper = upper || absl::ascii_isupper(u);
    lower = lower || absl::ascii_islower(u);
    digit = digit || absl::ascii_isdigit(u);
    if (absl::ascii_isxdigit(u) || c == '-') ++hexish;
  }
  // Long hex (hashes, UUIDs) and long mixed-case tokens (base64) are IDs.
  if (name.size() >= 12 && hexish == name.size() && digit) return false;
  if (name.size() >= 16 && upper && lower && digit) return false;
  // Names that schemas use: short ones, lower-case-led identifiers
  // (snake_case, camelCase, kebab-case), dashed header names, and a few
  // standard headers. A capitalised word is what people's names look like.
  if (name.size() <= 7) return true;
  const char first = name[0];
  if (absl::ascii_islower(static_cast<unsigned char>(first)) || first == '_' ||
      first == '$') {
    return true;
  }
  if (name.find('-') != absl::string_view::npos) return true;
  for (absl::string_view header : {"Authorization", "Connection", "Forwarded"}) {
    if (name == header) return true;
  }
  return false;
}

struct Detector::Location {
  v1::Where where;
  std::string name;  // published names, outermost first, joined by " > "
  std::string path;  // the decoding path so far
  uint32_t occurrence = 0;
  std::optional<uint32_t> message;
  // When set, the text being searched starts at this offset of the body or
  // message, and a hit's own position is added to it.
  std::optional<uint64_t> slice_base;
  // Else, when set, the offset reported for any hit: where the enclosing
  // encoded token or line starts.
  std::optional<uint64_t> offset;
  // Set when the text is a member of a JSON body that the exporter split
  // into fields (chrome-har): its JSON path, which a JSON value continues.
  std::string json_root;

  // The location of what decoding `begin` onwards of the current text gives,
  // with `step` added to the path.
  Location Inner(absl::string_view step, size_t begin) const {
    Location inner = *this;
    inner.json_root.clear();
    inner.path = Join(path, step);
    if (slice_base.has_value()) inner.offset = *slice_base + begin;
    inner.slice_base.reset();
    return inner;
  }
};

struct Detector::Hit {
  size_t honey;
  size_t begin;
  size_t end;
  const Needle* needle;    // or
  const PhoneForm* phone;  // a number written with separators
};

struct Detector::Context {
  std::vector<v1::Detection> out;
  absl::flat_hash_set<std::string> seen;
  size_t emitted = 0;  // findings, counting duplicates
  size_t decoded_bytes = 0;
  bool budget_reported = false;
  bool cap_reported = false;
  std::vector<std::string> problems;
  std::string body_not_examined;
  // The last name redacted, and the result: hits come in runs per name.
  std::string redacted_for;
  std::string redacted;
  bool redacted_valid = false;

  static std::string Key(const v1::Detection& d) {
    std::string key = absl::StrCat(
        d.data_type(), "\n", static_cast<int>(d.where()), "\n", d.name(), "\n",
        d.honey_commitment(), "\n", d.evidence(), "\n");
    for (int e : d.encodings()) absl::StrAppend(&key, e, ",");
    return key;
  }

  // Undoes the detections found after `mark` (a JSON walk that failed).
  void Truncate(size_t mark) {
    if (out.size() <= mark) return;
    out.resize(mark);
    seen.clear();
    for (const v1::Detection& d : out) seen.insert(Key(d));
  }

  bool Charge(size_t bytes, const DetectOptions& options) {
    if (decoded_bytes + bytes > options.max_decoded_bytes) {
      if (!budget_reported) {
        problems.push_back(absl::StrCat("nested encodings beyond ",
                                        Bytes(options.max_decoded_bytes),
                                        " of decoded data were not searched"));
        budget_reported = true;
      }
      return false;
    }
    decoded_bytes += bytes;
    return true;
  }
};

Detector::Detector(const Identities& identities, DetectOptions options)
    : options_(options) {
  for (size_t i = 0; i < identities.values.size(); ++i) {
    const HoneyValue& h = identities.values[i];
    honey_.push_back(Honey{h.data_type, h.commitment, h.latitude, h.longitude,
                           h.photo_sha256});
    const std::string owner =
        h.data_type == "contacts.contacts" ? "the contact's " : "the ";
    auto text = [&](std::string pattern, Boundary boundary, std::string subject,
                    std::vector<std::string> alternates = {}) {
      AddNeedle(Needle{i, std::move(pattern), std::move(alternates),
                       CaseRule::kText, boundary, v1::PLAIN,
                       std::move(subject)});
    };
    auto hex_id = [&](std::string pattern, std::string subject) {
      AddNeedle(Needle{i,
                       std::move(pattern),
                       {},
                       CaseRule::kHex,
                       Boundary::kWord,
                       v1::PLAIN,
                       std::move(subject)});
    };
    auto hex_of = [&](absl::string_view form, std::string subject) {
      AddNeedle(Needle{i,
                       HexEncode(form),
                       {},
                       CaseRule::kHex,
                       Boundary::kWord,
                       v1::HEX,
                       std::move(subject)});
    };
    switch (h.kind) {
      case HoneyKind::kEmail: {
        const std::string normal =
            owner + "e-mail address, trimmed and lower-cased";
        std::vector<std::string> alternates;
        if (h.as_written != h.canonical) alternates.push_back(h.as_written);
        text(h.canonical, Boundary::kEmail, owner + "e-mail address",
             alternates);
        hex_of(h.canonical, normal);
        AddHashes(i, h.canonical, normal);
        if (h.as_written != h.canonical) {
          AddHashes(i, h.as_written,
                    owner + "e-mail address as planted, in its original case");
        }
        break;
      }
      case HoneyKind::kPhone: {
        const PhoneNumber& p = h.phone;
        const std::string e164 = p.E164();
        struct Form {
          std::string digits;
          Boundary boundary;
          std::string subject;
        };
        std::vector<Form> forms = {
            {e164, Boundary::kPlusDigits, owner + "phone number in E.164 form"},
            {e164.substr(1), Boundary::kDigits,
             owner + "phone number in E.164 form without '+'"},
            {"00" + e164.substr(1), Boundary::kDigits,
             owner + "phone number with the 00 international prefix"},
            {p.national_number, Boundary::kDigits,
             owner + "phone number in national form"},
        };
        if (!p.trunk_prefix.empty()) {
          forms.push_back({p.trunk_prefix + p.national_number,
                           Boundary::kDigits,
                           owner + "phone number in national form with its "
                                   "trunk prefix"});
        }
        for (Form& f : forms) {
          AddHashes(i, f.digits, f.subject);
          phone_forms_.emplace(f.digits, PhoneForm{i, f.subject});
          text(f.digits, f.boundary, f.subject);
        }
        hex_of(e164, owner + "phone number in E.164 form");
        break;
      }
      case HoneyKind::kName: {
        text(h.as_written, Boundary::kWord, owner + "name");
        hex_of(h.as_written, owner + "name as planted");
        AddHashes(i, h.as_written, owner + "name as planted");
        const std::string lower = absl::AsciiStrToLower(h.as_written);
        if (lower != h.as_written) {
          AddHashes(i, lower, owner + "name, lower-cased");
        }
        break;
      }
      case HoneyKind::kUserId:
        text(h.canonical, Boundary::kWord, "the user ID");
        hex_of(h.canonical, "the user ID as planted");
        AddHashes(i, h.canonical, "the user ID as planted");
        break;
      case HoneyKind::kAdvertisingId:
      case HoneyKind::kIdfv: {
        const std::string what =
            h.kind == HoneyKind::kIdfv ? "the IDFV" : "the advertising ID";
        const std::string dashed = h.canonical;
        const std::string bare = absl::StrReplaceAll(dashed, {{"-", ""}});
        hex_id(dashed, what + " with dashes");
        hex_id(bare, what + " without dashes");
        AddHashes(i, dashed, what + ", lower-case with dashes");
        AddHashes(i, absl::AsciiStrToUpper(dashed),
                  what + ", upper-case with dashes");
        AddHashes(i, bare, what + ", lower-case without dashes");
        AddHashes(i, absl::AsciiStrToUpper(bare),
                  what + ", upper-case without dashes");
        break;
      }
      case HoneyKind::kAndroidId:
        hex_id(h.canonical, "the Android ID");
        AddHashes(i, h.canonical, "the Android ID in lower-case");
        AddHashes(i, absl::AsciiStrToUpper(h.canonical),
                  "the Android ID in upper-case");
        break;
      case HoneyKind::kImei:
        text(h.canonical, Boundary::kDigits, "the IMEI");
        AddHashes(i, h.canonical, "the IMEI (15 digits)");
        break;
      case HoneyKind::kPosition: {
        positions_.push_back(i);
        const std::string cell =
            Geohash(h.latitude, h.longitude, kMaxGeohashChars);
        for (size_t n = kMinGeohashChars; n <= kMaxGeohashChars; ++n) {
          AddNeedle(Needle{i, cell.substr(0, n), {}, CaseRule::kText,
                           Boundary::kWord, v1::GEOHASH,
                           absl::StrCat("the position as a geohash of ", n,
                                        " characters"),
                           n >= kPreciseGeohashChars ? "location.precise"
                                                     : "location.approximate"});
        }
        break;
      }
      case HoneyKind::kAddress: {
        // The street line identifies the home; a postcode or city alone
        // is shared by thousands and is not looked for.
        text(h.street, Boundary::kWord, "the street address");
        hex_of(h.street, "the street address as planted");
        AddHashes(i, h.street, "the street address as planted");
        const std::string lower = absl::AsciiStrToLower(h.street);
        if (lower != h.street) {
          AddHashes(i, lower, "the street address, lower-cased");
        }
        AddHashes(i, h.canonical, "the full address in its canonical form");
        AddHashes(i, absl::AsciiStrToLower(h.canonical),
                  "the full address, lower-cased");
        break;
      }
      case HoneyKind::kFacePhoto:
        photos_.push_back(i);
        AddNeedle(Needle{i,
                         h.canonical,
                         {},
                         CaseRule::kHex,
                         Boundary::kWord,
                         v1::SHA256,
                         "the face photo file"});
        AddNeedle(Needle{i,
                         h.photo_sha256,
                         {},
                         CaseRule::kBinary,
                         Boundary::kNone,
                         v1::SHA256,
                         "the face photo file"});
        break;
    }
  }
  // Forms of one value can coincide ("1" + national number is E.164 without
  // '+' in the NANP); the first form to claim a spelling describes it.
  absl::flat_hash_set<std::string> spellings;
  std::vector<Needle> distinct;
  for (Needle& n : needles_) {
    const std::string spelling = absl::StrCat(
        n.honey, n.case_rule == CaseRule::kBinary ? "/raw/" : "/text/",
        n.case_rule == CaseRule::kBinary ? n.pattern : FoldAscii(n.pattern));
    if (spellings.insert(spelling).second) distinct.push_back(std::move(n));
  }
  needles_ = std::move(distinct);
  std::vector<std::string> patterns;
  patterns.reserve(needles_.size());
  for (const Needle& n : needles_) patterns.push_back(n.pattern);
  matcher_ = MultiMatcher(patterns);
}

void Detector::AddNeedle(Needle needle) {
  needles_.push_back(std::move(needle));
}

void Detector::AddHashes(size_t honey, absl::string_view form,
                         absl::string_view subject) {
  static const struct {
    const EVP_MD* (*md)();
    v1::Encoding encoding;
  } kAlgorithms[] = {
      {EVP_md5, v1::MD5}, {EVP_sha1, v1::SHA1}, {EVP_sha256, v1::SHA256}};
  for (const auto& a : kAlgorithms) {
    const std::string raw = RawDigest(a.md(), form);
    AddNeedle(Needle{honey,
                     HexEncode(raw),
                     {},
                     CaseRule::kHex,
                     Boundary::kWord,
                     a.encoding,
                     std::string(subject)});
    AddNeedle(Needle{honey,
                     raw,
                     {},
                     CaseRule::kBinary,
                     Boundary::kNone,
                     a.encoding,
                     std::string(subject)});
  }
}

std::string Detector::Redact(absl::string_view text) const {
  std::vector<std::pair<size_t, size_t>> spans;
  matcher_.FindAll(text, [&](size_t id, size_t offset) {
    spans.emplace_back(offset, offset + needles_[id].pattern.size());
  });
  if (spans.empty()) return std::string(text);
  std::sort(spans.begin(), spans.end());
  std::string out;
  size_t pos = 0;
  for (size_t i = 0; i < spans.size();) {
    size_t begin = spans[i].first;
    size_t end = spans[i].second;
    for (++i; i < spans.size() && spans[i].first < end; ++i) {
      end = std::max(end, spans[i].second);
    }
    if (begin < pos) begin = pos;
    absl::StrAppend(&out, text.substr(pos, begin - pos), kRedacted);
    pos = end;
  }
  absl::StrAppend(&out, text.substr(pos));
  return out;
}

void Detector::Emit(Context& ctx, size_t honey, const Location& loc,
                    const Chain& chain, v1::Encoding terminal,
                    absl::string_view data_type, absl::string_view evidence,
                    size_t at) const {
  ++ctx.emitted;
  v1::Detection d;
  d.set_data_type(std::string(data_type));
  d.set_where(loc.where);
  if (ctx.redacted_for != loc.name || !ctx.redacted_valid) {
    ctx.redacted_for = loc.name;
    ctx.redacted = Redact(loc.name);
    ctx.redacted_valid = true;
  }
  d.set_name(ctx.redacted);
  for (v1::Encoding e : chain) d.add_encodings(e);
  d.add_encodings(terminal);
  d.set_honey_commitment(honey_[honey].commitment);
  std::string why;
  for (size_t i = 0; i < chain.size(); ++i) {
    absl::StrAppend(&why, i == 0 ? "" : ", then ", LayerName(chain[i]));
  }
  absl::StrAppend(&why, chain.empty() ? "" : ": ", evidence);
  d.set_evidence(std::move(why));
  std::string key = Context::Key(d);
  if (ctx.seen.contains(key)) return;
  if (ctx.out.size() >= options_.max_detections) {
    if (!ctx.cap_reported) {
      ctx.problems.push_back(absl::StrCat("more than ", options_.max_detections,
                                          " distinct detections; the rest "
                                          "were not recorded"));
      ctx.cap_reported = true;
    }
    return;
  }
  ctx.seen.insert(std::move(key));
  d.set_occurrence(loc.occurrence);
  if (loc.slice_base.has_value() && at != absl::string_view::npos) {
    d.set_offset(*loc.slice_base + at);
  } else if (loc.offset.has_value()) {
    d.set_offset(*loc.offset);
  } else if (loc.slice_base.has_value()) {
    d.set_offset(*loc.slice_base);
  }
  if (loc.message.has_value()) d.set_message(*loc.message);
  d.set_path(Redact(Join(loc.path, TerminalLabel(terminal))));
  ctx.out.push_back(std::move(d));
}

Detector::Spans Detector::MatchNeedles(Context& ctx, absl::string_view text,
                                       const Location& loc, const Chain& chain,
                                       const std::vector<bool>* escaped) const {
  Spans spans;
  std::vector<Hit> hits;
  // A value repeated a million times is one finding; past a few hundred hits
  // keep at most kMaxHitsPerNeedle of each needle, so memory and time stay
  // proportional to what can be reported.
  constexpr size_t kMaxHitsPerNeedle = 64;
  absl::flat_hash_map<size_t, size_t> per_needle;
  const size_t n = text.size();
  matcher_.FindAll(text, [&](size_t id, size_t begin) {
    if (hits.size() >= 512 && ++per_needle[id] > kMaxHitsPerNeedle) return;
    const Needle& needle = needles_[id];
    const size_t end = begin + needle.pattern.size();
    if (needle.case_rule == CaseRule::kBinary &&
        std::memcmp(text.data() + begin, needle.pattern.data(),
                    needle.pattern.size()) != 0) {
      return;
    }
    const char before = begin > 0 ? text[begin - 1] : ' ';
    const char after = end < n ? text[end] : ' ';
    switch (needle.boundary) {
      case Boundary::kNone:
        break;
      case Boundary::kDigits:
        if (IsDigit(before) || IsDigit(after) || InDecimal(text, begin, end)) {
          return;
        }
        break;
      case Boundary::kPlusDigits:
        if (IsDigit(after) || InDecimal(text, begin, end)) return;
        break;
      case Boundary::kWord:
        if (GluedBefore(text, begin) || GluedAfter(text, end)) return;
        break;
      case Boundary::kEmail:
        if (IsEmailLocalByte(before) || GluedBefore(text, begin) ||
            GluedAfter(text, end) || after == '-' || after == '_') {
          return;
        }
        // "alice@example.org.evil" is another address; a full stop is not.
        if (after == '.' && GluedAfter(text, end + 1)) return;
        break;
    }
    hits.push_back(Hit{needle.honey, begin, end, &needle, nullptr});
  });

  if (!phone_forms_.empty()) {
    // Numbers written with separators: "+44 20 7946-0000", "(202) 555-0143".
    for (size_t i = 0; i < n;) {
      const char c = text[i];
      if (!(c == '+' || c == '(' || IsDigit(c)) || GluedBefore(text, i)) {
        ++i;
        continue;
      }
      size_t j = i;
      std::string digits;
      if (c == '+') {
        digits.push_back('+');
        ++j;
      }
      // A separator between two digits (or an opening parenthesis before
      // the first) makes this a formatted number; plain runs of digits are
      // the needles' business.
      bool separated = false;
      bool pending = c == '(';
      size_t count = 0;
      size_t last = i;
      while (j < n && j - i < 32) {
        const char d = text[j];
        if (IsDigit(d)) {
          if (pending && (count > 0 || c == '(')) separated = true;
          pending = false;
          digits.push_back(d);
          ++count;
          last = j + 1;
        } else if (d == ' ' || d == '-' || d == '.' || d == '(' || d == ')' ||
                   d == '/') {
          pending = true;
        } else {
          break;
        }
        ++j;
      }
      if (separated && !GluedAfter(text, last)) {
        auto it = phone_forms_.find(digits);
        if (it != phone_forms_.end()) {
          hits.push_back(Hit{it->second.honey, i, last, nullptr, &it->second});
        }
      }
      i = std::max(j, i + 1);
    }
  }

  if (!hits.empty()) {
    // One occurrence, one finding: drop hits inside a longer hit of the same
    // value ("5551234567" inside "+15551234567").
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
    });
    std::vector<size_t> reach(honey_.size(), 0);
    std::vector<bool> any(honey_.size(), false);
    for (const Hit& hit : hits) {
      if (any[hit.honey] && reach[hit.honey] >= hit.end) continue;
      any[hit.honey] = true;
      reach[hit.honey] = std::max(reach[hit.honey], hit.end);
      spans.emplace_back(hit.begin, hit.end);
      if (!AnyEscaped(escaped, hit.begin, hit.end)) continue;
      const Honey& h = honey_[hit.honey];
      const size_t at = hit.begin;
      if (hit.phone != nullptr) {
        Emit(ctx, hit.honey, loc, chain, v1::PLAIN, h.data_type,
             absl::StrCat(hit.phone->subject, ", written with separators"), at);
        continue;
      }
      const Needle& nd = *hit.needle;
      const absl::string_view matched =
          text.substr(hit.begin, hit.end - hit.begin);
      switch (nd.case_rule) {
        case CaseRule::kText: {
          bool exact = matched == nd.pattern;
          for (const std::string& a : nd.alternates)
            exact = exact || matched == a;
          const absl::string_view data_type =
              nd.data_type.empty() ? h.data_type : nd.data_type;
          if (nd.terminal != v1::PLAIN) {
            Emit(ctx, hit.honey, loc, chain, nd.terminal, data_type,
                 exact ? nd.subject
                       : absl::StrCat(nd.subject, ", in another letter case"),
                 at);
          } else if (exact) {
            Emit(ctx, hit.honey, loc, chain, v1::PLAIN, data_type, nd.subject,
                 at);
          } else {
            Emit(ctx, hit.honey, loc, chain, v1::CASE_FOLDED, data_type,
                 absl::StrCat(nd.subject, ", in a different letter case"), at);
          }
          break;
        }
        case CaseRule::kHex: {
          const absl::string_view letter_case = HexCase(matched);
          std::string why;
          if (nd.terminal == v1::PLAIN) {
            why = letter_case.empty()
                      ? nd.subject
                      : absl::StrCat(nd.subject, ", ", letter_case);
          } else if (nd.terminal == v1::HEX) {
            why = absl::StrCat("hex", letter_case.empty() ? "" : " (",
                               letter_case, letter_case.empty() ? "" : ")",
                               " of the bytes of ", nd.subject);
          } else {
            why = absl::StrCat(AlgorithmName(nd.terminal), " (", letter_case,
                               letter_case.empty() ? "" : " ", "hex) of ",
                               nd.subject);
          }
          Emit(ctx, hit.honey, loc, chain, nd.terminal, h.data_type, why, at);
          break;
        }
        case CaseRule::kBinary:
          Emit(ctx, hit.honey, loc, chain, nd.terminal, h.data_type,
               absl::StrCat(AlgorithmName(nd.terminal), " (raw ",
                            nd.pattern.size(), " bytes) of ", nd.subject),
               at);
          break;
      }
    }
  }

  if (!positions_.empty()) {
    ForEachCoordinatePair(
        text, [&](const Coordinate& first, const Coordinate& second,
                  size_t begin, size_t end) {
          if (!AnyEscaped(escaped, begin, end)) return;
          ReportPosition(ctx, first, second, /*either_order=*/true, loc, chain,
                         "a text pair", begin);
        });
  }
  return spans;
}

void Detector::ReportPosition(Context& ctx, const Coordinate& first,
                              const Coordinate& second, bool either_order,
                              const Location& loc, const Chain& chain,
                              absl::string_view how, size_t at) const {
  for (size_t p : positions_) {
    const double lat = honey_[p].latitude;
    const double lng = honey_[p].longitude;
    PositionMatch m = Classify(first, second, lat, lng);
    bool latitude_first = true;
    if (m.precision == Precision::kNone && either_order) {
      // GeoJSON and several map SDKs write longitude first.
      m = Classify(second, first, lat, lng);
      latitude_first = false;
    }
    if (m.precision == Precision::kNone) continue;
    Emit(ctx, p, loc, chain, v1::COORDINATES,
         m.precision == Precision::kPrecise ? "location.precise"
                                            : "location.approximate",
         absl::StrFormat("%s%s with %d decimals, the planted position %s",
                         how,
                         !either_order ? ""
                         : latitude_first ? " (latitude first)"
                                          : " (longitude first)",
                         m.decimals,
                         m.decimals >= 9 ? "itself"
                                         : "rounded or truncated"),
         at);
  }
}

void Detector::MatchPhoto(Context& ctx, absl::string_view bytes,
                          const Location& loc, const Chain& chain) const {
  if (photos_.empty() || bytes.size() < options_.min_photo_bytes) return;
  const std::string digest = DigestBytes(Sha256(bytes));
  for (size_t p : photos_) {
    if (digest != honey_[p].photo_sha256) continue;
    Emit(ctx, p, loc, chain, v1::PLAIN, honey_[p].data_type,
         "the face photo file itself, byte for byte (its SHA-256 is the "
         "planted photo's)",
         absl::string_view::npos);
  }
}

void Detector::ScanString(Context& ctx, absl::string_view text,
                          const Location& loc, const Chain& chain,
                          const std::vector<bool>* escaped) const {
  if (chain.size() < options_.max_decode_depth) {
    // A compressed blob (gzip, zstd) inside a value or a body.
    if (const std::optional<Coding> coding = SniffCompression(text);
        coding.has_value() && *coding != Coding::kZlib &&
        ctx.decoded_bytes < options_.max_decoded_bytes) {
      // Never more than the request's decoding budget has left, so that
      // many small bombs cost no more than one.
      DecodeLimits limits = options_.decompression;
      limits.max_output = std::min(limits.max_output,
                                   options_.max_decoded_bytes - ctx.decoded_bytes);
      Decompressed out = Decompress(*coding, text, limits);
      if (!out.bytes.empty() && ctx.Charge(out.bytes.size(), options_)) {
        if (out.capped || out.damaged) {
          ctx.problems.push_back(absl::StrCat(
              "a ", CodingName(*coding), " blob inside the request ",
              out.capped ? "expands past the decompression cap"
                         : "is damaged",
              "; only what came before was searched"));
        }
        Chain nested = chain;
        nested.push_back(*EncodingOf(*coding));
        ScanString(ctx, out.bytes, loc.Inner(CodingName(*coding), 0), nested,
                   nullptr);
        return;
      }
    }
    const absl::string_view t = absl::StripAsciiWhitespace(text);
    if (t.size() >= 2 && (t.front() == '{' || t.front() == '[')) {
      Chain nested = chain;
      // A member of a split JSON body is no new layer.
      if (loc.json_root.empty()) nested.push_back(v1::JSON);
      if ((t.back() == '}' || t.back() == ']') && WalkJson(ctx, t, loc, nested)) {
        return;
      }
      if (ScanNdjson(ctx, text, loc, chain, nested)) return;
    }
    if (ScanUrl(ctx, t, loc, chain)) return;
    if (LooksLikeForm(t)) {
      Chain nested = chain;
      nested.push_back(v1::FORM);
      ScanPairs(ctx, ParseQuery(t), loc, nested, "form");
      return;
    }
  }
  ScanFlat(ctx, text, loc, chain, escaped);
}

void Detector::ScanFlat(Context& ctx, absl::string_view text,
                        const Location& loc, const Chain& chain,
                        const std::vector<bool>* escaped) const {
  const Spans matched = MatchNeedles(ctx, text, loc, chain, escaped);
  MatchPhoto(ctx, text, loc, chain);
  if (chain.size() >= options_.max_decode_depth) return;
  // A token that is itself a match (a hex digest) is not decoded again.
  auto inside_match = [&](size_t begin, size_t size) {
    for (const auto& [b, e] : matched) {
      if (begin >= b && begin + size <= e) return true;
    }
    return false;
  };
  if (HasPercentEscape(text)) {
    std::vector<bool> mask;
    const std::string decoded = PercentDecode(text, false, &mask);
    if (ctx.Charge(decoded.size(), options_)) {
      Chain nested = chain;
      nested.push_back(v1::URL_ENCODED);
      ScanString(ctx, decoded, loc.Inner("percent-decoded", 0), nested, &mask);
    }
  }
  std::string decoded;
  ForEachBase64Token(
      text, options_.min_base64_chars, [&](const Base64Token& token) {
        if (!AnyEscaped(escaped, token.begin, token.begin + token.text.size()))
          return;
        if (inside_match(token.begin, token.text.size())) return;
        if (!DecodeBase64Lenient(token.text, token.alphabet, decoded)) return;
        if (decoded.size() < MultiMatcher::kMinPatternBytes) return;
        if (!ctx.Charge(decoded.size(), options_)) return;
        const bool url = token.alphabet == Base64Alphabet::kUrl;
        Chain nested = chain;
        nested.push_back(url ? v1::BASE64URL : v1::BASE64);
        // `decoded` is reused by the next token; the nested scan finishes
        // first.
        ScanString(ctx, decoded,
                   loc.Inner(url ? "base64url" : "base64", token.begin), nested,
                   nullptr);
      });
  ForEachHexToken(text, options_.min_hex_chars, [&](const HexToken& token) {
    if (!AnyEscaped(escaped, token.begin, token.begin + token.text.size()))
      return;
    if (inside_match(token.begin, token.text.size())) return;
    const std::string bytes = DecodeHexRun(token.text);
    if (!ctx.Charge(bytes.size(), options_)) return;
    Chain nested = chain;
    nested.push_back(v1::HEX);
    ScanString(ctx, bytes, loc.Inner("hex", token.begin), nested, nullptr);
  });
}

bool Detector::ScanNdjson(Context& ctx, absl::string_view text,
                          const Location& loc, const Chain& chain,
                          const Chain& json_chain) const {
  size_t nonempty = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StripAsciiWhitespace(line).empty()) ++nonempty;
  }
  if (nonempty < 2) return false;
  const size_t mark = ctx.out.size();
  size_t lines = 0;
  size_t json_lines = 0;
  for (size_t begin = 0; begin < text.size();) {
    size_t end = text.find('\n', begin);
    if (end == absl::string_view::npos) end = text.size();
    const absl::string_view line = absl::StripAsciiWhitespace(
        text.substr(begin, end - begin));
    if (!line.empty()) {
      ++lines;
      const size_t at = static_cast<size_t>(line.data() - text.data());
      Location inner = loc.Inner(
          absl::StrCat("ndjson line ", lines, " (byte ",
                       loc.slice_base.value_or(loc.offset.value_or(0)) + at,
                       ")"),
          at);
      inner.name = Join(loc.name, absl::StrCat("line ", lines));
      Location json_line = inner;
      if (json_line.where == v1::BODY_TEXT) json_line.where = v1::BODY_JSON;
      if ((line.front() == '{' || line.front() == '[') &&
          WalkJson(ctx, line, json_line, json_chain)) {
        ++json_lines;
      } else {
        Location flat = inner;
        flat.slice_base = inner.offset;
        flat.offset.reset();
        ScanFlat(ctx, line, flat, chain, nullptr);
      }
    }
    begin = end + 1;
  }
  if (json_lines >= 1) return true;
  ctx.Truncate(mark);
  return false;
}

bool Detector::ScanUrl(Context& ctx, absl::string_view text,
                       const Location& loc, const Chain& chain) const {
  // "https://host/path?query" or "/path?query", in a value.
  const size_t question = text.find('?');
  if (question == absl::string_view::npos || question + 1 >= text.size()) {
    return false;
  }
  const absl::string_view before = text.substr(0, question);
  const size_t scheme = before.find("://");
  const bool absolute = scheme != absl::string_view::npos && scheme > 0 &&
                        scheme <= 10;
  if (!absolute && (before.empty() || before.front() != '/')) return false;
  for (char c : text) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) || c == '"') {
      return false;
    }
  }
  ScanFlat(ctx, before, loc, chain, nullptr);
  absl::string_view query = text.substr(question + 1);
  query = query.substr(0, query.find('#'));
  Chain nested = chain;
  nested.push_back(v1::URL);
  ScanPairs(ctx, ParseQuery(query), loc.Inner("url", question + 1), nested,
            "?");
  return true;
}

void Detector::ScanPairs(Context& ctx, const std::vector<NameValue>& pairs,
                         const Location& loc, const Chain& chain,
                         absl::string_view label) const {
  struct Axis1 {
    AxisName axis;
    std::string name;
    Coordinate c;
  };
  std::vector<Axis1> axes;
  absl::flat_hash_map<absl::string_view, uint32_t> count;
  for (const auto& [name, value] : pairs) ++count[name];
  absl::flat_hash_map<absl::string_view, uint32_t> seen;
  // "json": the members of a JSON body that the exporter wrote as fields,
  // a repeated name standing for an array's items.
  const bool json_members = label == "json";
  for (size_t i = 0; i < pairs.size(); ++i) {
    const auto& [name, value] = pairs[i];
    std::string shown;
    Location child = loc;
    child.slice_base.reset();
    if (json_members) {
      shown = "$";
      AppendKey(shown, name, i + 1);
      if (count[name] > 1) absl::StrAppend(&shown, "[", seen[name]++, "]");
      child.name = shown;
      child.json_root = shown;
      child.path = Join(loc.path, absl::StrCat("json ", shown));
    } else {
      shown = PublishedName(name, i + 1);
      child.name = Join(loc.name, shown);
      child.path =
          Join(loc.path, absl::StrCat(label, label == "?" ? "" : " ", shown));
      child.occurrence = count[name] > 1 ? ++seen[name] : 0;
    }
    MatchNeedles(ctx, name, child, chain, nullptr);
    ScanString(ctx, value, child, chain, nullptr);
    if (positions_.empty()) continue;
    AxisName axis = ClassifyAxisName(name);
    if (axis.axis == Axis::kNone) continue;
    if (std::optional<Coordinate> c = ParseCoordinate(value); c.has_value()) {
      axes.push_back(Axis1{std::move(axis), shown, *c});
    }
  }
  for (const Axis1& lat : axes) {
    if (lat.axis.axis != Axis::kLatitude) continue;
    for (const Axis1& lng : axes) {
      if (lng.axis.axis != Axis::kLongitude ||
          lng.axis.prefix != lat.axis.prefix) {
        continue;
      }
      Location both = loc;
      both.name = json_members ? "$"
                               : Join(loc.name, absl::StrCat(lat.name, ",", lng.name));
      both.path = Join(loc.path, absl::StrCat(label, label == "?" ? "" : " ",
                                              lat.name, ",", lng.name));
      both.slice_base.reset();
      ReportPosition(ctx, lat.c, lng.c, /*either_order=*/false, both, chain,
                     absl::StrCat("latitude and longitude fields ",
                                  json::Quote(lat.name), " and ",
                                  json::Quote(lng.name)),
                     absl::string_view::npos);
    }
  }
}

bool Detector::WalkJson(Context& ctx, absl::string_view text,
                        const Location& loc, const Chain& chain) const {
  json::Limits limits;
  limits.max_depth = options_.max_json_depth;
  limits.max_token_bytes = text.size() + 1;
  json::Reader reader(text, limits);

  struct Candidate {
    AxisName axis;
    std::string key;
    Coordinate c;
  };
  struct Frame {
    bool is_object = false;
    size_t path_size = 0;  // the container's own path
    size_t items = 0;
    // Objects: the member being read, and latitude/longitude members.
    std::string key;
    std::vector<Candidate> candidates;
    // Arrays: the first numbers, while every item is a number.
    bool all_numbers = true;
    std::optional<Coordinate> numbers[3];
  };
  std::vector<Frame> stack;
  std::string path = loc.json_root.empty() ? "$" : loc.json_root;
  const size_t mark = ctx.out.size();

  // Sets `path` to the value about to be read in the current container.
  auto enter_value = [&](std::optional<Coordinate> number) {
    if (stack.empty()) return;
    Frame& f = stack.back();
    if (f.is_object) return;  // the key set the path
    path.resize(f.path_size);
    absl::StrAppend(&path, "[", f.items, "]");
    if (f.items < 3 && number.has_value()) {
      f.numbers[f.items] = number;
    } else {
      f.all_numbers = false;
    }
    ++f.items;
  };
  // Where the value about to be read is: its JSON path among the names,
  // and "json <path>" in the decoding path.
  auto here = [&]() {
    Location at = loc;
    at.name = loc.json_root.empty() ? Join(loc.name, path) : path;
    at.path = Join(loc.path, absl::StrCat("json ", path));
    at.slice_base.reset();
    at.json_root.clear();
    return at;
  };

  while (true) {
    absl::StatusOr<json::Token> token = reader.Next();
    if (!token.ok()) {
      ctx.Truncate(mark);
      if (token.status().code() == absl::StatusCode::kResourceExhausted) {
        ctx.problems.push_back(absl::StrCat(
            "a JSON document nested deeper than ", options_.max_json_depth,
            " levels was searched as plain text"));
      }
      return false;
    }
    switch (*token) {
      case json::Token::kEnd:
        return true;
      case json::Token::kKey: {
        Frame& f = stack.back();
        path.resize(f.path_size);
        AppendKey(path, reader.value(), ++f.items);
        f.key = std::string(reader.value().substr(0, 64));
        MatchNeedles(ctx, reader.value(), here(), chain, nullptr);
        break;
      }
      case json::Token::kBeginObject:
      case json::Token::kBeginArray:
        enter_value(std::nullopt);
        stack.emplace_back();
        stack.back().is_object = *token == json::Token::kBeginObject;
        stack.back().path_size = path.size();
        break;
      case json::Token::kEndObject: {
        Frame& f = stack.back();
        path.resize(f.path_size);
        for (const Candidate& lat : f.candidates) {
          if (lat.axis.axis != Axis::kLatitude) continue;
          for (const Candidate& lng : f.candidates) {
            if (lng.axis.axis != Axis::kLongitude ||
                lng.axis.prefix != lat.axis.prefix) {
              continue;
            }
            ReportPosition(ctx, lat.c, lng.c, /*either_order=*/false, here(),
                           chain,
                           absl::StrCat("latitude and longitude members ",
                                        json::Quote(lat.key), " and ",
                                        json::Quote(lng.key)),
                           absl::string_view::npos);
          }
        }
        stack.pop_back();
        break;
      }
      case json::Token::kEndArray: {
        Frame& f = stack.back();
        path.resize(f.path_size);
        if (!positions_.empty() && f.all_numbers &&
            (f.items == 2 || f.items == 3)) {
          // GeoJSON writes [longitude, latitude]; others the other way.
          ReportPosition(ctx, *f.numbers[0], *f.numbers[1],
                         /*either_order=*/true, here(), chain, "an array",
                         absl::string_view::npos);
        }
        stack.pop_back();
        break;
      }
      case json::Token::kString:
      case json::Token::kNumber: {
        const bool is_number = *token == json::Token::kNumber;
        std::optional<Coordinate> coordinate;
        if (!positions_.empty()) coordinate = ParseCoordinate(reader.value());
        enter_value(is_number ? coordinate : std::nullopt);
        const Location value_at = here();
        if (is_number) {
          MatchNeedles(ctx, reader.value(), value_at, chain, nullptr);
        } else {
          ScanString(ctx, reader.value(), value_at, chain, nullptr);
        }
        if (coordinate.has_value() && !stack.empty() &&
            stack.back().is_object) {
          Frame& f = stack.back();
          AxisName axis = ClassifyAxisName(f.key);
          if (axis.axis != Axis::kNone) {
            f.candidates.push_back(
                Candidate{std::move(axis), f.key, *coordinate});
          }
        }
        break;
      }
      case json::Token::kTrue:
      case json::Token::kFalse:
      case json::Token::kNull:
        enter_value(std::nullopt);
        break;
    }
  }
}

void Detector::ScanMultipart(Context& ctx,
                             const std::vector<MultipartPart>& parts,
                             const Location& loc, const Chain& chain) const {
  for (size_t i = 0; i < parts.size(); ++i) {
    const MultipartPart& part = parts[i];
    const std::string shown = PublishedName(part.name, i + 1);
    Location child = loc;
    child.where = v1::BODY_MULTIPART;
    child.name = Join(loc.name, shown);
    child.path = Join(loc.path, absl::StrCat("multipart part ", shown));
    child.slice_base.reset();
    MatchNeedles(ctx, part.file_name, child, chain, nullptr);
    // A part may carry its own transfer and content codings.
    std::string bytes(part.body);
    Chain nested = chain;
    if (absl::EqualsIgnoreCase(part.transfer_encoding, "base64")) {
      std::string decoded;
      if (DecodeBase64Body(bytes, decoded)) {
        bytes = std::move(decoded);
        nested.push_back(v1::BASE64);
        child.path = Join(child.path, "base64");
      }
    } else if (absl::EqualsIgnoreCase(part.transfer_encoding,
                                      "quoted-printable")) {
      bytes = DecodeQuotedPrintable(bytes);
      child.path = Join(child.path, "quoted-printable");
    }
    if (!part.content_encoding.empty()) {
      ContentDecoding d = DecodeContentCodings(bytes, part.content_encoding,
                                               options_.decompression);
      for (Coding c : d.undone) {
        nested.push_back(*EncodingOf(c));
        child.path = Join(child.path, CodingName(c));
      }
      for (std::string& p : d.problems) {
        ctx.problems.push_back(absl::StrCat("multipart part ", i + 1, ": ", p));
      }
      bytes = std::move(d.bytes);
    }
    // A part is a document inside the body: its JSON, forms and encodings
    // are layers.
    ScanString(ctx, bytes, child, nested, nullptr);
  }
}

void Detector::ScanBodyBytes(Context& ctx, absl::string_view bytes,
                             absl::string_view content_type,
                             const Location& loc, const Chain& chain) const {
  const std::string media = MediaType(content_type);
  if (absl::StartsWith(media, "multipart/")) {
    const std::optional<std::string> boundary =
        ContentTypeParameter(content_type, "boundary");
    if (boundary.has_value()) {
      const std::vector<MultipartPart> parts = ParseMultipart(bytes, *boundary);
      if (!parts.empty()) {
        ScanMultipart(ctx, parts, loc, chain);
        return;
      }
    }
  }
  if (media == "application/x-www-form-urlencoded") {
    Location form = loc;
    form.where = v1::BODY_FORM;
    ScanPairs(ctx, ParseQuery(bytes), form, chain, "form");
    return;
  }
  const absl::string_view trimmed = absl::StripAsciiWhitespace(bytes);
  const bool json_like =
      !trimmed.empty() && (trimmed[0] == '{' || trimmed[0] == '[');
  if (absl::StrContains(media, "json") || json_like) {
    Location json_loc = loc;
    if (json_loc.where == v1::WHERE_UNSPECIFIED) json_loc.where = v1::BODY_JSON;
    json_loc.slice_base.reset();
    if (json_like && WalkJson(ctx, trimmed, json_loc, chain)) return;
    Location text_loc = loc;
    if (text_loc.where == v1::WHERE_UNSPECIFIED) text_loc.where = v1::BODY_TEXT;
    if (json_like && ScanNdjson(ctx, bytes, text_loc, chain, chain)) return;
    // Not JSON after all (or too deep to walk): a mislabelled form, or text.
    if (LooksLikeForm(trimmed)) {
      Location form = loc;
      if (form.where == v1::WHERE_UNSPECIFIED) form.where = v1::BODY_FORM;
      ScanPairs(ctx, ParseQuery(trimmed), form, chain, "form");
    } else {
      ScanFlat(ctx, bytes, text_loc, chain, nullptr);
    }
    return;
  }
  Location text_loc = loc;
  if (text_loc.where == v1::WHERE_UNSPECIFIED) text_loc.where = v1::BODY_TEXT;
  ScanString(ctx, bytes, text_loc, chain, nullptr);
}

void Detector::ScanBody(Context& ctx, const HttpRequest& request,
                        absl::string_view content_type,
                        absl::string_view content_encoding) const {
  Location base{v1::WHERE_UNSPECIFIED, "", ""};
  base.slice_base = 0;
  if (request.body.has_value() && !request.body->empty()) {
    const std::string& sent = *request.body;
    // A body the exporter wrote one character per byte: its bytes are the
    // body, unless the text reads as UTF-8 text already (then both are
    // searched: a photo or compressed data only shows in the bytes).
    std::optional<std::string> latin1 =
        request.body_is_text ? Latin1Bytes(sent) : std::nullopt;
    std::vector<ContentDecoding> readings;
    if (latin1.has_value()) {
      ContentDecoding from_bytes = DecodeContentCodings(
          *latin1, content_encoding, options_.decompression);
      const std::string media = MediaType(content_type);
      const bool textual = absl::StartsWith(media, "text/") ||
                           absl::StrContains(media, "json") ||
                           absl::StrContains(media, "xml") ||
                           absl::StrContains(media, "form-urlencoded");
      if (from_bytes.undone.empty() && textual && !IsUtf8(*latin1)) {
        readings.push_back(
            DecodeContentCodings(sent, content_encoding, options_.decompression));
      }
      readings.push_back(std::move(from_bytes));
    } else {
      readings.push_back(
          DecodeContentCodings(sent, content_encoding, options_.decompression));
    }
    for (ContentDecoding& d : readings) {
      Chain chain;
      Location loc = base;
      for (Coding c : d.undone) {
        chain.push_back(*EncodingOf(c));
        loc.path = Join(loc.path, CodingName(c));
      }
      for (std::string& p : d.problems) ctx.problems.push_back(std::move(p));
      if (!d.complete) {
        ctx.body_not_examined =
            std::string(d.unknown_coding ? kUnknownCoding : kUndecodableCoding);
      }
      // Text in another charset (UTF-16, Latin-1), as UTF-8.
      const std::optional<std::string> charset =
          ContentTypeParameter(content_type, "charset");
      if (charset.has_value()) {
        if (std::optional<std::string> utf8 = CharsetToUtf8(d.bytes, *charset);
            utf8.has_value()) {
          loc.path = Join(loc.path, absl::StrCat("charset ", absl::AsciiStrToLower(*charset)));
          loc.slice_base.reset();
          loc.offset = 0;
          ScanBodyBytes(ctx, *utf8, content_type, loc, chain);
          continue;
        }
      }
      ScanBodyBytes(ctx, d.bytes, content_type, loc, chain);
    }
    return;
  }
  if (request.body_params.empty()) return;
  const std::string media = MediaType(content_type);
  const bool multipart = absl::StartsWith(media, "multipart/");
  // chrome-har writes a JSON body as its members, one field each.
  const bool json = absl::StrContains(media, "json");
  base.where = multipart ? v1::BODY_MULTIPART
               : json    ? v1::BODY_JSON
                         : v1::BODY_FORM;
  base.slice_base.reset();
  std::vector<NameValue> pairs;
  for (size_t i = 0; i < request.body_params.size(); ++i) {
    const FormParam& p = request.body_params[i];
    Location file = base;
    file.name = PublishedName(p.name, i + 1);
    MatchNeedles(ctx, p.file_name, file, {}, nullptr);
    pairs.emplace_back(p.name, p.value);
  }
  ScanPairs(ctx, pairs, base, {}, json ? "json" : "field");
}

RequestFindings Detector::Scan(const HttpRequest& request) const {
  Context ctx;

  // The path, segment by segment; a segment that holds a honey value, or
  // that does not look like a name, is not published.
  std::vector<std::string> segments = absl::StrSplit(request.path, '/');
  for (size_t i = 0; i < segments.size(); ++i) {
    std::string& segment = segments[i];
    if (segment.empty()) continue;
    const size_t before = ctx.emitted;
    const std::string decoded = PercentDecode(segment, false);
    Location loc{v1::URL_PATH, "", absl::StrCat("path segment ", i)};
    ScanString(ctx, decoded, loc, {}, nullptr);
    if (ctx.emitted != before) {
      segment = std::string(kRedacted);
    } else if (!IsPublishableName(decoded)) {
      segment = std::string(kDataSegment);
    }
  }

  Location query{v1::QUERY, "", ""};
  if (request.query.has_value()) {
    ScanPairs(ctx, ParseQuery(*request.query), query, {}, "query");
  } else {
    ScanPairs(ctx, request.query_params, query, {}, "query");
  }

  bool cookie_header = false;
  std::string content_type;
  std::string content_encoding;
  absl::flat_hash_map<std::string, uint32_t> header_count;
  for (const auto& [name, value] : request.headers) {
    ++header_count[absl::AsciiStrToLower(name)];
  }
  absl::flat_hash_map<std::string, uint32_t> header_seen;
  auto scan_cookies = [&](const std::vector<NameValue>& cookies) {
    absl::flat_hash_map<absl::string_view, uint32_t> count;
    for (const auto& [cookie, v] : cookies) ++count[cookie];
    absl::flat_hash_map<absl::string_view, uint32_t> seen;
    for (size_t i = 0; i < cookies.size(); ++i) {
      const auto& [cookie, cookie_value] = cookies[i];
      const std::string shown = PublishedName(cookie, i + 1);
      Location loc{v1::COOKIE, shown, absl::StrCat("cookie ", shown)};
      loc.occurrence = count[cookie] > 1 ? ++seen[cookie] : 0;
      MatchNeedles(ctx, cookie, loc, {}, nullptr);
      ScanString(ctx, cookie_value, loc, {}, nullptr);
    }
  };
  for (size_t i = 0; i < request.headers.size(); ++i) {
    const auto& [name, value] = request.headers[i];
    if (absl::StartsWith(name, ":")) continue;  // repeats the URL
    if (absl::EqualsIgnoreCase(name, "cookie")) {
      cookie_header = true;
      scan_cookies(ParseCookieHeader(value));
      continue;
    }
    if (absl::EqualsIgnoreCase(name, "content-type")) content_type = value;
    if (absl::EqualsIgnoreCase(name, "content-encoding")) {
      content_encoding = content_encoding.empty()
                             ? value
                             : absl::StrCat(content_encoding, ", ", value);
    }
    const std::string lower = absl::AsciiStrToLower(name);
    const std::string shown = PublishedName(name, i + 1);
    Location loc{v1::HEADER, shown, absl::StrCat("header ", shown)};
    loc.occurrence = header_count[lower] > 1 ? ++header_seen[lower] : 0;
    ScanString(ctx, value, loc, {}, nullptr);
  }
  if (!cookie_header) scan_cookies(request.cookies);

  ScanBody(ctx,
           request,
           request.body_mime_type.empty() ? content_type : request.body_mime_type,
           content_encoding);

  for (const WebSocketMessage& m : request.websocket_messages) {
    Location loc{v1::WEBSOCKET, "", absl::StrCat("websocket message ", m.index)};
    loc.message = m.index;
    loc.slice_base = 0;
    ScanBodyBytes(ctx, m.data, "", loc, {});
  }

  RequestFindings findings;
  findings.detections = std::move(ctx.out);
  findings.path = Redact(absl::StrJoin(segments, "/"));
  findings.problems = std::move(ctx.problems);
  findings.body_not_examined = std::move(ctx.body_not_examined);
  return findings;
}

}  // namespace candor::detect
