// ISO 3166-1 alpha-2 country codes and their short English names. Pure,
// thread-safe.

#ifndef CANDOR_VERIFIER_GEO_COUNTRIES_H_
#define CANDOR_VERIFIER_GEO_COUNTRIES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace candor::geo {

struct Country {
  absl::string_view code;  // "CN"
  absl::string_view name;  // "China"
};

// Every officially assigned code, sorted by code.
absl::Span<const Country> Countries();
const Country* FindCountry(absl::string_view code);
// Upper-case, officially assigned.
bool IsCountryCode(absl::string_view code);
// "China"; the code itself if unknown.
std::string CountryName(absl::string_view code);

}  // namespace candor::geo

#endif  // CANDOR_VERIFIER_GEO_COUNTRIES_H_
