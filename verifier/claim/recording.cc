#include "verifier/claim/recording.h"

#include <algorithm>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "log/json/json.h"
#include "log/merkle/hash.h"
#include "log/statement/statement.h"
#include "verifier/claim/claim.h"
#include "verifier/claim/data_safety.h"
#include "verifier/subject/app_subject.h"

namespace candor::claim {
namespace {

using ::candor::json::Quote;

constexpr size_t kMaxPublication = 200;

// BCP 47 in the shape every tag has: a 2-3 letter language, then subtags of
// 1-8 letters or digits ("en", "zh-Hans", "pt-BR", "es-419"). Registry
// membership is not checked: the tag tells readers what language to expect.
bool IsLanguageTag(absl::string_view tag) {
  if (tag.size() > 35) return false;
  size_t start = 0;
  bool first = true;
  while (true) {
    size_t end = tag.find('-', start);
    absl::string_view sub =
        tag.substr(start, end == absl::string_view::npos ? absl::string_view::npos
                                                         : end - start);
    if (first) {
      if (sub.size() < 2 || sub.size() > 3 ||
          !std::all_of(sub.begin(), sub.end(), [](char c) {
            return absl::ascii_isalpha(static_cast<unsigned char>(c));
          })) {
        return false;
      }
    } else if (sub.empty() || sub.size() > 8 ||
               !std::all_of(sub.begin(), sub.end(), [](char c) {
                 return absl::ascii_isalnum(static_cast<unsigned char>(c));
               })) {
      return false;
    }
    if (end == absl::string_view::npos) return true;
    first = false;
    start = end + 1;
  }
}

// A registrable domain as registrations name them, with at least one dot.
bool IsDomain(absl::string_view d) {
  return registry::ValidateDomain(d).ok() && absl::StrContains(d, '.');
}

std::string DateOf(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d", ToTime(t), absl::UTCTimeZone());
}

class RecordingChecker {
 public:
  RecordingChecker(absl::Time now, absl::Duration max_time_skew)
      : now_(now), max_time_skew_(max_time_skew) {}

  std::vector<absl::Status> Run(const v1::RecordedClaim& r) {
    if (r.recorder().empty()) {
      Invalid("recorder", "missing; name the registered recorder that signs it");
    } else if (r.reading().issuer() != r.recorder()) {
      Invalid("reading.issuer",
              absl::StrCat(Quote(r.reading().issuer()), " must be the recorder, ",
                           Quote(r.recorder()),
                           ": the reading is the recorder's, not the speaker's"));
    }
    if (r.kind() != v1::RecordedClaim::STATEMENT &&
        r.kind() != v1::RecordedClaim::STORE_LABEL) {
      Invalid("kind", "must be STATEMENT or STORE_LABEL");
    }
    CheckSpeaker(r.speaker());
    CheckSource(r.source());
    if (r.kind() == v1::RecordedClaim::STATEMENT) CheckStatement(r);
    if (r.kind() == v1::RecordedClaim::STORE_LABEL) CheckLabel(r);
    CheckFirstParty(r.first_party());
    for (absl::Status& s : ClaimProblems(r.reading(), now_, nullptr, max_time_skew_)) {
      problems_.push_back(
          absl::Status(s.code(), absl::StrCat("recording reading: ", s.message())));
    }
    return std::move(problems_);
  }

 private:
  void Invalid(absl::string_view field, absl::string_view problem) {
    problems_.push_back(absl::InvalidArgumentError(
        absl::StrCat("recording ", field, ": ", problem)));
  }

  void CheckSpeaker(const v1::Speaker& s) {
    if (s.name().empty()) {
      Invalid("speaker.name", "missing; name the speaker as the source names it");
    } else if (s.name().size() > kMaxSpeakerName) {
      Invalid("speaker.name", absl::StrCat("longer than ", kMaxSpeakerName, " bytes"));
    }
  }

  void CheckSource(const v1::Source& s) {
    if (!IsHttpUrl(s.url())) {
      Invalid("source.url", absl::StrCat(Quote(s.url()),
                                         " is not an http(s) URL where the claim "
                                         "was published"));
    }
    if (s.publication().empty() || s.publication().size() > kMaxPublication) {
      Invalid("source.publication",
              absl::StrCat("must name the publication or store, in 1 to ",
                           kMaxPublication, " bytes"));
    }
    if (!s.has_published_at()) {
      Invalid("source.publishedAt", "missing; say when the claim was made");
    } else if (ToTime(s.published_at()) > now_ + max_time_skew_) {
      Invalid("source.publishedAt",
              absl::StrCat(FormatTimestamp(ToTime(s.published_at())),
                           " is in the future: a claim is recorded after it is made"));
    }
    if (!subject::IsSha256Hex(s.archive_sha256())) {
      Invalid("source.archiveSha256",
              absl::StrCat(Quote(s.archive_sha256()),
                           " must be the 64 lower-case hex digits of the SHA-256 of "
                           "the archived source"));
    }
  }

  void CheckStatement(const v1::RecordedClaim& r) {
    if (r.quotes_size() == 0 || r.quotes_size() > static_cast<int>(kMaxQuotes)) {
      Invalid("quotes", absl::StrCat("a statement is recorded with 1 to ", kMaxQuotes,
                                     " quotes of its exact words"));
    }
    std::set<std::string> quote_ids;
    for (int i = 0; i < r.quotes_size(); ++i) {
      const v1::Quote& q = r.quotes(i);
      const std::string at = absl::StrCat("quotes[", i, "]");
      if (!IsAssertionId(q.id())) {
        Invalid(absl::StrCat(at, ".id"),
                absl::StrCat(Quote(q.id()),
                             " must be 1 to 64 letters, digits, '.', '-' or '_'"));
      } else if (!quote_ids.insert(q.id()).second) {
        Invalid(absl::StrCat(at, ".id"), absl::StrCat(Quote(q.id()), " is repeated"));
      }
      if (q.text().empty() || q.text().size() > kMaxQuoteBytes) {
        Invalid(absl::StrCat(at, ".text"),
                absl::StrCat("the words as published, 1 to ", kMaxQuoteBytes, " bytes"));
      }
      if (!IsLanguageTag(q.language())) {
        Invalid(absl::StrCat(at, ".language"),
                absl::StrCat(Quote(q.language()),
                             " is not a BCP 47 language tag such as \"en\" or "
                             "\"zh-Hans\""));
      }
    }
    std::set<std::string> interpreted;
    for (int i = 0; i < r.interpretations_size(); ++i) {
      const v1::Interpretation& in = r.interpretations(i);
      const std::string at = absl::StrCat("interpretations[", i, "]");
      const auto& assertions = r.reading().assertions();
      if (std::none_of(assertions.begin(), assertions.end(),
                       [&](const v1::Assertion& a) { return a.id() == in.assertion(); })) {
        Invalid(absl::StrCat(at, ".assertion"),
                absl::StrCat(Quote(in.assertion()), " is not an assertion of the reading"));
      } else if (!interpreted.insert(in.assertion()).second) {
        Invalid(absl::StrCat(at, ".assertion"),
                absl::StrCat(Quote(in.assertion()), " is interpreted twice"));
      }
      const v1::Quote* quote = nullptr;
      for (const v1::Quote& q : r.quotes()) {
        if (q.id() == in.quote()) quote = &q;
      }
      if (quote == nullptr) {
        Invalid(absl::StrCat(at, ".quote"),
                absl::StrCat(Quote(in.quote()), " names no quote of the recording"));
      } else if (in.sentence().empty() || !absl::StrContains(quote->text(), in.sentence())) {
        Invalid(absl::StrCat(at, ".sentence"),
                absl::StrCat(Quote(in.sentence()), " is not, verbatim, part of quote ",
                             Quote(in.quote())));
      }
      if (in.reading().empty() || in.reading().size() > kMaxInterpretationBytes) {
        Invalid(absl::StrCat(at, ".reading"),
                absl::StrCat("say how the sentence reads as the assertion, in 1 to ",
                             kMaxInterpretationBytes, " bytes"));
      }
    }
    for (const v1::Assertion& a : r.reading().assertions()) {
      if (!a.id().empty() && interpreted.count(a.id()) == 0) {
        Invalid("interpretations",
                absl::StrCat("the reading's assertion ", Quote(a.id()),
                             " has no interpretation: every assertion read into a "
                             "statement says which sentence it reads and how"));
      }
    }
  }

  void CheckLabel(const v1::RecordedClaim& r) {
    if (r.quotes_size() > 0 || r.interpretations_size() > 0) {
      Invalid("quotes",
              "a store label is recorded without quotes or interpretations: the "
              "label's rows map to assertions as `candor claim import "
              "--play-data-safety` maps them");
    }
    const auto& docs = r.reading().documents();
    if (std::none_of(docs.begin(), docs.end(), [](const v1::Document& d) {
          return d.kind() == v1::Document::DATA_SAFETY_FORM;
        })) {
      Invalid("reading.documents", "a store label's reading carries the label as a "
                                   "DATA_SAFETY_FORM document");
    }
    if (absl::StatusOr<std::vector<DataSafetyAnswer>> answers =
            DataSafetyAnswersFromClaim(r.reading());
        !answers.ok()) {
      Invalid("reading.assertions",
              absl::StrCat("a store label says only what its form says: ",
                           answers.status().message()));
    }
  }

  void CheckFirstParty(const v1::FirstParty& f) {
    if (f.organisations_size() + f.domains_size() >
        static_cast<int>(kMaxFirstPartyItems)) {
      Invalid("firstParty", absl::StrCat("lists more than ", kMaxFirstPartyItems,
                                         " organisations and domains"));
    }
    for (int i = 0; i < f.organisations_size(); ++i) {
      if (f.organisations(i).empty() || f.organisations(i).size() > 200) {
        Invalid(absl::StrCat("firstParty.organisations[", i, "]"),
                "must be 1 to 200 bytes, as reference data names it");
      }
    }
    for (int i = 0; i < f.domains_size(); ++i) {
      if (!IsDomain(f.domains(i))) {
        Invalid(absl::StrCat("firstParty.domains[", i, "]"),
                absl::StrCat(Quote(f.domains(i)),
                             " is not a registrable domain such as \"example.com\""));
      }
    }
  }

  absl::Time now_;
  absl::Duration max_time_skew_;
  std::vector<absl::Status> problems_;
};

bool InScope(const registry::v1::Registration& r, absl::string_view app) {
  return r.role() == registry::v1::VENDOR && !r.revoked() &&
         std::find(r.scope().apps().begin(), r.scope().apps().end(), app) !=
             r.scope().apps().end();
}

// The earlier entry `leaf_hash` names, as a recording about `app`; `field`
// and `who` word the errors.
absl::StatusOr<v1::RecordedClaim> FindRecording(absl::string_view field,
                                                const std::string& leaf_hash,
                                                absl::string_view app,
                                                const admission::LogView& log) {
  absl::StatusOr<merkle::Hash> hash = merkle::HashFromBytes(leaf_hash);
  if (!hash.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": must be a 32-byte leaf hash (base64 in JSON); got ", leaf_hash.size(),
        " bytes"));
  }
  absl::StatusOr<std::optional<admission::IndexedEntry>> found = log.FindEntry(*hash);
  if (!found.ok()) {
    return absl::Status(found.status().code(),
                        absl::StrCat(field, ": ", found.status().message()));
  }
  if (!found->has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": no entry in the log has that leaf hash"));
  }
  absl::StatusOr<v1::RecordedClaim> r =
      RecordingFromEntry((*found)->entry);
  if (!r.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": log entry ", (*found)->index,
                                                   " is not a recording"));
  }
  if (r->reading().app().id() != app) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": log entry ", (*found)->index, " is a recording about ",
        Quote(r->reading().app().id()), ", not ", Quote(app)));
  }
  return r;
}

}  // namespace

std::vector<absl::Status> RecordingProblems(const v1::RecordedClaim& recording,
                                            absl::Time now,
                                            absl::Duration max_time_skew) {
  return RecordingChecker(now, max_time_skew).Run(recording);
}

absl::StatusOr<v1::RecordedClaim> RecordingFromEntry(absl::string_view entry) {
  return PredicateFromEntry<v1::RecordedClaim>(entry, kRecordedClaimType, "a recording");
}

absl::StatusOr<v1::Dispute> DisputeFromEntry(absl::string_view entry) {
  return PredicateFromEntry<v1::Dispute>(entry, kDisputeType, "a dispute");
}

bool NeedsFirstParty(const v1::Claim& reading) {
  return std::any_of(reading.assertions().begin(), reading.assertions().end(),
                     [](const v1::Assertion& a) {
                       return a.practice() == v1::NOT_SHARED_WITH_THIRD_PARTIES ||
                              a.practice() == v1::SHARED_ONLY_WITH;
                     });
}

registry::v1::Registration FirstPartyOf(const v1::RecordedClaim& recording,
                                        const registry::v1::Registration* speaker) {
  if (speaker != nullptr && InScope(*speaker, recording.reading().app().id())) {
    return *speaker;
  }
  registry::v1::Registration r;
  r.set_name(recording.speaker().principal().empty() ? recording.speaker().name()
                                                     : recording.speaker().principal());
  r.set_display_name(recording.speaker().name());
  r.set_role(registry::v1::VENDOR);
  r.mutable_scope()->add_apps(recording.reading().app().id());
  for (const std::string& o : recording.first_party().organisations()) {
    r.mutable_scope()->add_organisations(o);
  }
  for (const std::string& d : recording.first_party().domains()) {
    r.mutable_scope()->add_domains(d);
  }
  return r;
}

std::string ProvenanceOfClaim(const v1::Claim& claim) {
  for (const v1::Document& d : claim.documents()) {
    if (d.kind() != v1::Document::DATA_SAFETY_FORM) continue;
    return absl::StrCat("the Data-safety label published on ",
                        DateOf(d.has_published_at() ? d.published_at()
                                                    : claim.effective_at()));
  }
  return "the vendor's signed claim";
}

std::string ProvenanceOfRecording(const v1::RecordedClaim& recording,
                                  absl::string_view recorder_name) {
  if (recording.kind() == v1::RecordedClaim::STORE_LABEL) {
    return absl::StrCat("the Data-safety label published on ",
                        DateOf(recording.source().published_at()), ", as ", recorder_name,
                        " observed it on ", recording.source().url());
  }
  return absl::StrCat(recorder_name, "'s reading of a statement quoted in ",
                      recording.source().publication(), " (", recording.source().url(),
                      ")");
}

absl::Status RecordedClaimValidator::Validate(
    const SignedStatement& statement, const admission::ValidationContext& context) const {
  if (context.signer == nullptr) {
    return absl::PermissionDeniedError("a recording must be signed by a recorder");
  }
  v1::RecordedClaim r;
  if (absl::Status s = ParsePredicate(statement.statement.predicate_json, r); !s.ok()) {
    return s;
  }
  if (r.recorder() != context.signer->registration().name()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "recording recorder: ", Quote(r.recorder()), " is not the signer, ",
        Quote(context.signer->registration().name())));
  }
  std::vector<absl::Status> problems =
      RecordingProblems(r, context.log.Now(), context.max_time_skew);
  if (!problems.empty()) return problems.front();

  const registry::v1::Registration* speaker = nullptr;
  if (!r.speaker().principal().empty()) {
    const registry::PrincipalRecord* p =
        context.registry.FindPrincipal(r.speaker().principal());
    if (p == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "recording speaker.principal: ", Quote(r.speaker().principal()),
          " is not registered; name an unregistered speaker in speaker.name only"));
    }
    speaker = &p->registration();
  }
  const bool speaker_is_vendor =
      speaker != nullptr && InScope(*speaker, r.reading().app().id());
  const bool has_first_party =
      r.first_party().organisations_size() + r.first_party().domains_size() > 0;
  if (speaker_is_vendor && has_first_party) {
    return absl::InvalidArgumentError(absl::StrCat(
        "recording firstParty: the speaker ", Quote(speaker->name()),
        " is a registered vendor of ", Quote(r.reading().app().id()),
        ", whose registration names its first parties; leave firstParty empty"));
  }
  if (NeedsFirstParty(r.reading()) && !speaker_is_vendor && !has_first_party) {
    return absl::InvalidArgumentError(absl::StrCat(
        "recording firstParty: the reading speaks of third parties, so it needs the "
        "speaker's own organisations or domains: name a speaker.principal registered "
        "as a vendor of ",
        Quote(r.reading().app().id()), ", or list them in firstParty"));
  }
  absl::StatusOr<std::string> version = subject::CheckSubjects(
      statement.statement.subjects, {"recording", r.reading().app().id(),
                                     "reading.app.binarySha256",
                                     r.reading().app().binary_sha256()});
  if (!version.ok()) return version.status();
  if (!version->empty() && !CoversVersion(r.reading().app(), *version)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a recording statement's subject is version ", Quote(*version),
        " of the app, which the reading's app.minVersion/app.maxVersion do not cover"));
  }
  if (!r.reading().supersedes().empty()) {
    absl::StatusOr<v1::RecordedClaim> earlier =
        FindRecording("recording reading.supersedes", r.reading().supersedes(),
                      r.reading().app().id(), context.log);
    if (!earlier.ok()) return earlier.status();
    if (earlier->recorder() != r.recorder()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "recording reading.supersedes: that recording is by ",
          Quote(earlier->recorder()), ", not ", Quote(r.recorder()),
          "; a recorder corrects only its own recordings"));
    }
  }
  return absl::OkStatus();
}

absl::Status DisputeValidator::Validate(const SignedStatement& statement,
                                        const admission::ValidationContext& context) const {
  if (context.signer == nullptr) {
    return absl::PermissionDeniedError("a dispute must be signed by a vendor");
  }
  v1::Dispute d;
  if (absl::Status s = ParsePredicate(statement.statement.predicate_json, d); !s.ok()) {
    return s;
  }
  const registry::v1::Registration& vendor = context.signer->registration();
  if (d.issuer() != vendor.name()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "dispute issuer: ", Quote(d.issuer()), " is not the signer, ", Quote(vendor.name())));
  }
  if (absl::Status s = registry::ValidateAppId(d.app()); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("dispute app: ", s.message()));
  }
  if (!InScope(vendor, d.app())) {
    return absl::PermissionDeniedError(absl::StrCat(
        "dispute app: ", Quote(d.app()), " is not in the scope of vendor ",
        Quote(vendor.name()), "; only the app's vendor answers for it"));
  }
  if (!d.has_issued_at()) {
    return absl::InvalidArgumentError("dispute issuedAt: missing");
  }
  if (absl::Status s =
          admission::CheckSignedTime("dispute issuedAt", ToTime(d.issued_at()), context);
      !s.ok()) {
    return s;
  }
  if (d.text().empty() || d.text().size() > kMaxDisputeText) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dispute text: say why the reading is wrong, in 1 to ", kMaxDisputeText, " bytes"));
  }
  absl::StatusOr<std::string> version = subject::CheckSubjects(
      statement.statement.subjects, {"dispute", d.app(), "", ""});
  if (!version.ok()) return version.status();
  absl::StatusOr<v1::RecordedClaim> recording =
      FindRecording("dispute recording", d.recording(), d.app(), context.log);
  return recording.status();
}

void RegisterRecordingValidators(admission::ValidatorRegistry& registry) {
  registry.Register(std::string(kRecordedClaimType),
                    std::make_unique<RecordedClaimValidator>());
  registry.Register(std::string(kDisputeType), std::make_unique<DisputeValidator>());
}

}  // namespace candor::claim
