// Gets the log's checkpoints cosigned by its witnesses (c2sp.org/tlog-witness)
// and publishes the cosigned ones.
//
// One thread: whenever the integrator signs a new checkpoint (Notify), and
// every `refresh_interval` even if nothing changed (so that cosignatures
// stay fresh for clients that bound their age), it submits the newest
// checkpoint to every witness of the policy that has a URL, in parallel,
// each with its own deadline. A 409 gives the witness's size, and the
// request is retried once from it with the right consistency proof. The
// cosignatures collected for a checkpoint accumulate across rounds. Once
// they meet the policy's quorum, the cosigned note is stored (in place of
// the plain one at that size, with the witnessed size, synced) and, with a
// FileWriter, written as the tiles directory's `checkpoint`.
//
// Witnesses never hold up the log: the integrator only signals; sequencing,
// admission and proofs go on whatever the witnesses do, and a witness that
// is down costs one deadline per round. Thread-safe.

#ifndef CANDOR_LOG_WITNESS_WITNESSING_H_
#define CANDOR_LOG_WITNESS_WITNESSING_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/metrics/metrics.h"
#include "log/note/note.h"
#include "log/note/policy.h"
#include "log/sequencer/integrator.h"
#include "log/storage/log_store.h"
#include "log/tiles/file_writer.h"
#include "log/witness/witness_client.h"

namespace candor::witnessing {

struct WitnessingOptions {
  // Each add-checkpoint request's deadline.
  absl::Duration request_timeout = absl::Seconds(5);
  // Resubmit the newest checkpoint this often when nothing new was signed.
  absl::Duration refresh_interval = absl::Minutes(5);
  // After a round that left a witness without a cosignature, try again this
  // soon (not before the next checkpoint would anyway).
  absl::Duration retry_interval = absl::Seconds(2);
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

// What the log last heard from one witness.
struct WitnessStatus {
  std::string name;
  std::string url;
  // The size of the newest checkpoint it cosigned for us; 0 if none yet.
  uint64_t cosigned_size = 0;
  // The time its newest cosignature states (POSIX seconds); 0 if none.
  uint64_t cosigned_at = 0;
  // OK after a cosignature, else the last failure.
  absl::Status last_result;
};

class Witnessing {
 public:
  // Resumes from the stored witnessed checkpoint, if any. `policy` must
  // require cosignatures and name at least one witness with a URL
  // (INVALID_ARGUMENT otherwise). `store`, `files` (may be null) and
  // `metrics` (may be null) must outlive this object.
  static absl::StatusOr<std::unique_ptr<Witnessing>> Start(
      note::Policy policy, note::Verifier log_key, storage::LogStore* store,
      tiles::FileWriter* files, witness_client::PostFunction post,
      WitnessingOptions options, metrics::Registry* metrics);
  // Stops the thread after the round in progress.
  ~Witnessing();

  // A new checkpoint to have cosigned. Cheap; call from any thread.
  void Notify(sequencer::CheckpointPtr checkpoint);

  // The newest checkpoint that met the quorum, with its cosignatures; null
  // if none has yet.
  sequencer::CheckpointPtr latest_witnessed() const;
  // `checkpoint`'s note with the cosignatures collected for it so far (its
  // plain note if none).
  std::string WithCosignatures(const sequencer::PublishedCheckpoint& checkpoint) const;
  std::vector<WitnessStatus> status() const;

  // Rounds of asking the witnesses completed so far, and a wait for a count
  // of them (DEADLINE_EXCEEDED at `deadline`): tests wait on rounds, never
  // on time.
  uint64_t rounds() const;
  absl::Status WaitForRounds(uint64_t rounds, absl::Time deadline) const;

  // Blocks until a checkpoint of at least `size` is witnessed:
  // DEADLINE_EXCEEDED at `deadline`.
  absl::Status WaitForWitnessed(uint64_t size, absl::Time deadline) const;

 private:
  struct Witness {
    witness_client::WitnessEndpoint endpoint;
    // The size the witness last told us or cosigned; unknown at start.
    bool size_known = false;
    uint64_t size = 0;
    WitnessStatus status;
  };
  struct Metrics;

  Witnessing(note::Policy policy, note::Verifier log_key, storage::LogStore* store,
             tiles::FileWriter* files, witness_client::PostFunction post,
             WitnessingOptions options);
  void Run();
  // One round for `checkpoint`: every witness in parallel.
  void Round(const sequencer::CheckpointPtr& checkpoint);
  // Asks one witness, retrying once after a 409. Returns its cosignature line.
  absl::StatusOr<std::string> AskWitness(Witness& witness,
                                         const sequencer::PublishedCheckpoint& checkpoint);
  // Stores and publishes `note` if it meets the quorum.
  void MaybePublish(const sequencer::CheckpointPtr& checkpoint, const std::string& note);

  const note::Policy policy_;
  const note::Verifier log_key_;
  storage::LogStore* const store_;
  tiles::FileWriter* const files_;
  const witness_client::PostFunction post_;
  const WitnessingOptions options_;
  std::unique_ptr<Metrics> metrics_;

  // Owned by the thread (each witness by its request thread during a round).
  std::vector<Witness> witnesses_;

  mutable absl::Mutex mu_;
  sequencer::CheckpointPtr pending_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  sequencer::CheckpointPtr witnessed_ ABSL_GUARDED_BY(mu_);
  // The checkpoint being cosigned, since when, and each witness's
  // cosignature line for it ("" if none yet).
  sequencer::CheckpointPtr current_ ABSL_GUARDED_BY(mu_);
  absl::Time current_since_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> current_lines_ ABSL_GUARDED_BY(mu_);
  std::vector<WitnessStatus> status_ ABSL_GUARDED_BY(mu_);
  uint64_t rounds_ ABSL_GUARDED_BY(mu_) = 0;

  std::thread thread_;
};

}  // namespace candor::witnessing

#endif  // CANDOR_LOG_WITNESS_WITNESSING_H_
