// The detector on one value and its layers: compressed blobs, JSON, NDJSON,
// URLs, forms, percent, base64 and hex encodings (see detector.h).

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "log/json/json.h"
#include "verifier/detect/content_coding.h"
#include "verifier/detect/coordinates.h"
#include "verifier/detect/decode.h"
#include "verifier/detect/detector.h"
#include "verifier/detect/detector_internal.h"
#include "verifier/detect/http.h"

namespace candor::detect {
namespace {

namespace v1 = ::candor::measurement::v1;
using internal::AnyEscaped;
using internal::AppendKey;
using internal::EncodingOf;
using internal::Join;
using internal::PublishedName;

}  // namespace

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

}  // namespace candor::detect
