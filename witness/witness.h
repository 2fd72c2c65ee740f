// A C2SP tlog-witness v1 witness (c2sp.org/tlog-witness): it cosigns a log's
// checkpoint (c2sp.org/tlog-cosignature, cosignature/v1) only if it is
// consistent with the latest checkpoint it cosigned for that log, and keeps
// that latest checkpoint durably (WitnessStore).
//
// This is the protocol without HTTP: AddCheckpoint takes the body of a
// POST <prefix>/add-checkpoint and returns the status, content type and body
// to answer; GetCheckpoint serves GET <prefix>/<origin hash>/checkpoint.
// witness_http.h puts both on an HTTP server.
//
// Statuses of AddCheckpoint, exactly as the specification wants them:
//   200  the cosignature line(s), "— <witness name> <base64>\n"
//   400  the body does not parse (old size line, proof lines, blank line,
//        signed checkpoint), or the old size exceeds the checkpoint's size
//   404  the checkpoint's origin is not a known log
//   403  no signature by a trusted key for the origin, or one that fails
//   409  the old size is not the size of the latest cosigned checkpoint (0
//        if none): body "<that size>\n", Content-Type text/x.tlog.size
//   422  size 0 without the empty tree's root; a proof with old size 0; a
//        consistency proof that does not verify; the cosigned size with a
//        different root (a fork). Validly signed: logged as evidence.
//   500  the store failed; nothing was cosigned
// Error bodies are one line of text/plain saying what is wrong.
//
// The check against the stored checkpoint and the write of the new one are
// atomic per origin (a mutex per origin), and the write is synced before the
// cosignature is returned: the witness never cosigns a checkpoint that is
// inconsistent with one it cosigned before, even across crashes.
// Cosignature timestamps are the clock's seconds, at least 1, and never
// below the previous timestamp for that origin (the clock may step back).
//
// Thread-safe. The store (and the metrics registry, if any) must outlive the
// Witness.

#ifndef CANDOR_WITNESS_WITNESS_H_
#define CANDOR_WITNESS_WITNESS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "base/metrics/metrics.h"
#include "log/note/note.h"
#include "witness/witness_store.h"

namespace candor::witness {

inline constexpr char kSizeContentType[] = "text/x.tlog.size";
inline constexpr char kTextContentType[] = "text/plain; charset=utf-8";
// The most consistency proof lines a request may hold.
inline constexpr size_t kMaxProofLines = 63;

struct WitnessResponse {
  int status = 200;
  std::string content_type = kTextContentType;
  std::string body;
};

struct WitnessOptions {
  // The time cosignatures state.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  // If set, counters candor_witness_cosignatures_total{origin} and
  // candor_witness_inconsistent_checkpoints_total{origin,reason} are added.
  metrics::Registry* metrics = nullptr;
};

// The logs a witness knows, read from a C2SP tlog-policy file: its
// "log <vkey> [<url>]" lines. The file must parse as a policy (so it needs
// its one quorum line; "quorum none" will do); witness, group and quorum
// lines are read but not used. INVALID_ARGUMENT if it does not parse
// ("policy line N: ...") or lists no log.
absl::StatusOr<std::vector<note::Verifier>> LogsFromPolicy(absl::string_view text);

class Witness {
 public:
  // `cosigner` must be a cosigner key (algorithm 0x04); `logs` note keys
  // (0x01), the origin of each log being its key's name (several keys may
  // share an origin). INVALID_ARGUMENT otherwise or if `logs` is empty;
  // ALREADY_EXISTS if a metric is already registered.
  static absl::StatusOr<std::unique_ptr<Witness>> Create(
      note::Signer cosigner, absl::Span<const note::Verifier> logs,
      WitnessStore* store, WitnessOptions options = WitnessOptions());

  // POST add-checkpoint with `body`.
  WitnessResponse AddCheckpoint(absl::string_view body);

  // GET <origin_hash>/checkpoint, `origin_hash` being the lower-case hex
  // SHA-256 of an origin: 200 with the latest cosigned checkpoint (the log's
  // verified signatures, then the witness's cosignature), or 404.
  WitnessResponse GetCheckpoint(absl::string_view origin_hash) const;

  // The witness's cosigner verifier key.
  const note::Verifier& verifier() const { return verifier_; }

 private:
  struct Log {
    std::string origin;
    std::vector<note::Verifier> keys;
    absl::Mutex mu;  // held across check and write for this origin
  };
  struct Request;

  Witness(note::Signer cosigner, WitnessStore* store, WitnessOptions options);
  // Checks `request` against the stored state and, if consistent, cosigns
  // and stores it. Called with log.mu held.
  WitnessResponse CheckAndCosign(Log& log, const Request& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(log.mu);
  // Answers 422 and logs the evidence: the request and the checkpoint
  // cosigned before (`cosigned`, if any), both signed by the log.
  WitnessResponse Inconsistent(const Log& log, const Request& request,
                               const std::optional<WitnessRecord>& cosigned,
                               absl::string_view reason, absl::string_view detail);

  const note::Signer cosigner_;
  const note::Verifier verifier_;
  WitnessStore* const store_;
  const WitnessOptions options_;
  // By origin, and by lower-case hex SHA-256 of the origin.
  absl::flat_hash_map<std::string, std::unique_ptr<Log>> logs_;
  absl::flat_hash_map<std::string, Log*> by_hash_;
  metrics::Family<metrics::Counter>* cosignatures_ = nullptr;
  metrics::Family<metrics::Counter>* inconsistent_ = nullptr;
};

}  // namespace candor::witness

#endif  // CANDOR_WITNESS_WITNESS_H_
