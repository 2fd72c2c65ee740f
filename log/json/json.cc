#include "log/json/json.h"

#include "log/encoding/utf8.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace candor::json {
namespace {

constexpr size_t kChunkSize = 64 * 1024;

bool IsWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of the UTF-8 sequence that starts with `lead`, or 0 if `lead` cannot
// start one.
int Utf8SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Whether `s` (of Utf8SequenceLength(s[0]) bytes) is a well-formed sequence:
// no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsWellFormedUtf8(const unsigned char* s, int len) {
  for (int i = 1; i < len; ++i) {
    if ((s[i] & 0xC0) != 0x80) return false;
  }
  if (len == 3) {
    if (s[0] == 0xE0 && s[1] < 0xA0) return false;  // overlong
    if (s[0] == 0xED && s[1] > 0x9F) return false;  // surrogate
  } else if (len == 4) {
    if (s[0] == 0xF0 && s[1] < 0x90) return false;  // overlong
    if (s[0] == 0xF4 && s[1] > 0x8F) return false;  // > U+10FFFF
  }
  return true;
}

}  // namespace

Reader::Reader(absl::string_view text, Limits limits)
    : limits_(limits), buf_(text), eof_(true) {}

Reader::Reader(ByteSource* source, Limits limits)
    : source_(source), limits_(limits) {}

absl::Status Reader::Error(absl::string_view what) const {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid JSON at offset ", base_ + pos_, ": ", what));
}

absl::StatusOr<bool> Reader::Fill(size_t want) {
  while (buf_.size() - pos_ < want) {
    if (eof_) return false;
    if (pos_ > 0) {
      owned_.erase(0, pos_);
      base_ += pos_;
      pos_ = 0;
    }
    size_t before = owned_.size();
    if (absl::Status s = source_->Read(std::max(kChunkSize, want), owned_);
        !s.ok()) {
      return s;
    }
    if (owned_.size() == before) eof_ = true;
    buf_ = owned_;
  }
  return true;
}

absl::StatusOr<bool> Reader::SkipWhitespace() {
  while (true) {
    if (pos_ >= buf_.size()) {
      absl::StatusOr<bool> more = Fill(1);
      if (!more.ok()) return more.status();
      if (!*more) return false;
    }
    if (!IsWhitespace(buf_[pos_])) return true;
    ++pos_;
  }
}

absl::Status Reader::ReadString() {
  // buf_[pos_] is the opening quote.
  ++pos_;
  value_storage_.clear();
  const uint64_t start = base_ + pos_ - 1;
  while (true) {
    if (pos_ >= buf_.size()) {
      absl::StatusOr<bool> more = Fill(1);
      if (!more.ok()) return more.status();
      if (!*more) return Error("unterminated string");
    }
    // Copy the run of plain characters in one go.
    size_t run = pos_;
    while (run < buf_.size()) {
      unsigned char c = static_cast<unsigned char>(buf_[run]);
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
      ++run;
    }
    value_storage_.append(buf_.data() + pos_, run - pos_);
    pos_ = run;
    if (value_storage_.size() > limits_.max_token_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat("JSON string at offset ", start, " is longer than ",
                       limits_.max_token_bytes, " bytes"));
    }
    if (pos_ >= buf_.size()) continue;

    unsigned char c = static_cast<unsigned char>(buf_[pos_]);
    if (c == '"') {
      ++pos_;
      value_ = value_storage_;
      return absl::OkStatus();
    }
    if (c < 0x20) return Error("control character in string");
    if (c >= 0x80) {
      int len = Utf8SequenceLength(c);
      if (len == 0) return Error("invalid UTF-8 in string");
      absl::StatusOr<bool> more = Fill(len);
      if (!more.ok()) return more.status();
      if (buf_.size() - pos_ < static_cast<size_t>(len) ||
          !IsWellFormedUtf8(
              reinterpret_cast<const unsigned char*>(buf_.data() + pos_),
              len)) {
        return Error("invalid UTF-8 in string");
      }
      value_storage_.append(buf_.data() + pos_, len);
      pos_ += len;
      continue;
    }
    // An escape sequence.
    absl::StatusOr<bool> more = Fill(2);
    if (!more.ok()) return more.status();
    if (buf_.size() - pos_ < 2) return Error("unterminated string");
    char e = buf_[pos_ + 1];
    const char* simple = nullptr;
    switch (e) {
      case '"': simple = "\""; break;
      case '\\': simple = "\\"; break;
      case '/': simple = "/"; break;
      case 'b': simple = "\b"; break;
      case 'f': simple = "\f"; break;
      case 'n': simple = "\n"; break;
      case 'r': simple = "\r"; break;
      case 't': simple = "\t"; break;
      case 'u': break;
      default: return Error("invalid escape sequence");
    }
    if (simple != nullptr) {
      value_storage_.push_back(simple[0]);
      pos_ += 2;
      continue;
    }
    auto read_hex4 = [this](uint32_t& cp) -> absl::Status {
      absl::StatusOr<bool> more = Fill(6);
      if (!more.ok()) return more.status();
      if (buf_.size() - pos_ < 6 || buf_[pos_] != '\\' || buf_[pos_ + 1] != 'u') {
        return Error("invalid \\u escape");
      }
      cp = 0;
      for (int i = 2; i < 6; ++i) {
        int h = HexValue(buf_[pos_ + i]);
        if (h < 0) return Error("invalid \\u escape");
        cp = cp * 16 + static_cast<uint32_t>(h);
      }
      pos_ += 6;
      return absl::OkStatus();
    };
    uint32_t cp = 0;
    if (absl::Status s = read_hex4(cp); !s.ok()) return s;
    if (limits_.surrogate_escaped_bytes && cp >= 0xDC80 && cp <= 0xDCFF) {
      value_storage_.push_back(static_cast<char>(cp - 0xDC00));
      continue;
    }
    if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("unpaired surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t low = 0;
      if (absl::Status s = read_hex4(low); !s.ok()) {
        return Error("unpaired surrogate");
      }
      if (low < 0xDC00 || low > 0xDFFF) return Error("unpaired surrogate");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(cp, value_storage_);
  }
}

absl::Status Reader::ReadNumber() {
  value_storage_.clear();
  uint64_t start = base_ + pos_;
  auto peek = [this](char& c) -> absl::StatusOr<bool> {
    if (pos_ >= buf_.size()) {
      absl::StatusOr<bool> more = Fill(1);
      if (!more.ok()) return more.status();
      if (!*more) return false;
    }
    c = buf_[pos_];
    return true;
  };
  auto take = [this]() { value_storage_.push_back(buf_[pos_++]); };
  auto digits = [&](bool required) -> absl::Status {
    bool any = false;
    char c;
    while (true) {
      absl::StatusOr<bool> has = peek(c);
      if (!has.ok()) return has.status();
      if (!*has || !IsDigit(c)) break;
      if (value_storage_.size() > limits_.max_token_bytes) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "JSON number at offset ", start, " is longer than ",
            limits_.max_token_bytes, " bytes"));
      }
      take();
      any = true;
    }
    if (required && !any) return Error("invalid number");
    return absl::OkStatus();
  };

  char c;
  absl::StatusOr<bool> has = peek(c);
  if (!has.ok()) return has.status();
  if (c == '-') take();
  has = peek(c);
  if (!has.ok()) return has.status();
  if (!*has) return Error("invalid number");
  if (c == '0') {
    take();
  } else if (IsDigit(c)) {
    if (absl::Status s = digits(true); !s.ok()) return s;
  } else {
    return Error("invalid number");
  }
  has = peek(c);
  if (!has.ok()) return has.status();
  if (*has && c == '.') {
    take();
    if (absl::Status s = digits(true); !s.ok()) return s;
    has = peek(c);
    if (!has.ok()) return has.status();
  }
  if (*has && (c == 'e' || c == 'E')) {
    take();
    has = peek(c);
    if (!has.ok()) return has.status();
    if (*has && (c == '+' || c == '-')) take();
    if (absl::Status s = digits(true); !s.ok()) return s;
    has = peek(c);
    if (!has.ok()) return has.status();
  }
  // A number must end at a delimiter: "01" or "1x" are errors, not two tokens.
  if (*has && (IsDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' ||
               c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
    return Error("invalid number");
  }
  value_ = value_storage_;
  return absl::OkStatus();
}

absl::Status Reader::ReadLiteral(absl::string_view word) {
  absl::StatusOr<bool> more = Fill(word.size());
  if (!more.ok()) return more.status();
  if (buf_.size() - pos_ < word.size() ||
      buf_.substr(pos_, word.size()) != word) {
    return Error("unexpected character");
  }
  pos_ += word.size();
  return absl::OkStatus();
}

absl::Status Reader::AfterValue() {
  if (stack_.empty()) {
    done_ = true;
  } else {
    stack_.back().first = false;
  }
  after_key_ = false;
  return absl::OkStatus();
}

absl::StatusOr<Token> Reader::ReadValueToken() {
  token_begin_ = base_ + pos_;
  char c = buf_[pos_];
  Token token;
  switch (c) {
    case '{':
    case '[':
      if (stack_.size() >= limits_.max_depth) {
        return absl::ResourceExhaustedError(
            absl::StrCat("JSON nested deeper than ", limits_.max_depth,
                         " levels at offset ", base_ + pos_));
      }
      ++pos_;
      stack_.push_back(Frame{c == '{', true, {}});
      after_key_ = false;
      token_end_ = base_ + pos_;
      return c == '{' ? Token::kBeginObject : Token::kBeginArray;
    case '"':
      if (absl::Status s = ReadString(); !s.ok()) return s;
      token = Token::kString;
      break;
    case 't':
      if (absl::Status s = ReadLiteral("true"); !s.ok()) return s;
      token = Token::kTrue;
      break;
    case 'f':
      if (absl::Status s = ReadLiteral("false"); !s.ok()) return s;
      token = Token::kFalse;
      break;
    case 'n':
      if (absl::Status s = ReadLiteral("null"); !s.ok()) return s;
      token = Token::kNull;
      break;
    default:
      if (c == '-' || IsDigit(c)) {
        if (absl::Status s = ReadNumber(); !s.ok()) return s;
        token = Token::kNumber;
        break;
      }
      return Error("unexpected character");
  }
  token_end_ = base_ + pos_;
  if (absl::Status s = AfterValue(); !s.ok()) return s;
  return token;
}

absl::StatusOr<Token> Reader::Next() {
  absl::StatusOr<bool> more = SkipWhitespace();
  if (!more.ok()) return more.status();
  if (done_) {
    if (*more) return Error("trailing content after the document");
    token_begin_ = token_end_ = base_ + pos_;
    return Token::kEnd;
  }
  if (!*more) return Error("unexpected end of input");
  if (stack_.empty()) {
    if (started_) return Error("unexpected content");
    started_ = true;
    return ReadValueToken();
  }
  if (after_key_) return ReadValueToken();

  // Inside a container, Next() is entered either at its start or after a
  // complete value; a comma is consumed together with what follows it, so a
  // closing bracket here is always well placed.
  Frame& frame = stack_.back();
  const char close = frame.is_object ? '}' : ']';
  char c = buf_[pos_];
  if (c == close) {
    token_begin_ = base_ + pos_;
    ++pos_;
    token_end_ = base_ + pos_;
    bool is_object = frame.is_object;
    stack_.pop_back();
    if (absl::Status s = AfterValue(); !s.ok()) return s;
    return is_object ? Token::kEndObject : Token::kEndArray;
  }
  if (!frame.first) {
    if (c != ',') {
      return Error(frame.is_object ? "expected ',' or '}'"
                                   : "expected ',' or ']'");
    }
    ++pos_;
    more = SkipWhitespace();
    if (!more.ok()) return more.status();
    if (!*more) return Error("unexpected end of input");
    c = buf_[pos_];
  }
  if (!frame.is_object) return ReadValueToken();

  if (c != '"') return Error("expected a string key");
  token_begin_ = base_ + pos_;
  if (absl::Status s = ReadString(); !s.ok()) return s;
  token_end_ = base_ + pos_;
  if (!frame.keys.insert(value_storage_).second) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON at offset ", token_begin_,
                     ": duplicate key ", Quote(value_storage_)));
  }
  more = SkipWhitespace();
  if (!more.ok()) return more.status();
  if (!*more || buf_[pos_] != ':') return Error("expected ':'");
  ++pos_;
  after_key_ = true;
  value_ = value_storage_;
  return Token::kKey;
}

absl::Status Reader::SkipValue() {
  size_t base_depth = depth();
  absl::StatusOr<Token> t = Next();
  if (!t.ok()) return t.status();
  if (*t == Token::kKey || *t == Token::kEnd || *t == Token::kEndArray ||
      *t == Token::kEndObject) {
    return Error("expected a value");
  }
  while (depth() > base_depth) {
    t = Next();
    if (!t.ok()) return t.status();
  }
  return absl::OkStatus();
}

const Value* Value::Find(absl::string_view key) const {
  for (const auto& [name, value] : members_) {
    if (name == key) return &value;
  }
  return nullptr;
}

absl::StatusOr<Value> ParseValue(Reader& reader, Token first) {
  Value v;
  v.begin_ = reader.token_begin();
  switch (first) {
    case Token::kNull:
      v.type_ = Value::Type::kNull;
      break;
    case Token::kTrue:
    case Token::kFalse:
      v.type_ = Value::Type::kBool;
      v.bool_ = first == Token::kTrue;
      break;
    case Token::kNumber:
      v.type_ = Value::Type::kNumber;
      v.text_ = std::string(reader.value());
      break;
    case Token::kString:
      v.type_ = Value::Type::kString;
      v.text_ = std::string(reader.value());
      break;
    case Token::kBeginArray: {
      v.type_ = Value::Type::kArray;
      while (true) {
        absl::StatusOr<Token> t = reader.Next();
        if (!t.ok()) return t.status();
        if (*t == Token::kEndArray) break;
        absl::StatusOr<Value> item = ParseValue(reader, *t);
        if (!item.ok()) return item.status();
        v.items_.push_back(*std::move(item));
      }
      break;
    }
    case Token::kBeginObject: {
      v.type_ = Value::Type::kObject;
      while (true) {
        absl::StatusOr<Token> t = reader.Next();
        if (!t.ok()) return t.status();
        if (*t == Token::kEndObject) break;
        std::string key(reader.value());
        t = reader.Next();
        if (!t.ok()) return t.status();
        absl::StatusOr<Value> member = ParseValue(reader, *t);
        if (!member.ok()) return member.status();
        v.members_.emplace_back(std::move(key), *std::move(member));
      }
      break;
    }
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid JSON at offset ", reader.token_begin(), ": expected a value"));
  }
  v.end_ = reader.token_end();
  return v;
}

absl::StatusOr<Value> Parse(absl::string_view text, Limits limits) {
  Reader reader(text, limits);
  absl::StatusOr<Token> first = reader.Next();
  if (!first.ok()) return first.status();
  absl::StatusOr<Value> v = ParseValue(reader, *first);
  if (!v.ok()) return v.status();
  absl::StatusOr<Token> end = reader.Next();
  if (!end.ok()) return end.status();
  return v;
}

absl::string_view TypeName(Value::Type type) {
  switch (type) {
    case Value::Type::kNull: return "null";
    case Value::Type::kBool: return "boolean";
    case Value::Type::kNumber: return "number";
    case Value::Type::kString: return "string";
    case Value::Type::kArray: return "array";
    case Value::Type::kObject: return "object";
  }
  return "value";
}

std::string Quote(absl::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += "\"";
  return out;
}

}  // namespace candor::json
