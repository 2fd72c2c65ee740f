#include "verifier/detect/phone.h"

#include <map>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

namespace candor::detect {
namespace {

namespace pn = ::i18n::phonenumbers;

const pn::PhoneNumberUtil& Util() {
  return *pn::PhoneNumberUtil::GetInstance();
}

// Every region's plan, built once from libphonenumber's metadata; never
// changed afterwards, so pointers into it stay valid.
const std::map<std::string, PhonePlan, std::less<>>& Plans() {
  static const auto* plans = [] {
    auto* out = new std::map<std::string, PhonePlan, std::less<>>;
    std::set<std::string> regions;
    Util().GetSupportedRegions(&regions);
    for (const std::string& region : regions) {
      PhonePlan plan;
      plan.calling_code = absl::StrCat(Util().GetCountryCodeForRegion(region));
      Util().GetNddPrefixForRegion(region, /*strip_non_digits=*/true,
                                   &plan.trunk_prefix);
      plan.region = region;
      out->emplace(region, std::move(plan));
    }
    return out;
  }();
  return *plans;
}

bool IsSeparator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')';
}

absl::Status TooShort() {
  return absl::InvalidArgumentError(absl::StrCat(
      "the phone number's national number has fewer than ", kMinNationalDigits,
      " digits, too few to find without false matches"));
}

absl::Status TooLong() {
  return absl::InvalidArgumentError(
      "the phone number has more than the 15 digits E.164 allows");
}

absl::Status WrongCallingCode(const PhonePlan& plan) {
  return absl::InvalidArgumentError(absl::StrCat(
      "the phone number does not start with its country's calling code +",
      plan.calling_code));
}

// The trunk prefix of the region a number belongs to: the region its digits
// say, else the main region of its calling code; none for non-geographic
// codes (+800, +882, ...).
std::string TrunkPrefixOf(const pn::PhoneNumber& number) {
  std::string region;
  Util().GetRegionCodeForNumber(number, &region);
  auto it = Plans().find(region);
  if (it == Plans().end()) {
    Util().GetRegionCodeForCountryCode(number.country_code(), &region);
    it = Plans().find(region);
  }
  return it == Plans().end() ? "" : it->second.trunk_prefix;
}

// A plan given by hand names only a calling code and a trunk prefix: the
// digits after the code (or after the trunk prefix) are the national number.
PhoneNumber SplitByHand(absl::string_view digits, bool international,
                        const PhonePlan& plan) {
  PhoneNumber out;
  out.calling_code = plan.calling_code;
  out.trunk_prefix = plan.trunk_prefix;
  if (international) {
    out.national_number = std::string(digits.substr(plan.calling_code.size()));
  } else if (!plan.trunk_prefix.empty() &&
             absl::StartsWith(digits, plan.trunk_prefix)) {
    out.national_number = std::string(digits.substr(plan.trunk_prefix.size()));
  } else {
    out.national_number = std::string(digits);
  }
  return out;
}

// Reads the number with libphonenumber, for `plan`'s region when national.
absl::StatusOr<PhoneNumber> ParseWithLibrary(const std::string& text,
                                             bool international,
                                             const PhonePlan* plan) {
  pn::PhoneNumber number;
  switch (Util().Parse(text, international ? "ZZ" : plan->region, &number)) {
    case pn::PhoneNumberUtil::NO_PARSING_ERROR:
      break;
    case pn::PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return absl::InvalidArgumentError(
          "the phone number's calling code is not one libphonenumber knows; "
          "if it is newer than that, give \"calling_code\" and "
          "\"trunk_prefix\"");
    case pn::PhoneNumberUtil::TOO_LONG_NSN:
      return TooLong();
    default:  // NOT_A_NUMBER, TOO_SHORT_NSN, TOO_SHORT_AFTER_IDD
      return TooShort();
  }
  PhoneNumber out;
  out.calling_code = absl::StrCat(number.country_code());
  if (plan != nullptr && out.calling_code != plan->calling_code) {
    if (international) return WrongCallingCode(*plan);
    return absl::InvalidArgumentError(absl::StrCat(
        "the phone number in national form dials abroad (+", out.calling_code,
        ") with the international prefix; write it in international form"));
  }
  Util().GetNationalSignificantNumber(number, &out.national_number);
  out.trunk_prefix =
      plan != nullptr ? plan->trunk_prefix : TrunkPrefixOf(number);
  return out;
}

}  // namespace

const PhonePlan* FindPhonePlan(absl::string_view country) {
  auto it = Plans().find(country);
  return it == Plans().end() ? nullptr : &it->second;
}

absl::StatusOr<PhoneNumber> ParsePhoneNumber(absl::string_view text,
                                             const PhonePlan* plan) {
  const std::string s(absl::StripAsciiWhitespace(text));
  const bool international = absl::StartsWith(s, "+");
  std::string digits;
  for (char c : international ? s.substr(1) : s) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (!IsSeparator(c)) {
      return absl::InvalidArgumentError(
          "a phone number may hold only digits, a leading '+', spaces, '-', "
          "'.', '/' and parentheses");
    }
  }
  if (digits.empty()) {
    return absl::InvalidArgumentError("the phone number has no digits");
  }
  if (!international && plan == nullptr) {
    return absl::InvalidArgumentError(
        "a phone number in national form needs a country: write it in "
        "international form (+...) or give \"country\" or "
        "\"default_country\"");
  }

  // libphonenumber reads at most 250 characters (and calls more
  // TOO_LONG_NSN).
  if (s.size() > 250) {
    return absl::InvalidArgumentError(
        "the phone number is written with more than 250 characters");
  }

  PhoneNumber out;
  if (plan != nullptr && plan->region.empty()) {
    if (international) {
      // "+44 (0)20 ..." writes the trunk prefix that E.164 leaves out
      // (libphonenumber knows where that is so; a plan by hand cannot).
      digits.clear();
      for (char c : absl::StrReplaceAll(s.substr(1), {{"(0)", ""}})) {
        if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
          digits.push_back(c);
        }
      }
      if (!absl::StartsWith(digits, plan->calling_code)) {
        return WrongCallingCode(*plan);
      }
    }
    out = SplitByHand(digits, international, *plan);
  } else {
    absl::StatusOr<PhoneNumber> parsed =
        ParseWithLibrary(s, international, plan);
    if (!parsed.ok()) return parsed.status();
    out = *std::move(parsed);
  }
  if (out.national_number.size() < kMinNationalDigits) return TooShort();
  if (out.calling_code.size() + out.national_number.size() > 15) {
    return TooLong();
  }
  return out;
}

}  // namespace candor::detect
