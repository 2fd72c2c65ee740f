// The semantics of claims: the rules a vendor's claim must meet to be logged,
// and the validator that enforces them at admission.
//
// A claim is the predicate (candor.claim.v1.Claim) of an in-toto statement of
// type kClaimPredicateType, signed by a registered vendor, whose single
// subject is the app (a claim about every build in its version range) or,
// when app.binarySha256 is set, that one build's binary (see
// verifier/subject/app_subject.h). Vendors write claims by hand as JSON, so
// every message names the field as it is spelt in JSON (lowerCamel, e.g.
// "claim assertions[1] (\"no-cn\"): countries[0]: ...").
//
// Contradictory assertions. Every practice is an upper bound on where data may
// go ("never ...", "only ..."), so sending nothing satisfies any set of
// assertions; a claim contradicts itself only when one assertion tells the
// reader where data does go and another rules all of that out. Precisely,
// assertions A and B of one claim are contradictory when:
//   1. they share at least one data type, once categories are expanded;
//   2. A is affirmative: SHARED_ONLY_WITH (it says the data goes to the named
//      organisations) or ONLY_SENT_TO_COUNTRIES (it says the data goes to
//      endpoints in the listed countries);
//   3. B holds in every consent state in which A holds: B's consent is ALWAYS,
//      or the same as A's; and
//   4. B forbids every destination A names:
//        B NOT_COLLECTED                          - always;
//        A SHARED_ONLY_WITH,  B NOT_SHARED_WITH_THIRD_PARTIES - always (the
//          organisations a claim names are third parties; the vendor's own
//          are implied by both practices);
//        A SHARED_ONLY_WITH,  B SHARED_ONLY_WITH  - the lists are disjoint;
//        A ONLY_SENT_TO_COUNTRIES, B NOT_SENT_TO_COUNTRIES - every country
//          of A is in B;
//        A ONLY_SENT_TO_COUNTRIES, B ONLY_SENT_TO_COUNTRIES - the lists are
//          disjoint.
// Everything else is allowed: redundant assertions (NOT_COLLECTED with
// NOT_SENT_TO_COUNTRIES), narrowing ones (SHARED_ONLY_WITH X, Y with
// SHARED_ONLY_WITH Y, Z: the data may go to Y), organisation practices with
// country practices (they constrain different things), and a narrower
// assertion under a narrower consent (ALWAYS SHARED_ONLY_WITH X with
// WHEN_TRACKING_DECLINED NOT_COLLECTED: the consent enum has no "unless
// declined", so this is the only way to say "X at most, nothing once
// declined"). Exemptions play no part: they excuse flows, they do not change
// what the claim says.
//
// NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES (who receives the data: an
// organisation incorporated in, or owned through its parents from, a listed
// country) is never affirmative and contradicts nothing: against
// SHARED_ONLY_WITH it would take reference data (where the named
// organisations and their parents are incorporated), which a claim is
// checked without, so the evaluation judges the flows instead; against
// ONLY_SENT_TO_COUNTRIES it constrains something else (who, not where the
// endpoint is), so "only endpoints in CN" and "no organisation of CN" may
// both hold (a US company's servers in CN).
//
// Pure functions, thread-safe. Refusals are INVALID_ARGUMENT (malformed or
// self-contradictory), PERMISSION_DENIED (an app outside the signer's scope,
// an issuer other than the signer, superseding another vendor's claim) or
// FAILED_PRECONDITION (supersedes names no entry in the log).

#ifndef CANDOR_VERIFIER_CLAIM_CLAIM_H_
#define CANDOR_VERIFIER_CLAIM_CLAIM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "absl/strings/str_cat.h"
#include "log/admission/admission.h"
#include "log/json/json.h"
#include "log/registry/registry.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "proto/candor/claim/v1/claim.pb.h"

namespace candor::claim {

// "https://candor.dev/claim/v1", defined once in predicate_types.h.
inline constexpr absl::string_view kClaimPredicateType = kClaimType;

// How far ahead of now a claim may take effect. A claim published long before
// it takes effect is more likely a mistake than a plan, and would sit in the
// log as "not yet effective" for years.
inline constexpr absl::Duration kMaxEffectiveAhead = absl::Hours(24 * 365);
// Assertions per claim: far more than any real claim needs, and it bounds the
// pairwise contradiction check.
inline constexpr int kMaxAssertions = 256;

// ---------------------------------------------------------------------------
// Versions: dot-separated numbers, "2.10.1" > "2.9". Components are compared
// numerically (leading zeros do not matter) and missing trailing components
// count as 0, so "2.9" == "2.9.0". At most 64 characters, each component at
// most 18 digits. Anything else ("2.1-beta", "2..1", "") is INVALID_ARGUMENT
// naming the version and what is wrong with it.

// The numeric components of `version`: "2.10.1" -> {2, 10, 1}.
absl::StatusOr<std::vector<uint64_t>> ParseVersion(absl::string_view version);

// -1, 0 or 1 as a is below, equal to or above b; an error names the first
// malformed one.
absl::StatusOr<int> CompareVersions(absl::string_view a, absl::string_view b);

// Whether a claim about `app` covers `version`. An app with neither
// minVersion nor maxVersion covers every version, whatever (even empty or
// malformed) `version` is. Otherwise `version` is covered only if it is well
// formed and min <= version <= max for the bounds that are set; a malformed
// version or bound (which admission refuses) covers nothing.
bool CoversVersion(const v1::App& app, absl::string_view version);

// Whether `s` is a plain id, as assertion ids (and a recording's quote ids)
// must be: 1 to 64 letters, digits, '.', '-' or '_'. Findings and CLI output
// name them, so they stay plain.
bool IsAssertionId(absl::string_view s);

// Whether `url` is an absolute http(s) URL with a host, at most 2,048
// characters, without characters RFC 3986 never allows unescaped (so no
// placeholder such as "<your-site>").
bool IsHttpUrl(absl::string_view url);

// ---------------------------------------------------------------------------
// Times.

// The instant a Timestamp names (no range check).
absl::Time ToTime(const google::protobuf::Timestamp& t);
// The Timestamp naming `t` (to the nanosecond).
google::protobuf::Timestamp ToTimestamp(absl::Time t);
// RFC 3339 in UTC with a "Z", as protobuf's JSON mapping writes timestamps:
// "2025-06-01T00:00:00Z" (fractional seconds only when present).
std::string FormatTimestamp(absl::Time t);

// ---------------------------------------------------------------------------
// Validation.

struct ClaimContext {
  // The log's time: issuedAt must be within max_time_skew of it, before or
  // after (admission::CheckSignedTime), and effectiveAt not after now +
  // kMaxEffectiveAhead.
  absl::Time now;
  // The registration record of the vendor that signed the claim.
  const registry::PrincipalRecord& signer;
  absl::Duration max_time_skew = admission::kDefaultMaxTimeSkew;
};

// Every problem with `claim`, in field order: app (id well-formed and, given
// a signer, in the signer's scope.apps; signingCertSha256; binarySha256 64
// hex digits, and only for android: and ios: apps; minVersion <=
// maxVersion), issuer (given a signer, equal to its name; else a well-formed
// principal name), issuedAt (present, within `max_time_skew` of `now`,
// before or after), effectiveAt (present, not too far ahead of `now`; it
// may be in the past, for a claim about the past),
// documents (a kind, an http(s) url, a lower-case hex SHA-256), supersedes
// (empty or 32 bytes), assertions (1 to kMaxAssertions; each with a unique id
// of letters, digits, '.', '-' and '_'; known data types; a practice; a
// consent other than CONSENT_UNSPECIFIED; organisations exactly for
// SHARED_ONLY_WITH and countries (officially assigned ISO 3166-1 alpha-2)
// exactly for the three country practices (NOT_SENT_TO_COUNTRIES,
// ONLY_SENT_TO_COUNTRIES, NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES), none
// repeated; no repeated or unspecified exemption), then contradictions
// between assertions (see the top of this file; only between assertions
// that are otherwise valid).
//
// `signer` may be null (e.g. `candor claim lint` without a registration at
// hand): then the scope and issuer-identity checks are skipped. The log
// always passes the signer, through ValidateClaim.
std::vector<absl::Status> ClaimProblems(
    const v1::Claim& claim, absl::Time now, const registry::PrincipalRecord* signer,
    absl::Duration max_time_skew = admission::kDefaultMaxTimeSkew);

// The first of ClaimProblems(claim, context.now, &context.signer,
// context.max_time_skew), or OK.
// Does not resolve `supersedes` in the log: see CheckSupersedes.
absl::Status ValidateClaim(const v1::Claim& claim, const ClaimContext& context);

// The predicate of log entry `entry` if it is a statement of `type` whose
// predicate parses as a `Message` (signatures not checked); otherwise the
// parse error, or INVALID_ARGUMENT "the entry is a "<its type>" statement,
// not <what>".
template <typename Message>
absl::StatusOr<Message> PredicateFromEntry(absl::string_view entry, absl::string_view type,
                                           absl::string_view what) {
  absl::StatusOr<SignedStatement> st = ParseSignedStatement(entry);
  if (!st.ok()) return st.status();
  if (st->statement.predicate_type != type) {
    return absl::InvalidArgumentError(absl::StrCat("the entry is a ",
                                                   json::Quote(st->statement.predicate_type),
                                                   " statement, not ", what));
  }
  Message m;
  if (absl::Status s = ParsePredicate(st->statement.predicate_json, m); !s.ok()) return s;
  return m;
}

// The claim in a log entry: a statement of kClaimPredicateType whose
// predicate parses. Signatures are not checked. INVALID_ARGUMENT otherwise.
absl::StatusOr<v1::Claim> ClaimFromEntry(absl::string_view entry);

// Checks that a non-empty `claim.supersedes` is the leaf hash of an entry
// already in `log` that is either a claim for the same app, issued by
// `claim.issuer()` and signed only by keys `registry` records as that
// principal's (its issuer field was checked against its signer when it was
// admitted; the keys are checked again so that this does not rest on that
// alone), or a recording (recording.h) whose reading is about the same app:
// the app's vendor answering a reading of what it said. OK for an empty
// `supersedes`. Errors of `log` are passed on.
absl::Status CheckSupersedes(const v1::Claim& claim,
                             const admission::LogView& log,
                             const registry::RegistryState& registry);

// Admission of kClaimPredicateType statements: signed by a registered vendor;
// the predicate parses as a Claim; ValidateClaim as of the log's time with the
// signer; exactly one subject, the right one (subject::CheckSubjects: the app
// subject, whose digest is not checked, or the binary of app.binarySha256,
// whose stated version, if any, the claim's version range must cover);
// CheckSupersedes.
class ClaimValidator : public admission::PredicateValidator {
 public:
  registry::Role signer_role() const override { return registry::v1::VENDOR; }
  absl::Status Validate(const SignedStatement& statement,
                        const admission::ValidationContext& context) const override;
};

void RegisterClaimValidator(admission::ValidatorRegistry& registry);

}  // namespace candor::claim

#endif  // CANDOR_VERIFIER_CLAIM_CLAIM_H_
