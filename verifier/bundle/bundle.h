// Inconsistency proofs: a finding with everything needed to check it
// offline — the log's signed checkpoint and, for the finding, its claim, its
// measurements, the reference-data parts it used and the registrations of
// every signer, each entry with an inclusion proof to the checkpoint.
//
// Checking a bundle trusts nothing but the log's key (and, optionally, the
// operator's admin key and a witness policy): the checkpoint's signature
// (and, with a policy, its witnesses' cosignatures, which the bundle's
// checkpoint note carries verbatim, so no network is needed), every inclusion proof,
// every envelope signature against keys registered in the log for the right
// role, the vendor's scope, and then the evaluation is re-run and must give
// the finding's verdict.
//
// What a bundle cannot show: that no registration between the one included
// and the statement rotated the signer's key out. The log refused statements
// signed with keys not in force when they arrived, so this matters only if
// the log itself is dishonest; a monitor following the log (`candor watch`)
// catches that.
//
// Pure functions, thread-safe. A bundle that does not check out gives
// FAILED_PRECONDITION (the evidence is inconsistent), INVALID_ARGUMENT
// (malformed) or PERMISSION_DENIED (a signature or signer is wrong), with a
// message that says which entry and what.

#ifndef CANDOR_VERIFIER_BUNDLE_BUNDLE_H_
#define CANDOR_VERIFIER_BUNDLE_BUNDLE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "log/crypto/keys.h"
#include "log/note/note.h"
#include "log/proofs/checkpoint_checker.h"
#include "proto/candor/finding/v1/finding.pb.h"
#include "proto/candor/reference/v1/reference.pb.h"
#include "verifier/evaluate/evaluate.h"
#include "verifier/reference/psl.h"

namespace candor::bundle {

inline constexpr absl::string_view kBundleFormat =
    "https://candor.dev/finding-bundle/v1";

struct CheckedFinding {
  finding::v1::Finding finding;
  uint64_t finding_index = 0;
  uint64_t tree_size = 0;
  std::string log_origin;
  // What was checked, one line each, for people.
  std::vector<std::string> checks;
  // The plain-language account, re-derived from the evidence.
  std::string account;
};

// Destinations are attributed from the reference parts the finding cites
// and `psl` (which only names registrable domains; see resolver.h).
absl::StatusOr<CheckedFinding> CheckBundle(const finding::v1::FindingBundle& bundle,
                                           const note::Verifier& log_key,
                                           const std::optional<PublicKey>& admin_key,
                                           const reference::PublicSuffixList& psl);
// The same, with the bundle's checkpoint judged by `checker` (its log key
// and witness policy, at its clock). A checkpoint that does not meet the
// policy's quorum is an error with the checker's code and message, after
// "the bundle's checkpoint: ".
absl::StatusOr<CheckedFinding> CheckBundle(const finding::v1::FindingBundle& bundle,
                                           const proofs::CheckpointChecker& checker,
                                           const std::optional<PublicKey>& admin_key,
                                           const reference::PublicSuffixList& psl);

// JSON (protobuf's mapping), read strictly.
std::string BundleToJson(const finding::v1::FindingBundle& bundle);
absl::StatusOr<finding::v1::FindingBundle> BundleFromJson(absl::string_view json);

}  // namespace candor::bundle

#endif  // CANDOR_VERIFIER_BUNDLE_BUNDLE_H_
