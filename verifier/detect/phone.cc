#include "verifier/detect/phone.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace candor::detect {
namespace {

struct CountryPlan {
  absl::string_view country;
  absl::string_view calling_code;
  absl::string_view trunk_prefix;
};

// ITU-T E.164 calling codes and national trunk prefixes. Calling codes are a
// prefix code, so the first table code that starts a number is its code.
constexpr CountryPlan kPlans[] = {
    {"US", "1", "1"},   {"CA", "1", "1"},   {"RU", "7", "8"},
    {"KZ", "7", "8"},   {"EG", "20", "0"},  {"ZA", "27", "0"},
    {"GR", "30", ""},   {"NL", "31", "0"},  {"BE", "32", "0"},
    {"FR", "33", "0"},  {"ES", "34", ""},   {"HU", "36", "06"},
    {"IT", "39", ""},   {"RO", "40", "0"},  {"CH", "41", "0"},
    {"AT", "43", "0"},  {"GB", "44", "0"},  {"DK", "45", ""},
    {"SE", "46", "0"},  {"NO", "47", ""},   {"PL", "48", ""},
    {"DE", "49", "0"},  {"MX", "52", ""},   {"AR", "54", "0"},
    {"BR", "55", "0"},  {"MY", "60", "0"},  {"AU", "61", "0"},
    {"ID", "62", "0"},  {"PH", "63", "0"},  {"NZ", "64", "0"},
    {"SG", "65", ""},   {"TH", "66", "0"},  {"JP", "81", "0"},
    {"KR", "82", "0"},  {"VN", "84", "0"},  {"CN", "86", "0"},
    {"TR", "90", "0"},  {"IN", "91", "0"},  {"PK", "92", "0"},
    {"NG", "234", "0"}, {"KE", "254", "0"}, {"PT", "351", ""},
    {"LU", "352", ""},  {"IE", "353", "0"}, {"IS", "354", ""},
    {"FI", "358", "0"}, {"BG", "359", "0"}, {"EE", "372", ""},
    {"UA", "380", "0"}, {"RS", "381", "0"}, {"HR", "385", "0"},
    {"SI", "386", "0"}, {"CZ", "420", ""},  {"SK", "421", "0"},
    {"HK", "852", ""},  {"TW", "886", "0"}, {"SA", "966", "0"},
    {"AE", "971", "0"}, {"IL", "972", "0"},
};

const PhonePlan* PlanFor(const CountryPlan& p) {
  // One PhonePlan per table row, built once.
  static const std::vector<PhonePlan>* plans = [] {
    auto* v = new std::vector<PhonePlan>;
    for (const CountryPlan& row : kPlans) {
      v->push_back(PhonePlan{std::string(row.calling_code),
                             std::string(row.trunk_prefix)});
    }
    return v;
  }();
  return &(*plans)[&p - kPlans];
}

bool IsSeparator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')';
}

}  // namespace

const PhonePlan* FindPhonePlan(absl::string_view country) {
  for (const CountryPlan& p : kPlans) {
    if (p.country == country) return PlanFor(p);
  }
  return nullptr;
}

absl::StatusOr<PhoneNumber> ParsePhoneNumber(absl::string_view text,
                                             const PhonePlan* plan) {
  std::string s(absl::StripAsciiWhitespace(text));
  const bool international = absl::StartsWith(s, "+");
  if (international) {
    // "+44 (0)20 ..." writes the trunk prefix that E.164 leaves out.
    s = absl::StrReplaceAll(s.substr(1), {{"(0)", ""}});
  }
  std::string digits;
  for (char c : s) {
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
  PhoneNumber out;
  if (international) {
    const PhonePlan* found = nullptr;
    if (plan != nullptr) {
      if (!absl::StartsWith(digits, plan->calling_code)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "the phone number does not start with its country's calling code +",
            plan->calling_code));
      }
      found = plan;
    } else {
      for (const CountryPlan& p : kPlans) {
        if (absl::StartsWith(digits, p.calling_code)) {
          found = PlanFor(p);
          break;
        }
      }
      if (found == nullptr) {
        return absl::InvalidArgumentError(
            "the phone number's calling code is not in the built-in table; "
            "give \"calling_code\" and \"trunk_prefix\"");
      }
    }
    out.calling_code = found->calling_code;
    out.trunk_prefix = found->trunk_prefix;
    out.national_number = digits.substr(found->calling_code.size());
  } else {
    if (plan == nullptr) {
      return absl::InvalidArgumentError(
          "a phone number in national form needs a country: write it in "
          "international form (+...) or give \"country\" or "
          "\"default_country\"");
    }
    out.calling_code = plan->calling_code;
    out.trunk_prefix = plan->trunk_prefix;
    out.national_number = digits;
    if (!plan->trunk_prefix.empty() &&
        absl::StartsWith(digits, plan->trunk_prefix)) {
      out.national_number = digits.substr(plan->trunk_prefix.size());
    }
  }
  if (out.national_number.size() < kMinNationalDigits) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the phone number's national number has fewer than ",
        kMinNationalDigits, " digits, too few to find without false matches"));
  }
  if (out.calling_code.size() + out.national_number.size() > 15) {
    return absl::InvalidArgumentError(
        "the phone number has more than the 15 digits E.164 allows");
  }
  return out;
}

}  // namespace candor::detect
