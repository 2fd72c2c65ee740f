// A log's records and what they mean: entries, the leaf-hash index, the
// identity index, hash tiles, signed checkpoints, the latest tree state, the
// registry of principals and the verifiable index (log/index), each kind in
// its own family of a RecordStore (record_store.h), whose engine (RocksDB or
// PostgreSQL) keeps them.
//
// Keys are big-endian fixed-width integers so the engine's order is index
// order. Hashes are kept only as C2SP tiles (the bottom row of each 8-level
// subtree); interior nodes are recomputed from a tile when a proof needs
// them, which keeps about 32 bytes of hashes per entry and makes every proof
// cost O(log n) tile reads. Nothing is scanned at open, except once when a
// store of schema version 1 (before the identity index) is first opened by
// this build: every entry is then read to fill the identity index, and the
// schema version is raised to 2 only when that is done (an interrupted
// upgrade starts again at the next open).
//
// Thread-safe: reads may run concurrently with each other and with Commit.
// Every Commit is one atomic engine commit, durable before it returns when
// synced; errors are the engine's (record_store.h).

#ifndef CANDOR_LOG_STORAGE_LOG_STORE_H_
#define CANDOR_LOG_STORAGE_LOG_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "log/merkle/hash.h"
#include "log/tiles/tiles.h"
#include "log/storage/record_store.h"

namespace candor::storage {

inline constexpr int kSchemaVersion = 2;

// What makes two entries the same statement, for deduplication: a 32-byte
// digest of what was signed in an entry. The log passes dsse::EntryIdentity
// (SHA-256 of the DSSE PAE, so the envelope's JSON form and its signatures
// do not count). Must be a pure function of the bytes, and a store must
// always be opened with the same one. An error for an entry it cannot read.
using IdentityFn =
    std::function<absl::StatusOr<Sha256Digest>(absl::string_view entry)>;

// An entry with its index.
struct StoredEntry {
  uint64_t index = 0;
  std::string entry;
};

// The latest integrated tree: its size, root, and the checkpoint signed for it
// (empty before the first checkpoint).
struct TreeState {
  uint64_t size = 0;
  merkle::Hash root = merkle::EmptyRoot();
  std::string checkpoint;
};

class LogStore : public tiles::TileSource {
 public:
  // Opens the log kept in `records` (named `location` in messages),
  // writing the schema version of a new one and upgrading one of schema
  // version 1 (see the top of this file). FAILED_PRECONDITION if it holds a
  // log of another schema version; INVALID_ARGUMENT without `identity`; the
  // identity function's error (naming the entry) if an entry being upgraded
  // cannot be read. (open_store.h opens by location.)
  static absl::StatusOr<std::unique_ptr<LogStore>> Open(
      std::unique_ptr<RecordStore> records, std::string location, IdentityFn identity);
  // What a new log holds before its first commit (its schema version), for
  // engines that create the records themselves (PostgreSQL: before any
  // instance holds the lease that commits need).
  static std::vector<RecordWrite> InitialRecords();

  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  // Entries [0, sequenced size) have durable indices; entries [0, tree size)
  // are in the tree.
  absl::StatusOr<uint64_t> ReadSequencedSize();
  absl::StatusOr<TreeState> ReadTreeState();
  // The tree size up to which tile files were published (see Batch).
  absl::StatusOr<uint64_t> ReadPublishedSize();
  // The size of the newest checkpoint whose witness cosignatures met the
  // log's policy (its cosigned note is the checkpoint stored at that size);
  // NOT_FOUND if none was.
  absl::StatusOr<uint64_t> ReadWitnessedSize();

  // NOT_FOUND if no entry has this index.
  absl::StatusOr<std::string> ReadEntry(uint64_t index);
  // Appends entries [start, start + count) to `out`, stopping early once
  // `max_bytes` would be exceeded (but always returning at least one entry
  // if any exists) or at the first missing index.
  absl::Status ReadEntries(uint64_t start, uint64_t count, size_t max_bytes,
                           std::vector<std::string>& out);

  // The index of the entry whose leaf hash is `leaf_hash`, if any.
  absl::StatusOr<std::optional<uint64_t>> FindLeafHash(
      const merkle::Hash& leaf_hash);
  // The first entry (lowest index) whose identity (StoreOptions::identity)
  // is `identity`, if any. O(1): one prefix seek and, per candidate, one
  // entry read.
  absl::StatusOr<std::optional<StoredEntry>> FindIdentity(
      const Sha256Digest& identity);
  // FindIdentity for each of `identities`, in one engine call (one round
  // trip on PostgreSQL) plus one entry read per candidate.
  absl::StatusOr<std::vector<std::optional<StoredEntry>>> FindIdentities(
      absl::Span<const Sha256Digest> identities);

  // tiles::TileSource: the stored tile at its current width.
  absl::StatusOr<std::string> ReadTile(const tiles::TileId& tile) override;
  // The tile's middle row (tiles.h); NOT_FOUND in logs written before
  // middle rows were kept.
  absl::StatusOr<std::string> ReadMidRow(const tiles::TileId& tile) override;

  // NOT_FOUND if the log signed no checkpoint at exactly this size.
  absl::StatusOr<std::string> ReadCheckpoint(uint64_t size);

  // The engine's estimate of the bytes the log takes on disk (RocksDB:
  // "rocksdb.estimate-live-data-size" summed over the families, memtables
  // not counted; PostgreSQL: the table's and its index's size).
  absl::StatusOr<uint64_t> EstimatedLiveBytes() { return records_->EstimatedLiveBytes(); }
  // The sequencer lease of an engine that several processes share; null for
  // RocksDB.
  Lease* lease() { return records_->lease(); }

  // The index column family, read at one point in time: log/index/
  // index_store.h gives its records their meaning.
  class IndexView {
   public:
    virtual ~IndexView() = default;
    // nullopt if no record has this key.
    virtual absl::StatusOr<std::optional<std::string>> Get(absl::string_view key) = 0;
    // Calls `visit` for the records with keys in [start, limit), in key
    // order, until it returns false.
    virtual absl::Status Scan(
        absl::string_view start, absl::string_view limit,
        absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) = 0;
  };
  // Runs `read` against one snapshot of the index family, so that it sees
  // no commit made meanwhile. `read` must not commit.
  absl::Status ReadIndex(absl::FunctionRef<absl::Status(IndexView&)> read);

  // Every record of the registry family, in key order.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  ReadRegistry();

  // Writes to be committed atomically. Not thread-safe.
  class Batch {
   public:
    Batch() = default;
    // `leaf_hash` and `identity` must be those of `entry`: they are its
    // index keys.
    void PutEntry(uint64_t index, absl::string_view entry,
                  const merkle::Hash& leaf_hash, const Sha256Digest& identity);
    void PutSequencedSize(uint64_t size);
    void PutTile(const tiles::TileId& tile, absl::string_view hashes);
    void PutMidRow(const tiles::TileId& tile, absl::string_view hashes);
    void PutCheckpoint(uint64_t size, absl::string_view note);
    void PutTreeState(const TreeState& state);
    void PutPublishedSize(uint64_t size);
    void PutWitnessedSize(uint64_t size);
    void PutRegistryRecord(absl::string_view key, absl::string_view value);
    void PutIndexRecord(absl::string_view key, absl::string_view value);
    size_t Count() const { return writes_.size(); }

   private:
    friend class LogStore;
    void PutSchemaVersion();
    void PutIdentity(uint64_t index, const Sha256Digest& identity);
    void Put(Family family, std::string key, absl::string_view value);
    std::vector<RecordWrite> writes_;
  };
  Batch NewBatch() { return Batch(); }

  // Writes `batch` atomically; with `sync`, returns only once it is durable
  // (record_store.h).
  absl::Status Commit(Batch& batch, bool sync = true);

  // After a write error, asks the engine to make writes possible again (see
  // RecordStore::Resume). Batches made before must not be committed after,
  // and what a failed commit may have written must be read again.
  absl::Status Resume() { return records_->Resume(); }

 private:
  LogStore(std::unique_ptr<RecordStore> records, std::string location,
           IdentityFn identity)
      : records_(std::move(records)),
        location_(std::move(location)),
        identity_(std::move(identity)) {}
  absl::StatusOr<std::string> Get(Family family, absl::string_view key);
  // For each of `hashes`, the indices of the entries whose hash in `family`
  // starts like it, in index order; one engine call.
  absl::StatusOr<std::vector<std::vector<uint64_t>>> Candidates(
      Family family, absl::Span<const Sha256Digest> hashes);
  // Fills the identity index of a schema-1 store and raises its version.
  absl::Status UpgradeFromVersion1();

  const std::unique_ptr<RecordStore> records_;
  const std::string location_;
  const IdentityFn identity_;
};

}  // namespace candor::storage

#endif  // CANDOR_LOG_STORAGE_LOG_STORE_H_
