// The history of claims about one app: which claim is in force at a time T,
// and what became of each of the others.
//
// The rules, for the claims about one app that count (those signed by a
// vendor the caller says is in scope for the app; see ClaimStatesAt):
//   - A claim counts once. An entry carrying the same signed statement as an
//     earlier entry (the same identity) is a repeat of it: it is neither in
//     force nor superseded on its own, and naming it in `supersedes` names
//     the original. So a replay, which anyone can make of any claim, changes
//     nothing: the vendor alone, by signing a new claim, changes a history.
//   - Claim S supersedes claim C at T when S counts, S.supersedes is C's
//     leaf hash, S and C have the same signer, S comes later in the log, and
//     S.effective_at <= T. (Admission enforces the first three for every
//     logged claim; they are checked again so that the rules stand on their
//     own.) A superseded claim stays superseded even if S is itself
//     superseded later: supersession is never undone.
//   - The claim in force at T is, among the claims that count, are effective
//     (effective_at <= T) and are not superseded at T, the one with the latest
//     effective_at; of claims effective at the same instant, the one with the
//     highest log index. None if there is no such claim.
// A newer claim replaces an older one whole, whatever version ranges they
// cover: a vendor that wants two ranges covered says so in one claim's
// successor, not in two claims in force at once.
//
// A vendor's imported store labels (signed claims carrying a
// DATA_SAFETY_FORM document, as `claim import --play-data-safety` writes
// them) are a chain of their own: the rules above apply among them, and
// among the vendor's other claims, separately. So the label the vendor
// published on the store and what it says elsewhere are both in force, side
// by side, and a new label replaces only the old label.
//
// Recordings (recording.h: claims others logged, whose issuer is their
// recorder) stand beside the vendor's claim instead of replacing it:
//   - A recording counts whoever its recorder is (the caller passes only
//     recordings signed by their recorder), and counts once, as above.
//   - It is superseded at T by a later recording of the same recorder that
//     names it (a correction), or by a later signed claim of a vendor in
//     scope that names it (the vendor answering the reading with what it
//     commits to), either effective at T.
//   - Every recording that counts, is effective at T and is not superseded
//     at T is in force at T, beside the vendor's claim in force and the other
//     recordings; a signed claim never supersedes another vendor's, nor a
//     recording a signed claim.
//
// Pure functions, thread-safe.

#ifndef CANDOR_VERIFIER_CLAIM_HISTORY_H_
#define CANDOR_VERIFIER_CLAIM_HISTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "log/merkle/hash.h"

namespace candor::claim {

enum class ClaimKind {
  kSigned,    // a vendor's signed claim
  kRecorded,  // a recorder's reading of what someone said (recording.h)
};

// What history needs to know about one logged claim.
struct ClaimRecord {
  uint64_t index = 0;          // its log index
  merkle::Hash leaf_hash{};    // RFC 6962 leaf hash of its entry
  ClaimKind kind = ClaimKind::kSigned;
  // A signed claim carrying a DATA_SAFETY_FORM document: the vendor's
  // imported store label, a chain of its own (see the top).
  bool label = false;
  std::string signer;          // the vendor (or recorder) that signed it
  absl::Time effective_at;
  std::optional<merkle::Hash> supersedes;
  // What was signed (dsse::StatementIdentity). Records that have one and
  // share it are one claim, logged more than once; see the top.
  std::optional<Sha256Digest> identity;
};

// A ClaimRecord for the log entry `entry` at `index`, a claim (see
// ClaimFromEntry) or a recording (RecordingFromEntry; its reading is the
// claim). The signer is the claim's issuer or the recording's recorder,
// which admission has checked is the signer; signatures are not checked
// here.
absl::StatusOr<ClaimRecord> ClaimRecordFromEntry(uint64_t index,
                                                 absl::string_view entry);

enum class ClaimStatus {
  kInForce,
  // Superseded at T by a later claim naming it, or effective but replaced by
  // the newer claim in force.
  kSuperseded,
  // Neither in force nor superseded yet: effective_at > T.
  kNotYetEffective,
  // Signed by a vendor not in scope for the app: it does not count.
  kOutOfScope,
  // The same signed statement as an earlier entry (`repeats`), which it
  // counts as.
  kRepeat,
};

// "in force", "superseded", "not yet effective", "out of scope", "a repeat".
absl::string_view ClaimStatusName(ClaimStatus status);

struct ClaimState {
  const ClaimRecord* claim = nullptr;
  ClaimStatus status = ClaimStatus::kNotYetEffective;
  // kSuperseded: the claim that superseded it by name (the earliest in the
  // log, if several did), or else the claim in force that replaced it.
  const ClaimRecord* superseded_by = nullptr;
  // kRepeat: the first entry of the same statement.
  const ClaimRecord* repeats = nullptr;
};

// The vendor's claim in force at `t` among `claims` (all about one app, each
// log index once) signed by one of `vendors` — its imported label only when
// no other claim is in force; nullptr if none. Points into `claims`.
// Recordings are never it: see ClaimsInForce.
const ClaimRecord* ClaimInForce(absl::Span<const ClaimRecord> claims,
                                absl::Span<const std::string> vendors,
                                absl::Time t);

// Every claim in force at `t`: the vendor's claim in force, if any, first,
// then its imported label in force, then the recordings in force, in log
// order.
std::vector<const ClaimRecord*> ClaimsInForce(absl::Span<const ClaimRecord> claims,
                                              absl::Span<const std::string> vendors,
                                              absl::Time t);

// The status of every claim in `claims` at `t`, newest in the log first.
// Pointers point into `claims`.
std::vector<ClaimState> ClaimStatesAt(absl::Span<const ClaimRecord> claims,
                                      absl::Span<const std::string> vendors,
                                      absl::Time t);

}  // namespace candor::claim

#endif  // CANDOR_VERIFIER_CLAIM_HISTORY_H_
