#include "log/server/log_service.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "log/logging/logging.h"
#include "absl/container/flat_hash_map.h"
#include "log/index/index_store.h"
#include "log/merkle/proof.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"
#include "log/server/grpc_status.h"
#include "log/server/malformed_requests.h"
#include "log/statement/dsse.h"
#include "log/tiles/tiles.h"

namespace candor::logserver {
namespace {

constexpr int kMaxProofsPerRequest = 1000;

// The tiles one request reads, each read from the store once.
class RequestTiles : public tiles::TileSource {
 public:
  explicit RequestTiles(tiles::TileSource& store) : store_(store) {}
  absl::StatusOr<std::string> ReadTile(const tiles::TileId& tile) override {
    return Memo(tiles_, tile, [&] { return store_.ReadTile(tile); });
  }
  absl::StatusOr<std::string> ReadMidRow(const tiles::TileId& tile) override {
    return Memo(mid_rows_, tile, [&] { return store_.ReadMidRow(tile); });
  }

 private:
  using Map = absl::flat_hash_map<tiles::TileId, absl::StatusOr<std::string>>;
  template <typename Read>
  absl::StatusOr<std::string> Memo(Map& map, const tiles::TileId& tile, Read read) {
    auto it = map.find(tile);
    if (it == map.end()) it = map.emplace(tile, read()).first;
    return it->second;
  }
  tiles::TileSource& store_;
  Map tiles_, mid_rows_;
};

// The tree a proof request asks about: `requested`, or the latest for 0;
// OUT_OF_RANGE beyond the latest checkpoint.
absl::StatusOr<uint64_t> TreeSizeToProve(uint64_t requested,
                                         const sequencer::PublishedCheckpoint& latest) {
  const uint64_t tree_size = requested == 0 ? latest.size : requested;
  if (tree_size > latest.size) {
    return absl::OutOfRangeError(absl::StrCat(
        "tree size ", tree_size, " is beyond the latest checkpoint (size ", latest.size, ")"));
  }
  return tree_size;
}

// Keys are app ids, principal names and digests: far below this.
constexpr size_t kMaxIndexKeyBytes = 1024;

namespace pb = ::candor::log::v1;

template <typename Proof>
void SetProof(const std::vector<merkle::Hash>& hashes, Proof* out) {
  for (const merkle::Hash& h : hashes) out->Add(std::string(merkle::AsBytes(h)));
}

constexpr char kAddEntriesMethod[] = "/candor.log.v1.Log/AddEntries";

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* context,
                               const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace

// Lets validators look at what the log already holds.
class LogService::StoreLogView : public admission::LogView {
 public:
  StoreLogView(storage::LogStore* store, std::function<absl::Time()> clock)
      : store_(store), clock_(std::move(clock)) {}
  absl::Time Now() const override { return clock_(); }
  absl::StatusOr<std::optional<admission::IndexedEntry>> FindEntry(
      const merkle::Hash& leaf_hash) const override {
    absl::StatusOr<std::optional<uint64_t>> index =
        store_->FindLeafHash(leaf_hash);
    if (!index.ok()) return index.status();
    if (!index->has_value()) return std::nullopt;
    absl::StatusOr<std::string> entry = store_->ReadEntry(**index);
    if (!entry.ok()) return entry.status();
    return admission::IndexedEntry{**index, *std::move(entry)};
  }

 private:
  storage::LogStore* store_;
  const std::function<absl::Time()> clock_;
};

// One AddEntries stream: reads requests while fewer than
// max_stream_in_flight are being sequenced, and writes responses in request
// order as they complete. gRPC calls are made outside the lock, since a
// reaction may run inline. Messages are raw so that one that does not parse
// ends the stream with INVALID_ARGUMENT (after the responses to those before
// it) instead of passing for its end.
class LogService::StreamAdder
    : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  StreamAdder(LogService* service, grpc::CallbackServerContext* context)
      : service_(service),
        peer_(context->peer()),
        deadline_(service->WaitDeadline(context)) {
    absl::MutexLock lock(&service_->streams_mu_);
    int& open = service_->open_streams_[peer_];
    if (open >= service_->limits_.max_streams_per_client) {
      reads_done_ = true;
      final_status_ = grpc::Status(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          absl::StrCat("this client already has ", open,
                       " AddEntries streams open; close one or retry later"));
    } else {
      ++open;
      counted_ = true;
    }
  }
  // Starts reading (or finishes a refused stream). Not in the constructor:
  // gRPC may run a reaction as soon as an operation starts. An accepted
  // stream sends its headers at once, so a client can tell it was accepted
  // before it writes.
  void Begin() {
    if (counted_) StartSendInitialMetadata();
    Pump();
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      {
        absl::MutexLock lock(&mu_);
        reading_ = false;
        reads_done_ = true;
      }
      Pump();
      return;
    }
    pb::AddEntryRequest request;
    const absl::Status parsed = ParseRequest(request_, kAddEntriesMethod, request);
    uint64_t seq;
    bool add = false;
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      seq = next_seq_++;
      if (!parsed.ok()) {
        reads_done_ = true;
        final_status_ = ToGrpcStatus(absl::InvalidArgumentError(
            absl::StrCat("message ", seq, " of the stream: ", parsed.message())));
        --next_seq_;
      } else if (seq >= service_->limits_.max_entries_per_stream) {
        reads_done_ = true;
        final_status_ = grpc::Status(
            grpc::StatusCode::RESOURCE_EXHAUSTED,
            absl::StrCat("a stream may carry at most ",
                         service_->limits_.max_entries_per_stream,
                         " entries; open a new stream for more"));
        --next_seq_;
      } else {
        ++in_flight_;
        add = true;
      }
    }
    if (add) {
      auto response = std::make_shared<pb::AddEntriesResponse>();
      service_->Add(request, peer_, deadline_, response->mutable_added(),
                    [this, seq, response](absl::Status s) mutable {
                      Complete(seq, std::move(response), s);
                    });
    }
    Pump();
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) broken_ = true;
    }
    Pump();
  }

  void OnDone() override {
    if (counted_) {
      absl::MutexLock lock(&service_->streams_mu_);
      if (--service_->open_streams_[peer_] == 0) service_->open_streams_.erase(peer_);
    }
    delete this;
  }

 private:
  void Complete(uint64_t seq, std::shared_ptr<pb::AddEntriesResponse> response,
                const absl::Status& s) {
    if (service_->stream_entry_observer_) service_->stream_entry_observer_(s.code());
    if (!s.ok()) {
      response->clear_added();
      response->mutable_error()->set_code(static_cast<int32_t>(s.code()));
      response->mutable_error()->set_message(std::string(s.message()));
    }
    {
      absl::MutexLock lock(&mu_);
      ready_[seq] = std::move(*response);
      --in_flight_;
    }
    Pump();
  }

  void Pump() {
    bool read = false, write = false, finish = false;
    {
      absl::MutexLock lock(&mu_);
      if (!reading_ && !reads_done_ &&
          in_flight_ < service_->limits_.max_stream_in_flight) {
        reading_ = read = true;
      }
      if (broken_) {
        // The client is gone: drop every answer it cannot read, including
        // those of entries that complete later (keeping one would keep the
        // stream, and the server's shutdown, waiting forever).
        ready_.clear();
      } else if (!writing_) {
        auto it = ready_.find(next_write_);
        if (it != ready_.end()) {
          writing_ = write = true;
          const std::string bytes = it->second.SerializeAsString();
          grpc::Slice slice(bytes);
          current_ = grpc::ByteBuffer(&slice, 1);
          ready_.erase(it);
          ++next_write_;
        }
      }
      if (reads_done_ && !reading_ && in_flight_ == 0 && !writing_ &&
          ready_.empty() && !finished_) {
        finished_ = finish = true;
      }
    }
    if (read) StartRead(&request_);
    if (write) StartWrite(&current_);
    if (finish) Finish(final_status_);
  }

  LogService* const service_;
  const std::string peer_;
  const absl::Time deadline_;
  bool counted_ = false;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer current_;

  absl::Mutex mu_;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t next_write_ ABSL_GUARDED_BY(mu_) = 0;
  size_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<uint64_t, pb::AddEntriesResponse> ready_ ABSL_GUARDED_BY(mu_);
  grpc::Status final_status_ = grpc::Status::OK;
};

LogService::LogService(storage::LogStore* store,
                       const admission::Admission* admission, ServiceLimits limits,
                       std::function<absl::Time()> clock)
    : store_(store),
      admission_(admission),
      limits_(limits),
      log_view_(std::make_unique<StoreLogView>(store, std::move(clock))),
      client_limiter_("client", limits.per_client, limits.rate_limit_clock),
      principal_limiter_("principal", limits.per_principal,
                         limits.rate_limit_clock) {}

void LogService::Lead(sequencer::Sequencer* sequencer, sequencer::Integrator* integrator,
                      const witnessing::Witnessing* witnessing) {
  witnessing_.store(witnessing);
  integrator_.store(integrator);
  sequencer_.store(sequencer);
}

void LogService::Follow(std::function<sequencer::CheckpointPtr()> latest,
                        std::function<absl::Status()> not_leader, bool witnessed) {
  follower_latest_ = std::move(latest);
  not_leader_ = std::move(not_leader);
  follower_witnessed_ = witnessed;
}

sequencer::CheckpointPtr LogService::latest() const {
  if (sequencer::Integrator* integrator = integrator_.load()) return integrator->latest();
  return follower_latest_();
}

uint64_t LogService::SequencedSize() const {
  if (sequencer::Sequencer* sequencer = sequencer_.load()) {
    return sequencer->sequenced_size();
  }
  return store_->ReadSequencedSize().value_or(0);
}

absl::Time LogService::WaitDeadline(
    const grpc::CallbackServerContext* context) const {
  absl::Time cap = absl::Now() + limits_.max_inclusion_wait;
  absl::Time client = absl::FromChrono(context->deadline());
  return std::min(cap, client);
}

absl::Status LogService::FillInclusion(uint64_t index, uint64_t tree_size,
                                       pb::AddEntryResponse* response) {
  tiles::TileNodeReader reader(*store_);
  absl::StatusOr<std::vector<merkle::Hash>> proof =
      merkle::InclusionProof(index, tree_size, reader);
  if (!proof.ok()) return proof.status();
  SetProof(*proof, response->mutable_inclusion_proof());
  return absl::OkStatus();
}

void LogService::Add(const pb::AddEntryRequest& request,
                     absl::string_view client, absl::Time wait_deadline,
                     pb::AddEntryResponse* response, AddCallback done) {
  // The client's budget is charged before any parsing, so a flood of junk
  // costs the server almost nothing.
  if (absl::Status s = client_limiter_.Acquire(client); !s.ok()) {
    std::move(done)(s);
    return;
  }
  sequencer::Sequencer* sequencer = sequencer_.load();
  if (sequencer == nullptr) {
    std::move(done)(not_leader_());
    return;
  }
  absl::StatusOr<admission::AdmittedEntry> admitted =
      admission_->Admit(request.entry(), *sequencer->registry(),
                        sequencer->sequenced_size(), *log_view_);
  const bool wait = request.wait_for_inclusion();
  if (!admitted.ok()) {
    // A statement already in the log is answered with its entry even if it
    // would not be admitted now (its signed time is no longer fresh, its
    // signer's key was rotated out, another signature was added): sending
    // it again is how a client learns where it is, and it adds nothing.
    absl::StatusOr<Sha256Digest> identity = dsse::EntryIdentity(request.entry());
    if (identity.ok()) {
      absl::StatusOr<std::optional<storage::StoredEntry>> logged =
          store_->FindIdentity(*identity);
      if (!logged.ok()) {
        std::move(done)(logged.status());
        return;
      }
      if (logged->has_value()) {
        Respond(sequencer::SequencedEntry{(*logged)->index,
                                          merkle::HashLeaf((*logged)->entry), true},
                wait, wait_deadline, response, std::move(done));
        return;
      }
    }
    std::move(done)(admitted.status());
    return;
  }
  if (absl::Status s = principal_limiter_.Acquire(admitted->principal); !s.ok()) {
    std::move(done)(s);
    return;
  }
  // A signature that named no registered key, or one that was ignored, is
  // worth a line saying which key verified what; the usual case is not.
  if (std::any_of(admitted->signatures.begin(), admitted->signatures.end(),
                  [](const admission::SignatureOutcome& s) {
                    return s.given_keyid != s.keyid || !s.ignored_because.empty();
                  })) {
    logging::Info("entry admitted by the DSSE key rules",
                  {{"principal", admitted->principal},
                   {"signatures", admission::DescribeSignatures(admitted->signatures)}});
  }
  sequencer->Submit(
      *std::move(admitted),
      [this, response, wait, wait_deadline, done = std::move(done)](
          absl::StatusOr<sequencer::SequencedEntry> seq) mutable {
        if (!seq.ok()) {
          std::move(done)(seq.status());
          return;
        }
        Respond(*seq, wait, wait_deadline, response, std::move(done));
      });
}

void LogService::Respond(const sequencer::SequencedEntry& seq, bool wait,
                         absl::Time wait_deadline, pb::AddEntryResponse* response,
                         AddCallback done) {
  response->set_index(seq.index);
  response->set_leaf_hash(std::string(merkle::AsBytes(seq.leaf_hash)));
  response->set_duplicate(seq.duplicate);
  if (!wait) {
    std::move(done)(absl::OkStatus());
    return;
  }
  const uint64_t index = seq.index;
  // Only the leader sequences, so only it responds.
  integrator_.load()->WaitForInclusion(
      index, wait_deadline,
      [this, response, index, done = std::move(done)](
          absl::StatusOr<sequencer::CheckpointPtr> cp) mutable {
        if (!cp.ok()) {
          std::move(done)(cp.status());
          return;
        }
        response->set_checkpoint((*cp)->note);
        response->set_tree_size((*cp)->size);
        std::move(done)(FillInclusion(index, (*cp)->size, response));
      });
}

grpc::ServerUnaryReactor* LogService::AddEntry(
    grpc::CallbackServerContext* context, const pb::AddEntryRequest* request,
    pb::AddEntryResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  Add(*request, context->peer(), WaitDeadline(context), response,
      [reactor](absl::Status s) { reactor->Finish(ToGrpcStatus(s)); });
  return reactor;
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* LogService::AddEntries(
    grpc::CallbackServerContext* context) {
  auto* adder = new StreamAdder(this, context);
  adder->Begin();
  return adder;
}

std::string LogService::CheckpointAt(uint64_t size,
                                     const sequencer::PublishedCheckpoint& latest) const {
  if (size == latest.size) return LatestNote(latest);
  absl::StatusOr<std::string> note = store_->ReadCheckpoint(size);
  return note.ok() ? *std::move(note) : std::string();
}

std::string LogService::LatestNote(const sequencer::PublishedCheckpoint& latest) const {
  const witnessing::Witnessing* witnessing = witnessing_.load();
  return witnessing != nullptr ? witnessing->WithCosignatures(latest) : latest.note;
}

grpc::ServerUnaryReactor* LogService::GetCheckpoint(
    grpc::CallbackServerContext* context, const pb::GetCheckpointRequest* request,
    pb::GetCheckpointResponse* response) {
  if (request->witnessed()) {
    if (request->tree_size() != 0) {
      return Done(context, absl::InvalidArgumentError(
                               "witnessed asks for the newest witnessed checkpoint; "
                               "it takes no tree_size"));
    }
    const witnessing::Witnessing* witnessing = witnessing_.load();
    if (witnessing == nullptr && follower_witnessed_) {
      // A follower reads what the leader stored: the newest cosigned note.
      absl::StatusOr<uint64_t> size = store_->ReadWitnessedSize();
      if (absl::IsNotFound(size.status())) {
        return Done(context, absl::NotFoundError(
                                 "no checkpoint has met the witness policy yet"));
      }
      if (!size.ok()) return Done(context, size.status());
      absl::StatusOr<std::string> note = store_->ReadCheckpoint(*size);
      if (!note.ok()) return Done(context, note.status());
      response->set_checkpoint(*std::move(note));
      response->set_tree_size(*size);
      return Done(context, absl::OkStatus());
    }
    if (witnessing == nullptr) {
      return Done(context, absl::FailedPreconditionError(
                               "this log has no witnesses: it serves no witnessed checkpoint"));
    }
    sequencer::CheckpointPtr witnessed = witnessing->latest_witnessed();
    if (witnessed == nullptr) {
      return Done(context, absl::NotFoundError(
                               "no checkpoint has met the witness policy yet"));
    }
    response->set_checkpoint(witnessed->note);
    response->set_tree_size(witnessed->size);
    return Done(context, absl::OkStatus());
  }
  sequencer::CheckpointPtr latest = this->latest();
  if (latest->note.empty()) {
    // A follower of a new log whose sequencer has not started yet.
    return Done(context, absl::UnavailableError(
                             "the log has signed no checkpoint yet; retry in a few seconds"));
  }
  if (request->tree_size() == 0 || request->tree_size() == latest->size) {
    response->set_checkpoint(LatestNote(*latest));
    response->set_tree_size(latest->size);
    return Done(context, absl::OkStatus());
  }
  if (request->tree_size() > latest->size) {
    return Done(context, absl::OutOfRangeError(absl::StrCat(
                             "tree size ", request->tree_size(),
                             " is beyond the latest checkpoint (size ",
                             latest->size, ")")));
  }
  absl::StatusOr<std::string> note = store_->ReadCheckpoint(request->tree_size());
  if (!note.ok()) return Done(context, note.status());
  response->set_checkpoint(*std::move(note));
  response->set_tree_size(request->tree_size());
  return Done(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* LogService::GetInclusionProof(
    grpc::CallbackServerContext* context,
    const pb::GetInclusionProofRequest* request,
    pb::GetInclusionProofResponse* response) {
  sequencer::CheckpointPtr latest = this->latest();
  absl::StatusOr<uint64_t> proven_size = TreeSizeToProve(request->tree_size(), *latest);
  if (!proven_size.ok()) return Done(context, proven_size.status());
  const uint64_t tree_size = *proven_size;
  uint64_t index;
  if (request->leaf_case() == pb::GetInclusionProofRequest::kLeafHash) {
    absl::StatusOr<merkle::Hash> leaf = merkle::HashFromBytes(request->leaf_hash());
    if (!leaf.ok()) {
      return Done(context, absl::InvalidArgumentError(
                               absl::StrCat("leaf_hash: ", leaf.status().message())));
    }
    absl::StatusOr<std::optional<uint64_t>> found = store_->FindLeafHash(*leaf);
    if (!found.ok()) return Done(context, found.status());
    if (!found->has_value()) {
      return Done(context,
                  absl::NotFoundError("no entry with this leaf hash is in the log"));
    }
    index = **found;
  } else if (request->leaf_case() == pb::GetInclusionProofRequest::kIndex) {
    index = request->index();
  } else {
    return Done(context,
                absl::InvalidArgumentError("set either index or leaf_hash"));
  }
  if (index >= tree_size) {
    return Done(context, absl::OutOfRangeError(absl::StrCat(
                             "entry ", index, " is not in the tree of size ",
                             tree_size,
                             index < SequencedSize()
                                 ? "; it is sequenced and will be in the next "
                                   "checkpoint"
                                 : "")));
  }
  tiles::TileNodeReader reader(*store_);
  absl::StatusOr<std::vector<merkle::Hash>> proof =
      merkle::InclusionProof(index, tree_size, reader);
  if (!proof.ok()) return Done(context, proof.status());
  response->set_index(index);
  response->set_tree_size(tree_size);
  SetProof(*proof, response->mutable_proof());
  response->set_checkpoint(CheckpointAt(tree_size, *latest));
  return Done(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* LogService::GetConsistencyProof(
    grpc::CallbackServerContext* context,
    const pb::GetConsistencyProofRequest* request,
    pb::GetConsistencyProofResponse* response) {
  sequencer::CheckpointPtr latest = this->latest();
  const uint64_t to = request->to_size() == 0 ? latest->size : request->to_size();
  const uint64_t from = request->from_size();
  if (to > latest->size) {
    return Done(context, absl::OutOfRangeError(absl::StrCat(
                             "to_size ", to,
                             " is beyond the latest checkpoint (size ",
                             latest->size, ")")));
  }
  if (from == 0 || from > to) {
    return Done(context, absl::InvalidArgumentError(absl::StrCat(
                             "need 0 < from_size <= to_size; got from_size ",
                             from, ", to_size ", to)));
  }
  tiles::TileNodeReader reader(*store_);
  absl::StatusOr<std::vector<merkle::Hash>> proof =
      merkle::ConsistencyProof(from, to, reader);
  if (!proof.ok()) return Done(context, proof.status());
  response->set_from_size(from);
  response->set_to_size(to);
  SetProof(*proof, response->mutable_proof());
  response->set_checkpoint(CheckpointAt(to, *latest));
  return Done(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* LogService::GetEntries(
    grpc::CallbackServerContext* context, const pb::GetEntriesRequest* request,
    pb::GetEntriesResponse* response) {
  const uint64_t size = latest()->size;
  if (request->start() >= size) {
    return Done(context, absl::OutOfRangeError(absl::StrCat(
                             "start ", request->start(),
                             " is not below the tree size ", size)));
  }
  if (request->count() == 0) {
    return Done(context, absl::InvalidArgumentError("count must be positive"));
  }
  uint64_t count = std::min<uint64_t>(
      {request->count(), limits_.max_entries_per_read, size - request->start()});
  std::vector<std::string> entries;
  if (absl::Status s = store_->ReadEntries(request->start(), count,
                                          limits_.max_read_bytes, entries);
      !s.ok()) {
    return Done(context, s);
  }
  response->set_start(request->start());
  for (std::string& e : entries) response->add_entries(std::move(e));
  return Done(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* LogService::GetTile(
    grpc::CallbackServerContext* context, const pb::GetTileRequest* request,
    pb::GetTileResponse* response) {
  const uint64_t size = latest()->size;
  if (request->level() >= 8 || request->width() > tiles::kTileWidth) {
    return Done(context, absl::InvalidArgumentError(
                             "tile level must be below 8 and width at most 256"));
  }
  const uint32_t width = request->width() == 0 ? tiles::kTileWidth : request->width();
  const tiles::TileId tile{request->level(), request->index()};
  if (tiles::TileWidth(tile.level, tile.index, size) < width) {
    return Done(context, absl::NotFoundError(absl::StrCat(
                             "no tile ", tiles::TilePath(tile.level, tile.index, width),
                             " in the tree of size ", size)));
  }
  absl::StatusOr<std::string> data = store_->ReadTile(tile);
  if (!data.ok()) return Done(context, data.status());
  response->set_data(data->substr(0, width * merkle::kHashSize));
  return Done(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* LogService::GetEntryBundle(
    grpc::CallbackServerContext* context,
    const pb::GetEntryBundleRequest* request,
    pb::GetEntryBundleResponse* response) {
  const uint64_t size = latest()->size;
  if (request->width() > tiles::kTileWidth) {
    return Done(context,
                absl::InvalidArgumentError("bundle width must be at most 256"));
  }
  const uint32_t width = request->width() == 0 ? tiles::kTileWidth : request->width();
  if (tiles::TileWidth(0, request->index(), size) < width) {
    return Done(context, absl::NotFoundError(absl::StrCat(
                             "no entry bundle ",
                             tiles::EntryBundlePath(request->index(), width),
                             " in the tree of size ", size)));
  }
  std::vector<std::string> entries;
  if (absl::Status s = store_->ReadEntries(request->index() * tiles::kTileWidth,
                                          width, SIZE_MAX, entries);
      !s.ok()) {
    return Done(context, s);
  }
  absl::StatusOr<std::string> bundle = tiles::EncodeEntryBundle(entries);
  if (!bundle.ok()) return Done(context, bundle.status());
  response->set_data(*std::move(bundle));
  return Done(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* LogService::LookupLeafHash(
    grpc::CallbackServerContext* context,
    const pb::LookupLeafHashRequest* request,
    pb::LookupLeafHashResponse* response) {
  absl::StatusOr<merkle::Hash> leaf = merkle::HashFromBytes(request->leaf_hash());
  if (!leaf.ok()) {
    return Done(context, absl::InvalidArgumentError(
                             absl::StrCat("leaf_hash: ", leaf.status().message())));
  }
  absl::StatusOr<std::optional<uint64_t>> found = store_->FindLeafHash(*leaf);
  if (!found.ok()) return Done(context, found.status());
  if (!found->has_value()) {
    return Done(context,
                absl::NotFoundError("no entry with this leaf hash is in the log"));
  }
  response->set_index(**found);
  response->set_integrated(**found < latest()->size);
  return Done(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* LogService::GetInclusionProofs(
    grpc::CallbackServerContext* context, const pb::GetInclusionProofsRequest* request,
    pb::GetInclusionProofsResponse* response) {
  sequencer::CheckpointPtr latest = this->latest();
  absl::StatusOr<uint64_t> proven_size = TreeSizeToProve(request->tree_size(), *latest);
  if (!proven_size.ok()) return Done(context, proven_size.status());
  const uint64_t tree_size = *proven_size;
  if (request->indices_size() > kMaxProofsPerRequest) {
    return Done(context, absl::InvalidArgumentError(absl::StrCat(
                             request->indices_size(), " indices; ask for at most ",
                             kMaxProofsPerRequest, " proofs at once")));
  }
  RequestTiles tiles(*store_);
  tiles::TileNodeReader reader(tiles);
  for (uint64_t index : request->indices()) {
    if (index >= tree_size) {
      return Done(context, absl::OutOfRangeError(absl::StrCat(
                               "entry ", index, " is not in the tree of size ", tree_size)));
    }
    absl::StatusOr<std::vector<merkle::Hash>> proof =
        merkle::InclusionProof(index, tree_size, reader);
    if (!proof.ok()) return Done(context, proof.status());
    pb::InclusionProof* out = response->add_proofs();
    out->set_index(index);
    SetProof(*proof, out->mutable_hashes());
  }
  response->set_tree_size(tree_size);
  response->set_checkpoint(CheckpointAt(tree_size, *latest));
  return Done(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* LogService::LookupIndex(grpc::CallbackServerContext* context,
                                                  const pb::LookupIndexRequest* request,
                                                  pb::LookupIndexResponse* response) {
  if (request->key().size() > kMaxIndexKeyBytes) {
    return Done(context, absl::InvalidArgumentError(absl::StrCat(
                             "key: ", request->key().size(), " bytes; index keys have at most ",
                             kMaxIndexKeyBytes)));
  }
  const size_t max = request->max_indices() == 0 ? index::kMaxIndicesPerLookup
                                                 : request->max_indices();
  absl::StatusOr<index::Lookup> lookup;
  absl::Status read = store_->ReadIndex([&](storage::LogStore::IndexView& view) {
    lookup = index::LookUp(view, request->key(), request->from(), max);
    return lookup.status();
  });
  if (!read.ok()) return Done(context, read);
  response->set_index_note(lookup->state.note);
  response->set_present(lookup->present);
  response->set_count(lookup->value.count);
  response->set_head(DigestBytes(lookup->value.head));
  response->set_from(lookup->from);
  for (uint64_t i : lookup->indices) response->add_indices(i);
  response->set_head_at_from(DigestBytes(lookup->head_at_from));
  pb::IndexMapProof* proof = response->mutable_proof();
  for (const merkle::Hash& h : lookup->proof.siblings) proof->add_siblings(DigestBytes(h));
  if (lookup->proof.terminal.kind == index::Terminal::kLeaf) {
    proof->set_has_leaf(true);
    proof->set_leaf_key_hash(DigestBytes(lookup->proof.terminal.key_hash));
    proof->set_leaf_count(lookup->proof.terminal.value.count);
    proof->set_leaf_head(DigestBytes(lookup->proof.terminal.value.head));
  }
  return Done(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* LogService::GetLogStatus(grpc::CallbackServerContext* context,
                                                   const pb::GetLogStatusRequest* /*request*/,
                                                   pb::GetLogStatusResponse* response) {
  sequencer::CheckpointPtr latest = this->latest();
  // The log signed this note itself: it parses.
  if (absl::StatusOr<note::Note> n = note::Parse(latest->note); n.ok()) {
    if (absl::StatusOr<note::Checkpoint> cp = note::ParseCheckpoint(n->text); cp.ok()) {
      response->set_origin(cp->origin);
    }
  }
  response->set_tree_size(latest->size);
  if (const witnessing::Witnessing* witnessing = witnessing_.load(); witnessing != nullptr) {
    response->set_witnessed(true);
    if (sequencer::CheckpointPtr w = witnessing->latest_witnessed(); w != nullptr) {
      response->set_witnessed_size(w->size);
    }
    for (const witnessing::WitnessStatus& s : witnessing->status()) {
      pb::WitnessStatus* out = response->add_witnesses();
      out->set_name(s.name);
      out->set_url(s.url);
      out->set_cosigned_size(s.cosigned_size);
      out->set_cosigned_at(static_cast<int64_t>(s.cosigned_at));
      if (!s.last_result.ok()) out->set_last_error(std::string(s.last_result.message()));
    }
  }
  return Done(context, absl::OkStatus());
}

}  // namespace candor::logserver
