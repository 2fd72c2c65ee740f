#include "verifier/detect/http.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "verifier/detect/decode.h"

namespace candor::detect {
namespace {

bool IsFormNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         c == '.' || c == '-' || c == '[' || c == ']' || c == '%' || c == '*' ||
         c == '~' || c == '+';
}

// Parameters after the first ';' of a header value such as Content-Type or
// Content-Disposition, as (lower-case name, unquoted value).
std::vector<NameValue> HeaderParameters(absl::string_view value) {
  std::vector<NameValue> params;
  size_t i = value.find(';');
  while (i != absl::string_view::npos && i < value.size()) {
    ++i;  // past ';'
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    size_t eq = i;
    while (eq < value.size() && value[eq] != '=' && value[eq] != ';') ++eq;
    std::string name = absl::AsciiStrToLower(
        absl::StripAsciiWhitespace(value.substr(i, eq - i)));
    if (eq >= value.size() || value[eq] == ';') {
      params.emplace_back(std::move(name), "");
      i = eq < value.size() ? eq : absl::string_view::npos;
      continue;
    }
    size_t j = eq + 1;
    while (j < value.size() && (value[j] == ' ' || value[j] == '\t')) ++j;
    std::string v;
    if (j < value.size() && value[j] == '"') {
      ++j;
      while (j < value.size() && value[j] != '"') {
        if (value[j] == '\\' && j + 1 < value.size()) ++j;
        v.push_back(value[j]);
        ++j;
      }
      if (j < value.size()) ++j;  // closing quote
      i = value.find(';', j);
    } else {
      size_t end = value.find(';', j);
      v = std::string(absl::StripAsciiWhitespace(value.substr(
          j, end == absl::string_view::npos ? value.npos : end - j)));
      i = end;
    }
    params.emplace_back(std::move(name), std::move(v));
  }
  return params;
}

}  // namespace

absl::StatusOr<Url> ParseUrl(absl::string_view url) {
  Url out;
  const size_t colon = url.find("://");
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError("the request URL is not absolute");
  }
  out.scheme = absl::AsciiStrToLower(url.substr(0, colon));
  uint32_t default_port = 0;
  if (out.scheme == "http" || out.scheme == "ws") {
    default_port = 80;
  } else if (out.scheme == "https" || out.scheme == "wss") {
    default_port = 443;
  } else {
    return absl::InvalidArgumentError(
        "the request URL's scheme is not http, https, ws or wss");
  }
  absl::string_view rest = url.substr(colon + 3);
  const size_t authority_end = rest.find_first_of("/?#");
  absl::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == absl::string_view::npos ? absl::string_view()
                                                  : rest.substr(authority_end);
  if (size_t at = authority.rfind('@'); at != absl::string_view::npos) {
    authority.remove_prefix(at + 1);  // user information is not the host
  }
  absl::string_view host = authority;
  absl::string_view port;
  if (absl::StartsWith(authority, "[")) {
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          "the request URL has an unterminated IPv6 address");
    }
    host = authority.substr(1, close - 1);
    absl::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') {
        return absl::InvalidArgumentError(
            "the request URL has text after its IPv6 address");
      }
      port = after.substr(1);
    }
  } else if (size_t c = authority.rfind(':'); c != absl::string_view::npos) {
    host = authority.substr(0, c);
    port = authority.substr(c + 1);
  }
  if (host.empty()) {
    return absl::InvalidArgumentError("the request URL has no host");
  }
  out.host = absl::AsciiStrToLower(host);
  out.port = default_port;
  if (!port.empty()) {
    uint32_t p = 0;
    if (port.size() > 5 || !absl::SimpleAtoi(port, &p) || p == 0 || p > 65535 ||
        !absl::ascii_isdigit(static_cast<unsigned char>(port[0]))) {
      return absl::InvalidArgumentError("the request URL has an invalid port");
    }
    out.port = p;
  }
  if (size_t hash = rest.find('#'); hash != absl::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const size_t q = rest.find('?');
  out.path = std::string(rest.substr(0, q));
  if (q != absl::string_view::npos) {
    out.has_query = true;
    out.query = std::string(rest.substr(q + 1));
  }
  if (out.path.empty()) out.path = "/";
  return out;
}

std::vector<NameValue> ParseQuery(absl::string_view query) {
  std::vector<NameValue> out;
  for (absl::string_view pair : absl::StrSplit(query, '&')) {
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    absl::string_view name = pair.substr(0, eq);
    absl::string_view value = eq == absl::string_view::npos
                                  ? absl::string_view()
                                  : pair.substr(eq + 1);
    out.emplace_back(PercentDecode(name, true), PercentDecode(value, true));
  }
  return out;
}

bool LooksLikeForm(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '"' || c == '\'' || c == '{' ||
        c == '}' || c == '<' || c == '>' || c == '\\') {
      return false;
    }
  }
  bool any_value = false;
  for (absl::string_view pair : absl::StrSplit(text, '&')) {
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    absl::string_view name = pair.substr(0, eq);
    if (name.empty()) return false;
    for (char c : name) {
      if (!IsFormNameChar(c)) return false;
    }
    if (eq != absl::string_view::npos) {
      absl::string_view value = pair.substr(eq + 1);
      if (value.find_first_not_of('=') != absl::string_view::npos) {
        any_value = true;
      }
    }
  }
  return any_value;
}

std::vector<NameValue> ParseCookieHeader(absl::string_view header) {
  std::vector<NameValue> out;
  for (absl::string_view pair : absl::StrSplit(header, ';')) {
    pair = absl::StripAsciiWhitespace(pair);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    absl::string_view name = absl::StripAsciiWhitespace(pair.substr(0, eq));
    absl::string_view value =
        eq == absl::string_view::npos
            ? absl::string_view()
            : absl::StripAsciiWhitespace(pair.substr(eq + 1));
    out.emplace_back(std::string(name), std::string(value));
  }
  return out;
}

std::string MediaType(absl::string_view content_type) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(
      content_type.substr(0, content_type.find(';'))));
}

std::optional<std::string> ContentTypeParameter(absl::string_view content_type,
                                                absl::string_view name) {
  for (auto& [n, v] : HeaderParameters(content_type)) {
    if (n == absl::AsciiStrToLower(name)) return v;
  }
  return std::nullopt;
}

std::vector<MultipartPart> ParseMultipart(absl::string_view body,
                                          absl::string_view boundary) {
  std::vector<MultipartPart> parts;
  if (boundary.empty()) return parts;
  const std::string delimiter = "--" + std::string(boundary);
  size_t pos = body.find(delimiter);
  while (pos != absl::string_view::npos) {
    size_t start = pos + delimiter.size();
    if (body.substr(start, 2) == "--") break;  // the closing delimiter
    // The rest of the delimiter line.
    const size_t line_end = body.find('\n', start);
    if (line_end == absl::string_view::npos) break;
    start = line_end + 1;
    // The next delimiter ends this part; the line break before it belongs to
    // the delimiter.
    const size_t next = body.find(delimiter, start);
    size_t end = next == absl::string_view::npos ? body.size() : next;
    absl::string_view part = body.substr(start, end - start);
    if (next != absl::string_view::npos) {
      if (absl::EndsWith(part, "\r\n")) {
        part.remove_suffix(2);
      } else if (absl::EndsWith(part, "\n")) {
        part.remove_suffix(1);
      }
    }
    MultipartPart p;
    size_t header_end = part.find("\r\n\r\n");
    size_t body_start;
    if (header_end != absl::string_view::npos) {
      body_start = header_end + 4;
    } else if ((header_end = part.find("\n\n")) != absl::string_view::npos) {
      body_start = header_end + 2;
    } else if (absl::StartsWith(part, "\r\n") || absl::StartsWith(part, "\n")) {
      header_end = 0;  // no headers at all
      body_start = part[0] == '\r' ? 2 : 1;
    } else {
      header_end = part.size();
      body_start = part.size();
    }
    for (absl::string_view line :
         absl::StrSplit(part.substr(0, header_end), '\n')) {
      line = absl::StripAsciiWhitespace(line);
      const size_t colon = line.find(':');
      if (colon == absl::string_view::npos) continue;
      const std::string header_name = absl::AsciiStrToLower(
          absl::StripAsciiWhitespace(line.substr(0, colon)));
      absl::string_view value =
          absl::StripAsciiWhitespace(line.substr(colon + 1));
      if (header_name == "content-disposition") {
        for (auto& [n, v] : HeaderParameters(value)) {
          if (n == "name") p.name = v;
          if (n == "filename") p.file_name = v;
        }
      } else if (header_name == "content-type") {
        p.content_type = std::string(value);
      } else if (header_name == "content-transfer-encoding") {
        p.transfer_encoding = std::string(value);
      } else if (header_name == "content-encoding") {
        p.content_encoding = std::string(value);
      }
    }
    p.body = part.substr(body_start);
    parts.push_back(std::move(p));
    pos = next;
  }
  return parts;
}

}  // namespace candor::detect
