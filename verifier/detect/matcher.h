// Multi-pattern search: finds every occurrence of any of a fixed set of byte
// patterns in one pass over a text, ignoring ASCII letter case.
//
// The detector looks for hundreds of needles (every form and hash of every
// honey value) in every string of a capture; one pass with a 4-byte rolling
// window filtered through a bitmap costs about the same whatever the number
// of needles, where one std::string::find per needle would cost their sum.
//
// Immutable after construction; FindAll is thread-safe.

#ifndef CANDOR_VERIFIER_DETECT_MATCHER_H_
#define CANDOR_VERIFIER_DETECT_MATCHER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace candor::detect {

// ASCII lower-casing of one byte; other bytes are unchanged.
char FoldByte(char c);
std::string FoldAscii(absl::string_view s);

class MultiMatcher {
 public:
  // The window of the prefilter; shorter patterns are never found.
  static constexpr size_t kMinPatternBytes = 4;

  // `patterns` are matched ignoring ASCII case; a pattern's index in this
  // vector identifies it in FindAll's callback.
  explicit MultiMatcher(const std::vector<std::string>& patterns);

  // Calls `fn(pattern index, offset)` for every occurrence, in increasing
  // offset order (patterns at the same offset in index order). Overlapping
  // occurrences are all reported.
  void FindAll(absl::string_view text,
               absl::FunctionRef<void(size_t, size_t)> fn) const;

  size_t size() const { return folded_.size(); }

 private:
  static constexpr int kBitmapBits = 20;

  std::vector<std::string> folded_;
  std::vector<uint64_t> bitmap_;  // hashed 4-byte prefixes present
  absl::flat_hash_map<uint32_t, std::vector<uint32_t>> by_prefix_;
};

}  // namespace candor::detect

#endif  // CANDOR_VERIFIER_DETECT_MATCHER_H_
