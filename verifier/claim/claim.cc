#include "verifier/claim/claim.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "log/json/json.h"
#include "log/merkle/hash.h"
#include "verifier/geo/countries.h"
#include "verifier/subject/app_subject.h"
#include "verifier/taxonomy/taxonomy.h"

namespace candor::claim {
namespace {

using ::candor::json::Quote;

constexpr size_t kMaxVersionLength = 64;
constexpr size_t kMaxVersionDigits = 18;  // fits in uint64_t
constexpr size_t kMaxPrincipalName = 64;  // as registry.cc
constexpr size_t kMaxAssertionId = 64;
constexpr size_t kMaxOrganisation = 200;  // as registry.cc
constexpr size_t kMaxUrl = 2048;

constexpr absl::string_view kVersionForm =
    "; versions are dot-separated numbers such as \"2.10.1\"";

bool IsSha256Hex(absl::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The registry's principal-name syntax: the issuer must be such a name.
bool IsPrincipalName(absl::string_view s) {
  if (s.empty() || s.size() > kMaxPrincipalName) return false;
  for (char c : s) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '.' ||
          c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

bool ValidTimestamp(const google::protobuf::Timestamp& t) {
  // The range protobuf's JSON mapping accepts: 0001-01-01 to 9999-12-31.
  return t.seconds() >= -62135596800 && t.seconds() <= 253402300799 &&
         t.nanos() >= 0 && t.nanos() <= 999999999;
}

absl::string_view ConsentName(v1::Consent c) {
  switch (c) {
    case v1::ALWAYS:
      return "ALWAYS";
    case v1::WHEN_TRACKING_DECLINED:
      return "WHEN_TRACKING_DECLINED";
    case v1::WHEN_TRACKING_ACCEPTED:
      return "WHEN_TRACKING_ACCEPTED";
    default:
      return "CONSENT_UNSPECIFIED";
  }
}

absl::string_view PracticeName(v1::Practice p) {
  switch (p) {
    case v1::NOT_COLLECTED:
      return "NOT_COLLECTED";
    case v1::NOT_SHARED_WITH_THIRD_PARTIES:
      return "NOT_SHARED_WITH_THIRD_PARTIES";
    case v1::SHARED_ONLY_WITH:
      return "SHARED_ONLY_WITH";
    case v1::NOT_SENT_TO_COUNTRIES:
      return "NOT_SENT_TO_COUNTRIES";
    case v1::ONLY_SENT_TO_COUNTRIES:
      return "ONLY_SENT_TO_COUNTRIES";
    case v1::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES:
      return "NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES";
    default:
      return "PRACTICE_UNSPECIFIED";
  }
}

absl::string_view ExemptionName(v1::Exemption e) {
  switch (e) {
    case v1::SERVICE_PROVIDER:
      return "SERVICE_PROVIDER";
    case v1::USER_INITIATED:
      return "USER_INITIATED";
    case v1::EPHEMERAL_PROCESSING:
      return "EPHEMERAL_PROCESSING";
    case v1::LEGAL_REQUEST:
      return "LEGAL_REQUEST";
    case v1::ANONYMISED_DATA:
      return "ANONYMISED_DATA";
    default:
      return "EXEMPTION_UNSPECIFIED";
  }
}

// The practices that take countries: where the endpoint is located, or
// (NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES) where the receiving organisation
// or one of its parents is incorporated.
bool IsCountryPractice(v1::Practice p) {
  return p == v1::NOT_SENT_TO_COUNTRIES || p == v1::ONLY_SENT_TO_COUNTRIES ||
         p == v1::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES;
}

// Consent states as a bit set: before any choice, declined, accepted.
constexpr unsigned kNoChoice = 1, kDeclined = 2, kAccepted = 4;
unsigned ConsentStates(v1::Consent c) {
  switch (c) {
    case v1::ALWAYS:
      return kNoChoice | kDeclined | kAccepted;
    case v1::WHEN_TRACKING_DECLINED:
      return kDeclined;
    case v1::WHEN_TRACKING_ACCEPTED:
      return kAccepted;
    default:
      return 0;
  }
}

// An assertion that passed every check on its own, ready for the pairwise
// contradiction check.
struct CheckedAssertion {
  int index = 0;
  const v1::Assertion* assertion = nullptr;
  std::vector<std::string> types;  // expanded, sorted
  unsigned consent_states = 0;
};

std::string Name(const CheckedAssertion& c) {
  return absl::StrCat("assertions[", c.index, "] (", Quote(c.assertion->id()),
                      ")");
}

std::string QuotedList(const google::protobuf::RepeatedPtrField<std::string>& l) {
  return absl::StrJoin(l, ", ", [](std::string* out, const std::string& s) {
    out->append(Quote(s));
  });
}

std::string PlainList(const google::protobuf::RepeatedPtrField<std::string>& l) {
  return absl::StrJoin(l, ", ");
}

bool Disjoint(const google::protobuf::RepeatedPtrField<std::string>& a,
              const google::protobuf::RepeatedPtrField<std::string>& b) {
  for (const std::string& x : a) {
    if (std::find(b.begin(), b.end(), x) != b.end()) return false;
  }
  return true;
}

bool Subset(const google::protobuf::RepeatedPtrField<std::string>& a,
            const google::protobuf::RepeatedPtrField<std::string>& b) {
  for (const std::string& x : a) {
    if (std::find(b.begin(), b.end(), x) == b.end()) return false;
  }
  return true;
}

// What affirmative assertion `a` says about where the data goes.
std::string Affirms(const v1::Assertion& a) {
  if (a.practice() == v1::SHARED_ONLY_WITH) {
    return absl::StrCat("the data is shared only with ",
                        QuotedList(a.organisations()));
  }
  return absl::StrCat("the data is sent only to endpoints in ",
                      PlainList(a.countries()));
}

// Whether `b`, holding wherever affirmative `a` holds, forbids every
// destination `a` names; if so, what `b` says. Rule 4 of claim.h.
std::optional<std::string> Forbids(const v1::Assertion& a,
                                   const v1::Assertion& b) {
  const v1::Practice pa = a.practice();
  switch (b.practice()) {
    case v1::NOT_COLLECTED:
      return std::string("it is never collected");
    case v1::NOT_SHARED_WITH_THIRD_PARTIES:
      if (pa == v1::SHARED_ONLY_WITH) {
        return std::string("it is never shared with third parties");
      }
      return std::nullopt;
    case v1::SHARED_ONLY_WITH:
      if (pa == v1::SHARED_ONLY_WITH &&
          Disjoint(a.organisations(), b.organisations())) {
        return absl::StrCat("it is shared only with ",
                            QuotedList(b.organisations()));
      }
      return std::nullopt;
    case v1::NOT_SENT_TO_COUNTRIES:
      if (pa == v1::ONLY_SENT_TO_COUNTRIES &&
          Subset(a.countries(), b.countries())) {
        return absl::StrCat("it is never sent to endpoints in ",
                            PlainList(b.countries()));
      }
      return std::nullopt;
    case v1::ONLY_SENT_TO_COUNTRIES:
      if (pa == v1::ONLY_SENT_TO_COUNTRIES &&
          Disjoint(a.countries(), b.countries())) {
        return absl::StrCat("it is sent only to endpoints in ",
                            PlainList(b.countries()));
      }
      return std::nullopt;
    // NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES forbids no destination that
    // the claim alone names: whether a SHARED_ONLY_WITH organisation belongs
    // to a listed country is for reference data, and endpoint countries say
    // nothing about who owns the endpoint (see claim.h).
    default:
      return std::nullopt;
  }
}

// The contradiction of affirmative `a` by `b` (rules 2 to 4), described for
// the data types they share; nullopt if there is none.
std::optional<std::string> Contradiction(const CheckedAssertion& a,
                                         const CheckedAssertion& b,
                                         absl::Span<const std::string> shared) {
  const v1::Practice pa = a.assertion->practice();
  if (pa != v1::SHARED_ONLY_WITH && pa != v1::ONLY_SENT_TO_COUNTRIES) {
    return std::nullopt;
  }
  if ((a.consent_states & b.consent_states) != a.consent_states) {
    return std::nullopt;
  }
  std::optional<std::string> denial = Forbids(*a.assertion, *b.assertion);
  if (!denial.has_value()) return std::nullopt;
  const v1::Consent ca = a.assertion->consent();
  const v1::Consent cb = b.assertion->consent();
  std::string consent =
      ca == cb ? absl::StrCat("consent ", ConsentName(ca))
               : absl::StrCat("consent ", ConsentName(ca), " (covered by ",
                              ConsentName(cb), ")");
  return absl::StrCat("for ", absl::StrJoin(shared, ", "), " with ", consent,
                      ", assertions[", a.index, "] says ", Affirms(*a.assertion),
                      " but assertions[", b.index, "] says ", *denial);
}

class Checker {
 public:
  Checker(absl::Time now, const registry::PrincipalRecord* signer,
          absl::Duration max_time_skew)
      : now_(now), signer_(signer), max_time_skew_(max_time_skew) {}

  std::vector<absl::Status> Run(const v1::Claim& claim) {
    CheckApp(claim.app());
    CheckIssuer(claim.issuer());
    CheckTimes(claim);
    for (int i = 0; i < claim.documents_size(); ++i) {
      CheckDocument(claim.documents(i), i);
    }
    if (!claim.supersedes().empty() &&
        claim.supersedes().size() != merkle::kHashSize) {
      Invalid("supersedes",
              absl::StrCat("must be a 32-byte leaf hash (base64 in JSON); got ",
                           claim.supersedes().size(), " bytes"));
    }
    CheckAssertions(claim);
    return std::move(problems_);
  }

 private:
  void Invalid(absl::string_view field, absl::string_view problem) {
    problems_.push_back(absl::InvalidArgumentError(
        absl::StrCat("claim ", field, ": ", problem)));
  }
  void Denied(absl::string_view field, absl::string_view problem) {
    problems_.push_back(absl::PermissionDeniedError(
        absl::StrCat("claim ", field, ": ", problem)));
  }

  void CheckApp(const v1::App& app) {
    if (app.id().empty()) {
      Invalid("app.id",
              "missing; give \"android:<package>\", \"ios:<bundle id>\" or "
              "\"web:https://<host>\"");
    } else if (absl::Status s = registry::ValidateAppId(app.id()); !s.ok()) {
      Invalid("app.id", s.message());
    } else if (signer_ != nullptr) {
      const auto& apps = signer_->registration().scope().apps();
      if (std::find(apps.begin(), apps.end(), app.id()) == apps.end()) {
        Denied("app.id",
               absl::StrCat(Quote(app.id()), " is not in the scope of vendor ",
                            Quote(signer_->registration().name()),
                            "; the operator must add it to the vendor's "
                            "registration first"));
      }
    }
    if (!app.signing_cert_sha256().empty() &&
        !IsSha256Hex(app.signing_cert_sha256())) {
      Invalid("app.signingCertSha256",
              absl::StrCat(Quote(app.signing_cert_sha256()),
                           " must be 64 lower-case hex digits (SHA-256)"));
    }
    if (!app.binary_sha256().empty()) {
      if (!IsSha256Hex(app.binary_sha256())) {
        Invalid("app.binarySha256",
                absl::StrCat(Quote(app.binary_sha256()),
                             " must be 64 lower-case hex digits (SHA-256 of "
                             "the APK, AAB or IPA)"));
      } else if (registry::ValidateAppId(app.id()).ok()) {
        // Only apps that ship a binary can name one (web apps cannot).
        if (absl::Status s = subject::PackageName(app.id()).status(); !s.ok()) {
          Invalid("app.binarySha256", s.message());
        }
      }
    }
    bool versions_ok = true;
    if (!app.min_version().empty()) {
      if (absl::Status s = ParseVersion(app.min_version()).status(); !s.ok()) {
        Invalid("app.minVersion", s.message());
        versions_ok = false;
      }
    }
    if (!app.max_version().empty()) {
      if (absl::Status s = ParseVersion(app.max_version()).status(); !s.ok()) {
        Invalid("app.maxVersion", s.message());
        versions_ok = false;
      }
    }
    if (versions_ok && !app.min_version().empty() &&
        !app.max_version().empty() &&
        *CompareVersions(app.min_version(), app.max_version()) > 0) {
      Invalid("app.minVersion",
              absl::StrCat(Quote(app.min_version()), " is above app.maxVersion ",
                           Quote(app.max_version())));
    }
  }

  void CheckIssuer(const std::string& issuer) {
    if (issuer.empty()) {
      Invalid("issuer", "missing; give your registered vendor name");
      return;
    }
    if (signer_ != nullptr) {
      const std::string& name = signer_->registration().name();
      if (issuer != name) {
        Denied("issuer", absl::StrCat(Quote(issuer),
                                      " is not the signer: the claim is signed "
                                      "by vendor ",
                                      Quote(name)));
      }
      return;
    }
    if (!IsPrincipalName(issuer)) {
      Invalid("issuer",
              absl::StrCat(Quote(issuer),
                           " is not a registered principal name (1 to 64 "
                           "lower-case letters, digits, '.', '-' or '_')"));
    }
  }

  void CheckTimes(const v1::Claim& claim) {
    if (!claim.has_issued_at()) {
      Invalid("issuedAt",
              "missing; give the time you sign the claim (RFC 3339, e.g. "
              "\"2025-06-01T00:00:00Z\")");
    } else if (!ValidTimestamp(claim.issued_at())) {
      Invalid("issuedAt", "is not a valid timestamp");
    } else if (absl::Status s = admission::CheckSignedTime(
                   "claim issuedAt:", ToTime(claim.issued_at()), now_, max_time_skew_);
               !s.ok()) {
      problems_.push_back(s);
    }
    if (!claim.has_effective_at()) {
      Invalid("effectiveAt",
              "missing; give the time the claim takes effect (RFC 3339, e.g. "
              "\"2025-06-01T00:00:00Z\")");
    } else if (!ValidTimestamp(claim.effective_at())) {
      Invalid("effectiveAt", "is not a valid timestamp");
    } else if (absl::Time t = ToTime(claim.effective_at());
               t > now_ + kMaxEffectiveAhead) {
      Invalid("effectiveAt",
              absl::StrCat(FormatTimestamp(t),
                           " is more than 365 days in the future (now is ",
                           FormatTimestamp(now_),
                           "); publish a claim at most a year before it takes "
                           "effect"));
    }
  }

  void CheckDocument(const v1::Document& d, int i) {
    const std::string field = absl::StrCat("documents[", i, "]");
    if (d.kind() == v1::Document::KIND_UNSPECIFIED ||
        !v1::Document::Kind_IsValid(d.kind())) {
      Invalid(field + ".kind",
              "missing; PRIVACY_POLICY, DATA_SAFETY_FORM, APP_PRIVACY_LABEL "
              "or OTHER");
    }
    if (d.url().empty()) {
      Invalid(field + ".url", "missing; give where the document was retrieved");
    } else if (!IsHttpUrl(d.url())) {
      Invalid(field + ".url",
              absl::StrCat(Quote(d.url()),
                           " must be an http:// or https:// URL (no spaces, "
                           "quotes or angle brackets)"));
    }
    if (d.sha256().empty()) {
      Invalid(field + ".sha256",
              "missing; give the lower-case hex SHA-256 of the document as "
              "retrieved");
    } else if (!IsSha256Hex(d.sha256())) {
      Invalid(field + ".sha256",
              absl::StrCat(Quote(d.sha256()),
                           " must be 64 lower-case hex digits (SHA-256)"));
    }
  }

  void CheckAssertions(const v1::Claim& claim) {
    if (claim.assertions_size() == 0) {
      Invalid("assertions", "empty; a claim must make at least one assertion");
      return;
    }
    if (claim.assertions_size() > kMaxAssertions) {
      Invalid("assertions", absl::StrCat(claim.assertions_size(),
                                         " assertions; at most ", kMaxAssertions));
      return;
    }
    absl::flat_hash_map<std::string, int> ids;
    std::vector<CheckedAssertion> checked;
    for (int i = 0; i < claim.assertions_size(); ++i) {
      const v1::Assertion& a = claim.assertions(i);
      const size_t before = problems_.size();
      const std::string prefix = absl::StrCat("assertions[", i, "]");
      if (a.id().empty()) {
        Invalid(prefix + ".id",
                "missing; give each assertion a unique id such as "
                "\"no-contacts-to-third-parties\"");
      } else if (!IsAssertionId(a.id())) {
        Invalid(prefix + ".id",
                absl::StrCat(Quote(a.id()),
                             " must be 1 to 64 letters, digits, '.', '-' or "
                             "'_'"));
      } else if (auto [it, inserted] = ids.emplace(a.id(), i); !inserted) {
        Invalid(prefix + ".id", absl::StrCat(Quote(a.id()), " repeats assertions[",
                                             it->second, "].id"));
      }
      std::optional<std::vector<std::string>> types = CheckAssertion(a, i);
      if (problems_.size() == before && types.has_value()) {
        checked.push_back(
            {i, &a, *std::move(types), ConsentStates(a.consent())});
      }
    }
    CheckContradictions(checked);
  }

  // The field `sub` of assertion i, naming the assertion by its id.
  static std::string AField(int i, const v1::Assertion& a, absl::string_view sub) {
    std::string field = absl::StrCat("assertions[", i, "].", sub);
    if (!a.id().empty()) absl::StrAppend(&field, " (", Quote(a.id()), ")");
    return field;
  }

  // Checks assertion i on its own; its expanded data types if they are all
  // known.
  std::optional<std::vector<std::string>> CheckAssertion(const v1::Assertion& a,
                                                         int i) {
    std::optional<std::vector<std::string>> types;
    if (a.data_types_size() == 0) {
      Invalid(AField(i, a, "dataTypes"),
              "empty; list data type ids (\"location.precise\") or category "
              "ids (\"location\")");
    } else {
      bool known = true;
      for (int t = 0; t < a.data_types_size(); ++t) {
        const std::string& id = a.data_types(t);
        if (taxonomy::FindType(id) == nullptr &&
            taxonomy::FindCategory(id) == nullptr) {
          known = false;
          Invalid(AField(i, a, absl::StrCat("dataTypes[", t, "]")),
                  absl::StrCat(Quote(id),
                               " is not a Candor data type or category id"));
        }
      }
      if (known) {
        absl::StatusOr<std::vector<std::string>> expanded =
            taxonomy::Expand(std::vector<std::string>(a.data_types().begin(),
                                                      a.data_types().end()));
        if (expanded.ok()) types = *std::move(expanded);
      }
    }

    const v1::Practice practice = a.practice();
    if (practice == v1::PRACTICE_UNSPECIFIED) {
      Invalid(AField(i, a, "practice"),
              "missing; NOT_COLLECTED, NOT_SHARED_WITH_THIRD_PARTIES, "
              "SHARED_ONLY_WITH, NOT_SENT_TO_COUNTRIES, "
              "ONLY_SENT_TO_COUNTRIES or "
              "NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES");
    } else if (!v1::Practice_IsValid(practice)) {
      Invalid(AField(i, a, "practice"),
              absl::StrCat("unknown value ", static_cast<int>(practice)));
    }

    if (a.consent() == v1::CONSENT_UNSPECIFIED) {
      Invalid(AField(i, a, "consent"),
              "missing; say when the assertion holds: ALWAYS, "
              "WHEN_TRACKING_DECLINED or WHEN_TRACKING_ACCEPTED");
    } else if (!v1::Consent_IsValid(a.consent())) {
      Invalid(AField(i, a, "consent"),
              absl::StrCat("unknown value ", static_cast<int>(a.consent())));
    }

    const bool valid_practice = v1::Practice_IsValid(practice) &&
                                practice != v1::PRACTICE_UNSPECIFIED;
    if (practice == v1::SHARED_ONLY_WITH && a.organisations_size() == 0) {
      Invalid(AField(i, a, "organisations"),
              "empty; SHARED_ONLY_WITH needs the organisations the data is "
              "shared with");
    } else if (practice != v1::SHARED_ONLY_WITH && valid_practice &&
               a.organisations_size() > 0) {
      Invalid(AField(i, a, "organisations"),
              absl::StrCat("only SHARED_ONLY_WITH takes organisations; this "
                           "assertion is ",
                           PracticeName(practice)));
    }
    for (int o = 0; o < a.organisations_size(); ++o) {
      const std::string& org = a.organisations(o);
      const std::string field = AField(i, a, absl::StrCat("organisations[", o, "]"));
      if (org.empty() || org.size() > kMaxOrganisation) {
        Invalid(field, "must be 1 to 200 characters");
        continue;
      }
      for (int p = 0; p < o; ++p) {
        if (a.organisations(p) == org) {
          Invalid(field, absl::StrCat(Quote(org), " repeats organisations[", p, "]"));
          break;
        }
      }
    }

    if (IsCountryPractice(practice) && a.countries_size() == 0) {
      Invalid(AField(i, a, "countries"),
              absl::StrCat("empty; ", PracticeName(practice),
                           " needs ISO 3166-1 alpha-2 country codes"));
    } else if (!IsCountryPractice(practice) && valid_practice &&
               a.countries_size() > 0) {
      Invalid(AField(i, a, "countries"),
              absl::StrCat("only NOT_SENT_TO_COUNTRIES, "
                           "ONLY_SENT_TO_COUNTRIES and "
                           "NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES take "
                           "countries; this assertion is ",
                           PracticeName(practice)));
    }
    for (int c = 0; c < a.countries_size(); ++c) {
      const std::string& code = a.countries(c);
      const std::string field = AField(i, a, absl::StrCat("countries[", c, "]"));
      if (!geo::IsCountryCode(code)) {
        std::string problem = absl::StrCat(
            Quote(code), " is not an officially assigned ISO 3166-1 alpha-2 code");
        const std::string upper = absl::AsciiStrToUpper(code);
        if (upper != code && geo::IsCountryCode(upper)) {
          absl::StrAppend(&problem, "; did you mean ", Quote(upper), "?");
        }
        Invalid(field, problem);
        continue;
      }
      for (int p = 0; p < c; ++p) {
        if (a.countries(p) == code) {
          Invalid(field, absl::StrCat(Quote(code), " repeats countries[", p, "]"));
          break;
        }
      }
    }

    for (int e = 0; e < a.exemptions_size(); ++e) {
      const v1::Exemption ex = a.exemptions(e);
      const std::string field = AField(i, a, absl::StrCat("exemptions[", e, "]"));
      if (ex == v1::EXEMPTION_UNSPECIFIED || !v1::Exemption_IsValid(ex)) {
        Invalid(field,
                "unspecified or unknown; SERVICE_PROVIDER, USER_INITIATED, "
                "EPHEMERAL_PROCESSING, LEGAL_REQUEST or ANONYMISED_DATA");
        continue;
      }
      for (int p = 0; p < e; ++p) {
        if (a.exemptions(p) == ex) {
          Invalid(field, absl::StrCat(ExemptionName(ex), " repeats exemptions[",
                                      p, "]"));
          break;
        }
      }
    }
    return types;
  }

  void CheckContradictions(const std::vector<CheckedAssertion>& checked) {
    for (size_t j = 1; j < checked.size(); ++j) {
      for (size_t i = 0; i < j; ++i) {
        const CheckedAssertion& x = checked[i];
        const CheckedAssertion& y = checked[j];
        std::vector<std::string> shared;
        std::set_intersection(x.types.begin(), x.types.end(), y.types.begin(),
                              y.types.end(), std::back_inserter(shared));
        if (shared.empty()) continue;
        std::optional<std::string> why = Contradiction(x, y, shared);
        if (!why.has_value()) why = Contradiction(y, x, shared);
        if (!why.has_value()) continue;
        problems_.push_back(absl::InvalidArgumentError(
            absl::StrCat("claim ", Name(y), " contradicts ", Name(x), ": ", *why)));
      }
    }
  }

  absl::Time now_;
  const registry::PrincipalRecord* signer_;
  absl::Duration max_time_skew_;
  std::vector<absl::Status> problems_;
};

std::string LeafHashText(absl::string_view bytes) {
  return absl::Base64Escape(bytes);
}

}  // namespace

bool IsAssertionId(absl::string_view s) {
  if (s.empty() || s.size() > kMaxAssertionId) return false;
  for (char c : s) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
          c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

bool IsHttpUrl(absl::string_view url) {
  absl::string_view rest;
  if (absl::StartsWith(url, "https://")) {
    rest = url.substr(8);
  } else if (absl::StartsWith(url, "http://")) {
    rest = url.substr(7);
  } else {
    return false;
  }
  if (rest.empty() || rest[0] == '/' || url.size() > kMaxUrl) return false;
  for (char c : url) {
    const unsigned char u = static_cast<unsigned char>(c);
    // Characters RFC 3986 never allows unescaped, and which placeholders
    // such as "<your-site>" use.
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == '"' ||
        c == '\\' || c == '{' || c == '}' || c == '|' || c == '^' || c == '`') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::vector<uint64_t>> ParseVersion(absl::string_view version) {
  if (version.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("version is empty", kVersionForm));
  }
  if (version.size() > kMaxVersionLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "version ", Quote(version.substr(0, 20)), "... is longer than ",
        kMaxVersionLength, " characters"));
  }
  std::vector<uint64_t> parts;
  for (absl::string_view part : absl::StrSplit(version, '.')) {
    if (part.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "version ", Quote(version), " has an empty component", kVersionForm));
    }
    uint64_t n = 0;
    for (char c : part) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
        return absl::InvalidArgumentError(
            absl::StrCat("version ", Quote(version), " has a non-numeric component ",
                         Quote(part), kVersionForm));
      }
    }
    if (part.size() > kMaxVersionDigits) {
      return absl::InvalidArgumentError(
          absl::StrCat("version ", Quote(version), " has a component longer than ",
                       kMaxVersionDigits, " digits"));
    }
    for (char c : part) n = n * 10 + static_cast<uint64_t>(c - '0');
    parts.push_back(n);
  }
  return parts;
}

absl::StatusOr<int> CompareVersions(absl::string_view a, absl::string_view b) {
  absl::StatusOr<std::vector<uint64_t>> va = ParseVersion(a);
  if (!va.ok()) return va.status();
  absl::StatusOr<std::vector<uint64_t>> vb = ParseVersion(b);
  if (!vb.ok()) return vb.status();
  const size_t n = std::max(va->size(), vb->size());
  for (size_t i = 0; i < n; ++i) {
    const uint64_t x = i < va->size() ? (*va)[i] : 0;
    const uint64_t y = i < vb->size() ? (*vb)[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

bool CoversVersion(const v1::App& app, absl::string_view version) {
  if (app.min_version().empty() && app.max_version().empty()) return true;
  if (!app.min_version().empty()) {
    absl::StatusOr<int> c = CompareVersions(app.min_version(), version);
    if (!c.ok() || *c > 0) return false;
  }
  if (!app.max_version().empty()) {
    absl::StatusOr<int> c = CompareVersions(version, app.max_version());
    if (!c.ok() || *c > 0) return false;
  }
  return true;
}

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp out;
  const int64_t seconds = absl::ToUnixSeconds(t);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return out;
}

std::string FormatTimestamp(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

std::vector<absl::Status> ClaimProblems(const v1::Claim& claim, absl::Time now,
                                        const registry::PrincipalRecord* signer,
                                        absl::Duration max_time_skew) {
  return Checker(now, signer, max_time_skew).Run(claim);
}

absl::Status ValidateClaim(const v1::Claim& claim, const ClaimContext& context) {
  std::vector<absl::Status> problems =
      ClaimProblems(claim, context.now, &context.signer, context.max_time_skew);
  return problems.empty() ? absl::OkStatus() : problems.front();
}

absl::StatusOr<v1::Claim> ClaimFromEntry(absl::string_view entry) {
  return PredicateFromEntry<v1::Claim>(entry, kClaimPredicateType, "a claim");
}

absl::Status CheckSupersedes(const v1::Claim& claim,
                             const admission::LogView& log,
                             const registry::RegistryState& registry) {
  if (claim.supersedes().empty()) return absl::OkStatus();
  const std::string shown = LeafHashText(claim.supersedes());
  absl::StatusOr<merkle::Hash> hash = merkle::HashFromBytes(claim.supersedes());
  if (!hash.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("claim supersedes: must be a 32-byte leaf hash (base64 in "
                     "JSON); got ",
                     claim.supersedes().size(), " bytes"));
  }
  absl::StatusOr<std::optional<admission::IndexedEntry>> found =
      log.FindEntry(*hash);
  if (!found.ok()) {
    return absl::Status(found.status().code(),
                        absl::StrCat("claim supersedes: looking up ", shown,
                                     " in the log: ", found.status().message()));
  }
  if (!found->has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "claim supersedes: no entry in the log has leaf hash ", shown,
        "; name the leaf hash of your earlier claim for ", Quote(claim.app().id()),
        " as its receipt gives it"));
  }
  const admission::IndexedEntry& earlier = **found;
  const std::string at = absl::StrCat("claim supersedes: log entry ", earlier.index);
  absl::StatusOr<SignedStatement> st = ParseSignedStatement(earlier.entry);
  if (!st.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(at, " is not a signed statement: ", st.status().message()));
  }
  if (st->statement.predicate_type == kRecordedClaimType) {
    // A vendor answers a recorder's reading of what it said with a claim it
    // signs; the validator has checked the app is in the vendor's scope.
    v1::RecordedClaim recording;
    if (absl::Status s = ParsePredicate(st->statement.predicate_json, recording);
        !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(at, " does not parse as a recording: ", s.message()));
    }
    if (recording.reading().app().id() != claim.app().id()) {
      return absl::InvalidArgumentError(absl::StrCat(
          at, " is a recording about ", Quote(recording.reading().app().id()), ", not ",
          Quote(claim.app().id()),
          "; a claim may supersede only a recording about the same app"));
    }
    return absl::OkStatus();
  }
  if (st->statement.predicate_type != kClaimPredicateType) {
    return absl::InvalidArgumentError(
        absl::StrCat(at, " is a ", Quote(st->statement.predicate_type),
                     " statement, not a claim or a recording"));
  }
  v1::Claim old;
  if (absl::Status s = ParsePredicate(st->statement.predicate_json, old);
      !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(at, " does not parse as a claim: ", s.message()));
  }
  if (old.issuer() != claim.issuer()) {
    return absl::PermissionDeniedError(absl::StrCat(
        at, " is a claim by ", Quote(old.issuer()), ", not by ",
        Quote(claim.issuer()), "; a vendor may supersede only its own claims"));
  }
  for (size_t i = 0; i < st->envelope.signatures.size(); ++i) {
    const std::string& keyid = st->envelope.signatures[i].keyid;
    const registry::KeyRecord* key = registry.FindKey(keyid);
    if (key == nullptr || key->principal() != claim.issuer()) {
      return absl::PermissionDeniedError(absl::StrCat(
          at, " is signed (signature ", i, ", key ", Quote(keyid),
          ") by someone other than ", Quote(claim.issuer()),
          "; a vendor may supersede only its own claims"));
    }
  }
  if (old.app().id() != claim.app().id()) {
    return absl::InvalidArgumentError(
        absl::StrCat(at, " is a claim about ", Quote(old.app().id()), ", not ",
                     Quote(claim.app().id()),
                     "; a claim may supersede only a claim about the same app"));
  }
  return absl::OkStatus();
}

absl::Status ClaimValidator::Validate(
    const SignedStatement& statement,
    const admission::ValidationContext& context) const {
  if (context.signer == nullptr) {
    // Admission passes the signer for every VENDOR-role predicate type.
    return absl::PermissionDeniedError("a claim must be signed by a vendor");
  }
  v1::Claim claim;
  if (absl::Status s = ParsePredicate(statement.statement.predicate_json, claim);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          ValidateClaim(claim, ClaimContext{context.log.Now(), *context.signer,
                                            context.max_time_skew});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> version = subject::CheckSubjects(
      statement.statement.subjects,
      {"claim", claim.app().id(), "app.binarySha256", claim.app().binary_sha256()});
  if (!version.ok()) return version.status();
  // The build's version, when its subject states one, must be one the claim
  // covers: otherwise the claim would be about a build it excludes.
  if (!version->empty() && !CoversVersion(claim.app(), *version)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a claim statement's subject is version ", Quote(*version),
        " of the app, which the claim's app.minVersion/app.maxVersion (",
        Quote(claim.app().min_version()), " to ", Quote(claim.app().max_version()),
        ") do not cover"));
  }
  return CheckSupersedes(claim, context.log, context.registry);
}

void RegisterClaimValidator(admission::ValidatorRegistry& registry) {
  registry.Register(std::string(kClaimPredicateType),
                    std::make_unique<ClaimValidator>());
}

}  // namespace candor::claim
