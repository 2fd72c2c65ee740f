#include "witness/witness_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "log/storage/rocksdb_util.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace candor::witness {
namespace {

// Keys: "c/" + origin. Values: version byte 1, size (8 bytes, big-endian),
// root (32), timestamp (8), note.
constexpr char kKeyPrefix[] = "c/";
constexpr char kVersion = 1;
constexpr size_t kFixed = 1 + 8 + 32 + 8;

std::string Key(absl::string_view origin) { return absl::StrCat(kKeyPrefix, origin); }

std::string Encode(const WitnessRecord& r) {
  std::string out(1, kVersion);
  out += storage::BigEndian64(r.size);
  out.append(reinterpret_cast<const char*>(r.root.data()), r.root.size());
  out += storage::BigEndian64(r.timestamp);
  out += r.note;
  return out;
}

absl::StatusOr<WitnessRecord> Decode(absl::string_view v, absl::string_view origin) {
  if (v.size() < kFixed || v[0] != kVersion) {
    return absl::DataLossError(
        absl::StrCat("witness record for \"", origin, "\" does not decode"));
  }
  WitnessRecord r;
  r.size = storage::ReadBigEndian64(v.substr(1));
  std::copy(v.begin() + 9, v.begin() + 41, r.root.begin());
  r.timestamp = storage::ReadBigEndian64(v.substr(41));
  r.note = std::string(v.substr(kFixed));
  return r;
}

}  // namespace

WitnessStore::WitnessStore(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}
WitnessStore::~WitnessStore() = default;

absl::StatusOr<std::unique_ptr<WitnessStore>> WitnessStore::Open(
    const std::string& dir, rocksdb::Env* env) {
  rocksdb::Options options;
  options.create_if_missing = true;
  // Durability comes from synced writes; the WAL is never skipped.
  options.manual_wal_flush = false;
  if (env != nullptr) options.env = env;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &db);
  if (!s.ok()) {
    return storage::FromRocksDb(s, absl::StrCat("opening the witness store ", dir));
  }
  return std::unique_ptr<WitnessStore>(new WitnessStore(std::unique_ptr<rocksdb::DB>(db)));
}

absl::StatusOr<std::optional<WitnessRecord>> WitnessStore::Get(
    absl::string_view origin) const {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), storage::ToSlice(Key(origin)), &value);
  if (s.IsNotFound()) return std::optional<WitnessRecord>();
  if (!s.ok()) return storage::FromRocksDb(s, "reading a witness record");
  absl::StatusOr<WitnessRecord> r = Decode(value, origin);
  if (!r.ok()) return r.status();
  return std::optional<WitnessRecord>(*std::move(r));
}

absl::Status WitnessStore::Put(absl::string_view origin, const WitnessRecord& record) {
  rocksdb::WriteOptions options;
  options.sync = true;
  return storage::FromRocksDb(
      db_->Put(options, storage::ToSlice(Key(origin)), storage::ToSlice(Encode(record))),
      "writing a witness record");
}

}  // namespace candor::witness
