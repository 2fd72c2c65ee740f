// The witness's durable state (C2SP tlog-witness): per log origin, the
// latest checkpoint it cosigned, in RocksDB.
//
// Every Put is synced (WriteOptions.sync) before it returns, so a record
// whose Put returned OK survives a crash of the process or the machine.
//
// Thread-safe (RocksDB is); the store does not order concurrent Puts for the
// same origin: the Witness serialises its check-and-put per origin.
// Errors: RocksDB statuses as storage::FromRocksDb maps them (UNAVAILABLE
// for I/O, DATA_LOSS for corruption, INTERNAL otherwise); DATA_LOSS for a
// record that does not decode.

#ifndef CANDOR_WITNESS_WITNESS_STORE_H_
#define CANDOR_WITNESS_WITNESS_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "log/merkle/hash.h"

namespace rocksdb {
class DB;
class Env;
}  // namespace rocksdb

namespace candor::witness {

struct WitnessRecord {
  uint64_t size = 0;
  merkle::Hash root{};
  // The time of the newest cosignature issued for this origin (POSIX
  // seconds), never to be gone below.
  uint64_t timestamp = 0;
  // The signed checkpoint note: the log's verified signature(s) and the
  // witness's cosignature.
  std::string note;

  bool operator==(const WitnessRecord& o) const {
    return size == o.size && root == o.root && timestamp == o.timestamp &&
           note == o.note;
  }
};

class WitnessStore {
 public:
  // Opens (creating if missing) the store in directory `dir`. `env`, if set,
  // replaces RocksDB's (tests inject faults); it must outlive the store.
  static absl::StatusOr<std::unique_ptr<WitnessStore>> Open(
      const std::string& dir, rocksdb::Env* env = nullptr);
  ~WitnessStore();
  WitnessStore(const WitnessStore&) = delete;
  WitnessStore& operator=(const WitnessStore&) = delete;

  // The record for `origin`, or nullopt if the witness never cosigned one.
  absl::StatusOr<std::optional<WitnessRecord>> Get(absl::string_view origin) const;
  // Replaces the record for `origin`, synced to disk before returning.
  absl::Status Put(absl::string_view origin, const WitnessRecord& record);

 private:
  explicit WitnessStore(std::unique_ptr<rocksdb::DB> db);
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace candor::witness

#endif  // CANDOR_WITNESS_WITNESS_STORE_H_
