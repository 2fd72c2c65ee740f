// Runs a libFuzzer target without libFuzzer, for builds with GCC: every seed
// file given, then random mutations of the seeds (bit flips, byte changes,
// insertions, deletions, duplications, splices) until a time or run budget is
// spent. Accepts the libFuzzer flags the tests use (-max_total_time=S,
// -runs=N; others are ignored) and corpus directories. The mutation sequence
// is fixed by a seed, so a failure can be replayed.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void Run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::string Mutate(std::string s, const std::vector<std::string>& seeds,
                   std::mt19937_64& rng) {
  static const uint8_t kInteresting[] = {0, 1, 0x7f, 0x80, 0xff, '"', '\\', '{',
                                         '}', '[', ']', ':', ',', '\n', '+', '='};
  int n = 1 + static_cast<int>(rng() % 8);
  for (int k = 0; k < n; ++k) {
    size_t pos = s.empty() ? 0 : rng() % s.size();
    switch (rng() % 6) {
      case 0:
        if (!s.empty()) s[pos] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:
        if (!s.empty()) s[pos] = static_cast<char>(kInteresting[rng() % sizeof(kInteresting)]);
        break;
      case 2:
        s.insert(pos, std::string(1 + rng() % 4, static_cast<char>(rng())));
        break;
      case 3:
        if (!s.empty()) s.erase(pos, 1 + rng() % std::min<size_t>(16, s.size() - pos));
        break;
      case 4:
        if (!s.empty() && s.size() < (1 << 20)) {
          size_t len = 1 + rng() % std::min<size_t>(64, s.size() - pos);
          s.insert(rng() % (s.size() + 1), s.substr(pos, len));
        }
        break;
      case 5: {
        const std::string& other = seeds[rng() % seeds.size()];
        if (!other.empty()) {
          size_t from = rng() % other.size();
          s = s.substr(0, pos) + other.substr(from);
        }
        break;
      }
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  double max_seconds = 5;
  long long max_runs = -1;
  std::vector<std::string> seeds;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (absl::StartsWith(arg, "-max_total_time=")) {
      (void)absl::SimpleAtod(arg.substr(16), &max_seconds);
    } else if (absl::StartsWith(arg, "-runs=")) {
      (void)absl::SimpleAtoi(arg.substr(6), &max_runs);
    } else if (!absl::StartsWith(arg, "-") && std::filesystem::is_directory(arg)) {
      for (const auto& e : std::filesystem::directory_iterator(arg)) {
        std::ifstream in(e.path(), std::ios::binary);
        std::ostringstream buf;
        buf << in.rdbuf();
        seeds.push_back(buf.str());
      }
    }
  }
  if (seeds.empty()) seeds.push_back("");
  long long runs = 0;
  for (const std::string& s : seeds) {
    Run(s);
    ++runs;
  }
  std::mt19937_64 rng(20261128);
  const absl::Time deadline = absl::Now() + absl::Seconds(max_seconds);
  while ((max_runs < 0 || runs < max_runs) && absl::Now() < deadline) {
    for (int k = 0; k < 100; ++k, ++runs) {
      Run(Mutate(seeds[rng() % seeds.size()], seeds, rng));
    }
  }
  std::printf("standalone fuzz driver: %lld inputs from %zu seeds\n", runs, seeds.size());
  return 0;
}
