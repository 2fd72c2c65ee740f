// Google Play's Data safety form as a Candor claim (`candor claim import
// --play-data-safety`), and back.
//
// Input is the CSV that Play Console exports (App content > Data safety >
// Export to CSV): a header that must be exactly kDataSafetyHeader, then one
// record per (question, response) with five fields, read as RFC 4180 (fields
// may be quoted, "" is a quote inside a quoted field, quoted fields may hold
// commas and line breaks; records end in LF or CRLF; a UTF-8 byte-order mark
// before the header is skipped). Rows are numbered as a spreadsheet numbers
// them: the header is row 1. Every refusal is INVALID_ARGUMENT and names the
// row as `row N (QUESTION_ID,RESPONSE_ID): ...`.
//
// The mapping (README.md, "Importing the Play Data safety form", row by row):
//   - a Play data type with a Candor type that traffic can show
//     (kObservablePlayTypes) is
//       not declared              -> NOT_COLLECTED;
//       collected, not shared     -> NOT_SHARED_WITH_THIRD_PARTIES with Play's
//                                    sharing carve-outs (SERVICE_PROVIDER,
//                                    USER_INITIATED, LEGAL_REQUEST,
//                                    ANONYMISED_DATA);
//       ... and processed ephemerally -> also NOT_COLLECTED with
//                                    EPHEMERAL_PROCESSING;
//       shared                    -> no assertion (the label allows third
//                                    parties, unnamed);
//   - every other row (purposes, optional/required, encryption in transit,
//     deletion, account creation, and the rows of types traffic cannot
//     show) carries into no assertion: it is recorded by the form's SHA-256
//     on the claim (a DATA_SAFETY_FORM document) and listed in
//     DataSafetyImport::document_only;
//   - an id the mapping does not know is refused by name.
//
// Pure functions, thread-safe.

#ifndef CANDOR_VERIFIER_CLAIM_DATA_SAFETY_H_
#define CANDOR_VERIFIER_CLAIM_DATA_SAFETY_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "proto/candor/claim/v1/claim.pb.h"

namespace candor::claim {

inline constexpr absl::string_view kDataSafetyHeader =
    "Question ID (machine readable),Response ID (machine readable),Response "
    "value,Answer requirement,Human-friendly question label";
// Play's export of the whole form is about 120 KiB.
inline constexpr size_t kMaxDataSafetyCsvBytes = 1 << 20;
inline constexpr int kMaxDataSafetyRows = 10000;

// One record of the CSV.
struct DataSafetyRow {
  int row = 0;               // spreadsheet row number; the header is row 1
  std::string question;      // Question ID (machine readable)
  std::string response;      // Response ID (machine readable); may be empty
  std::string value;         // Response value
  std::string requirement;   // Answer requirement (not interpreted)
  std::string label;         // Human-friendly question label (not interpreted)
};

// The records of `csv` after its header (RFC 4180, as above). Checks the
// header, the field count, quoting and the size bounds; not the ids.
absl::StatusOr<std::vector<DataSafetyRow>> ParseDataSafetyCsv(absl::string_view csv);

// A data type of the form: "PSL_EMAIL" asked under "PSL_DATA_TYPES_PERSONAL",
// which is Candor's "personal_info.email_address".
struct PlayDataType {
  absl::string_view play_id;
  absl::string_view group;   // the question id of its data-type row
  absl::string_view candor;  // a taxonomy type id
};
// All 38 of Play's data types, in the form's order.
absl::Span<const PlayDataType> PlayDataTypes();
// The Candor types among them that verifier/detect can find in traffic
// (verifier/detect/IDENTITIES.md): the only ones the import asserts about.
bool ObservableInTraffic(absl::string_view candor_type);

struct DataSafetyImportOptions {
  std::string app_id;   // "android:<package>"
  std::string issuer;   // the vendor's registered name
  absl::Time now;       // issuedAt and effectiveAt
};

struct DataSafetyImport {
  v1::Claim claim;
  // One line per row that carries meaning (a ticked answer or a non-empty
  // text) but no assertion, saying why:
  // "row 9 (PSL_DATA_USAGE_RESPONSES:PSL_EMAIL:DATA_USAGE_COLLECTION_PURPOSE,
  // PSL_ANALYTICS): purpose; traffic cannot show why data is sent".
  std::vector<std::string> document_only;
};

// The claim equivalent to the form in `csv`: app, issuer, issuedAt and
// effectiveAt from `options`, the form as a DATA_SAFETY_FORM document (url:
// the app's Play data-safety page; sha256: of `csv`), and the assertions
// above. Refuses (INVALID_ARGUMENT, naming the row) a malformed CSV, an
// unknown question or response id, a repeated (question, response), a value
// other than true/false/empty where the answer is a choice, a usage answer
// for a type the form does not declare, a declared type that is neither
// collected nor shared, a missing data-type row, "collects no data" with a
// type declared, and a form that leaves nothing to assert (every observable
// type shared).
absl::StatusOr<DataSafetyImport> ImportDataSafety(absl::string_view csv,
                                                  const DataSafetyImportOptions& options);

// A (question, response, value) answer, values "true"/"false" in lower case.
struct DataSafetyAnswer {
  std::string question;
  std::string response;
  std::string value;
  bool operator==(const DataSafetyAnswer& o) const {
    return question == o.question && response == o.response && value == o.value;
  }
  bool operator<(const DataSafetyAnswer& o) const {
    if (question != o.question) return question < o.question;
    if (response != o.response) return response < o.response;
    return value < o.value;
  }
};

// The inverse: the answers a claim made by ImportDataSafety carries, sorted.
// Per observable type: its data-type row (true/false); when declared and not
// shared, ONLY_COLLECTED true, ONLY_SHARED false and the ephemeral answer;
// when shared, ONLY_SHARED true. INVALID_ARGUMENT names an assertion that no
// form row could have produced (another practice, consent or exemption set,
// or a type traffic cannot show).
absl::StatusOr<std::vector<DataSafetyAnswer>> DataSafetyAnswersFromClaim(
    const v1::Claim& claim);

// The answers of `csv` that ImportDataSafety carries into assertions, in the
// same form and order as DataSafetyAnswersFromClaim (empty choice values read
// as false): DataSafetyAnswersFromClaim(ImportDataSafety(csv)->claim) equals
// CarriedDataSafetyAnswers(csv). Errors as ImportDataSafety.
absl::StatusOr<std::vector<DataSafetyAnswer>> CarriedDataSafetyAnswers(
    absl::string_view csv);

}  // namespace candor::claim

#endif  // CANDOR_VERIFIER_CLAIM_DATA_SAFETY_H_
