// A RocksDB FileSystem for fault-injection tests: it can fail every write
// (e.g. with "no space left"), and it can simulate a power cut at a chosen
// sync, after which nothing more reaches the disk and everything never
// synced is lost.
//
// Use: wrap the default file system, hand Env() to the store, run, Crash()
// (or CrashAtSync(n)), tear the store down, DropUnsyncedData(), reopen with
// a fresh Env. Thread-safe.

#ifndef CANDOR_TESTS_SUPPORT_FAULT_FS_H_
#define CANDOR_TESTS_SUPPORT_FAULT_FS_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace candor::testing {

class FaultFileSystem : public rocksdb::FileSystemWrapper {
 public:
  static std::shared_ptr<FaultFileSystem> Create();
  const char* Name() const override { return "FaultFileSystem"; }

  // An Env over this file system, for StoreOptions::env.
  rocksdb::Env* env() { return env_.get(); }

  // Every write, sync and file creation fails with `error` until cleared.
  void SetWriteError(rocksdb::IOStatus error);
  void ClearWriteError();

  // The power goes out now, or at the (n+1)-th sync from now (that sync does
  // not happen). Afterwards every write fails as if the process were dead.
  void Crash();
  void CrashAtSync(int n);
  bool crashed() const;
  int syncs() const;

  // After the store is closed: cut every file back to what was synced.
  absl::Status DropUnsyncedData();

  // rocksdb::FileSystem
  rocksdb::IOStatus NewWritableFile(const std::string& fname,
                                    const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname,
                                       const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& fname,
                                      const std::string& old_fname,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& src, const std::string& target,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& fname,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;

  // Called by the file wrappers.
  rocksdb::IOStatus BeforeWrite();
  rocksdb::IOStatus BeforeSync();
  void Synced(const std::string& fname, uint64_t size);

 private:
  FaultFileSystem();
  rocksdb::IOStatus Wrap(const std::string& fname,
                         std::unique_ptr<rocksdb::FSWritableFile>* result,
                         uint64_t initial_size);

  std::unique_ptr<rocksdb::Env> env_;
  mutable absl::Mutex mu_;
  rocksdb::IOStatus write_error_ ABSL_GUARDED_BY(mu_);
  bool crashed_ ABSL_GUARDED_BY(mu_) = false;
  int syncs_ ABSL_GUARDED_BY(mu_) = 0;
  int crash_at_sync_ ABSL_GUARDED_BY(mu_) = -1;
  // Files written through this file system -> bytes known to be durable.
  absl::flat_hash_map<std::string, uint64_t> synced_ ABSL_GUARDED_BY(mu_);
};

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_FAULT_FS_H_
