// The evaluation of measurements against a claim: a pure, deterministic,
// versioned function of (claim, measurements, reference data). The verifier
// runs it to publish findings and `candor verify finding` runs it again to
// re-derive a finding's verdict instead of trusting it.
//
// For each assertion of the claim, every flow of every applicable measurement
// (same app, a version the claim covers, a consent state the assertion is
// about) is checked: the data types detected in it, its destination's
// organisation, first or third party (from the vendor's registration), and
// the country where the endpoint is located. A flow contradicts the
// assertion, or would unless a declared exemption applies, or is irrelevant.
// Traffic shows a transmission, not what happens after it: the wording is
// "sent to an endpoint located in X", never "stored in X".
//
// NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES is about who receives the data,
// wherever the endpoint is: a flow contradicts it when its organisation, or
// any organisation above it in reference data's parent chain
// (Destination::organisation_chain), is incorporated in a listed country,
// first party included (as for the endpoint-country practices: a vendor of
// a listed country contradicts it by sending to itself). A flow whose
// organisation reference data does not know is irrelevant to it (nothing
// says who received it), as is one whose chain ends, at a parent reference
// data does not list, without reaching a listed country. USER_INITIATED
// excuses it, as it does the endpoint-country practices. Its findings cite
// the reference entries of every organisation in the chains of the cited
// measurements' flows, so that a re-evaluation from them sees the same
// chains.
//
// Pure functions; thread-safe as far as the DestinationResolver is.

#ifndef CANDOR_VERIFIER_EVALUATE_EVALUATE_H_
#define CANDOR_VERIFIER_EVALUATE_EVALUATE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "proto/candor/finding/v1/finding.pb.h"
#include "proto/candor/measurement/v1/measurement.pb.h"
#include "proto/candor/registry/v1/registry.pb.h"

namespace candor::evaluate {

inline constexpr absl::string_view kEvaluatorVersion = "candor-evaluate/1";
inline constexpr uint32_t kDefaultQuorum = 2;

// An organisation that receives a flow, or one that owns it, as reference
// data tells.
struct OrganisationLink {
  std::string name;
  std::string country;  // ISO alpha-2 of incorporation; empty if unknown
  // The reference-data entries listing it (as Destination::references).
  std::vector<size_t> references;
};

// Where a flow went, as reference data tells.
struct Destination {
  std::string registrable_domain;  // empty for IP literals
  std::string organisation;        // empty if no reference names it
  std::string endpoint_country;    // ISO alpha-2; empty if unknown
  // The reference-data entries the answer came from (indices into whatever
  // list the resolver was built from).
  std::vector<size_t> references;
  // Who receives the flow: the organisation first, then its parent, its
  // parent's parent and so on, as far as reference data lists them (a parent
  // it does not list ends the chain); empty when no organisation is known.
  // Only NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES reads it, and only its
  // findings cite the entries listing the parents, so the findings of the
  // other practices cite what they always did.
  std::vector<OrganisationLink> organisation_chain;
};

class DestinationResolver {
 public:
  virtual ~DestinationResolver() = default;
  // FAILED_PRECONDITION if the reference data at hand cannot answer (e.g. a
  // bundle lacks a part the answer needs).
  virtual absl::StatusOr<Destination> Resolve(absl::string_view host,
                                              absl::string_view server_ip) const = 0;
};

struct ClaimInput {
  finding::v1::EntryRef ref;
  // The claim, or a recording's reading (verifier/claim/recording.h).
  claim::v1::Claim claim;
  // The vendor's registration in force when the claim was made: its
  // organisations and domains are first party. For a recording,
  // claim::FirstPartyOf.
  registry::v1::Registration vendor;
  // What a finding on this claim stands against (Finding.stands_against):
  // claim::ProvenanceOfClaim or claim::ProvenanceOfRecording.
  std::string stands_against;
  // A recording's author (display name or principal name); empty for a
  // vendor's signed claim, which `vendor` made.
  std::string recorder;
};

struct MeasurementInput {
  finding::v1::EntryRef ref;
  measurement::v1::Measurement measurement;
};

struct AssertionResult {
  claim::v1::Assertion assertion;
  finding::v1::Verdict verdict = finding::v1::CONSISTENT;
  bool confirmed = false;
  uint32_t contradicting_auditors = 0;
  // Positions (in the input span) of the measurements the assertion was
  // checked against, and of those with violating flows.
  std::vector<size_t> applicable;
  std::vector<size_t> cited;
  // ViolatingFlow.measurement is a position in `cited`.
  std::vector<finding::v1::ViolatingFlow> flows;
  // Reference entries used for the cited flows.
  std::vector<size_t> references;
  // Request bodies in the applicable measurements, and those not examined
  // (Measurement.coverage): what was not examined is unknown, so a
  // consistent verdict says how much it rests on.
  uint32_t bodies = 0;
  uint32_t bodies_not_examined = 0;
};

// Whether `m` bears on `claim` at all: same app, the claim's build if it
// names one (app.binarySha256 equal to the measurement's binary_sha256), and
// a version the claim covers (a claim with a version range needs a measured
// version).
bool Applies(const claim::v1::Claim& claim, const measurement::v1::Measurement& m);

// Evaluates every assertion of the claim, in claim order. Auditors are
// counted by name (Measurement.auditor, which the caller has checked is the
// signer), each once per assertion however many measurements it made, so
// repeated entries of one measurement never make a quorum. Fails only if the
// resolver does.
absl::StatusOr<std::vector<AssertionResult>> Evaluate(
    const ClaimInput& claim, absl::Span<const MeasurementInput> measurements,
    const DestinationResolver& resolver, uint32_t quorum);

// The Finding a verifier publishes for one result (without issued_at and
// verifier, which the caller sets). `reference_refs` maps resolver reference
// indices to log entries.
finding::v1::Finding MakeFinding(const ClaimInput& claim,
                                 absl::Span<const MeasurementInput> measurements,
                                 const AssertionResult& result, uint32_t quorum,
                                 absl::Span<const finding::v1::EntryRef> reference_refs);

// A plain-language account of a finding.
std::string Summarize(const ClaimInput& claim,
                      absl::Span<const MeasurementInput> cited,
                      const AssertionResult& result, uint32_t quorum);

}  // namespace candor::evaluate

#endif  // CANDOR_VERIFIER_EVALUATE_EVALUATE_H_
