// The integrator: folds sequenced entries into the Merkle tree in batches and
// signs a C2SP checkpoint for each batch.
//
// One thread wakes every `interval`, or as soon as `batch_entries` entries
// are waiting, reads the new entries back from storage, appends their leaf
// hashes to the compact range, and writes the changed tiles, the signed
// checkpoint and the tree state in one synced batch. Before signing it
// recomputes the new root from the stored tiles and verifies a consistency
// proof from the previous checkpoint, so the log never signs a checkpoint
// inconsistent with one it signed before. With a FileWriter, each batch is
// then published as tlog-tiles files.
//
// Memory is O(log n): the compact range and the tiles of one batch.
// Thread-safe.

#ifndef CANDOR_LOG_SEQUENCER_INTEGRATOR_H_
#define CANDOR_LOG_SEQUENCER_INTEGRATOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "log/merkle/compact_range.h"
#include "log/note/note.h"
#include "log/storage/log_store.h"
#include "log/tiles/file_writer.h"

namespace candor::sequencer {

// A checkpoint the log has signed and stored.
struct PublishedCheckpoint {
  uint64_t size = 0;
  merkle::Hash root{};
  std::string note;  // the signed note, verbatim
};

using CheckpointPtr = std::shared_ptr<const PublishedCheckpoint>;
using WaitCallback = absl::AnyInvocable<void(absl::StatusOr<CheckpointPtr>) &&>;

struct IntegratorOptions {
  absl::Duration interval = absl::Milliseconds(250);
  // Integrate as soon as this many entries wait.
  size_t batch_entries = 256;
  // At most this many entries per checkpoint (catching up after a restart).
  size_t max_batch_entries = 8192;
  // Write each checkpoint as the tiles directory's `checkpoint` file. Off
  // when witnesses cosign: then only witnessed checkpoints are published
  // there (log/witness/witnessing.h), by whoever collects them.
  bool publish_checkpoint_file = true;
  // Called on the integrator thread with each new checkpoint once it is
  // stored; must be quick and must not call back into the integrator.
  std::function<void(CheckpointPtr)> on_checkpoint;
};

class Integrator {
 public:
  // Resumes from the stored tree state: rebuilds the compact range from
  // O(log n) tile nodes and checks that it gives the stored root and that the
  // stored checkpoint is ours. Signs a checkpoint of the empty tree for a new
  // log. Republishes files the last run may not have written. Fails with
  // DATA_LOSS if storage is inconsistent, FAILED_PRECONDITION if the stored
  // checkpoint has another origin or key. `store` and `files` (may be null)
  // must outlive the integrator.
  static absl::StatusOr<std::unique_ptr<Integrator>> Start(
      storage::LogStore* store, note::Signer signer, std::string origin,
      tiles::FileWriter* files, IntegratorOptions options);
  // Stops the thread; pending waits fail with UNAVAILABLE.
  ~Integrator();

  // Tells the integrator that entries [0, sequenced_size) are durable.
  void NotifySequenced(uint64_t sequenced_size);

  CheckpointPtr latest() const;

  // Calls `done` (on the integrator thread) with the first checkpoint whose
  // tree includes `index`, or with DEADLINE_EXCEEDED at `deadline`.
  void WaitForInclusion(uint64_t index, absl::Time deadline, WaitCallback done);

  // The last integration error, OK if the last batch succeeded.
  absl::Status health() const;

  // Blocks until the tlog-tiles files of a tree of at least `size` entries
  // are published: DEADLINE_EXCEEDED at `deadline`, FAILED_PRECONDITION if
  // the integrator publishes no files.
  absl::Status WaitForPublishedFiles(uint64_t size, absl::Time deadline) const;

 private:
  struct Waiter {
    absl::Time deadline;
    WaitCallback done;
  };

  Integrator(storage::LogStore* store, note::Signer signer, std::string origin,
             tiles::FileWriter* files, IntegratorOptions options,
             merkle::CompactRange range, CheckpointPtr latest,
             uint64_t sequenced);
  void Run();
  // Integrates entries [tree size, tree size + count).
  absl::Status IntegrateBatch(uint64_t count);
  absl::StatusOr<std::string> SignCheckpoint(uint64_t size,
                                             const merkle::Hash& root) const;
  // Writes tiles, bundles and the checkpoint for growth old_size -> the
  // latest checkpoint.
  absl::Status PublishFiles(uint64_t old_size, const PublishedCheckpoint& cp);
  void FireWaiters();

  storage::LogStore* const store_;
  const note::Signer signer_;
  const std::string origin_;
  tiles::FileWriter* const files_;
  const IntegratorOptions options_;

  // Owned by the integrator thread.
  merkle::CompactRange range_;
  bool resume_needed_ = false;
  // Tree size up to which files are published; a failed publication is
  // retried after the next batch.
  uint64_t published_size_ = 0;

  mutable absl::Mutex mu_;
  CheckpointPtr latest_ ABSL_GUARDED_BY(mu_);
  uint64_t sequenced_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status health_ ABSL_GUARDED_BY(mu_);
  // published_size_, for other threads.
  uint64_t files_published_ ABSL_GUARDED_BY(mu_) = 0;
  std::multimap<uint64_t, Waiter> waiters_ ABSL_GUARDED_BY(mu_);

  std::thread thread_;
};

}  // namespace candor::sequencer

#endif  // CANDOR_LOG_SEQUENCER_INTEGRATOR_H_
