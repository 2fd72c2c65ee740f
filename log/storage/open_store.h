// Opens a log's store by location: a PostgreSQL URI ("postgresql://..." or
// "postgres://...", postgres_store.h) or a local directory for RocksDB
// (rocksdb_store.h, the embedded default).

#ifndef CANDOR_LOG_STORAGE_OPEN_STORE_H_
#define CANDOR_LOG_STORAGE_OPEN_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "log/storage/log_store.h"
#include "log/storage/postgres_store.h"
#include "log/storage/rocksdb_store.h"

namespace candor::storage {

struct StoreOptions {
  // Required.
  IdentityFn identity;
  // For a directory.
  RocksDbOptions rocksdb;
  // For a PostgreSQL URI (its initial_records are set here).
  PostgresOptions postgres;
};

// Errors are LogStore::Open's and the engine's.
absl::StatusOr<std::unique_ptr<LogStore>> OpenLogStore(const std::string& location,
                                                       const StoreOptions& options);

}  // namespace candor::storage

#endif  // CANDOR_LOG_STORAGE_OPEN_STORE_H_
