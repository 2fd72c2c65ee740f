#include "log/index/index_store.h"

#include <algorithm>
#include <map>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "log/encoding/encoding.h"
#include "log/index/index_keys.h"
#include "log/index/map_update.h"
#include "log/storage/rocksdb_util.h"

namespace candor::index {
namespace {

using storage::BigEndian64;
using storage::LogStore;
using storage::ReadBigEndian64;

constexpr absl::string_view kStateKey = "m";

Hash ReadHash(absl::string_view bytes) {
  Hash h;
  std::copy(bytes.begin(), bytes.begin() + merkle::kHashSize, h.begin());
  return h;
}

std::string NodeKey(absl::string_view position) { return absl::StrCat("n", position); }
std::string ValueKey(const Hash& key_hash) {
  return absl::StrCat("k", merkle::AsBytes(key_hash));
}
std::string PostingKey(const Hash& key_hash, uint64_t position) {
  return absl::StrCat("p", merkle::AsBytes(key_hash), BigEndian64(position));
}

struct KeyRecord {
  Value value;
  std::string key;
};

absl::StatusOr<std::optional<KeyRecord>> ReadKeyRecord(LogStore::IndexView& view,
                                                       const Hash& key_hash) {
  absl::StatusOr<std::optional<std::string>> bytes = view.Get(ValueKey(key_hash));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::nullopt;
  if ((*bytes)->size() < 8 + merkle::kHashSize) {
    return absl::DataLossError("an index key record is truncated");
  }
  KeyRecord record;
  record.value.count = ReadBigEndian64(**bytes);
  record.value.head = ReadHash(absl::string_view(**bytes).substr(8));
  record.key = (*bytes)->substr(8 + merkle::kHashSize);
  return record;
}

// The map as stored, with the values this batch changed laid over it.
class StoredMap : public MapReader {
 public:
  StoredMap(LogStore::IndexView& view, const std::map<Hash, KeyRecord>* changed)
      : view_(view), changed_(changed) {}

  absl::StatusOr<std::optional<MapNode>> ReadNode(absl::string_view position) override {
    absl::StatusOr<std::optional<std::string>> bytes = view_.Get(NodeKey(position));
    if (!bytes.ok()) return bytes.status();
    if (!bytes->has_value()) return std::nullopt;
    return DecodeNode(**bytes);
  }

  absl::StatusOr<Value> ReadValue(const Hash& key_hash) override {
    if (changed_ != nullptr) {
      if (auto it = changed_->find(key_hash); it != changed_->end()) {
        return it->second.value;
      }
    }
    absl::StatusOr<std::optional<KeyRecord>> record = ReadKeyRecord(view_, key_hash);
    if (!record.ok()) return record.status();
    if (!record->has_value()) {
      return absl::DataLossError(absl::StrCat(
          "the index map has a leaf for key hash ", HexEncode(merkle::AsBytes(key_hash)),
          " but no record of its value"));
    }
    return (*record)->value;
  }

 private:
  LogStore::IndexView& view_;
  const std::map<Hash, KeyRecord>* changed_;
};

}  // namespace

absl::StatusOr<IndexState> ReadIndexState(LogStore::IndexView& view) {
  absl::StatusOr<std::optional<std::string>> bytes = view.Get(kStateKey);
  if (!bytes.ok()) return bytes.status();
  IndexState state;
  if (!bytes->has_value()) return state;
  if ((*bytes)->size() < 8 + merkle::kHashSize) {
    return absl::DataLossError("the index state record is truncated");
  }
  state.size = ReadBigEndian64(**bytes);
  state.root = ReadHash(absl::string_view(**bytes).substr(8));
  state.note = (*bytes)->substr(8 + merkle::kHashSize);
  return state;
}

std::pair<std::string, std::string> IndexStateRecord(const IndexState& state) {
  return {std::string(kStateKey),
          absl::StrCat(BigEndian64(state.size), merkle::AsBytes(state.root), state.note)};
}

absl::StatusOr<Hash> FileEntries(LogStore::IndexView& view, uint64_t first,
                                 absl::Span<const std::string> entries, IndexRecords& out) {
  // Key hash -> the key's record after this batch.
  std::map<Hash, KeyRecord> changed;
  auto file = [&](const std::string& key, uint64_t log_index) -> absl::StatusOr<bool> {
    const Hash key_hash = KeyHash(key);
    auto it = changed.find(key_hash);
    bool is_new = false;
    if (it == changed.end()) {
      absl::StatusOr<std::optional<KeyRecord>> stored = ReadKeyRecord(view, key_hash);
      if (!stored.ok()) return stored.status();
      is_new = !stored->has_value();
      KeyRecord record = is_new ? KeyRecord{Value{}, key} : **std::move(stored);
      if (record.key != key) {
        return absl::DataLossError(absl::StrCat(
            "the index's record for key hash ", HexEncode(merkle::AsBytes(key_hash)),
            " names another key"));
      }
      it = changed.emplace(key_hash, std::move(record)).first;
    }
    Value& value = it->second.value;
    value.head = ChainStep(value.head, log_index);
    out.emplace_back(PostingKey(key_hash, value.count),
                     absl::StrCat(BigEndian64(log_index), merkle::AsBytes(value.head)));
    ++value.count;
    return is_new;
  };
  for (size_t i = 0; i < entries.size(); ++i) {
    const uint64_t log_index = first + i;
    bool introduces = false;
    for (const std::string& key : IndexKeysOfEntry(entries[i])) {
      absl::StatusOr<bool> is_new = file(key, log_index);
      if (!is_new.ok()) return is_new.status();
      introduces = introduces || *is_new;
    }
    if (introduces) {
      absl::StatusOr<bool> filed = file(std::string(kNewKeysKey), log_index);
      if (!filed.ok()) return filed.status();
    }
  }
  std::vector<std::pair<Hash, Value>> updates;
  updates.reserve(changed.size());
  for (const auto& [key_hash, record] : changed) {
    updates.emplace_back(key_hash, record.value);
    out.emplace_back(ValueKey(key_hash),
                     absl::StrCat(BigEndian64(record.value.count),
                                  merkle::AsBytes(record.value.head), record.key));
  }
  StoredMap map(view, &changed);
  NodeWrites writes;
  absl::StatusOr<Hash> root = UpdateMap(map, updates, writes);
  if (!root.ok()) return root.status();
  for (const auto& [position, node] : writes) {
    out.emplace_back(NodeKey(position), EncodeNode(node));
  }
  return root;
}

absl::StatusOr<Lookup> LookUp(LogStore::IndexView& view, absl::string_view key,
                              uint64_t from, size_t max_indices) {
  Lookup out;
  absl::StatusOr<IndexState> state = ReadIndexState(view);
  if (!state.ok()) return state.status();
  out.state = *std::move(state);
  const Hash key_hash = KeyHash(key);
  StoredMap map(view, nullptr);
  absl::StatusOr<MapProof> proof = ProveKey(map, key_hash);
  if (!proof.ok()) return proof.status();
  out.proof = *std::move(proof);
  out.present = out.proof.terminal.kind == Terminal::kLeaf &&
                out.proof.terminal.key_hash == key_hash;
  if (out.present) out.value = out.proof.terminal.value;
  if (from > out.value.count) {
    return absl::OutOfRangeError(absl::StrCat(
        "position ", from, " is beyond the ", out.value.count, " entries of this key"));
  }
  out.from = from;
  max_indices = std::min(max_indices, kMaxIndicesPerLookup);
  const uint64_t end = std::min<uint64_t>(out.value.count, from + max_indices);
  if (end == from) return out;
  absl::Status bad = absl::OkStatus();
  absl::Status scanned = view.Scan(
      PostingKey(key_hash, from == 0 ? 0 : from - 1), PostingKey(key_hash, end),
      [&](absl::string_view k, absl::string_view v) {
        if (v.size() != 8 + merkle::kHashSize) {
          bad = absl::DataLossError("an index posting is truncated");
          return false;
        }
        const uint64_t position = ReadBigEndian64(k.substr(1 + merkle::kHashSize));
        if (position + 1 == from) {
          out.head_at_from = ReadHash(v.substr(8));
        } else {
          out.indices.push_back(ReadBigEndian64(v));
        }
        return true;
      });
  if (!scanned.ok()) return scanned;
  if (!bad.ok()) return bad;
  if (out.indices.size() != end - from) {
    return absl::DataLossError(absl::StrCat("the index holds ", out.indices.size(),
                                            " of the ", end - from,
                                            " postings it should from position ", from));
  }
  return out;
}

}  // namespace candor::index
