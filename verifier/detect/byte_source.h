// Byte sources for streaming a capture through json::Reader: over a string,
// over a file, one that hashes what passes through (for the measurement's
// capture_sha256), and one that keeps JSON strings bounded so that a capture
// with an enormous body can still be read entry by entry.
//
// None of these classes is thread-safe; each is used by one reader at a time.
// Every source that wraps another borrows it: the wrapped source must outlive
// the wrapper.

#ifndef CANDOR_VERIFIER_DETECT_BYTE_SOURCE_H_
#define CANDOR_VERIFIER_DETECT_BYTE_SOURCE_H_

#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "log/crypto/sha256.h"
#include "log/json/json.h"

namespace candor::detect {

// Serves a string the caller keeps alive, in chunks of at most `max` bytes.
class StringByteSource : public json::ByteSource {
 public:
  explicit StringByteSource(absl::string_view data) : data_(data) {}
  absl::Status Read(size_t max, std::string& out) override;

 private:
  absl::string_view data_;
  size_t pos_ = 0;
};

// Reads a file sequentially; it never holds more than one chunk.
class FileByteSource : public json::ByteSource {
 public:
  // NOT_FOUND (or PERMISSION_DENIED) naming the path if it cannot be opened.
  static absl::StatusOr<std::unique_ptr<FileByteSource>> Open(
      const std::string& path);
  ~FileByteSource() override;
  FileByteSource(const FileByteSource&) = delete;
  FileByteSource& operator=(const FileByteSource&) = delete;

  // UNAVAILABLE naming the path on a read error.
  absl::Status Read(size_t max, std::string& out) override;

 private:
  FileByteSource(std::string path, std::FILE* file)
      : path_(std::move(path)), file_(file) {}
  std::string path_;
  std::FILE* file_;
};

// Passes bytes through unchanged and computes their SHA-256 and count, so the
// digest of a capture comes out of the same single pass that parses it.
class HashingByteSource : public json::ByteSource {
 public:
  explicit HashingByteSource(json::ByteSource* inner) : inner_(inner) {}
  absl::Status Read(size_t max, std::string& out) override;

  uint64_t bytes() const { return bytes_; }
  // Lower-case hex SHA-256 of everything read so far. Call once, after the
  // last Read; the source must not be read afterwards.
  std::string FinishHex();

 private:
  json::ByteSource* inner_;
  Sha256Hasher hasher_;
  uint64_t bytes_ = 0;
};

// A lexical filter over a JSON text (it does not parse; json::Reader does)
// that makes two repairs, so that one oversized or binary body cannot make a
// whole capture unreadable:
//
//  * Every string is cut to at most `max_string_bytes` bytes of its escaped
//    form: the rest of the string is dropped before it reaches the reader, and
//    the cut is recorded, so the caller can report the value as not searched
//    instead of the reader failing (its token limit) or holding it in memory.
//  * Unpaired UTF-16 surrogate escapes, which Python's and JavaScript's JSON
//    writers emit for undecodable bytes in bodies, are replaced by "\ufffd"
//    of the same length, except "\udc80" to "\udcff": those are the bytes
//    0x80 to 0xff escaped by Python's surrogateescape (mitmproxy), kept for
//    json::Reader's Limits::surrogate_escaped_bytes to restore.
//
// Everything else passes through verbatim; malformed JSON stays malformed, and
// json::Reader reports it. Offsets the reader sees are in the filtered text;
// OriginalOffset() maps them back to the input.
class CappedStringSource : public json::ByteSource {
 public:
  CappedStringSource(json::ByteSource* inner, size_t max_string_bytes)
      : inner_(inner), max_string_bytes_(max_string_bytes) {}
  absl::Status Read(size_t max, std::string& out) override;

  // Whether the string whose opening quote is at `quote_offset` (a filtered
  // offset, as json::Reader::token_begin() gives) was cut.
  bool WasCut(uint64_t quote_offset) const;
  // The input offset of filtered offset `offset`, for any offset at or after
  // the last ForgetBefore().
  uint64_t OriginalOffset(uint64_t offset) const;
  // Forgets cuts of strings that open before `offset`, which the reader has
  // passed; keeps memory bounded on captures with many huge strings.
  void ForgetBefore(uint64_t offset);
  // Unpaired surrogate escapes replaced so far.
  uint64_t replaced_surrogates() const { return replaced_surrogates_; }

 private:
  enum class State { kOutside, kString, kDropping };
  struct Cut {
    uint64_t quote_offset;  // filtered offset of the string's opening quote
    uint64_t cut_offset;    // filtered offset where bytes were dropped
    uint64_t dropped;       // input bytes dropped there
  };

  // Ensures `n` unprocessed input bytes are buffered, unless the input ends
  // first; returns how many are available.
  absl::StatusOr<size_t> Available(size_t n);
  // Handles the escape sequence at in_[in_pos_], writing to pending_.
  absl::Status Escape();

  json::ByteSource* inner_;
  size_t max_string_bytes_;
  std::string in_;
  size_t in_pos_ = 0;
  bool inner_eof_ = false;

  State state_ = State::kOutside;
  // Output of an escape sequence not yet handed out (only when the caller's
  // `max` is smaller than the sequence).
  std::string pending_;
  uint64_t out_offset_ = 0;         // filtered bytes handed out so far
  uint64_t string_bytes_ = 0;       // escaped bytes of the current string kept
  uint64_t quote_offset_ = 0;       // of the current string
  bool drop_escape_ = false;        // dropping, and the next byte is escaped
  std::deque<Cut> cuts_;            // ascending
  uint64_t forgotten_dropped_ = 0;  // dropped bytes of forgotten cuts
  uint64_t replaced_surrogates_ = 0;
};

}  // namespace candor::detect

#endif  // CANDOR_VERIFIER_DETECT_BYTE_SOURCE_H_
