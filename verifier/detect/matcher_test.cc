#include "verifier/detect/matcher.h"

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace candor::detect {
namespace {

using Found = std::vector<std::pair<size_t, size_t>>;  // (pattern, offset)

Found FindAll(const MultiMatcher& m, absl::string_view text) {
  Found out;
  m.FindAll(text,
            [&](size_t id, size_t offset) { out.emplace_back(id, offset); });
  return out;
}

TEST(MultiMatcher, FindsEveryOccurrenceIgnoringCase) {
  MultiMatcher m({"alice@example.org", "ALICE", "lice@ex", "abc"});
  EXPECT_EQ(FindAll(m, "x Alice@Example.ORG, alice@example.org"),
            (Found{{0, 2}, {1, 2}, {2, 3}, {0, 21}, {1, 21}, {2, 22}}));
  // Patterns shorter than the window are never found.
  EXPECT_EQ(FindAll(m, "abc abc"), Found{});
  EXPECT_EQ(FindAll(m, ""), Found{});
  EXPECT_EQ(FindAll(m, "ali"), Found{});
  EXPECT_EQ(FindAll(m, "alice"), (Found{{1, 0}}));
}

TEST(MultiMatcher, MatchesBinaryPatterns) {
  const std::string digest("\x00\xff\x41\x80zz\n", 7);
  MultiMatcher m({digest});
  const std::string text =
      std::string("xx") + std::string("\x00\xff\x61\x80zz\n", 7) + "y";
  // Case folding applies to ASCII letters only, also in binary patterns.
  EXPECT_EQ(FindAll(m, text), (Found{{0, 2}}));
  EXPECT_EQ(FindAll(m, std::string("\x00\xff\x41\x81zz\n", 7)), Found{});
}

TEST(MultiMatcher, AgreesWithNaiveSearch) {
  std::mt19937 rng(7);
  auto random_string = [&](size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s.push_back("aAbB01"[rng() % 6]);
    return s;
  };
  std::vector<std::string> patterns;
  for (int i = 0; i < 50; ++i) patterns.push_back(random_string(4 + rng() % 6));
  MultiMatcher m(patterns);
  const std::string text = random_string(20000);
  const std::string folded = FoldAscii(text);
  Found naive;
  for (size_t off = 0; off < text.size(); ++off) {
    for (size_t id = 0; id < patterns.size(); ++id) {
      const std::string p = FoldAscii(patterns[id]);
      if (folded.compare(off, p.size(), p) == 0) naive.emplace_back(id, off);
    }
  }
  ASSERT_GT(naive.size(), 100u);
  EXPECT_EQ(FindAll(m, text), naive);
}

}  // namespace
}  // namespace candor::detect
