#include "log/storage/rocksdb_store.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "log/storage/rocksdb_util.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

namespace candor::storage {
namespace {

// The leaf-hash and identity indexes key on this many bytes of the hash
// followed by the index (log_store.cc); RocksDB filters them by it.
constexpr size_t kHashPrefixSize = 8;

absl::Status Closed() {
  return absl::UnavailableError(
      "the store could not be reopened after an I/O error; it is retried on the "
      "next write");
}

// Reads with fixed ReadOptions (a snapshot or none) over the families.
absl::StatusOr<std::optional<std::string>> GetWith(
    rocksdb::DB* db, const rocksdb::ReadOptions& options,
    rocksdb::ColumnFamilyHandle* cf, absl::string_view key) {
  std::string value;
  rocksdb::Status s = db->Get(options, cf, ToSlice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocksDb(s, "read");
  return value;
}

absl::Status ScanWith(
    rocksdb::DB* db, rocksdb::ReadOptions options, rocksdb::ColumnFamilyHandle* cf,
    Family family, absl::string_view start, absl::string_view limit,
    absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit) {
  const rocksdb::Slice upper = ToSlice(limit);
  if (!limit.empty()) options.iterate_upper_bound = &upper;
  options.prefix_same_as_start = IsHashPrefixFamily(family);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, cf));
  for (it->Seek(ToSlice(start)); it->Valid(); it->Next()) {
    if (!visit(ToView(it->key()), ToView(it->value()))) break;
  }
  return FromRocksDb(it->status(), "scan");
}

class RocksDbStore : public RecordStore {
 public:
  RocksDbStore(std::string dir, rocksdb::DBOptions db_options,
               std::vector<rocksdb::ColumnFamilyDescriptor> families)
      : dir_(std::move(dir)),
        db_options_(std::move(db_options)),
        families_(std::move(families)) {}
  ~RocksDbStore() override {
    absl::MutexLock lock(&mu_);
    CloseDb();
  }

  absl::Status Open() {
    absl::MutexLock lock(&mu_);
    return OpenDb();
  }

  absl::StatusOr<std::optional<std::string>> Get(Family family,
                                                 absl::string_view key) override {
    absl::ReaderMutexLock lock(&mu_);
    if (db_ == nullptr) return Closed();
    return GetWith(db_.get(), rocksdb::ReadOptions(), Handle(family), key);
  }

  absl::Status Scan(Family family, absl::string_view start, absl::string_view limit,
                    absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit)
      override {
    absl::ReaderMutexLock lock(&mu_);
    if (db_ == nullptr) return Closed();
    return ScanWith(db_.get(), rocksdb::ReadOptions(), Handle(family), family, start,
                    limit, visit);
  }

  absl::Status ReadSnapshot(absl::FunctionRef<absl::Status(RecordReader&)> read) override {
    absl::ReaderMutexLock lock(&mu_);
    if (db_ == nullptr) return Closed();
    SnapshotReader reader(this);
    return read(reader);
  }

  absl::Status Commit(absl::Span<const RecordWrite> writes, bool sync) override {
    absl::ReaderMutexLock lock(&mu_);
    if (db_ == nullptr) return Closed();
    rocksdb::WriteBatch batch;
    for (const RecordWrite& w : writes) {
      batch.Put(Handle(w.family), ToSlice(w.key), ToSlice(w.value));
    }
    rocksdb::WriteOptions options;
    options.sync = sync;
    return FromRocksDb(db_->Write(options, &batch), "write");
  }

  absl::Status Resume() override {
    {
      absl::ReaderMutexLock lock(&mu_);
      if (db_ != nullptr && db_->Resume().ok()) return absl::OkStatus();
    }
    // RocksDB keeps some write errors (e.g. on the WAL) for good; reopening
    // recovers from what is on disk, as a restart would, without one.
    absl::MutexLock lock(&mu_);
    CloseDb();
    return OpenDb();
  }

  absl::StatusOr<uint64_t> EstimatedLiveBytes() override {
    absl::ReaderMutexLock lock(&mu_);
    if (db_ == nullptr) return Closed();
    uint64_t total = 0;
    for (rocksdb::ColumnFamilyHandle* cf : handles_) {
      uint64_t bytes = 0;
      if (db_->GetIntProperty(cf, "rocksdb.estimate-live-data-size", &bytes)) {
        total += bytes;
      }
    }
    return total;
  }

 private:
  // Reads at one RocksDB snapshot; lives inside ReadSnapshot's lock.
  class SnapshotReader : public RecordReader {
   public:
    explicit SnapshotReader(RocksDbStore* store)
        : store_(store), snapshot_(store->db_->GetSnapshot()) {
      options_.snapshot = snapshot_;
    }
    ~SnapshotReader() override { store_->db_->ReleaseSnapshot(snapshot_); }
    absl::StatusOr<std::optional<std::string>> Get(Family family,
                                                   absl::string_view key) override {
      return GetWith(store_->db_.get(), options_, store_->Handle(family), key);
    }
    absl::Status Scan(Family family, absl::string_view start, absl::string_view limit,
                      absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit)
        override {
      return ScanWith(store_->db_.get(), options_, store_->Handle(family), family,
                      start, limit, visit);
    }

   private:
    RocksDbStore* store_;
    const rocksdb::Snapshot* snapshot_;
    rocksdb::ReadOptions options_;
  };

  rocksdb::ColumnFamilyHandle* Handle(Family family) const {
    return handles_[static_cast<int>(family)];
  }

  absl::Status OpenDb() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    rocksdb::DB* db = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(db_options_, dir_, families_, &handles_, &db);
    if (!s.ok()) return FromRocksDb(s, absl::StrCat("opening ", dir_));
    db_.reset(db);
    return absl::OkStatus();
  }

  void CloseDb() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (db_ == nullptr) return;
    for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h);
    handles_.clear();
    db_->Close();
    db_.reset();
  }

  const std::string dir_;
  const rocksdb::DBOptions db_options_;
  const std::vector<rocksdb::ColumnFamilyDescriptor> families_;
  // Readers and writers share the DB; Resume() may replace it.
  absl::Mutex mu_;
  std::unique_ptr<rocksdb::DB> db_ ABSL_GUARDED_BY(mu_);
  // Indexed by Family.
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RecordStore>> OpenRocksDbStore(
    const std::string& dir, const RocksDbOptions& options) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  if (options.env != nullptr) db_options.env = options.env;
  // Durability comes from synced writes; the WAL must never be recycled or
  // skipped.
  db_options.manual_wal_flush = false;
  // A WAL file is deleted only when every column family has flushed what it
  // holds, and the small families (meta, tiles, checkpoints) rarely fill a
  // memtable: without a cap, WAL files pile up (70 MB per 64 MB of entries)
  // and start-up replays them all.
  db_options.max_total_wal_size = 64 << 20;

  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  enum class Filter { kNone, kPrefix, kWholeKey };
  auto table_options = [&](Filter filter) {
    rocksdb::BlockBasedTableOptions t;
    t.block_cache = cache;
    if (filter != Filter::kNone) {
      t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      t.whole_key_filtering = filter == Filter::kWholeKey;
    }
    return rocksdb::NewBlockBasedTableFactory(t);
  };
  rocksdb::ColumnFamilyOptions plain;
  plain.table_factory.reset(table_options(Filter::kNone));
  rocksdb::ColumnFamilyOptions hash_index = plain;
  hash_index.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(kHashPrefixSize));
  hash_index.table_factory.reset(table_options(Filter::kPrefix));
  // Every proof reads a few tiles by key; a tile rewritten as it grows has
  // versions in several levels, and the filter spares the probes of levels
  // that do not hold it.
  rocksdb::ColumnFamilyOptions tiles = plain;
  tiles.table_factory.reset(table_options(Filter::kWholeKey));

  // In Family order; the names are those of every store written so far.
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, plain},
      {"entries", plain},
      {"leaf_index", hash_index},
      {"tiles", tiles},
      {"checkpoints", plain},
      {"registry", plain},
      {"identity_index", hash_index},
      {"index", plain},
  };
  static_assert(kFamilyCount == 8, "a family needs its column family");
  auto store = std::make_unique<RocksDbStore>(dir, db_options, std::move(families));
  if (absl::Status s = store->Open(); !s.ok()) return s;
  return store;
}

}  // namespace candor::storage
