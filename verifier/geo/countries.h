// ISO 3166-1 alpha-2 country codes and their short English names, from
// Debian's iso-codes package (kIso3166Path, installed by
// third_party/setup.sh): the officially assigned codes, and no others
// ("UK", "EU", "XK" are not).
//
// Names are iso-codes' common name where it gives one ("Bolivia"), else its
// short name ("Germany"), except for the codes in PublishedNames(): there
// Candor keeps the names it has already written into signed findings'
// reasons (candor-evaluate/1) and claim renderings, so that re-evaluating a
// logged finding gives the same bytes ("Russia", not "Russian Federation").
//
// The process-wide table (Countries(), FindCountry(), ...) is read from
// kIso3166Path once, on first use, whatever the working directory. A process
// that cannot read it cannot judge any country code: it prints why to stderr
// and aborts. Binaries call CheckCountries() at start-up to get that as an
// error instead. Immutable once read; thread-safe.

#ifndef CANDOR_VERIFIER_GEO_COUNTRIES_H_
#define CANDOR_VERIFIER_GEO_COUNTRIES_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace candor::geo {

inline constexpr absl::string_view kIso3166Path =
    "/usr/share/iso-codes/json/iso_3166-1.json";

struct Country {
  absl::string_view code;  // "RU"
  absl::string_view name;  // Candor's name: "Russia"
  // iso-codes' common name, else its name: "Russian Federation". The same
  // as `name` but for the codes in PublishedNames().
  absl::string_view iso_name;
};

// Codes whose Candor name is not iso-codes' (see above), with that name.
struct PublishedName {
  absl::string_view code;
  absl::string_view name;
};
absl::Span<const PublishedName> PublishedNames();

// One reading of an iso_3166-1.json file. Copies share the data.
class CountryTable {
 public:
  // Reads iso-codes' JSON ({"3166-1": [{"alpha_2": "AW", "name": "Aruba",
  // ...}, ...]}); every entry needs an upper-case two-letter "alpha_2",
  // unique, and a non-empty "name". INVALID_ARGUMENT says which entry is
  // wrong and how.
  static absl::StatusOr<CountryTable> Parse(absl::string_view json);
  // Reads and parses a file; NOT_FOUND names the file and the package.
  static absl::StatusOr<CountryTable> Load(
      const std::string& path = std::string(kIso3166Path));

  // Sorted by code.
  absl::Span<const Country> countries() const;
  // nullptr unless `code` is one of them (upper case).
  const Country* Find(absl::string_view code) const;

 private:
  struct Data;
  explicit CountryTable(std::shared_ptr<const Data> data)
      : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
};

// Reads the process-wide table if not yet read; its error (NOT_FOUND,
// INVALID_ARGUMENT) names the file and the package to install.
absl::Status CheckCountries();

// Every officially assigned code, sorted by code.
absl::Span<const Country> Countries();
const Country* FindCountry(absl::string_view code);
// Upper-case, officially assigned.
bool IsCountryCode(absl::string_view code);
// "China"; the code itself if unknown.
std::string CountryName(absl::string_view code);

}  // namespace candor::geo

#endif  // CANDOR_VERIFIER_GEO_COUNTRIES_H_
