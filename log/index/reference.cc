#include "log/index/reference.h"

#include <set>
#include <utility>

#include "log/index/index_keys.h"

namespace candor::index {
namespace {

Hash RootOf(const std::vector<std::pair<Hash, Value>>& keys, size_t depth) {
  if (keys.empty()) return kEmptyHash;
  if (keys.size() == 1) return LeafHash(keys[0].first, keys[0].second);
  std::vector<std::pair<Hash, Value>> left, right;
  for (const auto& k : keys) (PathBit(k.first, depth) ? right : left).push_back(k);
  return InteriorHash(RootOf(left, depth + 1), RootOf(right, depth + 1));
}

}  // namespace

Hash ReferenceMapRoot(const std::map<Hash, Value>& values) {
  return RootOf(std::vector<std::pair<Hash, Value>>(values.begin(), values.end()), 0);
}

std::map<std::string, std::vector<uint64_t>> ReferenceIndex(
    absl::Span<const std::string> entries) {
  std::map<std::string, std::vector<uint64_t>> index;
  for (uint64_t i = 0; i < entries.size(); ++i) {
    bool introduces = false;
    for (const std::string& key : IndexKeysOfEntry(entries[i])) {
      std::vector<uint64_t>& list = index[key];
      introduces = introduces || list.empty();
      list.push_back(i);
    }
    if (introduces) index[std::string(kNewKeysKey)].push_back(i);
  }
  return index;
}

Hash ReferenceIndexRoot(absl::Span<const std::string> entries) {
  std::map<Hash, Value> values;
  for (const auto& [key, indices] : ReferenceIndex(entries)) {
    values[KeyHash(key)] = ExtendValue(Value{}, indices);
  }
  return ReferenceMapRoot(values);
}

}  // namespace candor::index
