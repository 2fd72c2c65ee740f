// The client side of C2SP tlog-witness v1 (c2sp.org/tlog-witness): submits a
// checkpoint with a consistency proof to one witness's add-checkpoint and
// reads its answer.
//
// The HTTP exchange itself is a PostFunction, so that the log's composition
// root chooses the transport (base/http) and tests can inject faults.
// AddCheckpoint is thread-safe if the PostFunction is. Errors: the
// PostFunction's own (DEADLINE_EXCEEDED, UNAVAILABLE, ...); for an answer
// other than 200 and 409, a status naming the witness and the HTTP code:
// NOT_FOUND (404, the witness does not know the log), PERMISSION_DENIED
// (403), FAILED_PRECONDITION (422, the witness found the checkpoint
// inconsistent with what it cosigned: evidence of a fork or a bad proof),
// RESOURCE_EXHAUSTED (429), INVALID_ARGUMENT (400), UNAVAILABLE otherwise;
// DATA_LOSS if a 200 holds no valid cosignature by the witness's key.

#ifndef CANDOR_LOG_WITNESS_WITNESS_CLIENT_H_
#define CANDOR_LOG_WITNESS_WITNESS_CLIENT_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "base/http/http_client.h"
#include "log/merkle/hash.h"
#include "log/note/note.h"

namespace candor::witness_client {

// POSTs `body` to `url`'s add-checkpoint and returns the reply, by
// `deadline`.
using PostFunction = std::function<absl::StatusOr<http::HttpReply>(
    const std::string& url, const std::string& body, absl::Time deadline)>;

// The host:port and path prefix of a submission prefix URL
// "http://host:port[/prefix]". INVALID_ARGUMENT for anything else (https
// included: the log speaks plain HTTP to witnesses, whose answers are
// signed; put a TLS proxy in front if the path needs privacy).
struct WitnessUrl {
  std::string host_port;
  std::string prefix;  // "" or "/..." without a trailing '/'
};
absl::StatusOr<WitnessUrl> ParseWitnessUrl(absl::string_view url);

// The real transport: HTTP/1.1 POST of `body` to <prefix>/add-checkpoint
// (base/http).
PostFunction HttpPostFunction();

// A witness the log submits to: its policy name, cosigner key and
// submission prefix ("http://host:port[/path]").
struct WitnessEndpoint {
  std::string name;
  note::Verifier key;
  std::string url;
};

struct AddOutcome {
  // 409: the witness's latest cosigned size, to retry from; nothing else set.
  bool conflict = false;
  uint64_t witness_size = 0;
  // 200: the witness's cosignature line (one, by its key, verified over the
  // checkpoint) and the time it states.
  std::string cosignature;
  uint64_t timestamp = 0;
};

// The add-checkpoint request body: "old N", the proof lines, a blank line,
// the checkpoint. INVALID_ARGUMENT for more than 63 proof hashes.
absl::StatusOr<std::string> AddCheckpointBody(
    uint64_t old_size, absl::Span<const merkle::Hash> proof,
    const std::string& checkpoint_note);

absl::StatusOr<AddOutcome> AddCheckpoint(const WitnessEndpoint& witness,
                                         const PostFunction& post,
                                         uint64_t old_size,
                                         absl::Span<const merkle::Hash> proof,
                                         const std::string& checkpoint_note,
                                         absl::Time deadline);

}  // namespace candor::witness_client

#endif  // CANDOR_LOG_WITNESS_WITNESS_CLIENT_H_
