#include "tests/support/fault_fs.h"

#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"

namespace candor::testing {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;

// Tracks what is appended and reports syncs to the file system.
class FaultFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultFile(FaultFileSystem* fs, std::string name,
            std::unique_ptr<rocksdb::FSWritableFile> file, uint64_t size)
      : FSWritableFileOwnerWrapper(std::move(file)),
        fs_(fs),
        name_(std::move(name)),
        size_(size) {}

  IOStatus Append(const rocksdb::Slice& data, const IOOptions& options,
                  IODebugContext* dbg) override {
    if (IOStatus s = fs_->BeforeWrite(); !s.ok()) return s;
    IOStatus s = target()->Append(data, options, dbg);
    if (s.ok()) size_ += data.size();
    return s;
  }
  IOStatus Append(const rocksdb::Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& info,
                  IODebugContext* dbg) override {
    if (IOStatus s = fs_->BeforeWrite(); !s.ok()) return s;
    IOStatus s = target()->Append(data, options, info, dbg);
    if (s.ok()) size_ += data.size();
    return s;
  }
  IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                            const IOOptions& options, IODebugContext* dbg) override {
    if (IOStatus s = fs_->BeforeWrite(); !s.ok()) return s;
    IOStatus s = target()->PositionedAppend(data, offset, options, dbg);
    if (s.ok()) size_ = std::max(size_, offset + data.size());
    return s;
  }
  IOStatus Truncate(uint64_t size, const IOOptions& options,
                    IODebugContext* dbg) override {
    if (IOStatus s = fs_->BeforeWrite(); !s.ok()) return s;
    IOStatus s = target()->Truncate(size, options, dbg);
    if (s.ok()) size_ = size;
    return s;
  }
  IOStatus Flush(const IOOptions& options, IODebugContext* dbg) override {
    if (IOStatus s = fs_->BeforeWrite(); !s.ok()) return s;
    return target()->Flush(options, dbg);
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    if (IOStatus s = fs_->BeforeSync(); !s.ok()) return s;
    IOStatus s = target()->Sync(options, dbg);
    if (s.ok()) fs_->Synced(name_, size_);
    return s;
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    if (IOStatus s = fs_->BeforeSync(); !s.ok()) return s;
    IOStatus s = target()->Fsync(options, dbg);
    if (s.ok()) fs_->Synced(name_, size_);
    return s;
  }
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& options,
                     IODebugContext* dbg) override {
    // A partial sync: the file is not durable until Sync/Fsync.
    if (IOStatus s = fs_->BeforeWrite(); !s.ok()) return s;
    return target()->RangeSync(offset, nbytes, options, dbg);
  }
  IOStatus Close(const IOOptions& options, IODebugContext* dbg) override {
    return target()->Close(options, dbg);
  }

 private:
  FaultFileSystem* fs_;
  std::string name_;
  uint64_t size_;
};

}  // namespace

FaultFileSystem::FaultFileSystem()
    : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

std::shared_ptr<FaultFileSystem> FaultFileSystem::Create() {
  auto fs = std::shared_ptr<FaultFileSystem>(new FaultFileSystem());
  // The Env must not own the file system that owns it (a leak by cycle):
  // give it a non-owning pointer; the file system outlives its Env.
  fs->env_ = rocksdb::NewCompositeEnv(
      std::shared_ptr<rocksdb::FileSystem>(std::shared_ptr<void>(), fs.get()));
  return fs;
}

void FaultFileSystem::SetWriteError(IOStatus error) {
  absl::MutexLock lock(&mu_);
  write_error_ = std::move(error);
}

void FaultFileSystem::ClearWriteError() {
  absl::MutexLock lock(&mu_);
  write_error_ = IOStatus::OK();
}

void FaultFileSystem::Crash() {
  absl::MutexLock lock(&mu_);
  crashed_ = true;
}

void FaultFileSystem::CrashAtSync(int n) {
  absl::MutexLock lock(&mu_);
  crash_at_sync_ = syncs_ + n;
}

bool FaultFileSystem::crashed() const {
  absl::MutexLock lock(&mu_);
  return crashed_;
}

int FaultFileSystem::syncs() const {
  absl::MutexLock lock(&mu_);
  return syncs_;
}

IOStatus FaultFileSystem::BeforeWrite() {
  absl::MutexLock lock(&mu_);
  if (crashed_) return IOStatus::IOError("simulated power cut");
  return write_error_;
}

IOStatus FaultFileSystem::BeforeSync() {
  absl::MutexLock lock(&mu_);
  if (crashed_) return IOStatus::IOError("simulated power cut");
  if (!write_error_.ok()) return write_error_;
  if (crash_at_sync_ >= 0 && syncs_ >= crash_at_sync_) {
    crashed_ = true;
    return IOStatus::IOError("simulated power cut");
  }
  ++syncs_;
  return IOStatus::OK();
}

void FaultFileSystem::Synced(const std::string& fname, uint64_t size) {
  absl::MutexLock lock(&mu_);
  synced_[fname] = size;
}

IOStatus FaultFileSystem::Wrap(const std::string& fname,
                               std::unique_ptr<rocksdb::FSWritableFile>* result,
                               uint64_t initial_size) {
  {
    absl::MutexLock lock(&mu_);
    synced_.try_emplace(fname, initial_size);
  }
  *result = std::make_unique<FaultFile>(this, fname, std::move(*result), initial_size);
  return IOStatus::OK();
}

IOStatus FaultFileSystem::NewWritableFile(
    const std::string& fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  if (IOStatus s = BeforeWrite(); !s.ok()) return s;
  IOStatus s = target()->NewWritableFile(fname, options, result, dbg);
  if (!s.ok()) return s;
  {
    absl::MutexLock lock(&mu_);
    synced_[fname] = 0;  // a new file: nothing of it is durable yet
  }
  return Wrap(fname, result, 0);
}

IOStatus FaultFileSystem::ReopenWritableFile(
    const std::string& fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  if (IOStatus s = BeforeWrite(); !s.ok()) return s;
  uint64_t size = 0;
  (void)target()->GetFileSize(fname, IOOptions(), &size, dbg);
  IOStatus s = target()->ReopenWritableFile(fname, options, result, dbg);
  if (!s.ok()) return s;
  return Wrap(fname, result, size);
}

IOStatus FaultFileSystem::ReuseWritableFile(
    const std::string& fname, const std::string& old_fname,
    const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
  if (IOStatus s = BeforeWrite(); !s.ok()) return s;
  IOStatus s = target()->ReuseWritableFile(fname, old_fname, options, result, dbg);
  if (!s.ok()) return s;
  {
    absl::MutexLock lock(&mu_);
    synced_.erase(old_fname);
    synced_[fname] = 0;
  }
  return Wrap(fname, result, 0);
}

IOStatus FaultFileSystem::RenameFile(const std::string& src,
                                     const std::string& target_name,
                                     const IOOptions& options, IODebugContext* dbg) {
  if (IOStatus s = BeforeWrite(); !s.ok()) return s;
  IOStatus s = target()->RenameFile(src, target_name, options, dbg);
  if (!s.ok()) return s;
  absl::MutexLock lock(&mu_);
  auto it = synced_.find(src);
  if (it != synced_.end()) {
    synced_[target_name] = it->second;
    synced_.erase(src);
  }
  return s;
}

IOStatus FaultFileSystem::DeleteFile(const std::string& fname,
                                     const IOOptions& options, IODebugContext* dbg) {
  if (IOStatus s = BeforeWrite(); !s.ok()) return s;
  IOStatus s = target()->DeleteFile(fname, options, dbg);
  if (s.ok()) {
    absl::MutexLock lock(&mu_);
    synced_.erase(fname);
  }
  return s;
}

absl::Status FaultFileSystem::DropUnsyncedData() {
  absl::MutexLock lock(&mu_);
  for (const auto& [name, size] : synced_) {
    struct stat st;
    if (::stat(name.c_str(), &st) != 0) continue;
    if (static_cast<uint64_t>(st.st_size) > size &&
        ::truncate(name.c_str(), static_cast<off_t>(size)) != 0) {
      return absl::InternalError(absl::StrCat("cannot truncate ", name));
    }
  }
  return absl::OkStatus();
}

}  // namespace candor::testing
