#include "verifier/geo/countries.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "log/json/json.h"

namespace candor::geo {
namespace {

// The names of the hand-written table that preceded iso-codes, where they
// differ from iso-codes 4.15's: ASCII spellings, and shorter forms. They
// are in signed findings (evaluation reasons) already; changing one changes
// what re-evaluating those findings gives. Drop them only with a new
// evaluator version.
constexpr PublishedName kPublished[] = {
    {"AX", "Aland Islands"},
    {"BL", "Saint Barthelemy"},
    {"CD", "Congo (Democratic Republic)"},
    {"CI", "Cote d'Ivoire"},
    {"CW", "Curacao"},
    {"FK", "Falkland Islands"},
    {"FM", "Micronesia"},
    {"PS", "Palestine"},
    {"RE", "Reunion"},
    {"RU", "Russia"},
    {"TR", "Turkiye"},
    {"VA", "Holy See"},
    {"VG", "Virgin Islands (British)"},
    {"VI", "Virgin Islands (U.S.)"},
    {"VN", "Viet Nam"},
};

absl::string_view PublishedNameOf(absl::string_view code) {
  for (const PublishedName& p : kPublished) {
    if (p.code == code) return p.name;
  }
  return {};
}

bool IsAlpha2(absl::string_view code) {
  return code.size() == 2 && absl::ascii_isupper(code[0]) &&
         absl::ascii_isupper(code[1]);
}

// A member that must be a string, if present.
absl::StatusOr<const std::string*> StringMember(const json::Value& entry,
                                                absl::string_view key,
                                                const std::string& where) {
  const json::Value* v = entry.Find(key);
  if (v == nullptr) return nullptr;
  if (!v->is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ".", key, " is a JSON ", json::TypeName(v->type()),
                     ", not a string"));
  }
  return &v->text();
}

}  // namespace

struct CountryTable::Data {
  struct Record {
    std::string code, name, iso_name;
  };
  std::vector<Record> records;     // sorted by code; never resized once built
  std::vector<Country> countries;  // views into `records`
};

absl::Span<const PublishedName> PublishedNames() { return kPublished; }

absl::StatusOr<CountryTable> CountryTable::Parse(absl::string_view text) {
  absl::StatusOr<json::Value> doc = json::Parse(text);
  if (!doc.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ISO 3166-1 data is not JSON: ", doc.status().message()));
  }
  const json::Value* list = doc->is_object() ? doc->Find("3166-1") : nullptr;
  if (list == nullptr || !list->is_array()) {
    return absl::InvalidArgumentError(
        "ISO 3166-1 data has no \"3166-1\" array");
  }
  auto data = std::make_shared<Data>();
  for (size_t i = 0; i < list->items().size(); ++i) {
    const json::Value& entry = list->items()[i];
    const std::string where = absl::StrCat("\"3166-1\"[", i, "]");
    if (!entry.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " is a JSON ", json::TypeName(entry.type()),
                       ", not an object"));
    }
    absl::StatusOr<const std::string*> code =
        StringMember(entry, "alpha_2", where);
    if (!code.ok()) return code.status();
    if (*code == nullptr || !IsAlpha2(**code)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " has no \"alpha_2\" of two upper-case letters"));
    }
    absl::StatusOr<const std::string*> name =
        StringMember(entry, "name", where);
    if (!name.ok()) return name.status();
    if (*name == nullptr || (*name)->empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " (", **code, ") has no \"name\""));
    }
    absl::StatusOr<const std::string*> common =
        StringMember(entry, "common_name", where);
    if (!common.ok()) return common.status();
    Data::Record r{**code, **name, **name};
    if (*common != nullptr && !(*common)->empty()) {
      r.name = r.iso_name = **common;
    }
    if (absl::string_view published = PublishedNameOf(r.code);
        !published.empty()) {
      r.name = std::string(published);
    }
    data->records.push_back(std::move(r));
  }
  if (data->records.empty()) {
    return absl::InvalidArgumentError("ISO 3166-1 data lists no country");
  }
  std::sort(data->records.begin(), data->records.end(),
            [](const Data::Record& a, const Data::Record& b) {
              return a.code < b.code;
            });
  for (size_t i = 1; i < data->records.size(); ++i) {
    if (data->records[i].code == data->records[i - 1].code) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ISO 3166-1 data lists ", data->records[i].code, " twice"));
    }
  }
  data->countries.reserve(data->records.size());
  for (const Data::Record& r : data->records) {
    data->countries.push_back(Country{r.code, r.name, r.iso_name});
  }
  return CountryTable(std::move(data));
}

absl::StatusOr<CountryTable> CountryTable::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(
        "cannot read the ISO 3166-1 country list ", path,
        "; install Debian's iso-codes package (third_party/setup.sh)"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  absl::StatusOr<CountryTable> table = Parse(text.str());
  if (!table.ok()) {
    return absl::Status(table.status().code(),
                        absl::StrCat(path, ": ", table.status().message()));
  }
  return table;
}

absl::Span<const Country> CountryTable::countries() const {
  return data_->countries;
}

const Country* CountryTable::Find(absl::string_view code) const {
  const std::vector<Country>& all = data_->countries;
  auto it = std::lower_bound(
      all.begin(), all.end(), code,
      [](const Country& c, absl::string_view v) { return c.code < v; });
  return it != all.end() && it->code == code ? &*it : nullptr;
}

namespace {

// The process-wide table, or why there is none; read once.
const absl::StatusOr<CountryTable>& SystemTable() {
  static const auto* table =
      new absl::StatusOr<CountryTable>(CountryTable::Load());
  return *table;
}

const CountryTable& SystemTableOrDie() {
  const absl::StatusOr<CountryTable>& table = SystemTable();
  if (!table.ok()) {
    std::fprintf(stderr, "candor: no country table: %s\n",
                 std::string(table.status().message()).c_str());
    std::abort();
  }
  return *table;
}

}  // namespace

absl::Status CheckCountries() { return SystemTable().status(); }

absl::Span<const Country> Countries() { return SystemTableOrDie().countries(); }

const Country* FindCountry(absl::string_view code) {
  return SystemTableOrDie().Find(code);
}

bool IsCountryCode(absl::string_view code) {
  return FindCountry(code) != nullptr;
}

std::string CountryName(absl::string_view code) {
  const Country* c = FindCountry(code);
  return c != nullptr ? std::string(c->name) : std::string(code);
}

}  // namespace candor::geo
