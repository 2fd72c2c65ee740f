// candor-verifier's own RocksDB: how far it has verified the log, the
// registry it replayed, the statements it indexed by app and by identity
// (dsse::StatementIdentity), the reference-data entries and the state of its
// findings.
//
// Schema version 2 added the identity index. A store of version 1 opens with
// schema_version() 1; its owner (Indexer::Create) fills the index once and
// calls SetSchemaVersion(2).
//
// Thread-safe: reads run concurrently with writes; each Commit is one atomic,
// synced batch, so a crash leaves the store at a chunk boundary and the
// follower resumes there. Errors as storage::FromRocksDb.

#ifndef CANDOR_VERIFIER_SERVER_VERIFIER_STORE_H_
#define CANDOR_VERIFIER_SERVER_VERIFIER_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/candor/verifier/v1/store.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace candor::verifier {

class VerifierStore {
 public:
  static absl::StatusOr<std::unique_ptr<VerifierStore>> Open(const std::string& dir);
  ~VerifierStore();

  static constexpr int kSchemaVersion = 2;
  int schema_version() const { return schema_version_; }
  absl::Status SetSchemaVersion(int version);

  absl::StatusOr<std::optional<v1::FollowerRecord>> ReadFollower();
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ReadRegistry();
  absl::StatusOr<std::optional<v1::IndexedStatement>> ReadStatement(uint64_t index);
  // Up to `max` statements from index `start` on, in index order.
  absl::StatusOr<std::vector<v1::IndexedStatement>> ReadStatements(uint64_t start,
                                                                   size_t max);
  // The index of the first statement indexed with this identity, if any.
  absl::StatusOr<std::optional<uint64_t>> ReadIdentity(const std::string& identity);
  absl::StatusOr<std::optional<v1::AppRecord>> ReadApp(const std::string& app);
  absl::StatusOr<std::vector<v1::AppRecord>> ReadApps();
  absl::StatusOr<std::optional<v1::FindingState>> ReadFindingState(
      uint64_t claim_index, const std::string& assertion_id);
  absl::StatusOr<std::optional<v1::PrincipalHistory>> ReadPrincipal(
      const std::string& name);

  class Batch {
   public:
    void PutFollower(const v1::FollowerRecord& record);
    void PutRegistryRecord(const std::string& key, const std::string& value);
    void PutStatement(const v1::IndexedStatement& statement);
    void PutIdentity(const std::string& identity, uint64_t index);
    void PutApp(const v1::AppRecord& app);
    void PutFindingState(uint64_t claim_index, const std::string& assertion_id,
                         const v1::FindingState& state);
    void PutPrincipal(const v1::PrincipalHistory& principal);

   private:
    friend class VerifierStore;
    explicit Batch(VerifierStore* store) : store_(store) {}
    VerifierStore* store_;
    rocksdb::WriteBatch batch_;
  };
  Batch NewBatch() { return Batch(this); }
  absl::Status Commit(Batch& batch);

 private:
  VerifierStore() = default;
  template <typename Message>
  absl::StatusOr<std::optional<Message>> GetMessage(rocksdb::ColumnFamilyHandle* cf,
                                                    const std::string& key);

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* registry_ = nullptr;
  rocksdb::ColumnFamilyHandle* statements_ = nullptr;
  rocksdb::ColumnFamilyHandle* apps_ = nullptr;
  rocksdb::ColumnFamilyHandle* findings_ = nullptr;
  rocksdb::ColumnFamilyHandle* principals_ = nullptr;
  rocksdb::ColumnFamilyHandle* identities_ = nullptr;
  int schema_version_ = kSchemaVersion;
};

}  // namespace candor::verifier

#endif  // CANDOR_VERIFIER_SERVER_VERIFIER_STORE_H_
