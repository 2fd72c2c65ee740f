// The RocksDB engine (record_store.h): the records of each family in their
// own column family of a database in a local directory, each Commit one
// WriteBatch (synced with `sync`), snapshots for ReadSnapshot. RocksDB's
// LOCK file keeps other processes out, so there is no lease.
//
// Thread-safe. Errors from RocksDB are UNAVAILABLE (I/O, disk full) or
// DATA_LOSS (corruption), with RocksDB's own message.

#ifndef CANDOR_LOG_STORAGE_ROCKSDB_STORE_H_
#define CANDOR_LOG_STORAGE_ROCKSDB_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "log/storage/record_store.h"
#include "rocksdb/env.h"

namespace candor::storage {

struct RocksDbOptions {
  // RocksDB environment; tests substitute one that injects faults. Not owned.
  rocksdb::Env* env = nullptr;
  size_t block_cache_bytes = 64 << 20;
};

// Opens or creates the database in `dir`.
absl::StatusOr<std::unique_ptr<RecordStore>> OpenRocksDbStore(
    const std::string& dir, const RocksDbOptions& options);

}  // namespace candor::storage

#endif  // CANDOR_LOG_STORAGE_ROCKSDB_STORE_H_
