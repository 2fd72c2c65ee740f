// Fuzzes what a reader of the verifiable index takes from the network: index
// notes, map proofs and map nodes (log/index).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "log/index/index_note.h"
#include "log/index/map_tree.h"
#include "log/index/map_update.h"

namespace {

using candor::index::Hash;

Hash HashAt(const std::string& data, size_t offset) {
  Hash h{};
  if (offset < data.size()) {
    std::memcpy(h.data(), data.data() + offset, std::min(h.size(), data.size() - offset));
  }
  return h;
}

// Serves nodes decoded from the input: a hostile store or server.
class InputMap : public candor::index::MapReader {
 public:
  explicit InputMap(const std::string& data) : data_(data) {}
  absl::StatusOr<std::optional<candor::index::MapNode>> ReadNode(
      absl::string_view position) override {
    if (data_.empty()) return std::nullopt;
    const size_t at = (position.size() + static_cast<uint8_t>(position[1])) % data_.size();
    if (data_[at] % 3 == 0) return std::nullopt;
    absl::StatusOr<candor::index::MapNode> node =
        candor::index::DecodeNode(absl::string_view(data_).substr(at, 65));
    if (!node.ok()) {
      candor::index::MapNode interior;
      interior.interior = true;
      interior.left = HashAt(data_, at);
      interior.right = HashAt(data_, at + 1);
      return interior;
    }
    return *node;
  }
  absl::StatusOr<candor::index::Value> ReadValue(const Hash& key_hash) override {
    return candor::index::Value{key_hash[0], key_hash};
  }

 private:
  const std::string& data_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto note = candor::index::ParseIndexNote(text);
  if (note.ok()) {
    auto again = candor::index::ParseIndexNote(candor::index::FormatIndexNote(*note));
    if (!again.ok() || !(*again == *note)) __builtin_trap();
  }
  // The input as a proof: a key hash, then siblings, the last 72 bytes a leaf.
  candor::index::MapProof proof;
  const Hash key_hash = HashAt(text, 0);
  for (size_t at = 32; at + 32 <= text.size() && proof.siblings.size() <= 300; at += 32) {
    proof.siblings.push_back(HashAt(text, at));
  }
  if (!text.empty() && text.back() & 1) {
    proof.terminal.kind = candor::index::Terminal::kLeaf;
    proof.terminal.key_hash = HashAt(text, text.size() / 2);
    proof.terminal.value.count = size;
  }
  auto root = candor::index::RootFromProof(key_hash, proof);
  if (root.ok() && proof.siblings.size() <= candor::index::kMaxDepth) {
    const std::optional<candor::index::Value> value =
        proof.terminal.kind == candor::index::Terminal::kLeaf &&
                proof.terminal.key_hash == key_hash
            ? std::optional<candor::index::Value>(proof.terminal.value)
            : std::nullopt;
    if (!candor::index::VerifyLookup(*root, key_hash, value, proof).ok()) __builtin_trap();
  }
  // A hostile node store: proving and updating must end with an answer or
  // an error.
  InputMap map(text);
  (void)candor::index::ProveKey(map, key_hash);
  candor::index::NodeWrites writes;
  (void)candor::index::UpdateMap(map, {{key_hash, candor::index::Value{1, key_hash}}}, writes);
  return 0;
}
