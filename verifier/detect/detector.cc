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

// Letters, digits and any non-ASCII byte (part of a UTF-8 letter, most
// likely): what may not touch a plainly written value on either side.
bool IsWordByte(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return absl::ascii_isalnum(u) || u >= 0x80;
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

// A JSON path step for member `key`: ".key" for identifiers, ["key"]
// otherwise; very long keys are shortened (they are names, not data).
void AppendKey(std::string& path, absl::string_view key) {
  constexpr size_t kMaxKey = 64;
  bool identifier = !key.empty() && key.size() <= kMaxKey &&
                    (absl::ascii_isalpha(static_cast<unsigned char>(key[0])) ||
                     key[0] == '_');
  for (char c : key) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') {
      identifier = false;
    }
  }
  if (identifier) {
    absl::StrAppend(&path, ".", key);
    return;
  }
  std::string shown(key.substr(0, kMaxKey));
  if (key.size() > kMaxKey) {
    // Never cut inside a UTF-8 sequence.
    while (!shown.empty() &&
           (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80) {
      shown.pop_back();
    }
    if (!shown.empty() && static_cast<unsigned char>(shown.back()) >= 0xC0) {
      shown.pop_back();
    }
    shown += "...";
  }
  absl::StrAppend(&path, "[", json::Quote(shown), "]");
}

}  // namespace

struct Detector::Location {
  v1::Where where;
  std::string name;
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
      case HoneyKind::kPosition:
        positions_.push_back(i);
        break;
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
                    absl::string_view data_type,
                    absl::string_view evidence) const {
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
  ctx.out.push_back(std::move(d));
}

void Detector::MatchNeedles(Context& ctx, absl::string_view text,
                            const Location& loc, const Chain& chain,
                            const std::vector<bool>* escaped) const {
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
        if (IsWordByte(before) || IsWordByte(after)) return;
        break;
      case Boundary::kEmail:
        if (IsEmailLocalByte(before) || IsWordByte(after) || after == '-' ||
            after == '_') {
          return;
        }
        // "alice@example.org.evil" is another address; a full stop is not.
        if (after == '.' && end + 1 < n && IsWordByte(text[end + 1])) return;
        break;
    }
    hits.push_back(Hit{needle.honey, begin, end, &needle, nullptr});
  });

  if (!phone_forms_.empty()) {
    // Numbers written with separators: "+44 20 7946-0000", "(202) 555-0143".
    for (size_t i = 0; i < n;) {
      const char c = text[i];
      if (!(c == '+' || c == '(' || IsDigit(c)) ||
          (i > 0 && IsWordByte(text[i - 1]))) {
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
      if (separated && (last >= n || !IsWordByte(text[last]))) {
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
      if (!AnyEscaped(escaped, hit.begin, hit.end)) continue;
      const Honey& h = honey_[hit.honey];
      if (hit.phone != nullptr) {
        Emit(ctx, hit.honey, loc, chain, v1::PLAIN, h.data_type,
             absl::StrCat(hit.phone->subject, ", written with separators"));
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
          if (exact) {
            Emit(ctx, hit.honey, loc, chain, v1::PLAIN, h.data_type,
                 nd.subject);
          } else {
            Emit(ctx, hit.honey, loc, chain, v1::CASE_FOLDED, h.data_type,
                 absl::StrCat(nd.subject, ", in a different letter case"));
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
          Emit(ctx, hit.honey, loc, chain, nd.terminal, h.data_type, why);
          break;
        }
        case CaseRule::kBinary:
          Emit(ctx, hit.honey, loc, chain, nd.terminal, h.data_type,
               absl::StrCat(AlgorithmName(nd.terminal), " (raw ",
                            nd.pattern.size(), " bytes) of ", nd.subject));
          break;
      }
    }
  }

  if (!positions_.empty()) {
    ForEachCoordinatePair(
        text, [&](const Coordinate& lat, const Coordinate& lng, size_t begin,
                  size_t end) {
          if (!AnyEscaped(escaped, begin, end)) return;
          ReportPosition(ctx, lat, lng, loc, chain,
                         "a \"latitude,longitude\" text pair");
        });
  }
}

void Detector::ReportPosition(Context& ctx, const Coordinate& lat,
                              const Coordinate& lng, const Location& loc,
                              const Chain& chain, absl::string_view how) const {
  for (size_t p : positions_) {
    const PositionMatch m =
        Classify(lat, lng, honey_[p].latitude, honey_[p].longitude);
    if (m.precision == Precision::kNone) continue;
    Emit(ctx, p, loc, chain, v1::COORDINATES,
         m.precision == Precision::kPrecise ? "location.precise"
                                            : "location.approximate",
         absl::StrFormat("%s with %d decimals, %.1f km from the planted "
                         "position",
                         how, m.decimals, m.distance_km));
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
         "planted photo's)");
  }
}

void Detector::ScanString(Context& ctx, absl::string_view text,
                          const Location& loc, const Chain& chain,
                          const std::vector<bool>* escaped) const {
  if (chain.size() < options_.max_decode_depth) {
    const absl::string_view t = absl::StripAsciiWhitespace(text);
    if (t.size() >= 2 && (t.front() == '{' || t.front() == '[') &&
        (t.back() == '}' || t.back() == ']')) {
      Chain nested = chain;
      nested.push_back(v1::JSON);
      if (WalkJson(ctx, t, loc, nested)) return;
    }
    if (LooksLikeForm(t)) {
      Chain nested = chain;
      nested.push_back(v1::FORM);
      ScanPairs(ctx, ParseQuery(t), loc, nested);
      return;
    }
  }
  ScanFlat(ctx, text, loc, chain, escaped);
}

void Detector::ScanFlat(Context& ctx, absl::string_view text,
                        const Location& loc, const Chain& chain,
                        const std::vector<bool>* escaped) const {
  MatchNeedles(ctx, text, loc, chain, escaped);
  MatchPhoto(ctx, text, loc, chain);
  if (chain.size() >= options_.max_decode_depth) return;
  if (HasPercentEscape(text)) {
    std::vector<bool> mask;
    const std::string decoded = PercentDecode(text, false, &mask);
    if (ctx.Charge(decoded.size(), options_)) {
      Chain nested = chain;
      nested.push_back(v1::URL_ENCODED);
      ScanString(ctx, decoded, loc, nested, &mask);
    }
  }
  std::string decoded;
  ForEachBase64Token(
      text, options_.min_base64_chars, [&](const Base64Token& token) {
        if (!AnyEscaped(escaped, token.begin, token.begin + token.text.size()))
          return;
        if (!DecodeBase64Lenient(token.text, token.alphabet, decoded)) return;
        if (decoded.size() < MultiMatcher::kMinPatternBytes) return;
        if (!ctx.Charge(decoded.size(), options_)) return;
        Chain nested = chain;
        nested.push_back(token.alphabet == Base64Alphabet::kUrl ? v1::BASE64URL
                                                                : v1::BASE64);
        // `decoded` is reused by the next token; the nested scan finishes
        // first.
        ScanString(ctx, decoded, loc, nested, nullptr);
      });
}

void Detector::ScanPairs(Context& ctx, const std::vector<NameValue>& pairs,
                         const Location& loc, const Chain& chain) const {
  struct Axis1 {
    AxisName axis;
    const std::string* name;
    Coordinate c;
  };
  std::vector<Axis1> axes;
  for (const auto& [name, value] : pairs) {
    const Location child{loc.where, Join(loc.name, name)};
    MatchNeedles(ctx, name, child, chain, nullptr);
    ScanString(ctx, value, child, chain, nullptr);
    if (positions_.empty()) continue;
    AxisName axis = ClassifyAxisName(name);
    if (axis.axis == Axis::kNone) continue;
    if (std::optional<Coordinate> c = ParseCoordinate(value); c.has_value()) {
      axes.push_back(Axis1{std::move(axis), &name, *c});
    }
  }
  for (const Axis1& lat : axes) {
    if (lat.axis.axis != Axis::kLatitude) continue;
    for (const Axis1& lng : axes) {
      if (lng.axis.axis != Axis::kLongitude ||
          lng.axis.prefix != lat.axis.prefix) {
        continue;
      }
      ReportPosition(
          ctx, lat.c, lng.c,
          Location{loc.where,
                   Join(loc.name, absl::StrCat(*lat.name, ",", *lng.name))},
          chain,
          absl::StrCat("latitude and longitude fields ", json::Quote(*lat.name),
                       " and ", json::Quote(*lng.name)));
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
  std::string path = "$";
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
  auto name = [&]() { return Join(loc.name, path); };

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
        AppendKey(path, reader.value());
        f.key = std::string(reader.value().substr(0, 64));
        MatchNeedles(ctx, reader.value(), Location{loc.where, name()}, chain,
                     nullptr);
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
            ReportPosition(ctx, lat.c, lng.c, Location{loc.where, name()},
                           chain,
                           absl::StrCat("latitude and longitude members ",
                                        json::Quote(lat.key), " and ",
                                        json::Quote(lng.key)));
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
          const Coordinate& a = *f.numbers[0];
          const Coordinate& b = *f.numbers[1];
          // GeoJSON writes [longitude, latitude]; others the other way. Take
          // the reading closer to a planted position.
          for (size_t p : positions_) {
            const PositionMatch ab =
                Classify(a, b, honey_[p].latitude, honey_[p].longitude);
            const PositionMatch ba =
                Classify(b, a, honey_[p].latitude, honey_[p].longitude);
            if (ab.precision == Precision::kNone &&
                ba.precision == Precision::kNone) {
              continue;
            }
            const bool lat_first = ba.precision == Precision::kNone ||
                                   (ab.precision != Precision::kNone &&
                                    ab.distance_km <= ba.distance_km);
            const PositionMatch& m = lat_first ? ab : ba;
            Emit(ctx, p, Location{loc.where, name()}, chain, v1::COORDINATES,
                 m.precision == Precision::kPrecise ? "location.precise"
                                                    : "location.approximate",
                 absl::StrFormat("a %s array with %d decimals, %.1f km from "
                                 "the planted position",
                                 lat_first ? "[latitude, longitude]"
                                           : "[longitude, latitude]",
                                 m.decimals, m.distance_km));
          }
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
        const Location here{loc.where, name()};
        if (is_number) {
          MatchNeedles(ctx, reader.value(), here, chain, nullptr);
        } else {
          ScanString(ctx, reader.value(), here, chain, nullptr);
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

void Detector::ScanBody(Context& ctx, const HttpRequest& request,
                        absl::string_view content_type) const {
  const std::string media = MediaType(content_type);
  const bool multipart = absl::StartsWith(media, "multipart/");
  // Tools that list fields write an empty text, or none, beside them.
  if (request.body.has_value() && !request.body->empty()) {
    const absl::string_view body = *request.body;
    if (multipart) {
      const std::optional<std::string> boundary =
          ContentTypeParameter(content_type, "boundary");
      const std::vector<MultipartPart> parts =
          boundary.has_value() ? ParseMultipart(body, *boundary)
                               : std::vector<MultipartPart>();
      if (!parts.empty()) {
        for (const MultipartPart& part : parts) {
          const Location loc{v1::BODY_MULTIPART, part.name};
          MatchNeedles(ctx, part.file_name, loc, {}, nullptr);
          ScanString(ctx, part.body, loc, {}, nullptr);
        }
        return;
      }
    }
    if (media == "application/x-www-form-urlencoded") {
      ScanPairs(ctx, ParseQuery(body), Location{v1::BODY_FORM, ""}, {});
      return;
    }
    const absl::string_view trimmed = absl::StripAsciiWhitespace(body);
    if (absl::StrContains(media, "json") ||
        (!trimmed.empty() && (trimmed[0] == '{' || trimmed[0] == '['))) {
      if (WalkJson(ctx, trimmed, Location{v1::BODY_JSON, ""}, {})) return;
      // Not JSON after all (or too deep to walk): a mislabelled form, or text.
      if (LooksLikeForm(trimmed)) {
        ScanPairs(ctx, ParseQuery(trimmed), Location{v1::BODY_FORM, ""}, {});
      } else {
        ScanFlat(ctx, body, Location{v1::BODY_TEXT, ""}, {}, nullptr);
      }
      return;
    }
    ScanString(ctx, body, Location{v1::BODY_TEXT, ""}, {}, nullptr);
    return;
  }
  if (request.body_params.empty()) return;
  const v1::Where where = multipart ? v1::BODY_MULTIPART : v1::BODY_FORM;
  std::vector<NameValue> pairs;
  for (const FormParam& p : request.body_params) {
    MatchNeedles(ctx, p.file_name, Location{where, p.name}, {}, nullptr);
    pairs.emplace_back(p.name, p.value);
  }
  ScanPairs(ctx, pairs, Location{where, ""}, {});
}

RequestFindings Detector::Scan(const HttpRequest& request) const {
  Context ctx;

  // The path, segment by segment; a segment that holds a honey value is not
  // published.
  std::vector<std::string> segments = absl::StrSplit(request.path, '/');
  for (std::string& segment : segments) {
    if (segment.empty()) continue;
    const size_t before = ctx.emitted;
    ScanString(ctx, PercentDecode(segment, false), Location{v1::URL_PATH, ""},
               {}, nullptr);
    if (ctx.emitted != before) segment = std::string(kRedacted);
  }

  if (request.query.has_value()) {
    ScanPairs(ctx, ParseQuery(*request.query), Location{v1::QUERY, ""}, {});
  } else {
    ScanPairs(ctx, request.query_params, Location{v1::QUERY, ""}, {});
  }

  bool cookie_header = false;
  std::string content_type;
  for (const auto& [name, value] : request.headers) {
    if (absl::StartsWith(name, ":")) continue;  // repeats the URL
    if (absl::EqualsIgnoreCase(name, "cookie")) {
      cookie_header = true;
      for (const auto& [cookie, cookie_value] : ParseCookieHeader(value)) {
        const Location loc{v1::COOKIE, cookie};
        MatchNeedles(ctx, cookie, loc, {}, nullptr);
        ScanString(ctx, cookie_value, loc, {}, nullptr);
      }
      continue;
    }
    if (absl::EqualsIgnoreCase(name, "content-type")) content_type = value;
    ScanString(ctx, value, Location{v1::HEADER, name}, {}, nullptr);
  }
  if (!cookie_header) {
    for (const auto& [cookie, cookie_value] : request.cookies) {
      const Location loc{v1::COOKIE, cookie};
      MatchNeedles(ctx, cookie, loc, {}, nullptr);
      ScanString(ctx, cookie_value, loc, {}, nullptr);
    }
  }

  ScanBody(
      ctx, request,
      request.body_mime_type.empty() ? content_type : request.body_mime_type);

  RequestFindings findings;
  findings.detections = std::move(ctx.out);
  findings.path = Redact(absl::StrJoin(segments, "/"));
  findings.problems = std::move(ctx.problems);
  return findings;
}

}  // namespace candor::detect
