// The candor.log.v1.Log gRPC service, on gRPC's callback API.
//
// Handlers never block on fsync: an add hands the admitted entry to the
// sequencer and finishes its reactor from the sequencer's (or, when waiting
// for inclusion, the integrator's) thread. Reads (proofs, tiles, entries) are
// served from RocksDB directly. Every refusal is a gRPC status whose message
// says what was wrong.
//
// Thread-safe; the components passed in must outlive the service.

#ifndef CANDOR_LOG_SERVER_LOG_SERVICE_H_
#define CANDOR_LOG_SERVER_LOG_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "log/admission/admission.h"
#include "log/sequencer/integrator.h"
#include "log/sequencer/sequencer.h"
#include "log/witness/witnessing.h"
#include "log/server/rate_limiter.h"
#include "log/storage/log_store.h"
#include "proto/candor/log/v1/log.grpc.pb.h"

namespace candor::logserver {

struct ServiceLimits {
  // Longest a caller may wait for inclusion, whatever its own deadline.
  absl::Duration max_inclusion_wait = absl::Seconds(30);
  // Entries one AddEntries stream may have in flight before reading more.
  size_t max_stream_in_flight = 256;
  // Entries one AddEntries stream may carry in total.
  uint64_t max_entries_per_stream = 1'000'000;
  uint32_t max_entries_per_read = 1000;
  size_t max_read_bytes = 4 << 20;
  // Adds per client connection and per signing principal.
  RateLimiter::Limits per_client{.per_second = 20000, .burst = 40000};
  RateLimiter::Limits per_principal{.per_second = 20000, .burst = 40000};
  // Open AddEntries streams per client connection.
  int max_streams_per_client = 64;
  // The clock the rate limits refill by. Tests stop it, so that a limit is
  // reached by the number of adds and never by how fast the machine is.
  std::function<absl::Time()> rate_limit_clock = [] { return absl::Now(); };
};

// Every method on the callback API. AddEntries takes raw messages, so that a
// message that does not parse is told apart from the end of the stream
// (malformed_requests.h); a new method must be listed here.
using LogServiceBase = candor::log::v1::Log::WithCallbackMethod_AddEntry<
    candor::log::v1::Log::WithRawCallbackMethod_AddEntries<
        candor::log::v1::Log::WithCallbackMethod_GetCheckpoint<
            candor::log::v1::Log::WithCallbackMethod_GetInclusionProof<
              candor::log::v1::Log::WithCallbackMethod_GetInclusionProofs<
                candor::log::v1::Log::WithCallbackMethod_GetConsistencyProof<
                    candor::log::v1::Log::WithCallbackMethod_GetEntries<
                        candor::log::v1::Log::WithCallbackMethod_GetTile<
                            candor::log::v1::Log::WithCallbackMethod_GetEntryBundle<
                                candor::log::v1::Log::WithCallbackMethod_LookupLeafHash<
                                    candor::log::v1::Log::WithCallbackMethod_LookupIndex<
                                        candor::log::v1::Log::WithCallbackMethod_GetLogStatus<
                                            candor::log::v1::Log::Service>>>>>>>>>>>>;

class LogService final : public LogServiceBase {
 public:
  // `clock` is the log's clock, which admission checks signed times against.
  // The service answers reads from `store` at once; it sequences writes only
  // once Lead() is called, and until then answers them as Follow() says.
  LogService(storage::LogStore* store, const admission::Admission* admission,
             ServiceLimits limits,
             std::function<absl::Time()> clock = [] { return absl::Now(); });

  // Makes this instance the one that sequences: writes go to `sequencer`,
  // checkpoints come from `integrator`, with the cosignatures `witnessing`
  // collects (may be null: no witnesses). Once only; not owned; they must
  // outlive the service's calls. Thread-safe.
  void Lead(sequencer::Sequencer* sequencer, sequencer::Integrator* integrator,
            const witnessing::Witnessing* witnessing);
  // How a follower (an instance that does not sequence, sharing a database
  // with the one that does) answers before Lead(): `latest` is the newest
  // checkpoint it has read from the store; `not_leader` the UNAVAILABLE
  // status writes get (naming the leader's address); with `witnessed`, the
  // log has witnesses and GetCheckpoint(witnessed) reads the newest
  // witnessed checkpoint from the store. Call before serving.
  void Follow(std::function<sequencer::CheckpointPtr()> latest,
              std::function<absl::Status()> not_leader, bool witnessed);

  // The newest checkpoint this instance serves.
  sequencer::CheckpointPtr latest() const;

  // Called with the outcome of every entry of an AddEntries stream (OK for
  // an admitted or duplicate entry), so that admissions count entries, not
  // streams. Call before serving; thread-safe `observer` only.
  void ObserveStreamEntries(std::function<void(absl::StatusCode)> observer) {
    stream_entry_observer_ = std::move(observer);
  }

  grpc::ServerUnaryReactor* AddEntry(
      grpc::CallbackServerContext* context,
      const candor::log::v1::AddEntryRequest* request,
      candor::log::v1::AddEntryResponse* response) override;
  // Raw AddEntryRequest messages in, AddEntriesResponse messages out.
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* AddEntries(
      grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* GetCheckpoint(
      grpc::CallbackServerContext* context,
      const candor::log::v1::GetCheckpointRequest* request,
      candor::log::v1::GetCheckpointResponse* response) override;
  grpc::ServerUnaryReactor* GetInclusionProof(
      grpc::CallbackServerContext* context,
      const candor::log::v1::GetInclusionProofRequest* request,
      candor::log::v1::GetInclusionProofResponse* response) override;
  grpc::ServerUnaryReactor* GetConsistencyProof(
      grpc::CallbackServerContext* context,
      const candor::log::v1::GetConsistencyProofRequest* request,
      candor::log::v1::GetConsistencyProofResponse* response) override;
  grpc::ServerUnaryReactor* GetEntries(
      grpc::CallbackServerContext* context,
      const candor::log::v1::GetEntriesRequest* request,
      candor::log::v1::GetEntriesResponse* response) override;
  grpc::ServerUnaryReactor* GetTile(
      grpc::CallbackServerContext* context,
      const candor::log::v1::GetTileRequest* request,
      candor::log::v1::GetTileResponse* response) override;
  grpc::ServerUnaryReactor* GetEntryBundle(
      grpc::CallbackServerContext* context,
      const candor::log::v1::GetEntryBundleRequest* request,
      candor::log::v1::GetEntryBundleResponse* response) override;
  grpc::ServerUnaryReactor* LookupLeafHash(
      grpc::CallbackServerContext* context,
      const candor::log::v1::LookupLeafHashRequest* request,
      candor::log::v1::LookupLeafHashResponse* response) override;
  grpc::ServerUnaryReactor* GetInclusionProofs(
      grpc::CallbackServerContext* context,
      const candor::log::v1::GetInclusionProofsRequest* request,
      candor::log::v1::GetInclusionProofsResponse* response) override;
  grpc::ServerUnaryReactor* LookupIndex(
      grpc::CallbackServerContext* context,
      const candor::log::v1::LookupIndexRequest* request,
      candor::log::v1::LookupIndexResponse* response) override;
  grpc::ServerUnaryReactor* GetLogStatus(
      grpc::CallbackServerContext* context,
      const candor::log::v1::GetLogStatusRequest* request,
      candor::log::v1::GetLogStatusResponse* response) override;

  // Admits and sequences one entry; `done` receives the filled response or
  // the refusal. Shared by the unary and streaming adds. An entry carrying a
  // statement already in the log (dsse::StatementIdentity) is answered with
  // that entry's index and leaf hash and `duplicate`, and adds nothing,
  // whether or not it would be admitted now.
  using AddCallback = absl::AnyInvocable<void(absl::Status) &&>;
  // `client` identifies the caller for rate limiting (its peer address).
  void Add(const candor::log::v1::AddEntryRequest& request,
           absl::string_view client, absl::Time wait_deadline,
           candor::log::v1::AddEntryResponse* response, AddCallback done);

 private:
  // The latest checkpoint's note with the cosignatures collected for it.
  std::string LatestNote(const sequencer::PublishedCheckpoint& latest) const;
  // The signed checkpoint of `size` (LatestNote for the latest); empty if
  // the log signed none at that size.
  std::string CheckpointAt(uint64_t size, const sequencer::PublishedCheckpoint& latest) const;
  class StreamAdder;
  class StoreLogView;

  absl::Status FillInclusion(uint64_t index, uint64_t tree_size,
                             candor::log::v1::AddEntryResponse* response);
  // Fills `response` for a sequenced (or duplicate) entry and, with `wait`,
  // waits for its inclusion.
  void Respond(const sequencer::SequencedEntry& seq, bool wait,
               absl::Time wait_deadline,
               candor::log::v1::AddEntryResponse* response, AddCallback done);
  absl::Time WaitDeadline(const grpc::CallbackServerContext* context) const;

  storage::LogStore* const store_;
  const admission::Admission* const admission_;
  // The size up to which entries are sequenced, as far as this instance
  // knows.
  uint64_t SequencedSize() const;

  // Null until Lead(); set once, integrator before sequencer.
  std::atomic<sequencer::Sequencer*> sequencer_{nullptr};
  std::atomic<sequencer::Integrator*> integrator_{nullptr};
  std::atomic<const witnessing::Witnessing*> witnessing_{nullptr};
  // Follow()'s.
  std::function<sequencer::CheckpointPtr()> follower_latest_;
  std::function<absl::Status()> not_leader_;
  bool follower_witnessed_ = false;
  std::function<void(absl::StatusCode)> stream_entry_observer_;
  const ServiceLimits limits_;
  std::unique_ptr<admission::LogView> log_view_;
  RateLimiter client_limiter_;
  RateLimiter principal_limiter_;
  absl::Mutex streams_mu_;
  absl::flat_hash_map<std::string, int> open_streams_ ABSL_GUARDED_BY(streams_mu_);
};

}  // namespace candor::logserver

#endif  // CANDOR_LOG_SERVER_LOG_SERVICE_H_
