#include "log/storage/open_store.h"

#include "absl/strings/str_cat.h"

namespace candor::storage {

absl::StatusOr<std::unique_ptr<LogStore>> OpenLogStore(const std::string& location,
                                                       const StoreOptions& options) {
  absl::StatusOr<std::unique_ptr<RecordStore>> records;
  std::string name = location;
  if (IsPostgresUri(location)) {
    PostgresOptions postgres = options.postgres;
    postgres.initial_records = LogStore::InitialRecords();
    records = OpenPostgresStore(location, postgres);
    // The URI may hold a password.
    name = "the PostgreSQL database";
  } else {
    records = OpenRocksDbStore(location, options.rocksdb);
  }
  if (!records.ok()) return records.status();
  return LogStore::Open(*std::move(records), name, options.identity);
}

}  // namespace candor::storage
