#include "verifier/finding/finding.h"

#include "absl/strings/str_cat.h"
#include "log/merkle/hash.h"
#include "log/registry/registry.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "verifier/geo/countries.h"
#include "verifier/net/host.h"

namespace candor::finding {
namespace {

absl::Status Invalid(absl::string_view what, absl::string_view field,
                     absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(what, " ", field, " ", problem));
}

absl::Status CheckRef(const v1::EntryRef& ref, absl::string_view field) {
  if (ref.leaf_hash().size() != merkle::kHashSize) {
    return Invalid("finding", field, "must carry a 32-byte leaf hash");
  }
  return absl::OkStatus();
}

bool IsSha256Hex(absl::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

absl::Status CheckSubject(const SignedStatement& st, absl::string_view name,
                          absl::string_view what) {
  const std::vector<Subject>& subjects = st.statement.subjects;
  if (subjects.size() != 1 || subjects[0].name != name) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a ", what, " must have exactly one subject, named \"", name, "\""));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateFinding(const v1::Finding& f) {
  if (absl::Status s = registry::ValidateAppId(f.app()); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("finding ", s.message()));
  }
  if (f.verifier().empty()) return Invalid("finding", "verifier", "is missing");
  if (f.evaluator_version().empty()) {
    return Invalid("finding", "evaluator_version", "is missing");
  }
  if (!f.has_claim()) return Invalid("finding", "claim", "is missing");
  if (absl::Status s = CheckRef(f.claim(), "claim"); !s.ok()) return s;
  if (f.verdict() == v1::VERDICT_UNSPECIFIED) {
    return Invalid("finding", "verdict", "is missing");
  }
  if (f.verdict() != v1::CONSISTENT && f.measurements_size() == 0) {
    return Invalid("finding", "measurements",
                   "must cite the measurements behind a non-consistent verdict");
  }
  for (int i = 0; i < f.measurements_size(); ++i) {
    if (absl::Status s = CheckRef(f.measurements(i), absl::StrCat("measurements[", i, "]"));
        !s.ok()) {
      return s;
    }
  }
  for (int i = 0; i < f.reference_size(); ++i) {
    if (absl::Status s = CheckRef(f.reference(i), absl::StrCat("reference[", i, "]"));
        !s.ok()) {
      return s;
    }
  }
  if (f.assertion().id().empty()) return Invalid("finding", "assertion", "is missing");
  for (int i = 0; i < f.flows_size(); ++i) {
    const v1::ViolatingFlow& flow = f.flows(i);
    const std::string field = absl::StrCat("flows[", i, "]");
    if (flow.measurement() >= static_cast<uint32_t>(f.measurements_size())) {
      return Invalid("finding", field + ".measurement",
                     "does not name one of the cited measurements");
    }
    if (!net::IsValidHost(flow.host())) {
      return Invalid("finding", field + ".host", "is not a DNS name or IP address");
    }
    if (!flow.endpoint_country().empty() &&
        !geo::IsCountryCode(flow.endpoint_country())) {
      return Invalid("finding", field + ".endpoint_country",
                     "is not an ISO 3166-1 alpha-2 code");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateReferenceData(const reference::v1::ReferenceData& d) {
  if (d.table() != "organisations" && d.table() != "ip-countries") {
    return Invalid("reference data", "table",
                   "must be \"organisations\" or \"ip-countries\"");
  }
  if (!IsSha256Hex(d.table_sha256())) {
    return Invalid("reference data", "table_sha256", "must be 64 lower-case hex digits");
  }
  if (d.parts() == 0 || d.part() >= d.parts()) {
    return Invalid("reference data", "part", "must be below parts (and parts above 0)");
  }
  if (d.organisations_size() == 0 && d.ip_ranges_size() == 0) {
    return Invalid("reference data", "content", "is empty");
  }
  for (int i = 0; i < d.organisations_size(); ++i) {
    const auto& o = d.organisations(i);
    if (o.name().empty() || !geo::IsCountryCode(o.country())) {
      return Invalid("reference data", absl::StrCat("organisations[", i, "]"),
                     "needs a name and an ISO 3166-1 alpha-2 country");
    }
  }
  for (int i = 0; i < d.ip_ranges_size(); ++i) {
    const auto& r = d.ip_ranges(i);
    if (!net::IsIpLiteral(r.first()) || !net::IsIpLiteral(r.last()) ||
        !geo::IsCountryCode(r.country())) {
      return Invalid("reference data", absl::StrCat("ip_ranges[", i, "]"),
                     "needs two IP addresses and an ISO 3166-1 alpha-2 country");
    }
  }
  return absl::OkStatus();
}

absl::Status FindingValidator::Validate(
    const SignedStatement& statement,
    const admission::ValidationContext& context) const {
  v1::Finding f;
  if (absl::Status s = ParsePredicate(statement.statement.predicate_json, f); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateFinding(f); !s.ok()) return s;
  if (!f.has_issued_at()) {
    return Invalid("finding", "issued_at", "is missing: give the time of signing");
  }
  if (absl::Status s = admission::CheckSignedTime(
          "finding issued_at",
          absl::FromUnixSeconds(f.issued_at().seconds()) +
              absl::Nanoseconds(f.issued_at().nanos()),
          context);
      !s.ok()) {
    return s;
  }
  const std::string& signer = context.signer->registration().name();
  if (f.verifier() != signer) {
    return absl::PermissionDeniedError(absl::StrCat(
        "the finding names verifier \"", f.verifier(), "\" but is signed by \"",
        signer, "\""));
  }
  return CheckSubject(statement, f.app(), "finding");
}

absl::Status ReferenceDataValidator::Validate(
    const SignedStatement& statement, const admission::ValidationContext&) const {
  reference::v1::ReferenceData d;
  if (absl::Status s = ParsePredicate(statement.statement.predicate_json, d); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateReferenceData(d); !s.ok()) return s;
  return CheckSubject(statement, absl::StrCat("reference:", d.table()),
                      "reference-data statement");
}

void RegisterVerifierValidators(admission::ValidatorRegistry& registry) {
  registry.Register(std::string(kFindingType), std::make_unique<FindingValidator>());
  registry.Register(std::string(kReferenceDataType),
                    std::make_unique<ReferenceDataValidator>());
}

}  // namespace candor::finding
