// Witness policies in the C2SP tlog-policy format (c2sp.org/tlog-policy):
// which logs are trusted, which witnesses, and the quorum of witnesses whose
// cosignatures a checkpoint needs before anyone relies on it.
//
//   log <vkey> [<url>]
//   witness <name> <vkey> [<url>]
//   group <name> all|any|<k> <member>...
//   quorum <name>|none
//
// Log keys are note keys (algorithm 0x01), witness keys cosigner keys
// (0x04, tlog-cosignature v1). Groups and the quorum refer only to names
// defined on earlier lines; a member appears at most once per group; keys
// may not repeat; exactly one quorum line. Comments start with '#'.
//
// Policy is immutable after Parse, cheap to share and thread-safe. Functions
// are pure: the time to judge cosignatures by is passed in. Errors:
// INVALID_ARGUMENT for a policy that does not parse ("policy line N: ...")
// and for a checkpoint that does not verify or does not reach the quorum,
// with a message that names the witnesses that cosigned and those missing.

#ifndef CANDOR_LOG_NOTE_POLICY_H_
#define CANDOR_LOG_NOTE_POLICY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"

namespace candor::note {

// Limits against hostile policy files (C2SP recommends at least 32 each).
inline constexpr size_t kMaxPolicySize = 1 << 20;
inline constexpr size_t kMaxPolicyLogs = 256;
inline constexpr size_t kMaxPolicyWitnesses = 256;
inline constexpr size_t kMaxPolicyGroups = 256;

struct PolicyLog {
  Verifier key;
  std::string url;  // empty if none
};

struct PolicyWitness {
  std::string name;
  Verifier key;
  std::string url;  // empty if none
};

// How cosignature times are judged. A cosignature dated later than now +
// max_future makes the checkpoint invalid (a witness does not sign the
// future); one older than now - max_age does not count toward the quorum.
struct CosignatureWindow {
  absl::Duration max_future = absl::Minutes(10);
  absl::Duration max_age = absl::InfiniteDuration();
};

// A checkpoint that satisfied a policy.
struct WitnessedCheckpoint {
  SignedCheckpoint checkpoint;
  // Policy names of the witnesses whose cosignatures verified and counted,
  // in policy order, with the time each cosignature states.
  std::vector<std::pair<std::string, uint64_t>> cosigned_by;
};

class Policy {
 public:
  static absl::StatusOr<Policy> Parse(absl::string_view text);

  const std::vector<PolicyLog>& logs() const { return logs_; }
  const std::vector<PolicyWitness>& witnesses() const { return witnesses_; }
  // False for "quorum none".
  bool requires_cosignatures() const { return requires_cosignatures_; }
  // The witnesses' keys, to open notes with.
  std::vector<Verifier> WitnessKeys() const;

  // Verifies `signed_note` as a checkpoint signed by `log_key` and cosigned
  // by a quorum of this policy's witnesses, judged at `now`. If the policy
  // lists logs, `log_key` must be one of them (FAILED_PRECONDITION
  // otherwise). Cosignatures by keys not in the policy are ignored; a
  // cosignature by a policy witness that does not verify is an error.
  absl::StatusOr<WitnessedCheckpoint> VerifyCheckpoint(
      absl::string_view signed_note, const Verifier& log_key, absl::Time now,
      const CosignatureWindow& window = CosignatureWindow()) const;

  // The same for a checkpoint signed by any of the policy's logs (the one
  // whose name is the checkpoint's origin). FAILED_PRECONDITION if the
  // policy lists no log.
  absl::StatusOr<WitnessedCheckpoint> VerifyCheckpoint(
      absl::string_view signed_note, absl::Time now,
      const CosignatureWindow& window = CosignatureWindow()) const;

 private:
  struct Group {
    std::string name;
    size_t threshold = 0;
    std::vector<int> members;  // nodes, as quorum_node_
  };

  Policy() = default;
  // Whether node `index` (witness or group) is satisfied by `signed_by`
  // (one flag per witness).
  bool Satisfied(int index, const std::vector<bool>& signed_by) const;
  std::string NodeName(int index) const;

  std::vector<PolicyLog> logs_;
  std::vector<PolicyWitness> witnesses_;
  std::vector<Group> groups_;
  bool requires_cosignatures_ = false;
  // Node encoding: witness i is -1 - i, group j is j.
  int quorum_node_ = 0;
};

}  // namespace candor::note

#endif  // CANDOR_LOG_NOTE_POLICY_H_
