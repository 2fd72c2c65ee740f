// Small helpers shared by the stores built on RocksDB: status conversion and
// big-endian fixed-width keys (so that RocksDB's order is numeric order).

#ifndef CANDOR_LOG_STORAGE_ROCKSDB_UTIL_H_
#define CANDOR_LOG_STORAGE_ROCKSDB_UTIL_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/slice.h"
#include "rocksdb/status.h"

namespace candor::storage {

// Converts a RocksDB status: I/O errors and a full disk are UNAVAILABLE
// (retry later), corruption is DATA_LOSS, the rest INTERNAL.
absl::Status FromRocksDb(const rocksdb::Status& s, absl::string_view what);

std::string BigEndian64(uint64_t v);
// `s` must hold at least 8 bytes.
uint64_t ReadBigEndian64(absl::string_view s);

inline rocksdb::Slice ToSlice(absl::string_view s) {
  return rocksdb::Slice(s.data(), s.size());
}
inline absl::string_view ToView(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

}  // namespace candor::storage

#endif  // CANDOR_LOG_STORAGE_ROCKSDB_UTIL_H_
