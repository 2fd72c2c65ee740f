#include "verifier/detect/detector.h"

#include "verifier/detect/detector_internal.h"

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
#include "log/encoding/utf8.h"
#include "log/json/json.h"
#include "openssl/evp.h"
#include "verifier/detect/decode.h"

namespace candor::detect {
namespace {

using internal::AnyEscaped;
using internal::Bytes;
using internal::Join;

namespace v1 = ::candor::measurement::v1;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

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
  const int32_t cp = DecodeUtf8At(text, i);
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
  const int32_t cp = DecodeUtf8At(text, lead);
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


bool IsEmailLocalByte(char c) {
  return IsWordByte(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
         c == '-';
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

namespace internal {

// "16 MiB" or "1000 bytes", for problems that quote a limit.
std::string Bytes(size_t n) {
  if (n >= (size_t{1} << 20) && n % (size_t{1} << 20) == 0) {
    return absl::StrCat(n >> 20, " MiB");
  }
  return absl::StrCat(n, " bytes");
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

}  // namespace internal

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

}  // namespace candor::detect
