// The storage engine under a log: ordered key-value records in a few
// families, written in atomic groups. log_store.h gives the records their
// meaning; an engine only keeps them. Two engines exist: RocksDB in a local
// directory (rocksdb_store.h, one column family per family) and PostgreSQL
// (postgres_store.h, one table keyed by family and key).
//
// The contract every engine keeps:
// - Atomicity: Commit writes all of its records or none of them; a reader
//   never sees part of a commit. Later writes of a key replace earlier ones.
// - Durability: with `sync`, Commit returns OK only once the records are on
//   stable storage (RocksDB: the WAL is fsynced; PostgreSQL: the transaction
//   committed on the primary and on every synchronous standby it waits for).
//   An error means the outcome is unknown to the caller (a connection lost
//   during COMMIT may have committed): callers re-read what they depend on
//   after Resume() instead of assuming nothing was written.
// - Visibility: Get and Scan each see some committed state at least as new
//   as every Commit that returned before they were called; two calls may see
//   different commits. ReadSnapshot's reader sees one commit throughout.
// - Order: keys compare as unsigned bytes (memcmp, shorter first on ties).
// - Errors: UNAVAILABLE for what may pass (I/O, disk full, a database that is
//   down or failing over, a deadline), DATA_LOSS for corruption, each with
//   the engine's own message; FAILED_PRECONDITION for a commit refused
//   because this process no longer holds the sequencer lease (Lease below).
//
// Thread-safe: any number of reads may run concurrently with each other and
// with one Commit at a time.

#ifndef CANDOR_LOG_STORAGE_RECORD_STORE_H_
#define CANDOR_LOG_STORAGE_RECORD_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace candor::storage {

// The kinds of record; the numbers are stored (PostgreSQL's family column)
// and never change.
enum class Family : int {
  kMeta = 0,
  kEntries = 1,
  kLeafIndex = 2,
  kTiles = 3,
  kCheckpoints = 4,
  kRegistry = 5,
  kIdentityIndex = 6,
  kIndex = 7,
};
inline constexpr int kFamilyCount = 8;

// Families whose keys start with an 8-byte hash prefix; a Scan of them must
// stay within one prefix (RocksDB filters them by prefix).
inline bool IsHashPrefixFamily(Family family) {
  return family == Family::kLeafIndex || family == Family::kIdentityIndex;
}

struct RecordWrite {
  Family family;
  std::string key;
  std::string value;
};

// Reads of the records.
class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // nullopt if no record has this key.
  virtual absl::StatusOr<std::optional<std::string>> Get(Family family,
                                                         absl::string_view key) = 0;
  // Calls `visit` for the records of `family` with keys in [start, limit)
  // (no upper bound if `limit` is empty), in key order, until it returns
  // false.
  virtual absl::Status Scan(
      Family family, absl::string_view start, absl::string_view limit,
      absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) = 0;
};

// The one sequencer's right to write, for engines that several processes
// share (PostgreSQL). Holding it is a lease with an expiry kept by the
// database's clock and a fencing epoch raised at every change of holder;
// every Commit checks the epoch in the same transaction, so a holder that
// was paused past its expiry can never commit again once another took over.
class Lease {
 public:
  virtual ~Lease() = default;
  // Takes the lease for `holder` (the address writers should be sent to) if
  // it is free or expired, or renews it if this process holds it. True if
  // this process holds it now; false if another live holder does.
  virtual absl::StatusOr<bool> Acquire(absl::string_view holder) = 0;
  // The current holder's address and whether its lease is still running;
  // NOT_FOUND if nobody ever held it.
  struct HolderInfo {
    std::string holder;
    uint64_t epoch = 0;
    bool live = false;
  };
  virtual absl::StatusOr<HolderInfo> Holder() = 0;
  // Gives the lease up (at a clean shutdown) so the next holder need not
  // wait for its expiry. Commits fail afterwards.
  virtual absl::Status Release() = 0;
  // The fencing epoch of the lease this process holds; 0 if it holds none
  // (never took it, released it, or a commit found it taken over).
  virtual uint64_t epoch() const = 0;
  // How long a lease lasts without renewal.
  virtual absl::Duration ttl() const = 0;
};

class RecordStore : public RecordReader {
 public:
  // For each of `prefixes`, calls `visit` with its position in `prefixes`
  // and every record of `family` whose key starts with it, in key order
  // within a prefix. One round trip on a database (PostgreSQL); a Scan per
  // prefix by default.
  virtual absl::Status ScanPrefixes(
      Family family, absl::Span<const std::string> prefixes,
      absl::FunctionRef<void(size_t prefix, absl::string_view key, absl::string_view value)>
          visit);
  // Runs `read` against one consistent state of every family; `read` must
  // not commit.
  virtual absl::Status ReadSnapshot(absl::FunctionRef<absl::Status(RecordReader&)> read) = 0;
  // Writes `writes` atomically, in order (a later write of a key wins).
  virtual absl::Status Commit(absl::Span<const RecordWrite> writes, bool sync) = 0;
  // After a failed Commit, makes writing possible again if it can (RocksDB
  // resumes or reopens; PostgreSQL drops the pool's connections). OK if
  // writes may be tried again.
  virtual absl::Status Resume() = 0;
  // An estimate of the bytes the records take on disk.
  virtual absl::StatusOr<uint64_t> EstimatedLiveBytes() = 0;
  // Null for engines that one process owns (RocksDB locks its directory).
  virtual Lease* lease() { return nullptr; }
};

// The least key greater than every key starting with `prefix`; empty (no
// bound) if there is none (all bytes 0xff).
std::string PrefixSuccessor(absl::string_view prefix);

}  // namespace candor::storage

#endif  // CANDOR_LOG_STORAGE_RECORD_STORE_H_
