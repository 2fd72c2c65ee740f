#include "verifier/detect/matcher.h"

#include <array>
#include <cstring>

namespace candor::detect {
namespace {

constexpr std::array<uint8_t, 256> MakeFold() {
  std::array<uint8_t, 256> t{};
  for (int i = 0; i < 256; ++i) {
    t[i] = static_cast<uint8_t>(i >= 'A' && i <= 'Z' ? i + 32 : i);
  }
  return t;
}
constexpr std::array<uint8_t, 256> kFold = MakeFold();

inline uint32_t Window(const char* p) {
  return (uint32_t{kFold[static_cast<uint8_t>(p[0])]} << 24) |
         (uint32_t{kFold[static_cast<uint8_t>(p[1])]} << 16) |
         (uint32_t{kFold[static_cast<uint8_t>(p[2])]} << 8) |
         uint32_t{kFold[static_cast<uint8_t>(p[3])]};
}

inline uint32_t Hash(uint32_t window, int bits) {
  return (window * 0x9E3779B1u) >> (32 - bits);
}

bool EqualsFolded(const char* text, const std::string& folded) {
  for (size_t i = 0; i < folded.size(); ++i) {
    if (static_cast<char>(kFold[static_cast<uint8_t>(text[i])]) != folded[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

char FoldByte(char c) {
  return static_cast<char>(kFold[static_cast<uint8_t>(c)]);
}

std::string FoldAscii(absl::string_view s) {
  std::string out(s);
  for (char& c : out) c = FoldByte(c);
  return out;
}

MultiMatcher::MultiMatcher(const std::vector<std::string>& patterns)
    : bitmap_((size_t{1} << kBitmapBits) / 64, 0) {
  folded_.reserve(patterns.size());
  for (size_t i = 0; i < patterns.size(); ++i) {
    folded_.push_back(FoldAscii(patterns[i]));
    if (patterns[i].size() < kMinPatternBytes) continue;
    const uint32_t w = Window(folded_.back().data());
    const uint32_t h = Hash(w, kBitmapBits);
    bitmap_[h >> 6] |= uint64_t{1} << (h & 63);
    by_prefix_[w].push_back(static_cast<uint32_t>(i));
  }
}

void MultiMatcher::FindAll(absl::string_view text,
                           absl::FunctionRef<void(size_t, size_t)> fn) const {
  const size_t n = text.size();
  if (n < kMinPatternBytes || by_prefix_.empty()) return;
  const char* p = text.data();
  const uint64_t* bitmap = bitmap_.data();
  uint32_t w = Window(p);
  for (size_t i = 0;; ++i) {
    const uint32_t h = Hash(w, kBitmapBits);
    if ((bitmap[h >> 6] >> (h & 63)) & 1) {
      auto it = by_prefix_.find(w);
      if (it != by_prefix_.end()) {
        for (uint32_t id : it->second) {
          const std::string& f = folded_[id];
          if (f.size() <= n - i && EqualsFolded(p + i, f)) fn(id, i);
        }
      }
    }
    if (i + kMinPatternBytes >= n) break;
    w = (w << 8) | kFold[static_cast<uint8_t>(p[i + kMinPatternBytes])];
  }
}

}  // namespace candor::detect
