#include "verifier/server/verifier_store.h"

#include "absl/strings/str_cat.h"
#include "log/storage/rocksdb_util.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"

namespace candor::verifier {
namespace {

using storage::BigEndian64;
using storage::FromRocksDb;
using storage::ToSlice;
using storage::ToView;

constexpr char kFollowerKey[] = "follower";
constexpr char kSchemaKey[] = "schema_version";

}  // namespace

absl::StatusOr<std::unique_ptr<VerifierStore>> VerifierStore::Open(
    const std::string& dir) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  rocksdb::ColumnFamilyOptions cf;
  // Looked up once per entry read, nearly always for an identity not there.
  rocksdb::ColumnFamilyOptions identities = cf;
  rocksdb::BlockBasedTableOptions with_filter;
  with_filter.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  identities.table_factory.reset(rocksdb::NewBlockBasedTableFactory(with_filter));
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, cf}, {"registry", cf},
      {"statements", cf}, {"apps", cf}, {"findings", cf}, {"principals", cf},
      {"identities", identities}};
  auto store = std::unique_ptr<VerifierStore>(new VerifierStore());
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, families, &store->handles_, &db);
  if (!s.ok()) return FromRocksDb(s, absl::StrCat("opening ", dir));
  store->db_.reset(db);
  store->meta_ = store->handles_[0];
  store->registry_ = store->handles_[1];
  store->statements_ = store->handles_[2];
  store->apps_ = store->handles_[3];
  store->findings_ = store->handles_[4];
  store->principals_ = store->handles_[5];
  store->identities_ = store->handles_[6];

  std::string version;
  s = db->Get(rocksdb::ReadOptions(), store->meta_, kSchemaKey, &version);
  if (s.IsNotFound()) {
    if (absl::Status st = store->SetSchemaVersion(kSchemaVersion); !st.ok()) return st;
  } else if (!s.ok()) {
    return FromRocksDb(s, "reading schema version");
  } else if (version == "1") {
    store->schema_version_ = 1;  // the owner upgrades it
  } else if (version != absl::StrCat(kSchemaVersion)) {
    return absl::FailedPreconditionError(absl::StrCat(
        dir, " holds a verifier store of schema version ", version,
        "; this build reads ", kSchemaVersion));
  }
  return store;
}

absl::Status VerifierStore::SetSchemaVersion(int version) {
  rocksdb::WriteOptions w;
  w.sync = true;
  rocksdb::Status s = db_->Put(w, meta_, kSchemaKey, absl::StrCat(version));
  if (!s.ok()) return FromRocksDb(s, "writing schema version");
  schema_version_ = version;
  return absl::OkStatus();
}

VerifierStore::~VerifierStore() {
  for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h);
  if (db_ != nullptr) db_->Close();
}

template <typename Message>
absl::StatusOr<std::optional<Message>> VerifierStore::GetMessage(
    rocksdb::ColumnFamilyHandle* cf, const std::string& key) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf, ToSlice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocksDb(s, "read");
  Message m;
  if (!m.ParseFromString(value)) {
    return absl::DataLossError(absl::StrCat("corrupt verifier record ", key));
  }
  return m;
}

absl::StatusOr<std::optional<v1::FollowerRecord>> VerifierStore::ReadFollower() {
  return GetMessage<v1::FollowerRecord>(meta_, kFollowerKey);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
VerifierStore::ReadRegistry() {
  std::vector<std::pair<std::string, std::string>> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), registry_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out.emplace_back(it->key().ToString(), it->value().ToString());
  }
  if (absl::Status s = FromRocksDb(it->status(), "reading registry"); !s.ok()) return s;
  return out;
}

absl::StatusOr<std::optional<v1::IndexedStatement>> VerifierStore::ReadStatement(
    uint64_t index) {
  return GetMessage<v1::IndexedStatement>(statements_, BigEndian64(index));
}

absl::StatusOr<std::vector<v1::IndexedStatement>> VerifierStore::ReadStatements(
    uint64_t start, size_t max) {
  std::vector<v1::IndexedStatement> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), statements_));
  for (it->Seek(ToSlice(BigEndian64(start))); it->Valid() && out.size() < max;
       it->Next()) {
    v1::IndexedStatement st;
    if (!st.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("corrupt statement record");
    }
    out.push_back(std::move(st));
  }
  if (absl::Status s = FromRocksDb(it->status(), "reading statements"); !s.ok()) {
    return s;
  }
  return out;
}

absl::StatusOr<std::optional<uint64_t>> VerifierStore::ReadIdentity(
    const std::string& identity) {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), identities_, ToSlice(identity), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocksDb(s, "read");
  if (value.size() != 8) return absl::DataLossError("corrupt identity record");
  return storage::ReadBigEndian64(value);
}

absl::StatusOr<std::optional<v1::AppRecord>> VerifierStore::ReadApp(
    const std::string& app) {
  return GetMessage<v1::AppRecord>(apps_, app);
}

absl::StatusOr<std::vector<v1::AppRecord>> VerifierStore::ReadApps() {
  std::vector<v1::AppRecord> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), apps_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::AppRecord app;
    if (!app.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("corrupt app record ", it->key().ToString()));
    }
    out.push_back(std::move(app));
  }
  if (absl::Status s = FromRocksDb(it->status(), "reading apps"); !s.ok()) return s;
  return out;
}

absl::StatusOr<std::optional<v1::FindingState>> VerifierStore::ReadFindingState(
    uint64_t claim_index, const std::string& assertion_id) {
  return GetMessage<v1::FindingState>(
      findings_, absl::StrCat(BigEndian64(claim_index), assertion_id));
}

absl::StatusOr<std::optional<v1::PrincipalHistory>> VerifierStore::ReadPrincipal(
    const std::string& name) {
  return GetMessage<v1::PrincipalHistory>(principals_, name);
}

void VerifierStore::Batch::PutPrincipal(const v1::PrincipalHistory& principal) {
  batch_.Put(store_->principals_, principal.name(), principal.SerializeAsString());
}

void VerifierStore::Batch::PutFollower(const v1::FollowerRecord& record) {
  batch_.Put(store_->meta_, kFollowerKey, record.SerializeAsString());
}

void VerifierStore::Batch::PutRegistryRecord(const std::string& key,
                                             const std::string& value) {
  batch_.Put(store_->registry_, key, value);
}

void VerifierStore::Batch::PutStatement(const v1::IndexedStatement& statement) {
  batch_.Put(store_->statements_, ToSlice(BigEndian64(statement.index())),
             statement.SerializeAsString());
}

void VerifierStore::Batch::PutIdentity(const std::string& identity, uint64_t index) {
  batch_.Put(store_->identities_, ToSlice(identity), ToSlice(BigEndian64(index)));
}

void VerifierStore::Batch::PutApp(const v1::AppRecord& app) {
  batch_.Put(store_->apps_, app.app(), app.SerializeAsString());
}

void VerifierStore::Batch::PutFindingState(uint64_t claim_index,
                                           const std::string& assertion_id,
                                           const v1::FindingState& state) {
  batch_.Put(store_->findings_,
             ToSlice(absl::StrCat(BigEndian64(claim_index), assertion_id)),
             state.SerializeAsString());
}

absl::Status VerifierStore::Commit(Batch& batch) {
  rocksdb::WriteOptions w;
  w.sync = true;
  return FromRocksDb(db_->Write(w, &batch.batch_), "write");
}

}  // namespace candor::verifier
