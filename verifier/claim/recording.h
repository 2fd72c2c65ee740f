// Recorded claims: what a vendor said without signing it (a statement given
// to a newspaper, a Data-safety label on the store), logged by a registered
// recorder with its provenance and the recorder's machine-checkable reading;
// and disputes, a vendor's signed answer to such a reading.
//
// A recording (candor.claim.v1.RecordedClaim, predicate type
// kRecordedClaimType) carries its reading as a whole Claim, issued by the
// recorder, so that it is validated, listed and evaluated exactly as a
// signed claim is; what differs is what a finding stands against (see
// Provenance) and who may supersede it (the recorder, correcting itself, or
// a vendor of the app, answering it with a signed claim: see history.h).
//
// A recording is admitted when, besides admission's signature rules:
//   - recorder names the signer (a RECORDER) and equals reading.issuer;
//   - kind is STATEMENT or STORE_LABEL;
//   - speaker.name is given (at most kMaxSpeakerName characters), and
//     speaker.principal, if given, is a registered principal;
//   - source.url is an http(s) URL, source.publication is given,
//     source.publishedAt is present and not after the log's time (plus the
//     time window), source.archiveSha256 is 64 lower-case hex digits;
//   - STATEMENT: 1 to kMaxQuotes quotes, each with a unique id (letters,
//     digits, '.', '-', '_'), non-empty text of at most kMaxQuoteBytes bytes
//     and a BCP 47 language tag; exactly one interpretation per assertion of
//     the reading, naming a quote whose text contains its sentence verbatim,
//     with a non-empty reading; no interpretation of anything else.
//     STORE_LABEL: no quotes or interpretations; the reading carries a
//     DATA_SAFETY_FORM document and only assertions a Data-safety form can
//     make (DataSafetyAnswersFromClaim), so a label is never read into more
//     than it says;
//   - the reading passes ClaimProblems without a signer (the recorder's
//     scope is not the app's: anyone may record what anyone said);
//   - first parties: a reading that speaks of third parties
//     (NOT_SHARED_WITH_THIRD_PARTIES, SHARED_ONLY_WITH) needs to know the
//     speaker's own organisations and domains: from the speaker's
//     registration when speaker.principal is a vendor with the app in scope
//     (first_party must then be empty), else from first_party, which must
//     then list at least one organisation or domain;
//   - the statement's single subject is the reading's app (as for a claim);
//   - reading.supersedes, if set, names an earlier recording about the same
//     app by the same recorder.
// A dispute (candor.claim.v1.Dispute, kDisputeType) is admitted when signed
// by a vendor whose scope includes the app, issuer is the signer, issuedAt is
// fresh, the text is 1 to kMaxDisputeText bytes, its subject is the app, and
// `recording` names a recording about that app.
//
// Pure functions, thread-safe. Errors as claim.h: INVALID_ARGUMENT,
// PERMISSION_DENIED, FAILED_PRECONDITION; messages name the field as JSON
// spells it ("recording source.archiveSha256: ...").

#ifndef CANDOR_VERIFIER_CLAIM_RECORDING_H_
#define CANDOR_VERIFIER_CLAIM_RECORDING_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "log/admission/admission.h"
#include "log/registry/registry.h"
#include "log/statement/predicate_types.h"
#include "proto/candor/claim/v1/claim.pb.h"

namespace candor::claim {

inline constexpr size_t kMaxQuotes = 16;
inline constexpr size_t kMaxQuoteBytes = 8192;
inline constexpr size_t kMaxSpeakerName = 200;
inline constexpr size_t kMaxInterpretationBytes = 4096;
inline constexpr size_t kMaxDisputeText = 8192;
inline constexpr size_t kMaxFirstPartyItems = 64;

// Every problem with `recording` that can be judged from it alone (all the
// rules above but the speaker's registration, the subject and supersedes), in
// field order. `now` and `max_time_skew` as ClaimProblems.
std::vector<absl::Status> RecordingProblems(const v1::RecordedClaim& recording,
                                            absl::Time now,
                                            absl::Duration max_time_skew);

// The recording in a log entry (signatures not checked); INVALID_ARGUMENT if
// the entry is not a statement of kRecordedClaimType whose predicate parses.
absl::StatusOr<v1::RecordedClaim> RecordingFromEntry(absl::string_view entry);

// Whether the reading of `recording` needs the speaker's first parties.
bool NeedsFirstParty(const v1::Claim& reading);

// The registration whose scope decides the first parties of a recording's
// reading, given the speaker's registration in force when it was recorded
// (nullptr if the speaker names no registered principal): that registration
// if it is a vendor's with the app in scope, else a registration carrying
// only the recording's first_party, named after the speaker.
registry::v1::Registration FirstPartyOf(const v1::RecordedClaim& recording,
                                        const registry::v1::Registration* speaker);

// What a finding stands against, in words that cannot be confused with each
// other:
//   "the vendor's signed claim"                      (a signed claim)
//   "the Data-safety label published on 2026-11-01"   (a claim imported from
//       the label and signed by the vendor; the date is the label
//       document's publishedAt, or else the claim's effectiveAt)
//   "the Data-safety label published on 2026-11-01, as <recorder> observed
//       it on <source url>"                           (a STORE_LABEL recording)
//   "<recorder>'s reading of a statement quoted in <publication>
//       (<source url>)"                               (a STATEMENT recording)
// `recorder_name` is the recorder's display name (or its principal name).
std::string ProvenanceOfClaim(const v1::Claim& claim);
std::string ProvenanceOfRecording(const v1::RecordedClaim& recording,
                                  absl::string_view recorder_name);

// Admission of kRecordedClaimType statements (the rules above).
class RecordedClaimValidator : public admission::PredicateValidator {
 public:
  registry::Role signer_role() const override { return registry::v1::RECORDER; }
  absl::Status Validate(const SignedStatement& statement,
                        const admission::ValidationContext& context) const override;
};

// Admission of kDisputeType statements (the rules above).
class DisputeValidator : public admission::PredicateValidator {
 public:
  registry::Role signer_role() const override { return registry::v1::VENDOR; }
  absl::Status Validate(const SignedStatement& statement,
                        const admission::ValidationContext& context) const override;
};

// The dispute in a log entry (signatures not checked), as RecordingFromEntry.
absl::StatusOr<v1::Dispute> DisputeFromEntry(absl::string_view entry);

void RegisterRecordingValidators(admission::ValidatorRegistry& registry);

}  // namespace candor::claim

#endif  // CANDOR_VERIFIER_CLAIM_RECORDING_H_
