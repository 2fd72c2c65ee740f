#include "verifier/evaluate/claim_input.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "log/json/json.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "verifier/claim/claim.h"
#include "verifier/claim/recording.h"

namespace candor::evaluate {
namespace {

using ::candor::json::Quote;

std::string DisplayName(const registry::v1::Registration& r) {
  return r.display_name().empty() ? r.name() : r.display_name();
}

absl::StatusOr<registry::v1::Registration> Required(const RegistrationBefore& registration,
                                                    const std::string& principal,
                                                    absl::string_view role) {
  absl::StatusOr<std::optional<registry::v1::Registration>> r = registration(principal);
  if (!r.ok()) return r.status();
  if (!r->has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the ", role, " ", Quote(principal), " has no registration before the claim"));
  }
  return **r;
}

}  // namespace

absl::StatusOr<ClaimInput> ClaimInputFromEntry(const finding::v1::EntryRef& ref,
                                               absl::string_view entry,
                                               absl::string_view signer,
                                               const RegistrationBefore& registration) {
  absl::StatusOr<SignedStatement> st = ParseSignedStatement(entry);
  if (!st.ok()) return st.status();
  ClaimInput input;
  input.ref = ref;
  const std::string& type = st->statement.predicate_type;
  if (type == kClaimType) {
    if (absl::Status s = ParsePredicate(st->statement.predicate_json, input.claim); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("the claim: ", s.message()));
    }
    if (input.claim.issuer() != signer) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the claim names issuer ", Quote(input.claim.issuer()), " but is signed by ",
          Quote(signer)));
    }
    absl::StatusOr<registry::v1::Registration> vendor =
        Required(registration, input.claim.issuer(), "vendor");
    if (!vendor.ok()) return vendor.status();
    const auto& apps = vendor->scope().apps();
    if (std::find(apps.begin(), apps.end(), input.claim.app().id()) == apps.end()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "the claim is about ", input.claim.app().id(), ", outside vendor ",
          Quote(vendor->name()), "'s registered scope"));
    }
    input.vendor = *std::move(vendor);
    input.stands_against = claim::ProvenanceOfClaim(input.claim);
    return input;
  }
  if (type != kRecordedClaimType) {
    return absl::InvalidArgumentError(
        absl::StrCat("the claim entry is a ", Quote(type), " statement"));
  }
  claim::v1::RecordedClaim recording;
  if (absl::Status s = ParsePredicate(st->statement.predicate_json, recording); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("the recording: ", s.message()));
  }
  if (recording.recorder() != signer) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the recording names recorder ", Quote(recording.recorder()), " but is signed by ",
        Quote(signer)));
  }
  if (recording.reading().issuer() != signer) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the recording's reading names issuer ", Quote(recording.reading().issuer()),
        " but is signed by ", Quote(signer)));
  }
  absl::StatusOr<registry::v1::Registration> recorder =
      Required(registration, recording.recorder(), "recorder");
  if (!recorder.ok()) return recorder.status();
  std::optional<registry::v1::Registration> speaker;
  if (!recording.speaker().principal().empty()) {
    absl::StatusOr<registry::v1::Registration> r =
        Required(registration, recording.speaker().principal(), "speaker");
    if (!r.ok()) return r.status();
    speaker = *std::move(r);
  }
  input.claim = recording.reading();
  input.vendor = claim::FirstPartyOf(recording, speaker ? &*speaker : nullptr);
  input.recorder = DisplayName(*recorder);
  input.stands_against = claim::ProvenanceOfRecording(recording, input.recorder);
  return input;
}

}  // namespace candor::evaluate
