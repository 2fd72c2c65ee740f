#include <map>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"
#include "log/encoding/encoding.h"
#include "log/index/map_tree.h"
#include "log/index/map_update.h"
#include "log/index/reference.h"
#include "tests/support/status_matchers.h"

namespace candor::index {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

// Nodes and values in memory, as a store would keep them.
class MemoryMap : public MapReader {
 public:
  absl::StatusOr<std::optional<MapNode>> ReadNode(absl::string_view position) override {
    auto it = nodes_.find(std::string(position));
    if (it == nodes_.end()) return std::nullopt;
    return it->second;
  }
  absl::StatusOr<Value> ReadValue(const Hash& key_hash) override {
    auto it = values_.find(key_hash);
    if (it == values_.end()) return absl::NotFoundError("no value");
    return it->second;
  }

  // Sets `changed` as a store commits an update: values first visible to
  // the updater only through ReadValue for unchanged keys.
  absl::StatusOr<Hash> Apply(std::vector<std::pair<Hash, Value>> changed) {
    std::sort(changed.begin(), changed.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    NodeWrites writes;
    absl::StatusOr<Hash> root = UpdateMap(*this, changed, writes);
    if (!root.ok()) return root;
    for (auto& [position, node] : writes) nodes_[position] = node;
    for (auto& [key_hash, value] : changed) values_[key_hash] = value;
    return root;
  }

  const std::map<Hash, Value>& values() const { return values_; }

 private:
  std::map<std::string, MapNode> nodes_;
  std::map<Hash, Value> values_;
};

std::string Hex(const Hash& h) { return HexEncode(merkle::AsBytes(h)); }

// VerifyLookup's refusal of a proof that leads elsewhere.
std::string LeadsElsewhere(const Hash& root, const Hash& key_hash, const MapProof& proof) {
  return absl::StrCat("the proof does not lead to the index root: it gives ",
                      Hex(*RootFromProof(key_hash, proof)), ", the signed root is ",
                      Hex(root));
}

Value ValueOf(std::vector<uint64_t> indices) { return ExtendValue(Value{}, indices); }

TEST(MapTreeTest, EmptyMapProvesEveryKeyAbsent) {
  MemoryMap map;
  EXPECT_EQ(*ReadRoot(map), kEmptyHash);
  absl::StatusOr<MapProof> proof = ProveKey(map, KeyHash("android:com.example.app"));
  ASSERT_THAT(proof.status(), IsOk());
  EXPECT_TRUE(proof->siblings.empty());
  EXPECT_THAT(VerifyLookup(kEmptyHash, KeyHash("android:com.example.app"), std::nullopt, *proof),
              IsOk());
}

TEST(MapTreeTest, ChainCommitsToEveryIndexInOrder) {
  EXPECT_EQ(ValueOf({1, 2, 3}).count, 3u);
  EXPECT_NE(ValueOf({1, 2, 3}).head, ValueOf({1, 3, 2}).head);
  EXPECT_NE(ValueOf({1, 2, 3}).head, ValueOf({1, 2}).head);
  EXPECT_EQ(ExtendValue(ValueOf({1, 2}), std::vector<uint64_t>{3}), ValueOf({1, 2, 3}));
  EXPECT_EQ(ValueOf({}).head, kEmptyHash);
}

// Random keys added and extended over many updates (fixed seed): after each,
// the stored root is the reference root, every key's proof verifies, and
// keys never added prove absent.
TEST(MapTreeTest, IncrementalUpdatesMatchTheReferenceOnRandomKeys) {
  std::mt19937_64 rng(20261206);
  MemoryMap map;
  std::vector<Hash> keys;
  for (int round = 0; round < 40; ++round) {
    std::map<Hash, Value> changed;
    const int adds = static_cast<int>(rng() % 40);
    for (int i = 0; i < adds; ++i) {
      Hash h = KeyHash(std::to_string(rng()));
      keys.push_back(h);
      changed[h] = ValueOf({rng() % 1000});
    }
    for (int i = 0; i < 5 && !keys.empty(); ++i) {
      const Hash& h = keys[rng() % keys.size()];
      Value v = changed.count(h) ? changed[h]
                : map.values().count(h) ? map.values().at(h) : Value{};
      changed[h] = ExtendValue(v, std::vector<uint64_t>{rng() % 1000});
    }
    absl::StatusOr<Hash> root =
        map.Apply(std::vector<std::pair<Hash, Value>>(changed.begin(), changed.end()));
    ASSERT_THAT(root.status(), IsOk());
    ASSERT_EQ(*root, ReferenceMapRoot(map.values())) << "round " << round;
    ASSERT_EQ(*ReadRoot(map), *root);
  }
  const Hash root = *ReadRoot(map);
  size_t longest = 0;
  for (const auto& [key_hash, value] : map.values()) {
    absl::StatusOr<MapProof> proof = ProveKey(map, key_hash);
    ASSERT_THAT(proof.status(), IsOk());
    longest = std::max(longest, proof->siblings.size());
    EXPECT_THAT(VerifyLookup(root, key_hash, value, *proof), IsOk());
  }
  // About log2(keys) siblings: the compact tree does not grow 256 deep.
  EXPECT_LT(longest, 32u);
  for (int i = 0; i < 100; ++i) {
    const Hash absent = KeyHash(absl::StrCat("absent ", i));
    absl::StatusOr<MapProof> proof = ProveKey(map, absent);
    ASSERT_THAT(proof.status(), IsOk());
    EXPECT_THAT(VerifyLookup(root, absent, std::nullopt, *proof), IsOk());
  }
}

// Two keys whose paths part only at the last bit: 255 interior levels.
TEST(MapTreeTest, KeysThatPartAtTheLastBit) {
  Hash a{}, b{};
  a.fill(0x5a);
  b = a;
  b[31] ^= 1;
  MemoryMap map;
  ASSERT_THAT(map.Apply({{a, ValueOf({7})}}).status(), IsOk());
  absl::StatusOr<Hash> root = map.Apply({{b, ValueOf({9})}});
  ASSERT_THAT(root.status(), IsOk());
  EXPECT_EQ(*root, ReferenceMapRoot(map.values()));
  absl::StatusOr<MapProof> proof = ProveKey(map, b);
  ASSERT_THAT(proof.status(), IsOk());
  EXPECT_EQ(proof->siblings.size(), 256u);
  EXPECT_THAT(VerifyLookup(*root, b, ValueOf({9}), *proof), IsOk());
}

class MapProofTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::pair<Hash, Value>> changed;
    for (int i = 0; i < 64; ++i) {
      changed.emplace_back(KeyHash(absl::StrCat("app ", i)), ValueOf({uint64_t(i), 100}));
    }
    root_ = *map_.Apply(changed);
    key_ = KeyHash("app 5");
    proof_ = *ProveKey(map_, key_);
    ASSERT_FALSE(proof_.siblings.empty());
  }
  MemoryMap map_;
  Hash root_;
  Hash key_;
  MapProof proof_;
};

TEST_F(MapProofTamperTest, AFlippedSiblingIsCaught) {
  proof_.siblings[0][0] ^= 1;
  EXPECT_THAT(VerifyLookup(root_, key_, ValueOf({5, 100}), proof_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       LeadsElsewhere(root_, key_, proof_)));
}

TEST_F(MapProofTamperTest, ADroppedIndexIsCaught) {
  proof_.terminal.value = ValueOf({100});
  EXPECT_THAT(VerifyLookup(root_, key_, ValueOf({100}), proof_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       LeadsElsewhere(root_, key_, proof_)));
}

TEST_F(MapProofTamperTest, AnAnswerThatDisagreesWithItsProofIsCaught) {
  EXPECT_THAT(VerifyLookup(root_, key_, ValueOf({5, 100, 101}), proof_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("the proof's value for key hash ", Hex(key_),
                                    " (2 entries) is not the answer's (3 entries)")));
  EXPECT_THAT(VerifyLookup(root_, key_, std::nullopt, proof_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("the answer says key hash ", Hex(key_),
                                    " is absent, but the proof shows it present")));
}

TEST_F(MapProofTamperTest, HidingAKeyBehindAShorterPathIsCaught) {
  // Claim the key absent by cutting the path short above its leaf.
  MapProof cut = proof_;
  cut.siblings.pop_back();
  cut.terminal.kind = Terminal::kEmpty;
  EXPECT_THAT(VerifyLookup(root_, key_, std::nullopt, cut),
              StatusIs(absl::StatusCode::kInvalidArgument, LeadsElsewhere(root_, key_, cut)));
}

TEST_F(MapProofTamperTest, ALeafOffThePathIsRefused) {
  // The leaf of a key whose path leaves this one's above the terminal.
  MapProof other;
  bool found = false;
  for (int i = 6; i < 64 && !found; ++i) {
    other = *ProveKey(map_, KeyHash(absl::StrCat("app ", i)));
    found = PathPrefix(other.terminal.key_hash, proof_.siblings.size()) !=
            PathPrefix(key_, proof_.siblings.size());
  }
  ASSERT_TRUE(found);
  proof_.terminal = other.terminal;
  EXPECT_THAT(VerifyLookup(root_, key_, std::nullopt, proof_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("the proof's leaf (key hash ", Hex(proof_.terminal.key_hash),
                                    ") is not on the path of key hash ", Hex(key_))));
}

TEST(MapNodeTest, EncodingRoundTripsAndRejectsGarbage) {
  MapNode interior;
  interior.interior = true;
  interior.left.fill(1);
  interior.right.fill(2);
  EXPECT_EQ(*DecodeNode(EncodeNode(interior)), interior);
  MapNode leaf;
  leaf.key_hash.fill(3);
  EXPECT_EQ(*DecodeNode(EncodeNode(leaf)), leaf);
  EXPECT_THAT(DecodeNode("X"),
              StatusIs(absl::StatusCode::kDataLoss,
                       "index map node of 1 bytes is neither an interior node nor a leaf"));
}

}  // namespace
}  // namespace candor::index
