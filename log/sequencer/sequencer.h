// The sequencer: assigns indices to admitted entries and makes them durable.
//
// Submit() queues an entry; one thread takes everything queued, drops
// duplicates, re-checks keys and applies registrations in index order, and
// writes the whole group in one synced RocksDB batch, so concurrent adds
// share one fsync. Callbacks run on that thread once the batch is durable (or
// failed), never before.
//
// A duplicate is an entry whose identity (AdmittedEntry::identity: what was
// signed) is that of an entry already in the log or earlier in the batch,
// whatever its bytes: it is answered with that entry's index and leaf hash,
// marked duplicate, and adds nothing. Since one thread sequences, concurrent
// adds of one statement yield exactly one entry.
//
// Thread-safe. Callbacks must not block for long: they delay the next batch.

#ifndef CANDOR_LOG_SEQUENCER_SEQUENCER_H_
#define CANDOR_LOG_SEQUENCER_SEQUENCER_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <thread>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "log/admission/admission.h"
#include "log/merkle/hash.h"
#include "log/registry/registry.h"
#include "log/storage/log_store.h"

namespace candor::sequencer {

struct SequencedEntry {
  uint64_t index = 0;
  merkle::Hash leaf_hash{};  // of the entry at `index`
  bool duplicate = false;
};

using SequenceCallback =
    absl::AnyInvocable<void(absl::StatusOr<SequencedEntry>) &&>;

struct SequencerOptions {
  size_t max_batch_entries = 2048;
  size_t max_batch_bytes = 32 << 20;
  // Submissions beyond this many queued entries are refused with
  // RESOURCE_EXHAUSTED rather than buffered without bound.
  size_t max_queued_entries = 65536;
};

class Sequencer {
 public:
  // Loads the sequenced size and the registry from `store` and starts the
  // sequencing thread. `store` and `admission` must outlive the sequencer.
  static absl::StatusOr<std::unique_ptr<Sequencer>> Start(
      storage::LogStore* store, const admission::Admission* admission,
      SequencerOptions options = SequencerOptions());
  // Finishes the batch in progress and fails everything still queued with
  // UNAVAILABLE.
  ~Sequencer();

  void Submit(admission::AdmittedEntry entry, SequenceCallback done);

  // The registry as of the last durable batch; immutable.
  std::shared_ptr<const registry::RegistryState> registry() const;
  uint64_t sequenced_size() const;

  // Called on the sequencing thread after each durable batch that added
  // entries, with the new sequenced size. Set before the first Submit.
  void SetListener(absl::AnyInvocable<void(uint64_t)> on_sequenced);

 private:
  struct Pending {
    admission::AdmittedEntry entry;
    SequenceCallback done;
  };

  Sequencer(storage::LogStore* store, const admission::Admission* admission,
            SequencerOptions options, uint64_t size,
            std::shared_ptr<const registry::RegistryState> registry);
  void Run();
  void SequenceBatch(std::deque<Pending> batch);

  storage::LogStore* const store_;
  const admission::Admission* const admission_;
  const SequencerOptions options_;

  mutable absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t size_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const registry::RegistryState> registry_ ABSL_GUARDED_BY(mu_);
  absl::AnyInvocable<void(uint64_t)> on_sequenced_;
  // After a failed write, asks the store to resume (RocksDB stops writing
  // after an I/O error until asked) and reads the sequenced size and the
  // registry again: a failed commit may have been stored after all (a
  // database connection lost during COMMIT).
  absl::Status ResumeFromStore();
  // Set after a failed write; the next batch resumes first.
  bool resume_needed_ = false;  // sequencing thread only

  std::thread thread_;
};

}  // namespace candor::sequencer

#endif  // CANDOR_LOG_SEQUENCER_SEQUENCER_H_
