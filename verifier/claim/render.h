// Claims in plain English, for people (`candor claim show`, `candor claims`),
// and recordings of claims others made (recording.h).
//
// Assertions read as the vendor's promise about the app, with the taxonomy's
// labels: "never shares Contacts, Phone number with third parties, whatever
// the user chose about tracking". Country practices speak of where data is
// sent ("never sends any user data to endpoints located in China (CN)"),
// never of where it is stored: traffic shows a transmission, not what the
// recipient does with it. NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES speaks of
// who receives it ("never sends any user data to organisations attributed
// to China (CN) (incorporated there or owned from there), wherever their
// endpoints are located").
//
// Everything a vendor wrote (text, organisations, URLs, ids) is shown with
// control characters, C1 controls and Unicode bidirectional overrides
// escaped, so a claim cannot rewrite the reader's terminal or reorder what
// is shown. Renders any claim, valid or not; missing fields show as
// "(missing)".
//
// Pure functions, thread-safe.

#ifndef CANDOR_VERIFIER_CLAIM_RENDER_H_
#define CANDOR_VERIFIER_CLAIM_RENDER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "verifier/claim/history.h"

namespace candor::claim {

// `s` with control characters, C1 controls, bidirectional formatting
// characters and invalid UTF-8 escaped ("\x1b", "\u202e").
std::string Printable(absl::string_view s);

// Labels of type and category ids, in the order given, joined with ", ":
// "Contacts, Phone number, Precise location"; a category shows as its label
// ("Location"); "any user data" when the ids cover every Candor data type.
// Unknown ids show as they are.
std::string DescribeDataTypes(absl::Span<const std::string> ids);

// "China (CN)", "China (CN) or Russia (RU)"; unknown codes as they are.
std::string DescribeCountries(absl::Span<const std::string> codes);

// When an assertion holds: "whatever the user chose about tracking", "once
// the user has declined tracking", "once the user has accepted tracking".
std::string DescribeConsent(v1::Consent consent);

// One assertion as a sentence without its id: practice, data types and
// destinations, consent, and the exemptions relied on, e.g.
//   "never shares Contacts with third parties, whatever the user chose about
//    tracking"
//   "never sends any user data to endpoints located in China (CN), whatever
//    the user chose about tracking"
//   "shares Precise location with no third party other than \"Maps Inc\",
//    once the user has accepted tracking; relies on exemptions: service
//    provider"
std::string DescribeAssertion(const v1::Assertion& assertion);

// Where a claim stands in the log, for the header of RenderClaim.
struct ClaimListing {
  uint64_t log_index = 0;
  ClaimStatus status = ClaimStatus::kInForce;
  absl::Time as_of;  // the time the status is for
  // kSuperseded: the log index of the claim that superseded or replaced it.
  std::optional<uint64_t> superseded_by;
  // kRepeat: the log index of the first entry of the same statement.
  std::optional<uint64_t> repeats;
  // What a finding on the claim would stand against (recording.h,
  // ProvenanceOfClaim / ProvenanceOfRecording); shown when not empty.
  std::string provenance;
};

// A vendor's dispute of a recording, with its log index.
struct RecordingDispute {
  uint64_t log_index = 0;
  v1::Dispute dispute;
};

// A multi-line rendering (ending in a newline): app and versions, issuer,
// issue and effective times, the log entry and status if `listing` is given,
// supersedes (base64 leaf hash), signing certificate, documents, the vendor's
// text, then one line per assertion ("<id>: <DescribeAssertion>.").
std::string RenderClaim(const v1::Claim& claim,
                        const std::optional<ClaimListing>& listing = std::nullopt);

// A recording (recording.h): what kind, who recorded it, the speaker, the
// source and archive digest, the quotes, then the reading as RenderClaim
// shows a claim, each assertion followed by the interpretations that tie it
// to a sentence ("reads \"...\" (quote q1): ..."), then the vendor's
// `disputes`, each with its text.
std::string RenderRecording(const v1::RecordedClaim& recording,
                            const std::optional<ClaimListing>& listing,
                            absl::Span<const RecordingDispute> disputes = {});

}  // namespace candor::claim

#endif  // CANDOR_VERIFIER_CLAIM_RENDER_H_
