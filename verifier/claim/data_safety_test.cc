#include "verifier/claim/data_safety.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "gmock/gmock.h"
#include "tests/support/status_matchers.h"
#include "verifier/claim/claim.h"
#include "verifier/taxonomy/taxonomy.h"

namespace candor::claim {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01

// How the form answers for one data type.
struct Usage {
  bool collected = false;
  bool shared = false;
  bool ephemeral = false;
  bool optional = false;
  std::vector<std::string> collection_purposes;
  std::vector<std::string> sharing_purposes;
};

const char* const kPurposes[] = {
    "PSL_APP_FUNCTIONALITY",  "PSL_ANALYTICS",           "PSL_DEVELOPER_COMMUNICATIONS",
    "PSL_ADVERTISING",        "PSL_FRAUD_PREVENTION_SECURITY", "PSL_PERSONALIZATION",
    "PSL_ACCOUNT_MANAGEMENT",
};

std::string B(bool v) { return v ? "true" : "false"; }

// The whole form as Play Console exports it: every question, every data
// type, every usage question of every type (empty for undeclared types).
std::string FormCsv(const std::map<std::string, Usage>& declared) {
  std::string csv = absl::StrCat(kDataSafetyHeader, "\n");
  absl::StrAppend(&csv, "PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA,,",
                  B(!declared.empty()), ",REQUIRED,Does your app collect or share data?\n");
  absl::StrAppend(&csv, "PSL_DATA_COLLECTION_ENCRYPTED_IN_TRANSIT,,true,MAYBE_REQUIRED,",
                  "Is all of the user data encrypted in transit?\n");
  absl::StrAppend(&csv, "PSL_SUPPORT_DATA_DELETION_BY_USER,DATA_DELETION_YES,true,"
                        "SINGLE_CHOICE,\"Deletion?/Yes, on request\"\n");
  for (const PlayDataType& t : PlayDataTypes()) {
    absl::StrAppend(&csv, t.group, ",", t.play_id, ",",
                    declared.count(std::string(t.play_id)) ? "true" : "", ",MULTIPLE_CHOICE,",
                    taxonomy::Label(t.candor), "\n");
  }
  for (const PlayDataType& t : PlayDataTypes()) {
    auto it = declared.find(std::string(t.play_id));
    const bool d = it != declared.end();
    const Usage u = d ? it->second : Usage();
    auto row = [&](absl::string_view sub, absl::string_view response, bool value,
                   bool answered) {
      absl::StrAppend(&csv, "PSL_DATA_USAGE_RESPONSES:", t.play_id, ":", sub, ",", response,
                      ",", answered ? B(value) : "", ",MULTIPLE_CHOICE,Usage\n");
    };
    row("PSL_DATA_USAGE_COLLECTION_AND_SHARING", "PSL_DATA_USAGE_ONLY_COLLECTED", u.collected, d);
    row("PSL_DATA_USAGE_COLLECTION_AND_SHARING", "PSL_DATA_USAGE_ONLY_SHARED", u.shared, d);
    row("PSL_DATA_USAGE_EPHEMERAL", "", u.ephemeral, d && u.collected);
    row("DATA_USAGE_USER_CONTROL", "PSL_DATA_USAGE_USER_CONTROL_OPTIONAL", u.optional,
        d && u.collected);
    row("DATA_USAGE_USER_CONTROL", "PSL_DATA_USAGE_USER_CONTROL_REQUIRED", !u.optional,
        d && u.collected);
    for (const char* p : kPurposes) {
      const bool on = std::find(u.collection_purposes.begin(), u.collection_purposes.end(),
                                p) != u.collection_purposes.end();
      row("DATA_USAGE_COLLECTION_PURPOSE", p, on, d && u.collected);
    }
    for (const char* p : kPurposes) {
      const bool on = std::find(u.sharing_purposes.begin(), u.sharing_purposes.end(), p) !=
                      u.sharing_purposes.end();
      row("DATA_USAGE_SHARING_PURPOSE", p, on, d && u.shared);
    }
  }
  return csv;
}

// The spreadsheet row number of the first line starting with `prefix`.
int RowOf(const std::string& csv, absl::string_view prefix) {
  std::vector<std::string> lines = absl::StrSplit(csv, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    if (absl::StartsWith(lines[i], prefix)) return static_cast<int>(i) + 1;
  }
  return -1;
}

// Replaces the line starting with `prefix` by `line`.
std::string Replace(const std::string& csv, absl::string_view prefix, absl::string_view line) {
  std::vector<std::string> lines = absl::StrSplit(csv, '\n');
  for (std::string& l : lines) {
    if (absl::StartsWith(l, prefix)) {
      l = std::string(line);
      break;
    }
  }
  return absl::StrJoin(lines, "\n");
}

DataSafetyImportOptions Options() { return {"android:com.example.app", "example-corp", kNow}; }

const v1::Assertion* Find(const v1::Claim& c, absl::string_view id) {
  for (const v1::Assertion& a : c.assertions()) {
    if (a.id() == id) return &a;
  }
  return nullptr;
}

bool Lists(const v1::Assertion* a, absl::string_view type) {
  return a != nullptr &&
         std::find(a->data_types().begin(), a->data_types().end(), type) != a->data_types().end();
}

void ExpectRoundTrip(const std::string& csv, const v1::Claim& claim) {
  absl::StatusOr<std::vector<DataSafetyAnswer>> back = DataSafetyAnswersFromClaim(claim);
  ASSERT_THAT(back.status(), IsOk());
  absl::StatusOr<std::vector<DataSafetyAnswer>> carried = CarriedDataSafetyAnswers(csv);
  ASSERT_THAT(carried.status(), IsOk());
  EXPECT_EQ(*back, *carried);
}

TEST(DataSafety, EveryPlayTypeIsACandorTypeOnce) {
  std::set<std::string> play_ids, candor;
  for (const PlayDataType& t : PlayDataTypes()) {
    EXPECT_NE(taxonomy::FindType(t.candor), nullptr) << t.candor;
    EXPECT_TRUE(play_ids.insert(std::string(t.play_id)).second) << t.play_id;
    EXPECT_TRUE(candor.insert(std::string(t.candor)).second) << t.candor;
  }
  EXPECT_EQ(PlayDataTypes().size(), 38u);
  for (const taxonomy::DataType& t : taxonomy::DataTypes()) {
    EXPECT_EQ(candor.count(std::string(t.id)) > 0, t.in_play_data_safety) << t.id;
  }
}

TEST(DataSafety, NothingDeclaredIsNothingCollected) {
  const std::string csv = FormCsv({});
  absl::StatusOr<DataSafetyImport> imported = ImportDataSafety(csv, Options());
  ASSERT_THAT(imported.status(), IsOk());
  const v1::Claim& c = imported->claim;
  EXPECT_TRUE(ClaimProblems(c, kNow, nullptr).empty());
  ASSERT_EQ(c.assertions_size(), 1);
  EXPECT_THAT(c.assertions(0).data_types(),
              ElementsAre("location.approximate", "location.precise", "personal_info.name",
                          "personal_info.email_address", "personal_info.user_ids",
                          "personal_info.address", "personal_info.phone_number",
                          "photos_and_videos.photos", "contacts.contacts",
                          "device_or_other_ids.device_or_other_ids"));
  EXPECT_EQ(c.assertions(0).practice(), v1::NOT_COLLECTED);
  EXPECT_EQ(c.assertions(0).consent(), v1::ALWAYS);
  EXPECT_EQ(c.assertions(0).exemptions_size(), 0);
  ASSERT_EQ(c.documents_size(), 1);
  EXPECT_EQ(c.documents(0).kind(), v1::Document::DATA_SAFETY_FORM);
  EXPECT_EQ(c.documents(0).url(),
            "https://play.google.com/store/apps/datasafety?id=com.example.app");
  EXPECT_EQ(c.documents(0).sha256().size(), 64u);
  EXPECT_EQ(c.issuer(), "example-corp");
  EXPECT_EQ(FormatTimestamp(ToTime(c.issued_at())), "2026-01-01T00:00:00Z");
  // The top-level answers carry no assertion, and say so.
  EXPECT_THAT(imported->document_only,
              ElementsAre("row 2 (PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA,): checked "
                          "against the data-type rows; no assertion of its own",
                          "row 3 (PSL_DATA_COLLECTION_ENCRYPTED_IN_TRANSIT,): encryption in "
                          "transit; Candor does not evaluate transport security",
                          "row 4 (PSL_SUPPORT_DATA_DELETION_BY_USER,DATA_DELETION_YES): data "
                          "deletion; traffic cannot show what a server deletes"));
  ExpectRoundTrip(csv, c);
}

TEST(DataSafety, EveryDataTypeWithEveryUsageAnswer) {
  struct Answer {
    const char* name;
    Usage usage;
    bool not_collected, ephemeral, not_shared;  // the assertions expected
  };
  const std::vector<Answer> answers = {
      {"collected", {.collected = true, .collection_purposes = {"PSL_ANALYTICS"}},
       false, false, true},
      {"collected ephemeral optional",
       {.collected = true, .ephemeral = true, .optional = true,
        .collection_purposes = {"PSL_APP_FUNCTIONALITY"}},
       false, true, true},
      {"shared", {.shared = true, .sharing_purposes = {"PSL_ADVERTISING"}}, false, false, false},
      {"collected and shared",
       {.collected = true, .shared = true,
        .collection_purposes = {kPurposes[0], kPurposes[1], kPurposes[2], kPurposes[3],
                                kPurposes[4], kPurposes[5], kPurposes[6]},
        .sharing_purposes = {kPurposes[0], kPurposes[1], kPurposes[2], kPurposes[3],
                             kPurposes[4], kPurposes[5], kPurposes[6]}},
       false, false, false},
      {"collected, shared, ephemeral",
       {.collected = true, .shared = true, .ephemeral = true,
        .collection_purposes = {"PSL_FRAUD_PREVENTION_SECURITY"},
        .sharing_purposes = {"PSL_ACCOUNT_MANAGEMENT"}},
       false, false, false},
  };
  for (const PlayDataType& t : PlayDataTypes()) {
    for (const Answer& answer : answers) {
      SCOPED_TRACE(absl::StrCat(t.play_id, " ", answer.name));
      // The type under test, and email collected so that a form sharing
      // every observable type still has something to claim.
      std::map<std::string, Usage> declared = {{std::string(t.play_id), answer.usage}};
      if (t.play_id != "PSL_EMAIL") declared["PSL_EMAIL"] = {.collected = true};
      const std::string csv = FormCsv(declared);
      absl::StatusOr<DataSafetyImport> imported = ImportDataSafety(csv, Options());
      ASSERT_THAT(imported.status(), IsOk());
      const v1::Claim& c = imported->claim;
      EXPECT_TRUE(ClaimProblems(c, kNow, nullptr).empty());
      const bool observable = ObservableInTraffic(t.candor);
      EXPECT_EQ(Lists(Find(c, "play-not-collected"), t.candor), false);
      EXPECT_EQ(Lists(Find(c, "play-ephemeral"), t.candor), observable && answer.ephemeral);
      EXPECT_EQ(Lists(Find(c, "play-not-shared"), t.candor), observable && answer.not_shared);
      if (const v1::Assertion* a = Find(c, "play-ephemeral")) {
        EXPECT_THAT(a->exemptions(), ElementsAre(v1::EPHEMERAL_PROCESSING));
        EXPECT_EQ(a->practice(), v1::NOT_COLLECTED);
      }
      if (const v1::Assertion* a = Find(c, "play-not-shared")) {
        EXPECT_THAT(a->exemptions(), ElementsAre(v1::SERVICE_PROVIDER, v1::USER_INITIATED,
                                                 v1::LEGAL_REQUEST, v1::ANONYMISED_DATA));
        EXPECT_EQ(a->practice(), v1::NOT_SHARED_WITH_THIRD_PARTIES);
      }
      // Every ticked purpose and control answer is reported as not carried.
      const int purposes = static_cast<int>(answer.usage.collection_purposes.size() +
                                            answer.usage.sharing_purposes.size());
      int reported = 0;
      for (const std::string& line : imported->document_only) {
        if (absl::StrContains(line, absl::StrCat(":", t.play_id, ":DATA_USAGE_")) &&
            absl::StrContains(line, "PURPOSE")) {
          ++reported;
        }
      }
      EXPECT_EQ(reported, purposes);
      ExpectRoundTrip(csv, c);
    }
  }
}

TEST(DataSafety, ReportsWhatTheClaimCannotCarry) {
  const std::string csv =
      FormCsv({{"PSL_EMAIL", {.collected = true, .collection_purposes = {"PSL_ANALYTICS"}}},
               {"PSL_HEALTH", {.collected = true}}});
  absl::StatusOr<DataSafetyImport> imported = ImportDataSafety(csv, Options());
  ASSERT_THAT(imported.status(), IsOk());
  const int health = RowOf(csv, "PSL_DATA_TYPES_HEALTH_AND_FITNESS,PSL_HEALTH,");
  const int analytics =
      RowOf(csv, "PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:DATA_USAGE_COLLECTION_PURPOSE,PSL_ANALYTICS");
  const int required = RowOf(
      csv, "PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:DATA_USAGE_USER_CONTROL,"
           "PSL_DATA_USAGE_USER_CONTROL_REQUIRED");
  EXPECT_THAT(imported->document_only,
              ::testing::IsSupersetOf({
                  absl::StrCat("row ", health,
                               " (PSL_DATA_TYPES_HEALTH_AND_FITNESS,PSL_HEALTH): Health info; "
                               "traffic cannot show this type, so the claim says nothing "
                               "about it"),
                  absl::StrCat("row ", analytics,
                               " (PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:DATA_USAGE_COLLECTION_"
                               "PURPOSE,PSL_ANALYTICS): purpose; traffic cannot show why "
                               "data is sent"),
                  absl::StrCat("row ", required,
                               " (PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:DATA_USAGE_USER_CONTROL,"
                               "PSL_DATA_USAGE_USER_CONTROL_REQUIRED): optional or required "
                               "collection; traffic cannot show what the user could refuse"),
              }));
}

TEST(DataSafety, ReadsRfc4180) {
  // CRLF, a byte-order mark, quoted fields with commas, quotes and a line
  // break, upper-case TRUE as some exports write it.
  std::string csv = FormCsv({{"PSL_CONTACTS", {.collected = true}}});
  csv = Replace(csv, "PSL_DATA_TYPES_CONTACTS,PSL_CONTACTS,",
                "\"PSL_DATA_TYPES_CONTACTS\",PSL_CONTACTS,TRUE,MULTIPLE_CHOICE,"
                "\"Contacts, \"\"all\"\" of them\nand more\"");
  csv = absl::StrCat("\xEF\xBB\xBF", absl::StrReplaceAll(csv, {{"\n", "\r\n"}}));
  absl::StatusOr<std::vector<DataSafetyRow>> rows = ParseDataSafetyCsv(csv);
  ASSERT_THAT(rows.status(), IsOk());
  bool found = false;
  for (const DataSafetyRow& r : *rows) {
    if (r.response == "PSL_CONTACTS" && r.question == "PSL_DATA_TYPES_CONTACTS") {
      EXPECT_EQ(r.label, "Contacts, \"all\" of them\r\nand more");
      found = true;
    }
  }
  EXPECT_TRUE(found);
  absl::StatusOr<DataSafetyImport> imported = ImportDataSafety(csv, Options());
  ASSERT_THAT(imported.status(), IsOk());
  EXPECT_TRUE(Lists(Find(imported->claim, "play-not-shared"), "contacts.contacts"));
}

TEST(DataSafety, RefusesMalformedForms) {
  const std::string good = FormCsv({{"PSL_EMAIL", {.collected = true}}});
  const int name_row = RowOf(good, "PSL_DATA_TYPES_PERSONAL,PSL_NAME,");
  const int email_row = RowOf(good, "PSL_DATA_TYPES_PERSONAL,PSL_EMAIL,");
  struct Case {
    std::string csv;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"", "the form is empty"},
      {std::string(kMaxDataSafetyCsvBytes + 1, 'x'),
       "the form is 1048577 bytes; at most 1048576 are read"},
      {absl::StrReplaceAll(good, {{"Response value", "Value"}}),
       absl::StrCat("row 1: the header is not Play Console's (want \"", kDataSafetyHeader,
                    "\")")},
      {Replace(good, "PSL_DATA_TYPES_PERSONAL,PSL_NAME,", "PSL_DATA_TYPES_PERSONAL,PSL_NAME,"),
       absl::StrCat("row ", name_row, ": 3 field(s), want 5")},
      {Replace(good, "PSL_DATA_TYPES_PERSONAL,PSL_NAME,",
               "PSL_DATA_TYPES_PERSONAL,PSL_NAME,tr\"ue,MULTIPLE_CHOICE,Name"),
       absl::StrCat("row ", name_row,
                    ": a quote inside unquoted field 3; quote the whole field and double "
                    "the quote")},
      {Replace(good, "PSL_DATA_TYPES_PERSONAL,PSL_NAME,",
               "PSL_DATA_TYPES_PERSONAL,PSL_NAME,\"true\"x,MULTIPLE_CHOICE,Name"),
       absl::StrCat("row ", name_row, ": text after the closing quote of field 3")},
      {absl::StrCat(good, "PSL_UPI_BADGE_OPT_IN,,\"true,,"),
       absl::StrCat("row ", RowOf(good, "PSL_DATA_USAGE_RESPONSES:PSL_DEVICE_ID:"
                                        "DATA_USAGE_SHARING_PURPOSE,PSL_ACCOUNT_MANAGEMENT") +
                                1,
                    ": a quoted field is not closed before the end of the file")},
      {Replace(good, "PSL_DATA_TYPES_PERSONAL,PSL_NAME,",
               "PSL_DATA_TYPES_PERSONAL,PSL_NAME,yes,MULTIPLE_CHOICE,Name"),
       absl::StrCat("row ", name_row,
                    " (PSL_DATA_TYPES_PERSONAL,PSL_NAME): value \"yes\" is not true, false "
                    "or empty")},
      {Replace(good, "PSL_DATA_TYPES_PERSONAL,PSL_NAME,",
               "PSL_DATA_TYPES_PERSONAL,PSL_NICKNAME,,MULTIPLE_CHOICE,Name"),
       absl::StrCat("row ", name_row,
                    " (PSL_DATA_TYPES_PERSONAL,PSL_NICKNAME): unknown data type "
                    "\"PSL_NICKNAME\" under PSL_DATA_TYPES_PERSONAL")},
      {Replace(good, "PSL_DATA_TYPES_PERSONAL,PSL_NAME,",
               "PSL_DATA_TYPES_LOCATION,PSL_NAME,,MULTIPLE_CHOICE,Name"),
       absl::StrCat("row ", name_row,
                    " (PSL_DATA_TYPES_LOCATION,PSL_NAME): unknown data type \"PSL_NAME\" "
                    "under PSL_DATA_TYPES_LOCATION")},
      {Replace(good, "PSL_DATA_TYPES_PERSONAL,PSL_NAME,",
               "PSL_DATA_SELLING,,false,REQUIRED,Do you sell data?"),
       absl::StrCat("row ", name_row, " (PSL_DATA_SELLING,): unknown question id")},
      {Replace(good, "PSL_SUPPORT_DATA_DELETION_BY_USER,",
               "PSL_SUPPORT_DATA_DELETION_BY_USER,DATA_DELETION_LATER,true,SINGLE_CHOICE,x"),
       "row 4 (PSL_SUPPORT_DATA_DELETION_BY_USER,DATA_DELETION_LATER): unknown response id "
       "for PSL_SUPPORT_DATA_DELETION_BY_USER"},
      {Replace(good, "PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:PSL_DATA_USAGE_EPHEMERAL,",
               "PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:PSL_DATA_USAGE_RETENTION,,false,R,x"),
       absl::StrCat("row ",
                    RowOf(good, "PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:PSL_DATA_USAGE_EPHEMERAL,"),
                    " (PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:PSL_DATA_USAGE_RETENTION,): unknown "
                    "usage question \"PSL_DATA_USAGE_RETENTION\"")},
      {Replace(good, "PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:PSL_DATA_USAGE_EPHEMERAL,",
               "PSL_DATA_USAGE_RESPONSES:PSL_EMAILS_ALL:PSL_DATA_USAGE_EPHEMERAL,,false,R,x"),
       absl::StrCat("row ",
                    RowOf(good, "PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:PSL_DATA_USAGE_EPHEMERAL,"),
                    " (PSL_DATA_USAGE_RESPONSES:PSL_EMAILS_ALL:PSL_DATA_USAGE_EPHEMERAL,): "
                    "unknown data type in the question id")},
      {Replace(good,
               "PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:DATA_USAGE_COLLECTION_PURPOSE,PSL_ANALYTICS",
               "PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:DATA_USAGE_COLLECTION_PURPOSE,PSL_RESEARCH,"
               "true,MULTIPLE_CHOICE,x"),
       absl::StrCat("row ",
                    RowOf(good, "PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:DATA_USAGE_COLLECTION_"
                                "PURPOSE,PSL_ANALYTICS"),
                    " (PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:DATA_USAGE_COLLECTION_PURPOSE,PSL_"
                    "RESEARCH): unknown response id for DATA_USAGE_COLLECTION_PURPOSE")},
      {absl::StrCat(good, "PSL_DATA_TYPES_PERSONAL,PSL_NAME,false,MULTIPLE_CHOICE,Name\n"),
       absl::StrCat("row ", RowOf(good, "PSL_DATA_USAGE_RESPONSES:PSL_DEVICE_ID:"
                                        "DATA_USAGE_SHARING_PURPOSE,PSL_ACCOUNT_MANAGEMENT") +
                                1,
                    " (PSL_DATA_TYPES_PERSONAL,PSL_NAME): repeats row ", name_row)},
      {Replace(good, "PSL_DATA_TYPES_PERSONAL,PSL_NAME,", "PSL_ENCRYPTED_AT_REST,,,,"),
       absl::StrCat("row ", name_row, " (PSL_ENCRYPTED_AT_REST,): unknown question id")},
      {Replace(good, "PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:PSL_DATA_USAGE_COLLECTION_AND_SHARING,"
                     "PSL_DATA_USAGE_ONLY_COLLECTED",
               "PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:PSL_DATA_USAGE_COLLECTION_AND_SHARING,"
               "PSL_DATA_USAGE_ONLY_COLLECTED,false,MULTIPLE_CHOICE,x"),
       absl::StrCat("row ", email_row,
                    " (PSL_DATA_TYPES_PERSONAL,PSL_EMAIL): declared, but neither "
                    "PSL_DATA_USAGE_ONLY_COLLECTED nor PSL_DATA_USAGE_ONLY_SHARED is true "
                    "for it")},
      {Replace(good, "PSL_DATA_USAGE_RESPONSES:PSL_NAME:PSL_DATA_USAGE_COLLECTION_AND_SHARING,"
                     "PSL_DATA_USAGE_ONLY_SHARED",
               "PSL_DATA_USAGE_RESPONSES:PSL_NAME:PSL_DATA_USAGE_COLLECTION_AND_SHARING,"
               "PSL_DATA_USAGE_ONLY_SHARED,true,MULTIPLE_CHOICE,x"),
       absl::StrCat("row ",
                    RowOf(good, "PSL_DATA_USAGE_RESPONSES:PSL_NAME:PSL_DATA_USAGE_COLLECTION_"
                                "AND_SHARING,PSL_DATA_USAGE_ONLY_SHARED"),
                    " (PSL_DATA_USAGE_RESPONSES:PSL_NAME:PSL_DATA_USAGE_COLLECTION_AND_"
                    "SHARING,PSL_DATA_USAGE_ONLY_SHARED): answers a usage question for "
                    "PSL_NAME, which row ", name_row, " does not declare")},
      {Replace(good, "PSL_DATA_TYPES_PERSONAL,PSL_NAME,", "PSL_UPI_BADGE_OPT_IN,,,,"),
       "missing row (PSL_DATA_TYPES_PERSONAL,PSL_NAME): export the whole form from Play "
       "Console; an absent data type cannot be read as not collected"},
      {Replace(good, "PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA,",
               "PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA,,false,REQUIRED,x"),
       "row 2 (PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA,): says the app collects no data, "
       "but data types are declared"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.error);
    EXPECT_THAT(ImportDataSafety(c.csv, Options()).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, c.error));
  }
}

TEST(DataSafety, RefusesAFormWithNothingToCheckAndAnAppNotOnAndroid) {
  std::map<std::string, Usage> all_shared;
  for (const PlayDataType& t : PlayDataTypes()) {
    if (ObservableInTraffic(t.candor)) all_shared[std::string(t.play_id)] = {.shared = true};
  }
  EXPECT_THAT(ImportDataSafety(FormCsv(all_shared), Options()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the form shares every data type traffic can show, so there is "
                       "nothing to claim that measurements could check"));
  DataSafetyImportOptions ios = Options();
  ios.app_id = "ios:com.example.app";
  EXPECT_THAT(ImportDataSafety(FormCsv({}), ios).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "app \"ios:com.example.app\": the Play Data safety form is about an "
                       "Android app; want android:<package>"));
}

TEST(DataSafety, TheInverseRefusesAssertionsNoFormMakes) {
  absl::StatusOr<DataSafetyImport> imported = ImportDataSafety(
      FormCsv({{"PSL_EMAIL", {.collected = true, .ephemeral = true}}}), Options());
  ASSERT_THAT(imported.status(), IsOk());
  v1::Claim c = imported->claim;
  c.mutable_assertions(0)->set_consent(v1::WHEN_TRACKING_DECLINED);
  EXPECT_THAT(DataSafetyAnswersFromClaim(c).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "assertions[0] (\"play-not-collected\"): no answer of the Play Data "
                       "safety form makes this assertion (its practice, consent or "
                       "exemptions)"));
  // No row of the form speaks of who receives data by country.
  c = imported->claim;
  c.mutable_assertions(0)->set_practice(v1::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES);
  c.mutable_assertions(0)->add_countries("CN");
  EXPECT_THAT(DataSafetyAnswersFromClaim(c).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "assertions[0] (\"play-not-collected\"): no answer of the Play Data "
                       "safety form makes this assertion (its practice, consent or "
                       "exemptions)"));
  c = imported->claim;
  c.mutable_assertions(0)->add_data_types("health_and_fitness");
  EXPECT_THAT(DataSafetyAnswersFromClaim(c).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "assertions[0] (\"play-not-collected\"): "
                       "health_and_fitness.fitness_info is a type the import never asserts "
                       "about (traffic cannot show it)"));
  c = imported->claim;
  c.mutable_assertions()->RemoveLast();  // play-not-shared: ephemeral alone
  EXPECT_THAT(DataSafetyAnswersFromClaim(c).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "personal_info.email_address: the assertions about it match no "
                       "answer of the form"));
}

}  // namespace
}  // namespace candor::claim
