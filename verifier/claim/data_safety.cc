#include "verifier/claim/data_safety.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "verifier/taxonomy/taxonomy.h"

namespace candor::claim {
namespace {

// Play's data types, as the CSV names them (the ids of Play Console's
// export, the same in every language), with the Candor type each is.
constexpr PlayDataType kPlayTypes[] = {
    {"PSL_APPROX_LOCATION", "PSL_DATA_TYPES_LOCATION", "location.approximate"},
    {"PSL_PRECISE_LOCATION", "PSL_DATA_TYPES_LOCATION", "location.precise"},
    {"PSL_NAME", "PSL_DATA_TYPES_PERSONAL", "personal_info.name"},
    {"PSL_EMAIL", "PSL_DATA_TYPES_PERSONAL", "personal_info.email_address"},
    {"PSL_USER_ACCOUNT", "PSL_DATA_TYPES_PERSONAL", "personal_info.user_ids"},
    {"PSL_ADDRESS", "PSL_DATA_TYPES_PERSONAL", "personal_info.address"},
    {"PSL_PHONE", "PSL_DATA_TYPES_PERSONAL", "personal_info.phone_number"},
    {"PSL_RACE_ETHNICITY", "PSL_DATA_TYPES_PERSONAL", "personal_info.race_and_ethnicity"},
    {"PSL_POLITICAL_RELIGIOUS", "PSL_DATA_TYPES_PERSONAL",
     "personal_info.political_or_religious_beliefs"},
    {"PSL_SEXUAL_ORIENTATION_GENDER_IDENTITY", "PSL_DATA_TYPES_PERSONAL",
     "personal_info.sexual_orientation"},
    {"PSL_OTHER_PERSONAL", "PSL_DATA_TYPES_PERSONAL", "personal_info.other_info"},
    {"PSL_CREDIT_DEBIT_BANK_ACCOUNT_NUMBER", "PSL_DATA_TYPES_FINANCIAL",
     "financial_info.user_payment_info"},
    {"PSL_PURCHASE_HISTORY", "PSL_DATA_TYPES_FINANCIAL", "financial_info.purchase_history"},
    {"PSL_CREDIT_SCORE", "PSL_DATA_TYPES_FINANCIAL", "financial_info.credit_score"},
    {"PSL_OTHER", "PSL_DATA_TYPES_FINANCIAL", "financial_info.other_financial_info"},
    {"PSL_HEALTH", "PSL_DATA_TYPES_HEALTH_AND_FITNESS", "health_and_fitness.health_info"},
    {"PSL_FITNESS", "PSL_DATA_TYPES_HEALTH_AND_FITNESS", "health_and_fitness.fitness_info"},
    {"PSL_EMAILS", "PSL_DATA_TYPES_EMAIL_AND_TEXT", "messages.emails"},
    {"PSL_SMS_CALL_LOG", "PSL_DATA_TYPES_EMAIL_AND_TEXT", "messages.sms_or_mms"},
    {"PSL_OTHER_MESSAGES", "PSL_DATA_TYPES_EMAIL_AND_TEXT", "messages.other_in_app_messages"},
    {"PSL_PHOTOS", "PSL_DATA_TYPES_PHOTOS_AND_VIDEOS", "photos_and_videos.photos"},
    {"PSL_VIDEOS", "PSL_DATA_TYPES_PHOTOS_AND_VIDEOS", "photos_and_videos.videos"},
    {"PSL_AUDIO", "PSL_DATA_TYPES_AUDIO", "audio.voice_or_sound_recordings"},
    {"PSL_MUSIC", "PSL_DATA_TYPES_AUDIO", "audio.music_files"},
    {"PSL_OTHER_AUDIO", "PSL_DATA_TYPES_AUDIO", "audio.other_audio_files"},
    {"PSL_FILES_AND_DOCS", "PSL_DATA_TYPES_FILES_AND_DOCS", "files_and_docs.files_and_docs"},
    {"PSL_CALENDAR", "PSL_DATA_TYPES_CALENDAR", "calendar.calendar_events"},
    {"PSL_CONTACTS", "PSL_DATA_TYPES_CONTACTS", "contacts.contacts"},
    {"PSL_USER_INTERACTION", "PSL_DATA_TYPES_APP_ACTIVITY", "app_activity.app_interactions"},
    {"PSL_IN_APP_SEARCH_HISTORY", "PSL_DATA_TYPES_APP_ACTIVITY",
     "app_activity.in_app_search_history"},
    {"PSL_APPS_ON_DEVICE", "PSL_DATA_TYPES_APP_ACTIVITY", "app_activity.installed_apps"},
    {"PSL_USER_GENERATED_CONTENT", "PSL_DATA_TYPES_APP_ACTIVITY",
     "app_activity.other_user_generated_content"},
    {"PSL_OTHER_APP_ACTIVITY", "PSL_DATA_TYPES_APP_ACTIVITY", "app_activity.other_actions"},
    {"PSL_WEB_BROWSING_HISTORY", "PSL_DATA_TYPES_SEARCH_AND_BROWSING",
     "web_browsing.web_browsing_history"},
    {"PSL_CRASH_LOGS", "PSL_DATA_TYPES_APP_PERFORMANCE", "app_info_and_performance.crash_logs"},
    {"PSL_PERFORMANCE_DIAGNOSTICS", "PSL_DATA_TYPES_APP_PERFORMANCE",
     "app_info_and_performance.diagnostics"},
    {"PSL_OTHER_PERFORMANCE", "PSL_DATA_TYPES_APP_PERFORMANCE",
     "app_info_and_performance.other_app_performance_data"},
    {"PSL_DEVICE_ID", "PSL_DATA_TYPES_IDENTIFIERS", "device_or_other_ids.device_or_other_ids"},
};

// The Play types whose values verifier/detect can find in a capture
// (identities.cc's TypeRules, plus location.approximate, which a planted
// position sent with 1 or 2 decimals is).
constexpr absl::string_view kObservable[] = {
    "location.approximate",       "location.precise",
    "personal_info.name",         "personal_info.email_address",
    "personal_info.user_ids",     "personal_info.address",
    "personal_info.phone_number", "photos_and_videos.photos",
    "contacts.contacts",          "device_or_other_ids.device_or_other_ids",
};

constexpr absl::string_view kUsagePrefix = "PSL_DATA_USAGE_RESPONSES:";
constexpr absl::string_view kCollectionAndSharing = "PSL_DATA_USAGE_COLLECTION_AND_SHARING";
constexpr absl::string_view kOnlyCollected = "PSL_DATA_USAGE_ONLY_COLLECTED";
constexpr absl::string_view kOnlyShared = "PSL_DATA_USAGE_ONLY_SHARED";
constexpr absl::string_view kEphemeral = "PSL_DATA_USAGE_EPHEMERAL";
constexpr absl::string_view kCollectsData = "PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA";

// A question whose answers carry into no assertion.
struct OtherQuestion {
  absl::string_view id;
  std::vector<absl::string_view> responses;  // empty: the response id is empty
  bool text;                                 // free text rather than a choice
  absl::string_view why;                     // why it carries no assertion
};

constexpr absl::string_view kPurposes[] = {
    "PSL_APP_FUNCTIONALITY",  "PSL_ANALYTICS",           "PSL_DEVELOPER_COMMUNICATIONS",
    "PSL_ADVERTISING",        "PSL_FRAUD_PREVENTION_SECURITY", "PSL_PERSONALIZATION",
    "PSL_ACCOUNT_MANAGEMENT",
};

const std::vector<OtherQuestion>& TopQuestions() {
  static const auto* q = new std::vector<OtherQuestion>{
      {kCollectsData, {}, false,
       "checked against the data-type rows; no assertion of its own"},
      {"PSL_DATA_COLLECTION_ENCRYPTED_IN_TRANSIT", {}, false,
       "encryption in transit; Candor does not evaluate transport security"},
      {"PSL_SUPPORTED_ACCOUNT_CREATION_METHODS",
       {"PSL_ACM_USER_ID_PASSWORD", "PSL_ACM_USER_ID_OTHER_AUTH",
        "PSL_ACM_USER_ID_PASSWORD_OTHER_AUTH", "PSL_ACM_OAUTH", "PSL_ACM_OTHER",
        "PSL_ACM_NONE"},
       false, "account creation; not a data flow"},
      {"PSL_ACM_SPECIFY", {}, true, "account creation; not a data flow"},
      {"PSL_ACCOUNT_DELETION_URL", {}, true,
       "account deletion; traffic cannot show what a server deletes"},
      {"PSL_HAS_OUTSIDE_APP_ACCOUNTS", {}, false, "account creation; not a data flow"},
      {"PSL_OUTSIDE_APP_ACCOUNT_TYPES",
       {"PSL_LOGIN_WITH_OUTSIDE_APP_ID", "PSL_LOGIN_THROUGH_EMPLOYMENT_OR_ENTERPRISE_ACCOUNT",
        "PSL_OUTSIDE_APP_ACCOUNT_TYPE_OTHER"},
       false, "account creation; not a data flow"},
      {"PSL_OUTSIDE_APP_ACCOUNT_TYPE_SPECIFY", {}, true, "account creation; not a data flow"},
      {"PSL_SUPPORT_DATA_DELETION_BY_USER",
       {"DATA_DELETION_YES", "DATA_DELETION_NO", "DATA_DELETION_NO_AUTO_DELETED"}, false,
       "data deletion; traffic cannot show what a server deletes"},
      {"PSL_DATA_DELETION_URL", {}, true,
       "data deletion; traffic cannot show what a server deletes"},
      {"PSL_DATA_COLLECTION_COMPLIES_FAMILY_POLICY", {}, false,
       "a policy commitment; not a data flow"},
      {"PSL_INDEPENDENTLY_VALIDATED", {}, false, "an external review; not a data flow"},
      {"PSL_UPI_BADGE_OPT_IN", {}, false, "a store badge; not a data flow"},
  };
  return *q;
}

const std::vector<OtherQuestion>& UsageQuestions() {
  static const auto* q = new std::vector<OtherQuestion>{
      {kCollectionAndSharing, {kOnlyCollected, kOnlyShared}, false, ""},
      {kEphemeral, {}, false, ""},
      {"DATA_USAGE_USER_CONTROL",
       {"PSL_DATA_USAGE_USER_CONTROL_OPTIONAL", "PSL_DATA_USAGE_USER_CONTROL_REQUIRED"}, false,
       "optional or required collection; traffic cannot show what the user could refuse"},
      {"DATA_USAGE_COLLECTION_PURPOSE",
       std::vector<absl::string_view>(std::begin(kPurposes), std::end(kPurposes)), false,
       "purpose; traffic cannot show why data is sent"},
      {"DATA_USAGE_SHARING_PURPOSE",
       std::vector<absl::string_view>(std::begin(kPurposes), std::end(kPurposes)), false,
       "purpose; traffic cannot show why data is sent"},
  };
  return *q;
}

const OtherQuestion* FindQuestion(const std::vector<OtherQuestion>& qs, absl::string_view id) {
  for (const OtherQuestion& q : qs) {
    if (q.id == id) return &q;
  }
  return nullptr;
}

const PlayDataType* FindPlayType(absl::string_view play_id) {
  for (const PlayDataType& t : kPlayTypes) {
    if (t.play_id == play_id) return &t;
  }
  return nullptr;
}

std::string Where(const DataSafetyRow& r) {
  return absl::StrCat("row ", r.row, " (", r.question, ",", r.response, ")");
}

absl::Status RowError(const DataSafetyRow& r, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(Where(r), ": ", what));
}

// A choice's value: true, false, or nullopt for empty (unanswered).
absl::StatusOr<std::optional<bool>> Choice(const DataSafetyRow& r) {
  const std::string v = absl::AsciiStrToLower(r.value);
  if (v.empty()) return std::nullopt;
  if (v == "true") return true;
  if (v == "false") return false;
  return RowError(r, absl::StrCat("value \"", r.value, "\" is not true, false or empty"));
}

std::string UsageQuestion(absl::string_view play_id, absl::string_view sub) {
  return absl::StrCat(kUsagePrefix, play_id, ":", sub);
}

// What the form says about one data type.
struct TypeAnswers {
  const PlayDataType* type = nullptr;
  const DataSafetyRow* type_row = nullptr;  // its row under PSL_DATA_TYPES_*
  bool declared = false;
  bool collected = false;
  bool shared = false;
  bool ephemeral = false;
  const DataSafetyRow* first_usage = nullptr;  // first usage row answered true
  const DataSafetyRow* ephemeral_row = nullptr;
  const DataSafetyRow* collected_row = nullptr;
};

struct Form {
  std::string sha256;
  std::vector<TypeAnswers> types;  // in kPlayTypes order
  std::vector<std::string> document_only;
};

absl::Status ReadRow(const DataSafetyRow& r, std::map<absl::string_view, TypeAnswers*>& by_id,
                     std::optional<bool>& collects_data, const DataSafetyRow*& collects_row,
                     std::vector<std::string>& notes) {
  // A data-type row.
  if (absl::StartsWith(r.question, "PSL_DATA_TYPES_")) {
    const PlayDataType* t = FindPlayType(r.response);
    if (t == nullptr || t->group != r.question) {
      return RowError(r, absl::StrCat("unknown data type \"", r.response, "\" under ",
                                      r.question));
    }
    absl::StatusOr<std::optional<bool>> v = Choice(r);
    if (!v.ok()) return v.status();
    TypeAnswers& a = *by_id[t->play_id];
    a.type_row = &r;
    a.declared = v->value_or(false);
    if (a.declared && !ObservableInTraffic(t->candor)) {
      notes.push_back(absl::StrCat(Where(r), ": ", taxonomy::Label(t->candor),
                                   "; traffic cannot show this type, so the claim says "
                                   "nothing about it"));
    }
    return absl::OkStatus();
  }
  // A usage row: PSL_DATA_USAGE_RESPONSES:<type>:<question>.
  if (absl::StartsWith(r.question, kUsagePrefix)) {
    std::vector<absl::string_view> parts =
        absl::StrSplit(absl::string_view(r.question).substr(kUsagePrefix.size()), ':');
    const PlayDataType* t = parts.size() == 2 ? FindPlayType(parts[0]) : nullptr;
    if (t == nullptr) {
      return RowError(r, "unknown data type in the question id");
    }
    const OtherQuestion* q = FindQuestion(UsageQuestions(), parts[1]);
    if (q == nullptr) return RowError(r, absl::StrCat("unknown usage question \"", parts[1], "\""));
    const bool response_ok =
        q->responses.empty()
            ? r.response.empty()
            : std::find(q->responses.begin(), q->responses.end(), r.response) !=
                  q->responses.end();
    if (!response_ok) {
      return RowError(r, absl::StrCat("unknown response id for ", parts[1]));
    }
    absl::StatusOr<std::optional<bool>> v = Choice(r);
    if (!v.ok()) return v.status();
    if (!v->value_or(false)) return absl::OkStatus();
    TypeAnswers& a = *by_id[t->play_id];
    if (a.first_usage == nullptr) a.first_usage = &r;
    if (q->id == kCollectionAndSharing) {
      if (r.response == kOnlyCollected) {
        a.collected = true;
        a.collected_row = &r;
      } else {
        a.shared = true;
      }
    } else if (q->id == kEphemeral) {
      a.ephemeral = true;
      a.ephemeral_row = &r;
    } else {
      notes.push_back(absl::StrCat(Where(r), ": ", q->why));
    }
    return absl::OkStatus();
  }
  const OtherQuestion* q = FindQuestion(TopQuestions(), r.question);
  if (q == nullptr) return RowError(r, "unknown question id");
  const bool response_ok =
      q->responses.empty() ? r.response.empty()
                           : std::find(q->responses.begin(), q->responses.end(),
                                       r.response) != q->responses.end();
  if (!response_ok) return RowError(r, absl::StrCat("unknown response id for ", r.question));
  bool meaningful = !r.value.empty();
  if (!q->text) {
    absl::StatusOr<std::optional<bool>> v = Choice(r);
    if (!v.ok()) return v.status();
    meaningful = v->has_value() && (r.response.empty() || **v);
    if (q->id == kCollectsData) {
      collects_data = *v;
      collects_row = &r;
    }
  }
  if (meaningful) notes.push_back(absl::StrCat(Where(r), ": ", q->why));
  return absl::OkStatus();
}

absl::StatusOr<Form> ReadForm(absl::string_view csv) {
  absl::StatusOr<std::vector<DataSafetyRow>> rows = ParseDataSafetyCsv(csv);
  if (!rows.ok()) return rows.status();
  Form form;
  form.sha256 = HexEncode(DigestBytes(Sha256(csv)));
  form.types.resize(std::size(kPlayTypes));
  std::map<absl::string_view, TypeAnswers*> by_id;
  for (size_t i = 0; i < std::size(kPlayTypes); ++i) {
    form.types[i].type = &kPlayTypes[i];
    by_id[kPlayTypes[i].play_id] = &form.types[i];
  }
  std::map<std::pair<std::string, std::string>, int> seen;
  std::optional<bool> collects_data;
  const DataSafetyRow* collects_row = nullptr;
  for (const DataSafetyRow& r : *rows) {
    auto [it, fresh] = seen.emplace(std::make_pair(r.question, r.response), r.row);
    if (!fresh) {
      return RowError(r, absl::StrCat("repeats row ", it->second));
    }
    if (absl::Status s = ReadRow(r, by_id, collects_data, collects_row, form.document_only);
        !s.ok()) {
      return s;
    }
  }
  bool any_declared = false;
  for (const TypeAnswers& a : form.types) {
    if (a.type_row == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "missing row (", a.type->group, ",", a.type->play_id,
          "): export the whole form from Play Console; an absent data type "
          "cannot be read as not collected"));
    }
    if (!a.declared && a.first_usage != nullptr) {
      return RowError(*a.first_usage,
                      absl::StrCat("answers a usage question for ", a.type->play_id,
                                   ", which row ", a.type_row->row, " does not declare"));
    }
    if (a.declared && !a.collected && !a.shared) {
      return RowError(*a.type_row,
                      absl::StrCat("declared, but neither ", kOnlyCollected, " nor ",
                                   kOnlyShared, " is true for it"));
    }
    if (a.ephemeral && !a.collected) {
      return RowError(*a.ephemeral_row,
                      "ephemeral processing for a type the form does not collect");
    }
    any_declared = any_declared || a.declared;
    // Answers of an observable, shared type that carry no assertion.
    if (a.declared && a.shared && ObservableInTraffic(a.type->candor)) {
      if (a.collected) {
        form.document_only.push_back(absl::StrCat(
            Where(*a.collected_row),
            ": collected as well as shared; the claim cannot say more than that "
            "third parties receive it"));
      }
      if (a.ephemeral) {
        form.document_only.push_back(absl::StrCat(
            Where(*a.ephemeral_row),
            ": ephemeral, but shared, so the claim cannot say it is not collected"));
      }
    }
  }
  if (collects_row != nullptr && collects_data == false && any_declared) {
    return RowError(*collects_row, "says the app collects no data, but data types are declared");
  }
  return form;
}

v1::Assertion* AddAssertion(v1::Claim& claim, absl::string_view id, v1::Practice practice) {
  v1::Assertion* a = claim.add_assertions();
  a->set_id(std::string(id));
  a->set_practice(practice);
  a->set_consent(v1::ALWAYS);
  return a;
}

constexpr v1::Exemption kSharingCarveOuts[] = {v1::SERVICE_PROVIDER, v1::USER_INITIATED,
                                               v1::LEGAL_REQUEST, v1::ANONYMISED_DATA};

std::vector<DataSafetyAnswer> Carried(const Form& form) {
  std::vector<DataSafetyAnswer> out;
  for (const TypeAnswers& a : form.types) {
    if (!ObservableInTraffic(a.type->candor)) continue;
    const std::string id(a.type->play_id);
    out.push_back({std::string(a.type->group), id, a.declared ? "true" : "false"});
    if (!a.declared) continue;
    const std::string cas = UsageQuestion(id, kCollectionAndSharing);
    if (a.shared) {
      out.push_back({cas, std::string(kOnlyShared), "true"});
    } else {
      out.push_back({cas, std::string(kOnlyCollected), "true"});
      out.push_back({cas, std::string(kOnlyShared), "false"});
      out.push_back({UsageQuestion(id, kEphemeral), "", a.ephemeral ? "true" : "false"});
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

absl::Span<const PlayDataType> PlayDataTypes() { return kPlayTypes; }

bool ObservableInTraffic(absl::string_view candor_type) {
  return std::find(std::begin(kObservable), std::end(kObservable), candor_type) !=
         std::end(kObservable);
}

absl::StatusOr<std::vector<DataSafetyRow>> ParseDataSafetyCsv(absl::string_view csv) {
  if (csv.size() > kMaxDataSafetyCsvBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the form is ", csv.size(), " bytes; at most ", kMaxDataSafetyCsvBytes, " are read"));
  }
  if (absl::StartsWith(csv, "\xEF\xBB\xBF")) csv.remove_prefix(3);
  std::vector<std::vector<std::string>> records;
  size_t i = 0;
  int row = 1;
  while (i < csv.size()) {
    std::vector<std::string> fields(1);
    bool end_of_record = false;
    while (!end_of_record) {
      std::string& field = fields.back();
      if (i < csv.size() && csv[i] == '"') {
        ++i;
        while (true) {
          if (i >= csv.size()) {
            return absl::InvalidArgumentError(absl::StrCat(
                "row ", row, ": a quoted field is not closed before the end of the file"));
          }
          if (csv[i] == '"') {
            if (i + 1 < csv.size() && csv[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          field.push_back(csv[i++]);
        }
        if (i < csv.size() && csv[i] != ',' && csv[i] != '\n' && csv[i] != '\r') {
          return absl::InvalidArgumentError(absl::StrCat(
              "row ", row, ": text after the closing quote of field ", fields.size()));
        }
      } else {
        while (i < csv.size() && csv[i] != ',' && csv[i] != '\n' && csv[i] != '\r') {
          if (csv[i] == '"') {
            return absl::InvalidArgumentError(absl::StrCat(
                "row ", row, ": a quote inside unquoted field ", fields.size(),
                "; quote the whole field and double the quote"));
          }
          field.push_back(csv[i++]);
        }
      }
      if (i >= csv.size()) {
        end_of_record = true;
      } else if (csv[i] == ',') {
        ++i;
        fields.emplace_back();
      } else if (csv[i] == '\r') {
        if (i + 1 >= csv.size() || csv[i + 1] != '\n') {
          return absl::InvalidArgumentError(
              absl::StrCat("row ", row, ": a carriage return not followed by a line feed"));
        }
        i += 2;
        end_of_record = true;
      } else {
        ++i;
        end_of_record = true;
      }
    }
    records.push_back(std::move(fields));
    if (static_cast<int>(records.size()) > kMaxDataSafetyRows + 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("more than ", kMaxDataSafetyRows, " rows"));
    }
    ++row;
  }
  if (records.empty()) return absl::InvalidArgumentError("the form is empty");
  if (absl::StrJoin(records[0], ",") != kDataSafetyHeader || records[0].size() != 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        "row 1: the header is not Play Console's (want \"", kDataSafetyHeader, "\")"));
  }
  std::vector<DataSafetyRow> out;
  for (size_t r = 1; r < records.size(); ++r) {
    std::vector<std::string>& f = records[r];
    const int number = static_cast<int>(r) + 1;
    if (f.size() != 5) {
      return absl::InvalidArgumentError(
          absl::StrCat("row ", number, ": ", f.size(), " field(s), want 5"));
    }
    out.push_back({number, std::move(f[0]), std::move(f[1]), std::move(f[2]),
                   std::move(f[3]), std::move(f[4])});
  }
  return out;
}

absl::StatusOr<DataSafetyImport> ImportDataSafety(absl::string_view csv,
                                                  const DataSafetyImportOptions& options) {
  absl::string_view package = options.app_id;
  if (!absl::ConsumePrefix(&package, "android:") || package.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "app \"", options.app_id,
        "\": the Play Data safety form is about an Android app; want android:<package>"));
  }
  absl::StatusOr<Form> form = ReadForm(csv);
  if (!form.ok()) return form.status();

  DataSafetyImport out;
  v1::Claim& c = out.claim;
  c.mutable_app()->set_id(options.app_id);
  c.set_issuer(options.issuer);
  const int64_t secs = absl::ToUnixSeconds(options.now);
  c.mutable_issued_at()->set_seconds(secs);
  c.mutable_effective_at()->set_seconds(secs);
  c.set_text(absl::StrCat(
      "The Google Play Data safety form of ", package,
      ", as `candor claim import --play-data-safety` maps it (README.md, "
      "\"Importing the Play Data safety form\")."));
  v1::Document* doc = c.add_documents();
  doc->set_kind(v1::Document::DATA_SAFETY_FORM);
  doc->set_url(absl::StrCat("https://play.google.com/store/apps/datasafety?id=", package));
  doc->set_sha256(form->sha256);

  std::vector<std::string> not_collected, ephemeral, not_shared;
  for (const TypeAnswers& a : form->types) {
    if (!ObservableInTraffic(a.type->candor)) continue;
    const std::string t(a.type->candor);
    if (!a.declared) {
      not_collected.push_back(t);
    } else if (!a.shared) {
      not_shared.push_back(t);
      if (a.ephemeral) ephemeral.push_back(t);
    }
  }
  if (not_collected.empty() && not_shared.empty()) {
    return absl::InvalidArgumentError(
        "the form shares every data type traffic can show, so there is nothing "
        "to claim that measurements could check");
  }
  if (!not_collected.empty()) {
    v1::Assertion* a = AddAssertion(c, "play-not-collected", v1::NOT_COLLECTED);
    for (const std::string& t : not_collected) a->add_data_types(t);
  }
  if (!ephemeral.empty()) {
    v1::Assertion* a = AddAssertion(c, "play-ephemeral", v1::NOT_COLLECTED);
    for (const std::string& t : ephemeral) a->add_data_types(t);
    a->add_exemptions(v1::EPHEMERAL_PROCESSING);
  }
  if (!not_shared.empty()) {
    v1::Assertion* a =
        AddAssertion(c, "play-not-shared", v1::NOT_SHARED_WITH_THIRD_PARTIES);
    for (const std::string& t : not_shared) a->add_data_types(t);
    for (v1::Exemption e : kSharingCarveOuts) a->add_exemptions(e);
  }
  out.document_only = std::move(form->document_only);
  return out;
}

absl::StatusOr<std::vector<DataSafetyAnswer>> CarriedDataSafetyAnswers(
    absl::string_view csv) {
  absl::StatusOr<Form> form = ReadForm(csv);
  if (!form.ok()) return form.status();
  return Carried(*form);
}

absl::StatusOr<std::vector<DataSafetyAnswer>> DataSafetyAnswersFromClaim(
    const v1::Claim& claim) {
  std::set<std::string> not_collected, ephemeral, not_shared;
  const std::set<int> sharing(std::begin(kSharingCarveOuts), std::end(kSharingCarveOuts));
  for (int i = 0; i < claim.assertions_size(); ++i) {
    const v1::Assertion& a = claim.assertions(i);
    const std::string where = absl::StrCat("assertions[", i, "] (\"", a.id(), "\")");
    const std::set<int> ex(a.exemptions().begin(), a.exemptions().end());
    std::set<std::string>* into = nullptr;
    if (a.consent() == v1::ALWAYS && a.practice() == v1::NOT_COLLECTED && ex.empty()) {
      into = &not_collected;
    } else if (a.consent() == v1::ALWAYS && a.practice() == v1::NOT_COLLECTED &&
               ex == std::set<int>{v1::EPHEMERAL_PROCESSING}) {
      into = &ephemeral;
    } else if (a.consent() == v1::ALWAYS &&
               a.practice() == v1::NOT_SHARED_WITH_THIRD_PARTIES && ex == sharing) {
      into = &not_shared;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": no answer of the Play Data safety form makes this assertion "
                 "(its practice, consent or exemptions)"));
    }
    absl::StatusOr<std::vector<std::string>> types = taxonomy::Expand(
        std::vector<std::string>(a.data_types().begin(), a.data_types().end()));
    if (!types.ok()) return absl::InvalidArgumentError(absl::StrCat(where, ": ", types.status().message()));
    for (const std::string& t : *types) {
      if (!ObservableInTraffic(t)) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ": ", t, " is a type the import never asserts about (traffic cannot show it)"));
      }
      into->insert(t);
    }
  }
  Form form;
  for (const PlayDataType& t : kPlayTypes) {
    if (!ObservableInTraffic(t.candor)) continue;
    const std::string id(t.candor);
    const bool nc = not_collected.count(id) > 0, ep = ephemeral.count(id) > 0,
               ns = not_shared.count(id) > 0;
    if ((nc && (ep || ns)) || (ep && !ns)) {
      return absl::InvalidArgumentError(absl::StrCat(
          id, ": the assertions about it match no answer of the form"));
    }
    TypeAnswers a;
    a.type = &t;
    a.declared = !nc;
    a.shared = !nc && !ns;
    a.collected = ns;
    a.ephemeral = ep;
    form.types.push_back(a);
  }
  return Carried(form);
}

}  // namespace candor::claim
