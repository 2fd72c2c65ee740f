// Phone numbers for honey values: the numbering-plan facts needed to write one
// number in every form an app might send it (E.164 "+442079460000", without
// '+', national "2079460000", with trunk prefix "02079460000", "00" prefixed).
//
// Numbers are read by libphonenumber (Debian's libphonenumber-dev), with the
// numbering plans of every country and territory it has metadata for: calling
// codes, national (trunk) prefixes and how each country writes numbers at
// home ("020 7946 0000" in the UK, "06 20 123 4567" in Hungary, "011 15
// 2345-6789" for a Buenos Aires mobile, whose E.164 form is +5491123456789;
// "00 44 20 ..." dialled from a country whose international prefix is 00). A
// plan can also be given by hand (calling code and trunk prefix, see
// IDENTITIES.md), for a code newer than the library's metadata; such numbers
// are split by those digits alone.
//
// What is refused stays refused: anything but digits, a leading '+', spaces,
// '-', '.', '/' and parentheses (no letters, no extensions); a national
// number shorter than kMinNationalDigits; more than 15 digits in E.164.
// Numbers need not be valid (allocated) to be accepted: honey values are
// often made up, or taken from ranges kept for drama.
//
// Thread-safe: libphonenumber's PhoneNumberUtil is a read-only singleton.

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
  // The libphonenumber region ("GB") that national numbers are read for;
  // empty for a plan given by hand.
  std::string region;
};

// The plan of a region libphonenumber knows: the ISO 3166-1 alpha-2
// countries with a numbering plan (upper-case), and "AC", "TA", "XK"; nullptr
// for others. The pointer stays valid for the life of the process.
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
// code) or in national form ("020 7946 0000", as dialled in the country of
// `plan`, which it needs). For an international number `plan` (if given)
// must have its calling code; without one, the calling code says the
// country. The trunk prefix is that of the country the number belongs to
// (or of `plan`). INVALID_ARGUMENT says what is wrong, without quoting the
// number.
absl::StatusOr<PhoneNumber> ParsePhoneNumber(absl::string_view text,
                                             const PhonePlan* plan);

}  // namespace candor::detect

#endif  // CANDOR_VERIFIER_DETECT_PHONE_H_
