#include "log/sequencer/integrator.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "log/index/index_note.h"
#include "log/index/index_store.h"
#include "log/logging/logging.h"
#include "log/merkle/proof.h"
#include "log/note/checkpoint.h"
#include "log/tiles/tiles.h"

namespace candor::sequencer {
namespace {

// Tiles of one batch, in memory until committed, read in preference to the
// stored (older, narrower) versions.
using TileMap = absl::flat_hash_map<tiles::TileId, std::string>;

class OverlayTiles : public tiles::TileSource {
 public:
  OverlayTiles(tiles::TileSource& base, const TileMap& tiles, const TileMap& mid_rows)
      : base_(base), tiles_(tiles), mid_rows_(mid_rows) {}
  absl::StatusOr<std::string> ReadTile(const tiles::TileId& tile) override {
    auto it = tiles_.find(tile);
    if (it != tiles_.end()) return it->second;
    return base_.ReadTile(tile);
  }
  absl::StatusOr<std::string> ReadMidRow(const tiles::TileId& tile) override {
    auto it = mid_rows_.find(tile);
    if (it != mid_rows_.end()) return it->second;
    return base_.ReadMidRow(tile);
  }

 private:
  tiles::TileSource& base_;
  const TileMap& tiles_;
  const TileMap& mid_rows_;
};

// Files entries [first, first + entries.size()) in the verifiable index,
// which must cover exactly [0, first), and, when `log_root` is given (the
// checkpoint of first + entries.size() entries), signs its index note: the
// records to commit in the same batch as that checkpoint.
absl::StatusOr<index::IndexRecords> IndexEntries(
    storage::LogStore& store, const note::Signer& signer, const std::string& origin,
    uint64_t first, absl::Span<const std::string> entries,
    const std::optional<merkle::Hash>& log_root) {
  index::IndexRecords records;
  index::IndexState next;
  absl::Status read = store.ReadIndex([&](storage::LogStore::IndexView& view) {
    absl::StatusOr<index::IndexState> state = index::ReadIndexState(view);
    if (!state.ok()) return state.status();
    if (state->size != first) {
      return absl::DataLossError(absl::StrCat("the index covers ", state->size,
                                              " entries; expected ", first));
    }
    absl::StatusOr<merkle::Hash> root = index::FileEntries(view, first, entries, records);
    if (!root.ok()) return root.status();
    next.size = first + entries.size();
    next.root = *root;
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  if (log_root.has_value()) {
    absl::StatusOr<std::string> note = note::Sign(
        index::FormatIndexNote({origin, next.size, *log_root, next.root}), {signer});
    if (!note.ok()) return note.status();
    next.note = *std::move(note);
  }
  records.push_back(index::IndexStateRecord(next));
  return records;
}

// Brings the index of a store written before the index existed up to the
// tree of `state`, in bounded batches, and signs its note (a new log's too).
absl::Status CatchUpIndex(storage::LogStore& store, const note::Signer& signer,
                          const std::string& origin, const storage::TreeState& state,
                          size_t batch_entries) {
  absl::StatusOr<index::IndexState> indexed;
  absl::Status read = store.ReadIndex([&](storage::LogStore::IndexView& view) {
    indexed = index::ReadIndexState(view);
    return indexed.status();
  });
  if (!read.ok()) return read;
  if (indexed->size > state.size) {
    return absl::DataLossError(absl::StrCat("the index covers ", indexed->size,
                                            " entries, the tree only ", state.size));
  }
  if (indexed->size == state.size && !indexed->note.empty()) return absl::OkStatus();
  if (state.size > indexed->size) {
    logging::Info("building the verifiable index",
                  {{"from", std::to_string(indexed->size)},
                   {"to", std::to_string(state.size)}});
  }
  uint64_t size = indexed->size;
  do {
    const uint64_t count = std::min<uint64_t>(batch_entries, state.size - size);
    std::vector<std::string> entries;
    if (count > 0) {
      if (absl::Status s = store.ReadEntries(size, count, SIZE_MAX, entries); !s.ok()) {
        return s;
      }
      if (entries.size() != count) {
        return absl::DataLossError(absl::StrCat("entries from ", size + entries.size(),
                                                " are missing from the log"));
      }
    }
    const bool last = size + count == state.size;
    absl::StatusOr<index::IndexRecords> records = IndexEntries(
        store, signer, origin, size, entries,
        last ? std::optional<merkle::Hash>(state.root) : std::nullopt);
    if (!records.ok()) return records.status();
    storage::LogStore::Batch batch = store.NewBatch();
    for (const auto& [key, value] : *records) batch.PutIndexRecord(key, value);
    if (absl::Status s = store.Commit(batch); !s.ok()) return s;
    size += count;
  } while (size < state.size);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Integrator>> Integrator::Start(
    storage::LogStore* store, note::Signer signer, std::string origin,
    tiles::FileWriter* files, IntegratorOptions options) {
  absl::StatusOr<storage::TreeState> state = store->ReadTreeState();
  if (!state.ok()) return state.status();
  absl::StatusOr<uint64_t> sequenced = store->ReadSequencedSize();
  if (!sequenced.ok()) return sequenced.status();

  std::vector<merkle::NodeId> ids =
      merkle::CompactRange::FrontierNodes(state->size);
  std::vector<merkle::Hash> frontier(ids.size());
  tiles::TileNodeReader reader(*store);
  if (absl::Status s = reader.ReadNodes(ids, absl::MakeSpan(frontier)); !s.ok()) {
    return absl::DataLossError(absl::StrCat(
        "cannot read the frontier of the stored tree of size ", state->size,
        ": ", s.message()));
  }
  absl::StatusOr<merkle::CompactRange> range =
      merkle::CompactRange::FromFrontier(state->size, std::move(frontier));
  if (!range.ok()) return range.status();
  if (range->Root() != state->root) {
    return absl::DataLossError(absl::StrCat(
        "the stored tiles give a different root than the stored tree state at "
        "size ",
        state->size));
  }

  auto latest = std::make_shared<PublishedCheckpoint>();
  latest->size = state->size;
  latest->root = state->root;
  if (state->checkpoint.empty()) {
    if (state->size != 0) {
      return absl::DataLossError("stored tree state has no checkpoint");
    }
    // A new log: commit to the empty tree at once, so that there is always a
    // checkpoint to serve.
    note::Checkpoint cp{origin, 0, merkle::EmptyRoot(), {}};
    absl::StatusOr<std::string> note =
        note::Sign(note::FormatCheckpoint(cp), {signer});
    if (!note.ok()) return note.status();
    storage::LogStore::Batch batch = store->NewBatch();
    batch.PutCheckpoint(0, *note);
    batch.PutTreeState(storage::TreeState{0, merkle::EmptyRoot(), *note});
    if (absl::Status s = store->Commit(batch); !s.ok()) return s;
    latest->note = *std::move(note);
  } else {
    absl::StatusOr<note::SignedCheckpoint> opened =
        note::OpenCheckpoint(state->checkpoint, signer.verifier());
    if (!opened.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the stored checkpoint does not verify with the log key \"",
          signer.name(), "\": ", opened.status().message(),
          " (was the log started with another --log_key?)"));
    }
    if (opened->checkpoint.origin != origin) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the stored log has origin \"", opened->checkpoint.origin,
          "\", not \"", origin, "\""));
    }
    if (opened->checkpoint.size != state->size ||
        opened->checkpoint.root != state->root) {
      return absl::DataLossError(
          "the stored checkpoint does not match the stored tree state");
    }
    latest->note = state->checkpoint;
  }
  if (absl::Status s = CatchUpIndex(*store, signer, origin,
                                    storage::TreeState{latest->size, latest->root, ""},
                                    options.max_batch_entries);
      !s.ok()) {
    return s;
  }

  auto integrator = std::unique_ptr<Integrator>(
      new Integrator(store, std::move(signer), std::move(origin), files, options,
                     *std::move(range), std::move(latest), *sequenced));
  if (files != nullptr) {
    absl::StatusOr<uint64_t> published = store->ReadPublishedSize();
    if (!published.ok()) return published.status();
    CheckpointPtr cp = integrator->latest();
    integrator->published_size_ = std::min(*published, cp->size);
    // Files that cannot be written now are retried by the integrator thread;
    // the log itself can serve meanwhile.
    integrator->health_ = integrator->PublishFiles(integrator->published_size_, *cp);
  }
  integrator->thread_ = std::thread([i = integrator.get()] { i->Run(); });
  return integrator;
}

Integrator::Integrator(storage::LogStore* store, note::Signer signer,
                       std::string origin, tiles::FileWriter* files,
                       IntegratorOptions options, merkle::CompactRange range,
                       CheckpointPtr latest, uint64_t sequenced)
    : store_(store),
      signer_(std::move(signer)),
      origin_(std::move(origin)),
      files_(files),
      options_(options),
      range_(std::move(range)),
      latest_(std::move(latest)),
      sequenced_(sequenced) {}

Integrator::~Integrator() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  std::multimap<uint64_t, Waiter> left;
  {
    absl::MutexLock lock(&mu_);
    left.swap(waiters_);
  }
  for (auto& [index, w] : left) {
    std::move(w.done)(absl::UnavailableError("the log is shutting down"));
  }
}

void Integrator::NotifySequenced(uint64_t sequenced_size) {
  absl::MutexLock lock(&mu_);
  if (sequenced_size > sequenced_) sequenced_ = sequenced_size;
}

CheckpointPtr Integrator::latest() const {
  absl::MutexLock lock(&mu_);
  return latest_;
}

absl::Status Integrator::health() const {
  absl::MutexLock lock(&mu_);
  return health_;
}

void Integrator::WaitForInclusion(uint64_t index, absl::Time deadline,
                                  WaitCallback done) {
  CheckpointPtr now;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      // Fail outside the lock.
    } else if (index < latest_->size) {
      now = latest_;
    } else {
      waiters_.emplace(index, Waiter{deadline, std::move(done)});
      return;
    }
  }
  if (now) {
    std::move(done)(now);
  } else {
    std::move(done)(absl::UnavailableError("the log is shutting down"));
  }
}

void Integrator::Run() {
  while (true) {
    uint64_t pending = 0;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ ||
               sequenced_ - latest_->size >= options_.batch_entries;
      };
      mu_.AwaitWithTimeout(absl::Condition(&ready), options_.interval);
      if (stopping_) return;
      pending = sequenced_ - latest_->size;
    }
    if (pending > 0) {
      absl::Status s = IntegrateBatch(
          std::min<uint64_t>(pending, options_.max_batch_entries));
      absl::MutexLock lock(&mu_);
      health_ = s;
    } else if (files_ != nullptr && published_size_ < latest()->size) {
      absl::Status s = PublishFiles(published_size_, *latest());
      absl::MutexLock lock(&mu_);
      health_ = s;
    }
    FireWaiters();
  }
}

absl::StatusOr<std::string> Integrator::SignCheckpoint(
    uint64_t size, const merkle::Hash& root) const {
  note::Checkpoint cp{origin_, size, root, {}};
  return note::Sign(note::FormatCheckpoint(cp), {signer_});
}

absl::Status Integrator::IntegrateBatch(uint64_t count) {
  const CheckpointPtr previous = latest();
  const uint64_t old_size = previous->size;
  const uint64_t new_size = old_size + count;

  std::vector<std::string> entries;
  if (absl::Status s = store_->ReadEntries(old_size, count, SIZE_MAX, entries);
      !s.ok()) {
    return s;
  }
  if (entries.size() != count) {
    return absl::DataLossError(absl::StrCat(
        "sequenced entries [", old_size, ", ", new_size, ") are missing from ",
        old_size + entries.size()));
  }

  // Start each touched tile level from its stored right-most tile, and its
  // middle row.
  TileMap changed, changed_mid;
  // Tiles whose middle row is not kept (logs written before it was): their
  // nodes are read from the base row.
  absl::flat_hash_set<tiles::TileId> without_mid;
  for (uint32_t level = 0; level < 8; ++level) {
    tiles::TileRange r = tiles::ChangedTiles(level, old_size, new_size);
    if (r.first > r.last) break;
    tiles::TileId first{level, r.first};
    const uint32_t width = tiles::TileWidth(level, r.first, old_size);
    if (width > 0) {
      absl::StatusOr<std::string> tile = store_->ReadTile(first);
      if (!tile.ok()) return tile.status();
      changed[first] = *std::move(tile);
    }
    if ((width >> tiles::kMidRowLevel) > 0) {  // the row holds a node already
      absl::StatusOr<std::string> mid = store_->ReadMidRow(first);
      if (mid.ok() && mid->size() == (width >> tiles::kMidRowLevel) * merkle::kHashSize) {
        changed_mid[first] = *std::move(mid);
      } else if (mid.ok() || absl::IsNotFound(mid.status())) {
        without_mid.insert(first);
      } else {
        return mid.status();
      }
    }
  }

  merkle::CompactRange range = range_;
  absl::Status tile_error;
  for (const std::string& entry : entries) {
    range.Append(merkle::HashLeaf(entry), [&](merkle::NodeId id,
                                              const merkle::Hash& h) {
      if (id.level % tiles::kTileHeight == tiles::kMidRowLevel) {
        tiles::TileId tile{id.level / tiles::kTileHeight, id.index / tiles::kMidRowWidth};
        if (without_mid.contains(tile)) return;
        std::string& data = changed_mid[tile];
        if (data.size() != (id.index % tiles::kMidRowWidth) * merkle::kHashSize) {
          tile_error = absl::DataLossError(absl::StrCat(
              "middle row of tile ", tiles::TilePath(tile.level, tile.index, 0), " has ",
              data.size() / merkle::kHashSize, " hashes; expected ",
              id.index % tiles::kMidRowWidth));
          return;
        }
        data.append(merkle::AsBytes(h).data(), merkle::kHashSize);
        return;
      }
      if (id.level % tiles::kTileHeight != 0) return;
      tiles::TileId tile{id.level / tiles::kTileHeight,
                         id.index / tiles::kTileWidth};
      std::string& data = changed[tile];
      if (data.size() != (id.index % tiles::kTileWidth) * merkle::kHashSize) {
        tile_error = absl::DataLossError(absl::StrCat(
            "stored tile ", tiles::TilePath(tile.level, tile.index, 0),
            " has ", data.size() / merkle::kHashSize, " hashes; expected ",
            id.index % tiles::kTileWidth));
        return;
      }
      data.append(merkle::AsBytes(h).data(), merkle::kHashSize);
    });
  }
  if (!tile_error.ok()) return tile_error;
  const merkle::Hash root = range.Root();

  // Check the new tiles before signing anything: they must give the new root,
  // and the new tree must extend the one the last checkpoint committed to.
  OverlayTiles overlay(*store_, changed, changed_mid);
  tiles::TileNodeReader reader(overlay);
  absl::StatusOr<merkle::Hash> stored_root = merkle::RootFromNodes(new_size, reader);
  if (!stored_root.ok()) return stored_root.status();
  if (*stored_root != root) {
    return absl::InternalError(absl::StrCat(
        "refusing to sign: the new tiles give a root different from the "
        "compact range at size ",
        new_size));
  }
  if (old_size > 0) {
    absl::StatusOr<std::vector<merkle::Hash>> proof =
        merkle::ConsistencyProof(old_size, new_size, reader);
    if (!proof.ok()) return proof.status();
    if (absl::Status s = merkle::VerifyConsistency(
            old_size, new_size, *proof, merkle::AsBytes(previous->root),
            merkle::AsBytes(root));
        !s.ok()) {
      return absl::InternalError(absl::StrCat(
          "refusing to sign a checkpoint inconsistent with the previous one: ",
          s.message()));
    }
  }

  absl::StatusOr<std::string> note = SignCheckpoint(new_size, root);
  if (!note.ok()) return note.status();
  absl::StatusOr<index::IndexRecords> index_records =
      IndexEntries(*store_, signer_, origin_, old_size, entries, root);
  if (!index_records.ok()) return index_records.status();
  storage::LogStore::Batch batch = store_->NewBatch();
  for (const auto& [key, value] : *index_records) batch.PutIndexRecord(key, value);
  for (const auto& [tile, data] : changed) batch.PutTile(tile, data);
  for (const auto& [tile, data] : changed_mid) batch.PutMidRow(tile, data);
  batch.PutCheckpoint(new_size, *note);
  batch.PutTreeState(storage::TreeState{new_size, root, *note});
  absl::Status committed = resume_needed_ ? store_->Resume() : absl::OkStatus();
  if (committed.ok()) committed = store_->Commit(batch);
  resume_needed_ = !committed.ok();
  if (!committed.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "cannot store checkpoint ", new_size, "; will retry: ", committed.message()));
  }

  auto cp = std::make_shared<PublishedCheckpoint>();
  cp->size = new_size;
  cp->root = root;
  cp->note = *std::move(note);
  range_ = std::move(range);
  {
    absl::MutexLock lock(&mu_);
    latest_ = cp;
  }
  FireWaiters();
  if (options_.on_checkpoint) options_.on_checkpoint(cp);
  if (files_ != nullptr) return PublishFiles(published_size_, *cp);
  return absl::OkStatus();
}

absl::Status Integrator::PublishFiles(uint64_t old_size,
                                      const PublishedCheckpoint& cp) {
  // Tiles and bundles that this growth made full: their partial versions
  // go once the checkpoint that covers them is published (tlog-tiles lets a
  // log delete a partial tile when the full one exists).
  std::vector<std::string> superseded;
  if (cp.size > old_size) {
    for (uint32_t level = 0; level < 8; ++level) {
      tiles::TileRange r = tiles::ChangedTiles(level, old_size, cp.size);
      for (uint64_t index = r.first; index <= r.last && r.first <= r.last;
           ++index) {
        uint32_t width = tiles::TileWidth(level, index, cp.size);
        absl::StatusOr<std::string> tile = store_->ReadTile({level, index});
        if (!tile.ok()) return tile.status();
        if (tile->size() < width * merkle::kHashSize) {
          return absl::DataLossError("stored tile narrower than the tree");
        }
        if (absl::Status s = files_->WriteFile(
                tiles::TilePath(level, index, width),
                absl::string_view(*tile).substr(0, width * merkle::kHashSize));
            !s.ok()) {
          return s;
        }
        const bool full = width == tiles::kTileWidth;
        if (full) superseded.push_back(tiles::TilePath(level, index, width) + ".p");
        if (level != 0) continue;
        if (full) superseded.push_back(tiles::EntryBundlePath(index, width) + ".p");
        std::vector<std::string> entries;
        if (absl::Status s = store_->ReadEntries(index * tiles::kTileWidth,
                                                 width, SIZE_MAX, entries);
            !s.ok()) {
          return s;
        }
        absl::StatusOr<std::string> bundle = tiles::EncodeEntryBundle(entries);
        if (!bundle.ok()) return bundle.status();
        if (absl::Status s = files_->WriteFile(
                tiles::EntryBundlePath(index, width), *bundle);
            !s.ok()) {
          return s;
        }
      }
    }
  }
  if (options_.publish_checkpoint_file) {
    if (absl::Status s = files_->WriteFile("checkpoint", cp.note); !s.ok()) {
      return s;
    }
  }
  // Before the published size is stored: after a crash here the range is
  // published again, and its partials removed again.
  for (const std::string& dir : superseded) {
    if (absl::Status s = files_->RemoveDirectory(dir); !s.ok()) return s;
  }
  published_size_ = cp.size;
  {
    absl::MutexLock lock(&mu_);
    files_published_ = cp.size;
  }
  storage::LogStore::Batch batch = store_->NewBatch();
  batch.PutPublishedSize(cp.size);
  // Not synced: after a crash, files are simply published again.
  return store_->Commit(batch, /*sync=*/false);
}

absl::Status Integrator::WaitForPublishedFiles(uint64_t size,
                                               absl::Time deadline) const {
  if (files_ == nullptr) {
    return absl::FailedPreconditionError("this log publishes no tlog-tiles files");
  }
  absl::MutexLock lock(&mu_);
  auto published = [this, size]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return files_published_ >= size;
  };
  if (!mu_.AwaitWithDeadline(absl::Condition(&published), deadline)) {
    return absl::DeadlineExceededError(absl::StrCat(
        "the files of tree size ", size, " were not published before the deadline; ",
        "files are published up to tree size ", files_published_));
  }
  return absl::OkStatus();
}

void Integrator::FireWaiters() {
  std::vector<std::pair<WaitCallback, absl::StatusOr<CheckpointPtr>>> ready;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = absl::Now();
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->first < latest_->size) {
        ready.emplace_back(std::move(it->second.done), latest_);
        it = waiters_.erase(it);
      } else if (it->second.deadline <= now) {
        ready.emplace_back(
            std::move(it->second.done),
            absl::DeadlineExceededError(absl::StrCat(
                "entry ", it->first,
                " is sequenced but was not integrated before the deadline; "
                "ask for its inclusion proof later")));
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& [done, result] : ready) std::move(done)(std::move(result));
}

}  // namespace candor::sequencer
