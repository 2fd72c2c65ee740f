// The claim a finding is evaluated against, read from its log entry: a
// vendor's signed claim or a recorder's recording (verifier/claim/
// recording.h), with the registration that decides its first parties and
// the words saying what a finding stands against. The verifier and
// `candor verify finding` both read claims through it, so a finding is
// re-derived from a recording exactly as from a signed claim.
//
// Pure; thread-safe as far as the lookup is.

#ifndef CANDOR_VERIFIER_EVALUATE_CLAIM_INPUT_H_
#define CANDOR_VERIFIER_EVALUATE_CLAIM_INPUT_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/candor/finding/v1/finding.pb.h"
#include "proto/candor/registry/v1/registry.pb.h"
#include "verifier/evaluate/evaluate.h"

namespace candor::evaluate {

// The registration of `principal` in force just before the claim's log
// index; nullopt if it had none.
using RegistrationBefore =
    std::function<absl::StatusOr<std::optional<registry::v1::Registration>>(
        const std::string& principal)>;

// The ClaimInput for the claim or recording `entry`, at `ref`, signed by
// `signer` (the principal whose registered key verified it). Errors:
// INVALID_ARGUMENT for an entry that is neither or does not parse;
// FAILED_PRECONDITION when the issuer (or recorder) is not the signer, or a
// registration the evaluation needs is missing (the vendor's; the
// recorder's; the speaker's, when a recording names one); PERMISSION_DENIED
// for a signed claim about an app outside its vendor's scope. Lookup errors
// are passed on.
absl::StatusOr<ClaimInput> ClaimInputFromEntry(const finding::v1::EntryRef& ref,
                                               absl::string_view entry,
                                               absl::string_view signer,
                                               const RegistrationBefore& registration);

}  // namespace candor::evaluate

#endif  // CANDOR_VERIFIER_EVALUATE_CLAIM_INPUT_H_
