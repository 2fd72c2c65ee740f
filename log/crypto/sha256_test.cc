#include "log/crypto/sha256.h"

#include <string>

#include "gtest/gtest.h"
#include "log/encoding/encoding.h"

namespace candor {
namespace {

std::string Hex(const Sha256Digest& d) { return HexEncode(DigestBytes(d)); }

TEST(Sha256, KnownAnswers) {
  EXPECT_EQ(Hex(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Hex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hex(Sha256("a", "bc")), Hex(Sha256("abc")));
}

TEST(Sha256, StreamingMatchesOneShot) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data.push_back(static_cast<char>(i * 7));
  Sha256Hasher hasher;
  for (size_t i = 0; i < data.size(); i += 4093) {
    hasher.Update(absl::string_view(data).substr(i, 4093));
  }
  EXPECT_EQ(Hex(hasher.Finish()), Hex(Sha256(data)));
}

}  // namespace
}  // namespace candor
