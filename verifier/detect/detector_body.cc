// The detector on one request: its path, query, headers, cookies, body (after
// its content codings and charset) and WebSocket messages (see detector.h).

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
#include "log/encoding/utf8.h"
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
