// A strict RFC 8259 JSON reader for hostile input: a pull parser that works
// over a whole buffer or a stream read in chunks, and a small document tree on
// top of it.
//
// Strict means: UTF-8 only, no unpaired surrogates, no control characters in
// strings, no duplicate keys in an object, no trailing content, and bounded
// nesting depth and token size, so a parser of outside input can neither be
// confused about what a document says nor made to use unbounded memory.
//
// Not thread-safe; one reader per thread. Errors are INVALID_ARGUMENT with the
// byte offset of the fault, or RESOURCE_EXHAUSTED when a limit is exceeded, or
// whatever the ByteSource returned.

#ifndef CANDOR_LOG_JSON_JSON_H_
#define CANDOR_LOG_JSON_JSON_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor::json {

struct Limits {
  size_t max_depth = 64;
  // Longest single token (a string or number), in bytes of input.
  size_t max_token_bytes = 1 << 20;
  // For capture files only, never for signed data: an unpaired "\udc80" to
  // "\udcff" escape stands for the byte 0x80 to 0xff, which is how Python's
  // "surrogateescape" error handler (mitmproxy's HAR export) writes bytes
  // that are not UTF-8. With this set, a string's value() may be bytes that
  // are not UTF-8; other unpaired surrogates are still refused.
  bool surrogate_escaped_bytes = false;
};

// Supplies input in chunks to a streaming Reader.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Appends up to `max` bytes to `out`; appends nothing at end of input.
  virtual absl::Status Read(size_t max, std::string& out) = 0;
};

enum class Token {
  kBeginObject,
  kEndObject,
  kBeginArray,
  kEndArray,
  kKey,     // an object member's name; value() is the decoded name
  kString,  // value() is the decoded string
  kNumber,  // value() is the number's text, as written
  kTrue,
  kFalse,
  kNull,
  kEnd,  // the document is complete and nothing but whitespace follows
};

class Reader {
 public:
  // Reads `text`, which must outlive the Reader.
  explicit Reader(absl::string_view text, Limits limits = Limits());
  // Reads from `source`, which must outlive the Reader.
  explicit Reader(ByteSource* source, Limits limits = Limits());

  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  absl::StatusOr<Token> Next();
  // The payload of the last kKey, kString or kNumber token. Valid until the
  // next call to Next().
  absl::string_view value() const { return value_; }
  // Input offsets of the last token: [token_begin, token_end).
  uint64_t token_begin() const { return token_begin_; }
  uint64_t token_end() const { return token_end_; }
  // Containers open after the last token.
  size_t depth() const { return stack_.size(); }

  // Consumes the value whose first token is the next one (after a kKey, or
  // inside an array), however deep.
  absl::Status SkipValue();

 private:
  struct Frame {
    bool is_object;
    bool first;  // no member or item read yet
    absl::flat_hash_set<std::string> keys;
  };

  absl::Status Error(absl::string_view what) const;
  // Ensures buf_[pos_] is valid, refilling from the source; false at EOF.
  absl::StatusOr<bool> Fill(size_t want);
  absl::StatusOr<bool> SkipWhitespace();
  absl::StatusOr<Token> ReadValueToken();
  absl::Status ReadString();
  absl::Status ReadNumber();
  absl::Status ReadLiteral(absl::string_view word);
  absl::Status AfterValue();

  ByteSource* source_ = nullptr;
  Limits limits_;
  std::string owned_;      // streaming buffer
  absl::string_view buf_;  // the bytes available now
  size_t pos_ = 0;         // into buf_
  uint64_t base_ = 0;      // input offset of buf_[0]
  bool eof_ = false;

  std::vector<Frame> stack_;
  bool done_ = false;       // the top-level value is complete
  bool started_ = false;
  bool after_key_ = false;  // the next token is a member's value
  std::string value_storage_;
  absl::string_view value_;
  uint64_t token_begin_ = 0;
  uint64_t token_end_ = 0;
};

// A parsed JSON document. Numbers keep their source text so that no precision
// is lost; every value records the input span it was parsed from.
class Value {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  bool bool_value() const { return bool_; }
  // The decoded string, or a number's source text.
  const std::string& text() const { return text_; }
  const std::vector<Value>& items() const { return items_; }
  const std::vector<std::pair<std::string, Value>>& members() const {
    return members_;
  }
  // The member named `key`, or nullptr.
  const Value* Find(absl::string_view key) const;

  // Input offsets of this value: [begin, end).
  uint64_t begin() const { return begin_; }
  uint64_t end() const { return end_; }

 private:
  friend absl::StatusOr<Value> ParseValue(Reader& reader, Token first);
  Type type_ = Type::kNull;
  bool bool_ = false;
  std::string text_;
  std::vector<Value> items_;
  std::vector<std::pair<std::string, Value>> members_;
  uint64_t begin_ = 0;
  uint64_t end_ = 0;
};

// Parses a complete document.
absl::StatusOr<Value> Parse(absl::string_view text, Limits limits = Limits());

// Parses one value from `reader`, starting with the already-read token `first`.
absl::StatusOr<Value> ParseValue(Reader& reader, Token first);

// "JSON type name" for error messages: "object", "string", ...
absl::string_view TypeName(Value::Type type);

// `s` as a JSON string literal, quotes included.
std::string Quote(absl::string_view s);

}  // namespace candor::json

#endif  // CANDOR_LOG_JSON_JSON_H_
