#include "verifier/bundle/bundle.h"

#include <algorithm>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "log/admission/admission.h"
#include "log/json/json.h"
#include "log/merkle/proof.h"
#include "log/note/checkpoint.h"
#include "log/registry/registry.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "proto/candor/measurement/v1/measurement.pb.h"
#include "verifier/evaluate/claim_input.h"
#include "verifier/reference/resolver.h"

namespace candor::bundle {
namespace {

namespace fpb = ::candor::finding::v1;
using Role = fpb::BundleEntry::Role;

absl::Status Inconsistent(absl::string_view what) {
  return absl::FailedPreconditionError(what);
}

std::string Describe(const fpb::BundleEntry& e) {
  return absl::StrCat(fpb::BundleEntry::Role_Name(e.role()), " entry ", e.index());
}


struct Checked {
  const fpb::BundleEntry* entry;
  SignedStatement statement;
  merkle::Hash leaf_hash;
  std::string signer;
};

bool SameRef(const fpb::EntryRef& ref, const Checked& c) {
  return ref.index() == c.entry->index() && ref.leaf_hash() == merkle::AsBytes(c.leaf_hash);
}

}  // namespace

std::string BundleToJson(const fpb::FindingBundle& bundle) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(bundle, &out, options);
  return out;
}

absl::StatusOr<fpb::FindingBundle> BundleFromJson(absl::string_view json) {
  // Protobuf's parser tolerates duplicate keys; ours does not.
  if (absl::StatusOr<json::Value> strict = json::Parse(json); !strict.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("finding bundle: ", strict.status().message()));
  }
  fpb::FindingBundle bundle;
  if (absl::Status s = ParsePredicate(json, bundle); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("finding bundle: ", s.message()));
  }
  return bundle;
}

absl::StatusOr<CheckedFinding> CheckBundle(const fpb::FindingBundle& bundle,
                                           const note::Verifier& log_key,
                                           const std::optional<PublicKey>& admin_key,
                                           const reference::PublicSuffixList& psl) {
  return CheckBundle(bundle, proofs::CheckpointChecker(log_key), admin_key, psl);
}

absl::StatusOr<CheckedFinding> CheckBundle(const fpb::FindingBundle& bundle,
                                           const proofs::CheckpointChecker& checker,
                                           const std::optional<PublicKey>& admin_key,
                                           const reference::PublicSuffixList& psl) {
  CheckedFinding out;
  if (bundle.format() != kBundleFormat) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not a finding bundle: format must be \"", kBundleFormat, "\""));
  }
  // 1. The checkpoint is the log's (and, with a policy, witnessed).
  absl::StatusOr<note::WitnessedCheckpoint> witnessed = checker.Check(bundle.checkpoint());
  if (!witnessed.ok()) {
    return absl::Status(witnessed.status().code(),
                        absl::StrCat("the bundle's checkpoint: ", witnessed.status().message()));
  }
  const note::SignedCheckpoint* cp = &witnessed->checkpoint;
  out.tree_size = cp->checkpoint.size;
  out.log_origin = cp->checkpoint.origin;
  out.checks.push_back(absl::StrCat("checkpoint of \"", cp->checkpoint.origin,
                                    "\" at size ", cp->checkpoint.size,
                                    " is signed by the log key ", cp->checkpoint.origin));
  if (checker.has_policy()) {
    out.checks.push_back(
        absl::StrCat("the checkpoint is ", proofs::DescribeWitnesses(*witnessed, checker)));
  }

  // 2. Every entry is in the log, and parses.
  std::map<uint64_t, Checked> entries;
  for (const fpb::BundleEntry& e : bundle.entries()) {
    absl::StatusOr<std::vector<merkle::Hash>> proof = merkle::HashesFromBytes(
        std::vector<std::string>(e.proof().begin(), e.proof().end()));
    if (!proof.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(Describe(e), ": ", proof.status().message()));
    }
    merkle::Hash leaf = merkle::HashLeaf(e.entry());
    if (absl::Status s = merkle::VerifyInclusion(e.index(), cp->checkpoint.size,
                                                 merkle::AsBytes(leaf), *proof,
                                                 merkle::AsBytes(cp->checkpoint.root));
        !s.ok()) {
      return Inconsistent(absl::StrCat(Describe(e), " is not in the log: ", s.message()));
    }
    absl::StatusOr<SignedStatement> st = ParseSignedStatement(e.entry());
    if (!st.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(Describe(e), ": ", st.status().message()));
    }
    if (!entries.emplace(e.index(), Checked{&e, *std::move(st), leaf, ""}).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("entry ", e.index(), " appears twice in the bundle"));
    }
  }
  out.checks.push_back(absl::StrCat(bundle.entries_size(),
                                    " entries are in the log (inclusion proofs)"));

  // 3. Signers, in log order: registrations build the registry that every
  // later statement's signature is checked against.
  registry::RegistryState registry;
  std::map<std::string, std::vector<std::pair<uint64_t, registry::Registration>>>
      registrations;
  for (auto& [index, c] : entries) {
    const std::string& type = c.statement.statement.predicate_type;
    if (type == kRegistrationType) {
      if (c.entry->role() != fpb::BundleEntry::REGISTRATION) {
        return absl::InvalidArgumentError(
            absl::StrCat(Describe(*c.entry), " is a registration"));
      }
      absl::StatusOr<admission::AuthorizedSigner> admin = admission::AuthorizeSignatures(
          c.statement, registry::v1::ROLE_UNSPECIFIED, registry, index,
          admin_key ? &*admin_key : nullptr);
      if (!admin.ok()) {
        return absl::PermissionDeniedError(
            absl::StrCat(Describe(*c.entry), ": ", admin.status().message()));
      }
      registry::Registration r;
      if (absl::Status s = ParsePredicate(c.statement.statement.predicate_json, r);
          !s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(Describe(*c.entry), ": ", s.message()));
      }
      if (absl::Status s = registry.Apply(r, index); !s.ok()) {
        return Inconsistent(absl::StrCat(Describe(*c.entry), ": ", s.message()));
      }
      registrations[r.name()].emplace_back(index, r);
      continue;
    }
    absl::StatusOr<registry::Role> role = registry::SignerRoleFor(type);
    if (!role.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(Describe(*c.entry), ": ", role.status().message()));
    }
    absl::StatusOr<admission::AuthorizedSigner> signer =
        admission::AuthorizeSignatures(c.statement, *role, registry, index, nullptr);
    if (!signer.ok()) {
      return absl::PermissionDeniedError(
          absl::StrCat(Describe(*c.entry), ": ", signer.status().message()));
    }
    c.signer = signer->principal->registration().name();
  }
  out.checks.push_back(absl::StrCat(
      "every statement is signed by a key registered for its role",
      admin_key ? ", and every registration by the admin key"
                : " (registrations are trusted as admitted by the log; pass the "
                  "admin key to check them too)"));

  // 4. The finding and what it cites.
  const Checked* finding_entry = nullptr;
  for (const auto& [index, c] : entries) {
    if (c.entry->role() == fpb::BundleEntry::FINDING) {
      if (finding_entry != nullptr || c.statement.statement.predicate_type != kFindingType) {
        return absl::InvalidArgumentError("a bundle holds exactly one finding");
      }
      finding_entry = &c;
    }
  }
  if (finding_entry == nullptr) return absl::InvalidArgumentError("the bundle has no finding");
  fpb::Finding& finding = out.finding;
  if (absl::Status s = ParsePredicate(finding_entry->statement.statement.predicate_json,
                                      finding);
      !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("the finding: ", s.message()));
  }
  out.finding_index = finding_entry->entry->index();
  if (finding.evaluator_version() != evaluate::kEvaluatorVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the finding was evaluated by ", finding.evaluator_version(),
        "; this candor re-evaluates with ", evaluate::kEvaluatorVersion,
        " and cannot check it"));
  }
  if (finding.quorum() == 0) {
    return absl::InvalidArgumentError("the finding's quorum is 0");
  }
  if (finding.verifier() != finding_entry->signer) {
    return Inconsistent(absl::StrCat("the finding names verifier \"", finding.verifier(),
                                     "\" but is signed by \"", finding_entry->signer, "\""));
  }
  auto find = [&](const fpb::EntryRef& ref, Role role,
                  absl::string_view what) -> absl::StatusOr<const Checked*> {
    auto it = entries.find(ref.index());
    if (it == entries.end() || it->second.entry->role() != role || !SameRef(ref, it->second)) {
      return Inconsistent(absl::StrCat("the finding cites ", what, " entry ", ref.index(),
                                       ", which the bundle does not hold"));
    }
    return &it->second;
  };

  absl::StatusOr<const Checked*> claim_entry =
      find(finding.claim(), fpb::BundleEntry::CLAIM, "claim");
  if (!claim_entry.ok()) return claim_entry.status();
  // The vendor's (or, for a recording, the recorder's and speaker's)
  // registration in force when the claim was made.
  absl::StatusOr<evaluate::ClaimInput> claim_input = evaluate::ClaimInputFromEntry(
      finding.claim(), (*claim_entry)->entry->entry(), (*claim_entry)->signer,
      [&](const std::string& principal)
          -> absl::StatusOr<std::optional<registry::Registration>> {
        std::optional<registry::Registration> before;
        for (const auto& [index, r] : registrations[principal]) {
          if (index < finding.claim().index()) before = r;
        }
        return before;
      });
  if (!claim_input.ok()) {
    if (absl::IsFailedPrecondition(claim_input.status())) {
      return Inconsistent(absl::StrCat("the bundle's claim: ", claim_input.status().message()));
    }
    return claim_input.status();
  }
  evaluate::ClaimInput& claim = *claim_input;
  if (finding.app() != claim.claim.app().id()) {
    return Inconsistent("the finding and its claim are about different apps");
  }
  const claim::v1::Assertion* assertion = nullptr;
  for (const claim::v1::Assertion& a : claim.claim.assertions()) {
    if (a.id() == finding.assertion().id()) assertion = &a;
  }
  if (assertion == nullptr ||
      !google::protobuf::util::MessageDifferencer::Equals(*assertion, finding.assertion())) {
    return Inconsistent(absl::StrCat("the claim does not make assertion \"",
                                     finding.assertion().id(), "\" as the finding states it"));
  }

  std::vector<evaluate::MeasurementInput> measurements;
  for (const fpb::EntryRef& ref : finding.measurements()) {
    absl::StatusOr<const Checked*> m = find(ref, fpb::BundleEntry::MEASUREMENT, "measurement");
    if (!m.ok()) return m.status();
    evaluate::MeasurementInput input;
    input.ref = ref;
    if (absl::Status s = ParsePredicate((*m)->statement.statement.predicate_json,
                                        input.measurement);
        !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("measurement ", ref.index(), ": ",
                                                     s.message()));
    }
    if (input.measurement.auditor() != (*m)->signer) {
      return Inconsistent(absl::StrCat("measurement ", ref.index(), " names auditor \"",
                                       input.measurement.auditor(), "\" but is signed by \"",
                                       (*m)->signer, "\""));
    }
    measurements.push_back(std::move(input));
  }
  std::vector<reference::v1::ReferenceData> parts;
  for (const fpb::EntryRef& ref : finding.reference()) {
    absl::StatusOr<const Checked*> r = find(ref, fpb::BundleEntry::REFERENCE, "reference");
    if (!r.ok()) return r.status();
    reference::v1::ReferenceData part;
    if (absl::Status s = ParsePredicate((*r)->statement.statement.predicate_json, part);
        !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("reference ", ref.index(), ": ",
                                                     s.message()));
    }
    parts.push_back(std::move(part));
  }
  out.checks.push_back(absl::StrCat(
      "the finding cites the claim, ", measurements.size(), " measurement(s) and ",
      parts.size(), " reference part(s), all in the bundle and signed by their authors"));

  // 5. Re-derive the verdict.
  absl::StatusOr<std::unique_ptr<reference::PartsResolver>> resolver =
      reference::PartsResolver::Create(psl, std::move(parts));
  if (!resolver.ok()) {
    return Inconsistent(absl::StrCat("the finding's reference parts: ",
                                     resolver.status().message()));
  }
  // Only the finding's assertion: the others may need reference parts the
  // bundle has no reason to carry.
  evaluate::ClaimInput one_assertion = claim;
  one_assertion.claim.clear_assertions();
  *one_assertion.claim.add_assertions() = *assertion;
  absl::StatusOr<std::vector<evaluate::AssertionResult>> results =
      evaluate::Evaluate(one_assertion, measurements, **resolver, finding.quorum());
  if (!results.ok()) {
    return Inconsistent(absl::StrCat("re-evaluating the finding: ",
                                     results.status().message()));
  }
  const evaluate::AssertionResult* result = nullptr;
  for (const auto& r : *results) {
    if (r.assertion.id() == finding.assertion().id()) result = &r;
  }
  if (result == nullptr) return Inconsistent("the assertion was not evaluated");
  // The reference indices of a re-derived finding are positions in `parts`;
  // map them to the finding's own refs for comparison.
  fpb::Finding rederived = evaluate::MakeFinding(
      claim, measurements, *result, finding.quorum(),
      std::vector<fpb::EntryRef>(finding.reference().begin(), finding.reference().end()));
  if (rederived.verdict() != finding.verdict() ||
      rederived.confirmed() != finding.confirmed() ||
      rederived.contradicting_auditors() != finding.contradicting_auditors()) {
    return Inconsistent(absl::StrCat(
        "the finding's verdict does not follow from its evidence: it says ",
        fpb::Verdict_Name(finding.verdict()), finding.confirmed() ? " (confirmed)" : "",
        ", re-evaluation gives ", fpb::Verdict_Name(rederived.verdict()),
        rederived.confirmed() ? " (confirmed)" : ""));
  }
  if (rederived.flows_size() != finding.flows_size()) {
    return Inconsistent(absl::StrCat("the finding lists ", finding.flows_size(),
                                     " violating flows, re-evaluation finds ",
                                     rederived.flows_size()));
  }
  for (int i = 0; i < finding.flows_size(); ++i) {
    if (!google::protobuf::util::MessageDifferencer::Equals(rederived.flows(i),
                                                            finding.flows(i))) {
      return Inconsistent(absl::StrCat("violating flow ", i,
                                       " differs from what re-evaluation finds"));
    }
  }
  // Findings from before recorded claims stand against a signed claim.
  if (rederived.stands_against() != finding.stands_against() &&
      !(finding.stands_against().empty() && claim.recorder.empty())) {
    return Inconsistent(absl::StrCat(
        // Quoted as JSON: both come from the bundle's entries, not from us,
        // and must not reach a terminal raw.
        "the finding says it stands against ", json::Quote(finding.stands_against()),
        ", but its claim entry is ", json::Quote(rederived.stands_against())));
  }
  out.checks.push_back(absl::StrCat("the finding stands against ", rederived.stands_against(),
                                    " (log entry ", finding.claim().index(),
                                    "), as that entry shows"));
  if (rederived.measurements_size() != finding.measurements_size()) {
    return Inconsistent(absl::StrCat("the finding cites ", finding.measurements_size(),
                                     " measurements, re-evaluation cites ",
                                     rederived.measurements_size()));
  }
  if (rederived.reference_size() != finding.reference_size()) {
    return Inconsistent(absl::StrCat("the finding cites ", finding.reference_size(),
                                     " reference parts, re-evaluation uses ",
                                     rederived.reference_size()));
  }
  out.checks.push_back(absl::StrCat("re-running the evaluation (", evaluate::kEvaluatorVersion,
                                    ", quorum ", finding.quorum(),
                                    ") gives the same verdict and flows"));
  out.account = rederived.summary();
  return out;
}

}  // namespace candor::bundle
