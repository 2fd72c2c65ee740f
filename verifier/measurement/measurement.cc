#include "verifier/measurement/measurement.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "log/registry/registry.h"
#include "log/statement/statement.h"
#include "verifier/geo/countries.h"
#include "verifier/net/host.h"
#include "verifier/subject/app_subject.h"
#include "verifier/taxonomy/taxonomy.h"

namespace candor::measurement {
namespace {

// Clock skew tolerated between the auditor's machine and the log's.
constexpr absl::Duration kSkew = absl::Minutes(5);

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("measurement ", field, " ", problem));
}

bool IsSha256Hex(absl::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

bool IsMethod(absl::string_view m) {
  if (m.empty() || m.size() > 16) return false;
  for (char c : m) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status ValidateFlow(const v1::Flow& f, size_t i, absl::Time start,
                          absl::Time end,
                          const absl::flat_hash_set<std::string>& honey) {
  const std::string field = absl::StrCat("flows[", i, "]");
  if (!f.has_time()) return Invalid(field + ".time", "is missing");
  absl::Time t = ToTime(f.time());
  if (t < start || t > end) {
    return Invalid(field + ".time",
                   absl::StrCat("(", absl::FormatTime(t),
                                ") is outside the measurement's time window"));
  }
  if (!net::IsValidHost(f.host())) {
    return Invalid(field + ".host",
                   absl::StrCat("\"", f.host(), "\" is not a DNS name or IP address"));
  }
  if (!f.server_ip().empty() && !net::IsIpLiteral(f.server_ip())) {
    return Invalid(field + ".server_ip",
                   absl::StrCat("\"", f.server_ip(), "\" is not an IP address"));
  }
  if (f.port() == 0 || f.port() > 65535) {
    return Invalid(field + ".port", "must be 1 to 65535");
  }
  if (!IsMethod(f.method())) {
    return Invalid(field + ".method", "must be an upper-case HTTP method");
  }
  if (!absl::StartsWith(f.path(), "/") || absl::StrContains(f.path(), "?") ||
      absl::StrContains(f.path(), "#")) {
    return Invalid(field + ".path",
                   "must start with '/' and carry no query or fragment");
  }
  for (int d = 0; d < f.detections_size(); ++d) {
    const v1::Detection& det = f.detections(d);
    const std::string df = absl::StrCat(field, ".detections[", d, "]");
    if (taxonomy::FindType(det.data_type()) == nullptr) {
      return Invalid(df + ".data_type",
                     absl::StrCat("\"", det.data_type(), "\" is not a Candor data type"));
    }
    if (det.where() == v1::WHERE_UNSPECIFIED) {
      return Invalid(df + ".where", "is missing");
    }
    if (det.encodings_size() == 0) return Invalid(df + ".encodings", "is empty");
    if (!honey.contains(det.honey_commitment())) {
      return Invalid(df + ".honey_commitment",
                     "does not name one of the measurement's honey values");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateMeasurement(const v1::Measurement& m, absl::Time now) {
  if (absl::Status s = registry::ValidateAppId(m.app()); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("measurement ", s.message()));
  }
  if (m.auditor().empty()) return Invalid("auditor", "is missing");
  if (m.capture_sha256().empty()) {
    return Invalid("capture_sha256",
                   "is missing: give the SHA-256 of the raw capture");
  }
  if (!IsSha256Hex(m.capture_sha256())) {
    return Invalid("capture_sha256", "must be 64 lower-case hex digits");
  }
  if (!m.binary_sha256().empty() && !IsSha256Hex(m.binary_sha256())) {
    return Invalid("binary_sha256", "must be 64 lower-case hex digits");
  }
  if (m.consent() == v1::CONSENT_STATE_UNSPECIFIED) {
    return Invalid("consent",
                   "is missing: NO_INTERACTION, TRACKING_ACCEPTED or "
                   "TRACKING_DECLINED");
  }
  if (!geo::IsCountryCode(m.vantage_country())) {
    return Invalid("vantage_country",
                   absl::StrCat("\"", m.vantage_country(),
                                "\" is not an ISO 3166-1 alpha-2 code"));
  }
  if (!m.has_start_time() || !m.has_end_time()) {
    return Invalid("start_time/end_time", "are required");
  }
  const absl::Time start = ToTime(m.start_time());
  const absl::Time end = ToTime(m.end_time());
  if (end < start) return Invalid("end_time", "is before start_time");
  if (end > now + kSkew) return Invalid("end_time", "is in the future");
  if (end - start > kMaxWindow) {
    return Invalid("time window",
                   "is longer than 7 days; split the run into several "
                   "measurements");
  }
  absl::flat_hash_set<std::string> honey;
  for (int i = 0; i < m.honey_size(); ++i) {
    const v1::HoneyCommitment& h = m.honey(i);
    const std::string field = absl::StrCat("honey[", i, "]");
    if (taxonomy::FindType(h.data_type()) == nullptr) {
      return Invalid(field + ".data_type",
                     absl::StrCat("\"", h.data_type(), "\" is not a Candor data type"));
    }
    if (!IsSha256Hex(h.commitment())) {
      return Invalid(field + ".commitment", "must be 64 lower-case hex digits");
    }
    if (!honey.insert(h.commitment()).second) {
      return Invalid(field + ".commitment", "repeats an earlier commitment");
    }
  }
  for (int i = 0; i < m.flows_size(); ++i) {
    if (absl::Status s = ValidateFlow(m.flows(i), i, start, end, honey); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status MeasurementValidator::Validate(
    const SignedStatement& statement,
    const admission::ValidationContext& context) const {
  v1::Measurement m;
  if (absl::Status s = ParsePredicate(statement.statement.predicate_json, m);
      !s.ok()) {
    return s;
  }
  // Fresh or refused: the run ended within the log's time window.
  if (m.has_end_time()) {
    if (absl::Status s = admission::CheckSignedTime(
            "measurement end_time", ToTime(m.end_time()), context);
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = ValidateMeasurement(m, context.log.Now()); !s.ok()) return s;
  const std::string& signer = context.signer->registration().name();
  if (m.auditor() != signer) {
    return absl::PermissionDeniedError(absl::StrCat(
        "the measurement names auditor \"", m.auditor(),
        "\" but is signed by \"", signer, "\""));
  }
  absl::StatusOr<std::string> version = subject::CheckSubjects(
      statement.statement.subjects,
      {"measurement", m.app(), "binary_sha256", m.binary_sha256()});
  if (!version.ok()) return version.status();
  // A measurement states one version, so its binary subject states the same
  // one (or none, when the measurement has none).
  if (!m.binary_sha256().empty() && *version != m.app_version()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a measurement statement's subject states version \"", *version,
        "\" but the measurement's app_version is \"", m.app_version(), "\""));
  }
  return absl::OkStatus();
}

void RegisterMeasurementValidator(admission::ValidatorRegistry& registry) {
  registry.Register(std::string(kMeasurementPredicateType),
                    std::make_unique<MeasurementValidator>());
}

}  // namespace candor::measurement
