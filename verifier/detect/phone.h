// Phone numbers for honey values: the numbering-plan facts needed to write one
// number in every form an app might send it (E.164 "+442079460000", without
// '+', national "2079460000", with trunk prefix "02079460000", "00" prefixed).
//
// The built-in table covers common countries; a number from elsewhere can be
// given in E.164 form together with its calling code and trunk prefix (see
// IDENTITIES.md). Pure functions over static tables, thread-safe.

#ifndef CANDOR_VERIFIER_DETECT_PHONE_H_
#define CANDOR_VERIFIER_DETECT_PHONE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor::detect {

// How a country writes numbers: its ITU calling code, and the trunk prefix
// dialled before national numbers ("0" in the UK, "8" in Russia, "06" in
// Hungary, "1" in the NANP), empty where there is none (e.g. Italy, Spain).
struct PhonePlan {
  std::string calling_code;
  std::string trunk_prefix;
};

// The plan of an ISO 3166-1 alpha-2 country (upper-case), if in the table.
const PhonePlan* FindPhonePlan(absl::string_view country);

struct PhoneNumber {
  std::string calling_code;     // "44"
  std::string national_number;  // national significant number, "2079460000"
  std::string trunk_prefix;     // "0", or empty

  std::string E164() const { return "+" + calling_code + national_number; }
};

// Shortest national significant number accepted: shorter numbers are too
// likely to occur by chance in traffic.
inline constexpr size_t kMinNationalDigits = 7;

// Parses a number written in international form ("+44 20 7946 0000", with
// optional spaces, '-', '.', '/', parentheses and a "(0)" after the calling
// code) or in national form ("020 7946 0000"), which needs `plan`. For an
// international number `plan` (if given) must match its calling code;
// without one, the calling code is found in the built-in table.
// INVALID_ARGUMENT says what is wrong, without quoting the number.
absl::StatusOr<PhoneNumber> ParsePhoneNumber(absl::string_view text,
                                             const PhonePlan* plan);

}  // namespace candor::detect

#endif  // CANDOR_VERIFIER_DETECT_PHONE_H_
