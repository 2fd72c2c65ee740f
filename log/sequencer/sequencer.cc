#include "log/sequencer/sequencer.h"

#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace candor::sequencer {

namespace {

// What the sequencer starts from: the sequenced size and the registry.
struct DurableState {
  uint64_t size = 0;
  std::shared_ptr<const registry::RegistryState> registry;
};

absl::StatusOr<DurableState> ReadDurableState(storage::LogStore& store) {
  absl::StatusOr<uint64_t> size = store.ReadSequencedSize();
  if (!size.ok()) return size.status();
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> records =
      store.ReadRegistry();
  if (!records.ok()) return records.status();
  absl::StatusOr<registry::RegistryState> state =
      registry::RegistryState::FromRecords(*records);
  if (!state.ok()) return state.status();
  return DurableState{*size,
                      std::make_shared<const registry::RegistryState>(*std::move(state))};
}

}  // namespace

absl::StatusOr<std::unique_ptr<Sequencer>> Sequencer::Start(
    storage::LogStore* store, const admission::Admission* admission,
    SequencerOptions options) {
  absl::StatusOr<DurableState> state = ReadDurableState(*store);
  if (!state.ok()) return state.status();
  auto sequencer = std::unique_ptr<Sequencer>(
      new Sequencer(store, admission, options, state->size, std::move(state->registry)));
  sequencer->thread_ = std::thread([s = sequencer.get()] { s->Run(); });
  return sequencer;
}

Sequencer::Sequencer(storage::LogStore* store,
                     const admission::Admission* admission,
                     SequencerOptions options, uint64_t size,
                     std::shared_ptr<const registry::RegistryState> registry)
    : store_(store),
      admission_(admission),
      options_(options),
      size_(size),
      registry_(std::move(registry)) {}

Sequencer::~Sequencer() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  std::deque<Pending> left;
  {
    absl::MutexLock lock(&mu_);
    left.swap(queue_);
  }
  for (Pending& p : left) {
    std::move(p.done)(absl::UnavailableError("the log is shutting down"));
  }
}

void Sequencer::Submit(admission::AdmittedEntry entry, SequenceCallback done) {
  absl::Status refused;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      refused = absl::UnavailableError("the log is shutting down");
    } else if (queue_.size() >= options_.max_queued_entries) {
      refused = absl::ResourceExhaustedError(absl::StrCat(
          "the log has ", options_.max_queued_entries,
          " entries waiting to be sequenced; retry in a second"));
    } else {
      queue_.push_back(Pending{std::move(entry), std::move(done)});
      return;
    }
  }
  std::move(done)(refused);
}

std::shared_ptr<const registry::RegistryState> Sequencer::registry() const {
  absl::MutexLock lock(&mu_);
  return registry_;
}

uint64_t Sequencer::sequenced_size() const {
  absl::MutexLock lock(&mu_);
  return size_;
}

void Sequencer::SetListener(absl::AnyInvocable<void(uint64_t)> on_sequenced) {
  on_sequenced_ = std::move(on_sequenced);
}

void Sequencer::Run() {
  while (true) {
    std::deque<Pending> batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Sequencer* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->mu_) {
            return s->stopping_ || !s->queue_.empty();
          },
          this));
      if (queue_.empty()) return;  // stopping
      size_t bytes = 0;
      while (!queue_.empty() && batch.size() < options_.max_batch_entries &&
             (batch.empty() ||
              bytes + queue_.front().entry.entry.size() <=
                  options_.max_batch_bytes)) {
        bytes += queue_.front().entry.entry.size();
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    SequenceBatch(std::move(batch));
  }
}

absl::Status Sequencer::ResumeFromStore() {
  if (absl::Status s = store_->Resume(); !s.ok()) return s;
  absl::StatusOr<DurableState> state = ReadDurableState(*store_);
  if (!state.ok()) return state.status();
  const uint64_t size = state->size;
  bool grew;
  {
    absl::MutexLock lock(&mu_);
    grew = size > size_;
    size_ = size;
    registry_ = std::move(state->registry);
  }
  // The failed commit was stored after all: its entries are in the log
  // (unacknowledged; a retry finds them) and go on to be integrated.
  if (grew && on_sequenced_) on_sequenced_(size);
  resume_needed_ = false;
  return absl::OkStatus();
}

void Sequencer::SequenceBatch(std::deque<Pending> batch) {
  if (resume_needed_) {
    if (absl::Status s = ResumeFromStore(); !s.ok()) {
      const absl::Status failure = absl::UnavailableError(absl::StrCat(
          "the log cannot write at the moment; nothing was added, retry later (",
          s.message(), ")"));
      for (Pending& p : batch) std::move(p.done)(failure);
      return;
    }
  }
  uint64_t next;
  std::shared_ptr<const registry::RegistryState> current;
  {
    absl::MutexLock lock(&mu_);
    next = size_;
    current = registry_;
  }
  const uint64_t first = next;
  // Copied only if this batch registers someone.
  std::optional<registry::RegistryState> working;
  absl::flat_hash_set<std::string> changed_principals;

  std::vector<absl::StatusOr<SequencedEntry>> results(
      batch.size(), absl::UnknownError("not sequenced"));
  // Identity -> position in `batch` of the entry that was given an index.
  absl::flat_hash_map<Sha256Digest, size_t> in_batch;
  storage::LogStore::Batch writes = store_->NewBatch();

  // Which statements the log already holds, asked once for the batch (one
  // round trip on a database); only this thread writes, so the answers hold
  // until the batch is committed.
  std::vector<Sha256Digest> identities;
  identities.reserve(batch.size());
  for (const Pending& p : batch) identities.push_back(p.entry.identity);
  absl::StatusOr<std::vector<std::optional<storage::StoredEntry>>> logged =
      store_->FindIdentities(identities);

  for (size_t i = 0; i < batch.size(); ++i) {
    const admission::AdmittedEntry& e = batch[i].entry;
    // One statement, one entry: another form of an admitted statement (or
    // the same bytes again) answers with the entry that logged it.
    if (auto it = in_batch.find(e.identity); it != in_batch.end()) {
      SequencedEntry dup = *results[it->second];
      dup.duplicate = true;
      results[i] = dup;
      continue;
    }
    if (!logged.ok()) {
      results[i] = logged.status();
      continue;
    }
    if (const std::optional<storage::StoredEntry>& existing = (*logged)[i];
        existing.has_value()) {
      results[i] = SequencedEntry{existing->index, merkle::HashLeaf(existing->entry), true};
      continue;
    }
    const registry::RegistryState& state = working ? *working : *current;
    if (absl::Status s = admission_->Recheck(e, state, next); !s.ok()) {
      results[i] = s;
      continue;
    }
    if (e.registration.has_value()) {
      if (!working) working = *current;
      if (absl::Status s = working->Apply(*e.registration, next); !s.ok()) {
        results[i] = s;
        continue;
      }
      changed_principals.insert(e.registration->name());
    }
    writes.PutEntry(next, e.entry, e.leaf_hash, e.identity);
    in_batch[e.identity] = i;
    results[i] = SequencedEntry{next, e.leaf_hash, false};
    ++next;
  }

  if (next > first) {
    for (const std::string& name : changed_principals) {
      for (const auto& [key, value] : working->RecordsFor(name)) {
        writes.PutRegistryRecord(key, value);
      }
    }
    writes.PutSequencedSize(next);
    absl::Status committed = store_->Commit(writes);
    if (!committed.ok()) {
      resume_needed_ = true;
      absl::Status failure = absl::UnavailableError(absl::StrCat(
          "the log could not confirm that the entry is stored durably; retry "
          "later: a retry answers with the entry's index if it was stored (",
          committed.message(), ")"));
      for (size_t i = 0; i < batch.size(); ++i) {
        if (results[i].ok() && results[i]->index >= first) results[i] = failure;
      }
    } else {
      {
        absl::MutexLock lock(&mu_);
        size_ = next;
        if (working) {
          registry_ = std::make_shared<const registry::RegistryState>(
              *std::move(working));
        }
      }
      if (on_sequenced_) on_sequenced_(next);
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    std::move(batch[i].done)(std::move(results[i]));
  }
}

}  // namespace candor::sequencer
