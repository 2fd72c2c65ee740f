#include "verifier/detect/har.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "verifier/detect/decode.h"

namespace candor::detect {
namespace {

using json::Token;

void AddProblem(HarEntry& entry, std::string problem) {
  if (std::find(entry.problems.begin(), entry.problems.end(), problem) ==
      entry.problems.end()) {
    entry.problems.push_back(std::move(problem));
  }
}

// Whether a tool-written status word can be quoted in a report: short and
// made of the characters such words use, so it cannot carry captured data.
bool IsStatusWord(absl::string_view s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) || c == ':' ||
          c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

// "16 MiB" or "1000 bytes", for problems that quote a limit.
std::string Bytes(size_t n) {
  if (n >= (size_t{1} << 20) && n % (size_t{1} << 20) == 0) {
    return absl::StrCat(n >> 20, " MiB");
  }
  return absl::StrCat(n, " bytes");
}

}  // namespace

HarReader::HarReader(json::ByteSource* source, HarLimits limits)
    : limits_(limits),
      capped_(source, limits.max_string_bytes),
      reader_(&capped_, json::Limits{limits.max_json_depth,
                                     limits.max_string_bytes + 64,
                                     /*surrogate_escaped_bytes=*/true}) {}

absl::Status HarReader::Fail(absl::Status status) const {
  // The reader counts offsets in the filtered stream; report them in the
  // file, where the user can look.
  std::string message(status.message());
  const size_t at = message.find("offset ");
  if (at != std::string::npos) {
    const size_t digits = at + 7;
    size_t end = digits;
    while (end < message.size() &&
           absl::ascii_isdigit(static_cast<unsigned char>(message[end]))) {
      ++end;
    }
    uint64_t offset = 0;
    if (end > digits &&
        absl::SimpleAtoi(message.substr(digits, end - digits), &offset)) {
      message =
          absl::StrCat(message.substr(0, digits),
                       capped_.OriginalOffset(offset), message.substr(end));
    }
  }
  return absl::Status(status.code(), absl::StrCat("HAR file: ", message));
}

absl::Status HarReader::NotHar(absl::string_view what, uint64_t offset) const {
  return absl::InvalidArgumentError(
      absl::StrCat("not a HAR file: ", what, " (offset ",
                   capped_.OriginalOffset(offset), ")"));
}

absl::StatusOr<Token> HarReader::Read() {
  absl::StatusOr<Token> t = reader_.Next();
  if (!t.ok()) return Fail(t.status());
  return t;
}

absl::Status HarReader::SkipRest(Token first) {
  if (first != Token::kBeginObject && first != Token::kBeginArray) {
    return absl::OkStatus();
  }
  const size_t depth = reader_.depth();
  while (reader_.depth() >= depth) {
    absl::StatusOr<Token> t = Read();
    if (!t.ok()) return t.status();
  }
  return absl::OkStatus();
}

bool HarReader::Keep(HarEntry& entry, size_t bytes) {
  if (over_budget_) return false;
  if (kept_bytes_ + bytes > limits_.max_request_bytes) {
    over_budget_ = true;
    AddProblem(entry, absl::StrCat("request fields beyond ",
                                   Bytes(limits_.max_request_bytes),
                                   " were not searched"));
    return false;
  }
  kept_bytes_ += bytes;
  return true;
}

absl::StatusOr<std::optional<std::string>> HarReader::ReadString(
    HarEntry& entry, absl::string_view field) {
  string_dropped_ = false;
  absl::StatusOr<Token> t = Read();
  if (!t.ok()) return t.status();
  if (*t == Token::kNull) return std::nullopt;
  if (*t != Token::kString) {
    if (absl::Status s = SkipRest(*t); !s.ok()) return s;
    AddProblem(entry, absl::StrCat(field, " is not a string; ignored"));
    return std::nullopt;
  }
  if (capped_.WasCut(reader_.token_begin())) {
    AddProblem(entry, absl::StrCat(field, " is longer than ",
                                   Bytes(limits_.max_string_bytes),
                                   " and was not searched"));
    string_dropped_ = true;
    return std::nullopt;
  }
  if (!Keep(entry, reader_.value().size())) {
    string_dropped_ = true;
    return std::nullopt;
  }
  return std::string(reader_.value());
}

absl::StatusOr<std::optional<std::string>> HarReader::ReadValueText(
    HarEntry& entry, absl::string_view field) {
  string_dropped_ = false;
  absl::StatusOr<Token> t = Read();
  if (!t.ok()) return t.status();
  switch (*t) {
    case Token::kNull:
      return std::nullopt;
    case Token::kString:
      if (capped_.WasCut(reader_.token_begin())) {
        AddProblem(entry, absl::StrCat(field, " is longer than ",
                                       Bytes(limits_.max_string_bytes),
                                       " and was not searched"));
        string_dropped_ = true;
        return std::nullopt;
      }
      break;
    case Token::kNumber:
    case Token::kTrue:
    case Token::kFalse:
      break;
    case Token::kBeginObject:
    case Token::kBeginArray: {
      // Written back as JSON text; each container's first item needs no comma.
      std::string text(1, *t == Token::kBeginObject ? '{' : '[');
      std::vector<bool> first = {true};
      const size_t depth = reader_.depth();
      bool after_key = false;
      while (reader_.depth() >= depth) {
        t = Read();
        if (!t.ok()) return t.status();
        if (*t == Token::kEndObject || *t == Token::kEndArray) {
          text.push_back(*t == Token::kEndObject ? '}' : ']');
          first.pop_back();
          continue;
        }
        if (!after_key) {
          if (!first.back()) text.push_back(',');
          first.back() = false;
        }
        after_key = false;
        switch (*t) {
          case Token::kKey:
            absl::StrAppend(&text, json::Quote(reader_.value()), ":");
            after_key = true;
            break;
          case Token::kBeginObject:
          case Token::kBeginArray:
            text.push_back(*t == Token::kBeginObject ? '{' : '[');
            first.push_back(true);
            break;
          case Token::kString:
            if (capped_.WasCut(reader_.token_begin())) {
              AddProblem(entry, absl::StrCat(field, " has a string longer than ",
                                             Bytes(limits_.max_string_bytes),
                                             "; it was not searched"));
            }
            absl::StrAppend(&text, json::Quote(reader_.value()));
            break;
          case Token::kNumber:
            absl::StrAppend(&text, reader_.value());
            break;
          case Token::kTrue:
            text += "true";
            break;
          case Token::kFalse:
            text += "false";
            break;
          default:
            text += "null";
            break;
        }
        if (text.size() > limits_.max_string_bytes) {
          while (reader_.depth() >= depth) {
            if (absl::StatusOr<Token> skipped = Read(); !skipped.ok()) {
              return skipped.status();
            }
          }
          AddProblem(entry, absl::StrCat(field, " is longer than ",
                                         Bytes(limits_.max_string_bytes),
                                         " and was not searched"));
          string_dropped_ = true;
          return std::nullopt;
        }
      }
      if (!Keep(entry, text.size())) {
        string_dropped_ = true;
        return std::nullopt;
      }
      return text;
    }
    default:
      return std::nullopt;
  }
  if (!Keep(entry, reader_.value().size())) {
    string_dropped_ = true;
    return std::nullopt;
  }
  if (*t == Token::kTrue) return std::string("true");
  if (*t == Token::kFalse) return std::string("false");
  return std::string(reader_.value());
}

absl::Status HarReader::ReadPairs(HarEntry& entry, absl::string_view field,
                                  std::vector<NameValue>* pairs,
                                  std::vector<FormParam>* params) {
  absl::StatusOr<Token> t = Read();
  if (!t.ok()) return t.status();
  if (*t == Token::kNull) return absl::OkStatus();
  if (*t != Token::kBeginArray) {
    AddProblem(entry, absl::StrCat(field, " is not an array; ignored"));
    return SkipRest(*t);
  }
  while (true) {
    t = Read();
    if (!t.ok()) return t.status();
    if (*t == Token::kEndArray) return absl::OkStatus();
    if (*t != Token::kBeginObject) {
      AddProblem(entry, absl::StrCat(field,
                                     " has an item that is not an "
                                     "object; ignored"));
      if (absl::Status s = SkipRest(*t); !s.ok()) return s;
      continue;
    }
    FormParam p;
    while (true) {
      t = Read();
      if (!t.ok()) return t.status();
      if (*t == Token::kEndObject) break;
      const std::string key(reader_.value());
      std::string* target = nullptr;
      if (key == "name") {
        target = &p.name;
      } else if (key == "value") {
        target = &p.value;
      } else if (params != nullptr && key == "fileName") {
        target = &p.file_name;
      } else if (params != nullptr && key == "contentType") {
        target = &p.content_type;
      }
      if (target == nullptr) {
        if (absl::Status s = reader_.SkipValue(); !s.ok()) return Fail(s);
        continue;
      }
      // Form parameters' values may be JSON (chrome-har); names and the
      // other lists' values are strings.
      absl::StatusOr<std::optional<std::string>> v =
          params != nullptr && key == "value"
              ? ReadValueText(entry, absl::StrCat(field, "[].", key))
              : ReadString(entry, absl::StrCat(field, "[].", key));
      if (!v.ok()) return v.status();
      if (v->has_value()) *target = **v;
    }
    if (++fields_ > limits_.max_fields) {
      AddProblem(entry, absl::StrCat("more than ", limits_.max_fields,
                                     " headers, cookies or parameters; the "
                                     "rest were not searched"));
      continue;
    }
    if (pairs != nullptr) {
      pairs->emplace_back(std::move(p.name), std::move(p.value));
    } else {
      params->push_back(std::move(p));
    }
  }
}

absl::Status HarReader::ReadBodyObject(HarEntry& entry, absl::string_view field,
                                       std::optional<std::string>& text,
                                       std::string& encoding,
                                       std::string* mime_type,
                                       std::vector<FormParam>* params) {
  while (true) {
    absl::StatusOr<Token> t = Read();
    if (!t.ok()) return t.status();
    if (*t == Token::kEndObject) return absl::OkStatus();
    const std::string key(reader_.value());
    const std::string member = absl::StrCat(field, ".", key);
    if (key == "text" || key == "encoding" ||
        (key == "mimeType" && mime_type != nullptr)) {
      absl::StatusOr<std::optional<std::string>> v = ReadString(entry, member);
      if (!v.ok()) return v.status();
      if (!v->has_value()) {
        if (key == "text" && string_dropped_) {
          entry.body_not_examined = std::string(kOverSizeCap);
        }
        continue;
      }
      if (key == "text") {
        text = **v;
      } else if (key == "encoding") {
        encoding = **v;
      } else {
        *mime_type = **v;
      }
    } else if (key == "params" && params != nullptr) {
      if (absl::Status s = ReadPairs(entry, member, nullptr, params); !s.ok()) {
        return s;
      }
    } else if (absl::Status s = reader_.SkipValue(); !s.ok()) {
      return Fail(s);
    }
  }
}

absl::Status HarReader::ReadRequest(HarEntry& entry) {
  std::optional<std::string> post_text;
  std::optional<std::string> content_text;
  std::string post_encoding;
  std::string content_encoding;
  std::string body_status;  // HTTP Toolkit's note on a body it left out
  bool has_post_data = false;
  int64_t body_size = -1;  // request.bodySize, -1 if unknown
  bool has_method = false;
  bool has_url = false;
  HttpRequest& r = entry.request;
  while (true) {
    absl::StatusOr<Token> t = Read();
    if (!t.ok()) return t.status();
    if (*t == Token::kEndObject) break;
    const std::string key(reader_.value());
    absl::Status s;
    if (key == "method" || key == "url") {
      absl::StatusOr<std::optional<std::string>> v =
          ReadString(entry, absl::StrCat("request.", key));
      if (!v.ok()) return v.status();
      if (v->has_value()) {
        (key == "method" ? entry.method : entry.url) = **v;
        (key == "method" ? has_method : has_url) = true;
      }
    } else if (key == "headers") {
      s = ReadPairs(entry, "request.headers", &r.headers, nullptr);
    } else if (key == "cookies") {
      s = ReadPairs(entry, "request.cookies", &r.cookies, nullptr);
    } else if (key == "queryString") {
      s = ReadPairs(entry, "request.queryString", &r.query_params, nullptr);
    } else if (key == "bodySize") {
      t = Read();
      if (!t.ok()) return t.status();
      if (*t == Token::kNumber) {
        double size = -1;
        if (absl::SimpleAtod(reader_.value(), &size) && size >= 0) {
          body_size = static_cast<int64_t>(size);
        }
      } else {
        s = SkipRest(*t);
      }
    } else if (key == "postData" || key == "_content") {
      const bool post = key == "postData";
      const std::string field = absl::StrCat("request.", key);
      t = Read();
      if (!t.ok()) return t.status();
      if (*t == Token::kBeginObject) {
        has_post_data = has_post_data || post;
        s = ReadBodyObject(entry, field, post ? post_text : content_text,
                           post ? post_encoding : content_encoding,
                           post ? &r.body_mime_type : nullptr,
                           post ? &r.body_params : nullptr);
      } else if (*t != Token::kNull) {
        AddProblem(entry, absl::StrCat(field, " is not an object; ignored"));
        s = SkipRest(*t);
      }
    } else if (key == "_requestBodyStatus") {
      absl::StatusOr<std::optional<std::string>> v =
          ReadString(entry, "request._requestBodyStatus");
      if (!v.ok()) return v.status();
      if (v->has_value()) body_status = **v;
    } else {
      s = reader_.SkipValue();
      if (!s.ok()) return Fail(s);
    }
    if (!s.ok()) return s;
  }

  const char* source =
      post_text.has_value() ? "request.postData" : "request._content";
  std::optional<std::string>& text =
      post_text.has_value() ? post_text : content_text;
  const std::string& encoding =
      post_text.has_value() ? post_encoding : content_encoding;
  const bool has_text = text.has_value();
  if (text.has_value()) {
    if (encoding.empty()) {
      r.body = std::move(text);
      r.body_is_text = true;
    } else if (encoding == "base64") {
      std::string decoded;
      if (DecodeBase64Body(*text, decoded)) {
        r.body = std::move(decoded);
      } else {
        AddProblem(entry, absl::StrCat(source,
                                       ".text is marked base64 but is not "
                                       "valid base64; the body was not "
                                       "searched"));
        entry.body_not_examined = std::string(kUnreadable);
      }
    } else {
      AddProblem(entry, absl::StrCat(source,
                                     ".encoding is neither absent nor "
                                     "\"base64\"; the body was searched as "
                                     "text"));
      r.body = std::move(text);
      r.body_is_text = true;
    }
  } else if (absl::StartsWith(body_status, "discarded")) {
    // (With the body in _content, "discarded:not-representable" only says
    // it is not in postData.)
    AddProblem(entry, absl::StrCat("the capture tool left the request body out",
                                   IsStatusWord(body_status)
                                       ? absl::StrCat(" (", body_status, ")")
                                       : ""));
    entry.body_not_examined = std::string(
        absl::StrContains(body_status, "too-large") ? kCutByExporter
                                                    : kOmittedByExporter);
  }
  // Did the request send a body? The capture says so by a body, by
  // bodySize or Content-Length, or by a postData object at all.
  int64_t content_length = -1;
  for (const auto& [name, value] : r.headers) {
    int64_t n = 0;
    if (absl::EqualsIgnoreCase(name, "content-length") &&
        absl::SimpleAtoi(value, &n) && n >= 0) {
      content_length = n;
    }
  }
  const bool have_body =
      (r.body.has_value() && !r.body->empty()) || !r.body_params.empty();
  // A postData with neither text nor params stands for a body left out,
  // unless a size says the body was empty.
  const bool bare_post_data = has_post_data && !has_text &&
                              r.body_params.empty() && body_size != 0 &&
                              content_length != 0;
  entry.has_body = have_body || body_size > 0 || content_length > 0 ||
                   bare_post_data || !entry.body_not_examined.empty();
  if (entry.has_body && !have_body && entry.body_not_examined.empty()) {
    // chrome-har writes no postData for file uploads and beacons.
    entry.body_not_examined = std::string(kOmittedByExporter);
    AddProblem(entry, "the request sent a body that the capture does not hold");
  }
  if (!has_method && entry.unusable.empty()) {
    entry.unusable = "request.method is missing or not a string";
  }
  if (!has_url && entry.unusable.empty()) {
    entry.unusable = "request.url is missing, too long or not a string";
  }
  return absl::OkStatus();
}

absl::Status HarReader::ReadWebSocketMessages(HarEntry& entry) {
  absl::StatusOr<Token> t = Read();
  if (!t.ok()) return t.status();
  if (*t != Token::kBeginArray) {
    AddProblem(entry, "_webSocketMessages is not an array; ignored");
    return SkipRest(*t);
  }
  for (uint32_t index = 0;; ++index) {
    t = Read();
    if (!t.ok()) return t.status();
    if (*t == Token::kEndArray) return absl::OkStatus();
    if (*t != Token::kBeginObject) {
      if (absl::Status s = SkipRest(*t); !s.ok()) return s;
      continue;
    }
    std::string type;
    std::optional<std::string> data;
    int opcode = 1;
    while (true) {
      t = Read();
      if (!t.ok()) return t.status();
      if (*t == Token::kEndObject) break;
      const std::string key(reader_.value());
      if (key == "type" || key == "data") {
        absl::StatusOr<std::optional<std::string>> v =
            ReadString(entry, absl::StrCat("_webSocketMessages[].", key));
        if (!v.ok()) return v.status();
        if (!v->has_value()) continue;
        if (key == "type") {
          type = **v;
        } else {
          data = **v;
        }
      } else if (key == "opcode") {
        t = Read();
        if (!t.ok()) return t.status();
        if (*t == Token::kNumber) {
          absl::SimpleAtoi(reader_.value(), &opcode);
        } else if (absl::Status s = SkipRest(*t); !s.ok()) {
          return s;
        }
      } else if (absl::Status s = reader_.SkipValue(); !s.ok()) {
        return Fail(s);
      }
    }
    if (type != "send" || !data.has_value()) continue;
    WebSocketMessage m;
    m.index = index;
    if (opcode == 2) {
      // DevTools writes binary messages in base64.
      if (!DecodeBase64Body(*data, m.data)) {
        AddProblem(entry, absl::StrCat("WebSocket message ", index,
                                       " is binary but not valid base64; it "
                                       "was not searched"));
        continue;
      }
    } else {
      m.data = *std::move(data);
    }
    entry.request.websocket_messages.push_back(std::move(m));
  }
}

absl::Status HarReader::ReadEntry(HarEntry& entry) {
  bool has_request = false;
  bool has_time = false;
  while (true) {
    absl::StatusOr<Token> t = Read();
    if (!t.ok()) return t.status();
    if (*t == Token::kEndObject) break;
    const std::string key(reader_.value());
    if (key == "startedDateTime" || key == "serverIPAddress") {
      absl::StatusOr<std::optional<std::string>> v = ReadString(entry, key);
      if (!v.ok()) return v.status();
      if (!v->has_value()) continue;
      if (key == "startedDateTime") {
        entry.started_date_time = **v;
        has_time = true;
      } else {
        entry.server_ip = **v;
      }
    } else if (key == "_webSocketMessages") {
      if (absl::Status s = ReadWebSocketMessages(entry); !s.ok()) return s;
    } else if (key == "request") {
      t = Read();
      if (!t.ok()) return t.status();
      if (*t != Token::kBeginObject) {
        if (absl::Status s = SkipRest(*t); !s.ok()) return s;
        entry.unusable = "request is not an object";
        continue;
      }
      has_request = true;
      if (absl::Status s = ReadRequest(entry); !s.ok()) return s;
    } else if (absl::Status s = reader_.SkipValue(); !s.ok()) {
      return Fail(s);
    }
  }
  if (!has_request && entry.unusable.empty()) {
    entry.unusable = "the entry has no request";
  }
  if (!has_time && entry.unusable.empty()) {
    entry.unusable = "startedDateTime is missing or not a string";
  }
  return absl::OkStatus();
}

absl::Status HarReader::Finish() {
  // The rest of "log", then the rest of the document.
  for (int level = 0; level < 2; ++level) {
    while (true) {
      absl::StatusOr<Token> t = Read();
      if (!t.ok()) return t.status();
      if (*t == Token::kEndObject) break;
      if (absl::Status s = reader_.SkipValue(); !s.ok()) return Fail(s);
    }
  }
  absl::StatusOr<Token> t = Read();
  if (!t.ok()) return t.status();
  return absl::OkStatus();
}

absl::StatusOr<std::optional<HarEntry>> HarReader::Next() {
  if (state_ == State::kDone) return std::nullopt;
  if (state_ == State::kStart) {
    absl::StatusOr<Token> t = Read();
    if (!t.ok()) return t.status();
    if (*t != Token::kBeginObject) {
      return NotHar("the document is not a JSON object", reader_.token_begin());
    }
    bool in_log = false;
    while (state_ == State::kStart) {
      t = Read();
      if (!t.ok()) return t.status();
      if (*t == Token::kEndObject) {
        return NotHar(in_log ? "\"log\" has no \"entries\" array"
                             : "the document has no \"log\" object",
                      reader_.token_begin());
      }
      const std::string key(reader_.value());
      if (!in_log && key == "log") {
        t = Read();
        if (!t.ok()) return t.status();
        if (*t != Token::kBeginObject) {
          return NotHar("\"log\" is not an object", reader_.token_begin());
        }
        in_log = true;
      } else if (in_log && key == "entries") {
        t = Read();
        if (!t.ok()) return t.status();
        if (*t != Token::kBeginArray) {
          return NotHar("log.entries is not an array", reader_.token_begin());
        }
        state_ = State::kEntries;
      } else if (absl::Status s = reader_.SkipValue(); !s.ok()) {
        return Fail(s);
      }
    }
  }
  absl::StatusOr<Token> t = Read();
  if (!t.ok()) return t.status();
  if (*t == Token::kEndArray) {
    if (absl::Status s = Finish(); !s.ok()) return s;
    state_ = State::kDone;
    return std::nullopt;
  }
  if (*t != Token::kBeginObject) {
    return NotHar(
        absl::StrCat("log.entries[", next_index_, "] is not an object"),
        reader_.token_begin());
  }
  HarEntry entry;
  entry.index = next_index_++;
  kept_bytes_ = 0;
  fields_ = 0;
  over_budget_ = false;
  if (absl::Status s = ReadEntry(entry); !s.ok()) return s;
  capped_.ForgetBefore(reader_.token_end());
  return entry;
}

}  // namespace candor::detect
