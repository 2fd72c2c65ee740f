#include "verifier/reference/organisations.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "log/json/json.h"
#include "verifier/geo/countries.h"

namespace candor::reference {
namespace {

using reference::v1::Organisation;

bool HasControlCharacter(absl::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

bool IsKnownKind(absl::string_view kind) {
  return std::find(std::begin(kOrganisationKinds), std::end(kOrganisationKinds),
                   kind) != std::end(kOrganisationKinds);
}

class FileParser {
 public:
  explicit FileParser(absl::string_view file_name) : file_name_(file_name) {}

  absl::Status Error(absl::string_view path, absl::string_view problem) const {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name_, ": ", path, " ", problem));
  }

  absl::StatusOr<std::string> String(const json::Value& v,
                                     absl::string_view path) const {
    if (!v.is_string()) {
      return Error(path, absl::StrCat("must be a string, not ",
                                      json::TypeName(v.type())));
    }
    return v.text();
  }

  absl::StatusOr<Organisation> ParseOrganisation(
      const json::Value& v, const std::string& path) const {
    if (!v.is_object()) return Error(path, "must be an object");
    Organisation org;
    bool has_name = false, has_country = false, has_kind = false,
         has_domains = false;
    for (const auto& [key, value] : v.members()) {
      const std::string field = absl::StrCat(path, ".", key);
      if (key == "name" || key == "country" || key == "kind" ||
          key == "parent") {
        absl::StatusOr<std::string> s = String(value, field);
        if (!s.ok()) return s.status();
        if (key == "name") {
          org.set_name(*s), has_name = true;
        } else if (key == "country") {
          org.set_country(*s), has_country = true;
        } else if (key == "kind") {
          org.set_kind(*s), has_kind = true;
        } else {
          org.set_parent(*s);
        }
      } else if (key == "domains") {
        if (!value.is_array()) return Error(field, "must be an array");
        for (size_t i = 0; i < value.items().size(); ++i) {
          absl::StatusOr<std::string> d =
              String(value.items()[i], absl::StrCat(field, "[", i, "]"));
          if (!d.ok()) return d.status();
          org.add_domains(*d);
        }
        has_domains = true;
      } else {
        return Error(path,
                     absl::StrCat("has unknown field ", json::Quote(key)));
      }
    }
    if (!has_name) return Error(path + ".name", "is missing");
    if (!has_country) return Error(path + ".country", "is missing");
    if (!has_kind) return Error(path + ".kind", "is missing");
    if (!has_domains) return Error(path + ".domains", "is missing");
    return org;
  }

  absl::StatusOr<OrganisationsFile> Parse(absl::string_view text) const {
    absl::StatusOr<json::Value> doc = json::Parse(text);
    if (!doc.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file_name_, ": ", doc.status().message()));
    }
    if (!doc->is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file_name_, ": must be a JSON object"));
    }
    OrganisationsFile file;
    bool has_format = false, has_version = false, has_organisations = false;
    for (const auto& [key, value] : doc->members()) {
      if (key == "format") {
        if (!value.is_string() || value.text() != kOrganisationsFormat) {
          return Error(
              "format",
              absl::StrCat("must be ", json::Quote(kOrganisationsFormat)));
        }
        has_format = true;
      } else if (key == "version" || key == "description") {
        absl::StatusOr<std::string> s = String(value, key);
        if (!s.ok()) return s.status();
        if (HasControlCharacter(*s)) {
          return Error(key, "must not contain control characters");
        }
        (key == "version" ? file.version : file.description) = *s;
        if (key == "version") {
          if (s->empty()) return Error(key, "must not be empty");
          has_version = true;
        }
      } else if (key == "organisations") {
        if (!value.is_array()) return Error(key, "must be an array");
        for (size_t i = 0; i < value.items().size(); ++i) {
          absl::StatusOr<Organisation> org = ParseOrganisation(
              value.items()[i], absl::StrCat("organisations[", i, "]"));
          if (!org.ok()) return org.status();
          file.organisations.push_back(*std::move(org));
        }
        has_organisations = true;
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat(file_name_, ": unknown field ", json::Quote(key)));
      }
    }
    if (!has_format) return Error("format", "is missing");
    if (!has_version) return Error("version", "is missing");
    if (!has_organisations) return Error("organisations", "is missing");
    return file;
  }

 private:
  std::string file_name_;
};

absl::Status OrgError(absl::string_view name, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("organisation ", json::Quote(name), " ", problem));
}

absl::Status ValidateOrganisation(const Organisation& org) {
  if (org.name().empty()) {
    return absl::InvalidArgumentError("an organisation has no name");
  }
  // The canonical form is tab-separated lines; these characters would make
  // it ambiguous, and no legal name needs them.
  if (HasControlCharacter(org.name())) {
    return OrgError(org.name(), "has a control character in its name");
  }
  if (!geo::IsCountryCode(org.country())) {
    return OrgError(org.name(),
                    absl::StrCat("has country ", json::Quote(org.country()),
                                 ", not an assigned ISO 3166-1 alpha-2 code"));
  }
  if (!IsKnownKind(org.kind())) {
    return OrgError(org.name(),
                    absl::StrCat("has unknown kind ", json::Quote(org.kind())));
  }
  if (HasControlCharacter(org.parent())) {
    return OrgError(org.name(), "has a control character in its parent");
  }
  if (org.parent() == org.name()) {
    return OrgError(org.name(), "is its own parent");
  }
  if (org.domains().empty()) return OrgError(org.name(), "lists no domains");
  for (const std::string& domain : org.domains()) {
    absl::StatusOr<std::string> normal = NormalizeDnsName(domain);
    if (!normal.ok()) {
      return OrgError(org.name(), absl::StrCat("lists an invalid domain: ",
                                               normal.status().message()));
    }
    if (*normal != domain) {
      return OrgError(org.name(),
                      absl::StrCat("lists domain ", json::Quote(domain),
                                   ", which is not lower case"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<OrganisationsFile> ParseOrganisationsFile(
    absl::string_view text, absl::string_view file_name) {
  return FileParser(file_name).Parse(text);
}

absl::StatusOr<OrganisationsFile> ReadOrganisationsFile(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read the organisations file ", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseOrganisationsFile(text.str(), path);
}

std::vector<Organisation> MergeOrganisations(std::vector<Organisation> base,
                                             std::vector<Organisation> extra,
                                             OperatorMode mode) {
  if (mode == OperatorMode::kReplace) return extra;
  absl::flat_hash_set<std::string> replaced;
  for (const Organisation& org : extra) replaced.insert(org.name());
  std::vector<Organisation> out;
  out.reserve(base.size() + extra.size());
  for (Organisation& org : base) {
    if (!replaced.contains(org.name())) out.push_back(std::move(org));
  }
  for (Organisation& org : extra) out.push_back(std::move(org));
  return out;
}

absl::StatusOr<OrganisationTable> OrganisationTable::Create(
    std::vector<Organisation> organisations, Parents parents) {
  for (const Organisation& org : organisations) {
    if (absl::Status s = ValidateOrganisation(org); !s.ok()) return s;
  }
  std::sort(organisations.begin(), organisations.end(),
            [](const Organisation& a, const Organisation& b) {
              return a.name() < b.name();
            });
  OrganisationTable table;
  for (size_t i = 0; i < organisations.size(); ++i) {
    Organisation& org = organisations[i];
    if (!table.by_name_.emplace(org.name(), i).second) {
      return OrgError(org.name(), "is listed twice");
    }
    std::sort(org.mutable_domains()->begin(), org.mutable_domains()->end());
    for (const std::string& domain : org.domains()) {
      auto [it, inserted] = table.by_domain_.emplace(domain, i);
      if (!inserted) {
        const std::string& other = organisations[it->second].name();
        return OrgError(
            org.name(),
            other == org.name()
                ? absl::StrCat("lists domain ", json::Quote(domain), " twice")
                : absl::StrCat("lists domain ", json::Quote(domain), ", which ",
                               json::Quote(other), " lists too"));
      }
    }
  }
  // Parents: listed when required, and never a cycle (a chain longer than
  // the table is one).
  for (const Organisation& org : organisations) {
    const Organisation* cur = &org;
    for (size_t steps = 0; !cur->parent().empty(); ++steps) {
      auto it = table.by_name_.find(cur->parent());
      if (it == table.by_name_.end()) {
        if (parents == Parents::kMayBeMissing) break;
        return OrgError(cur->name(),
                        absl::StrCat("has parent ", json::Quote(cur->parent()),
                                     ", which is not in the table"));
      }
      if (steps > organisations.size()) {
        return OrgError(org.name(), "has a cycle of parents");
      }
      cur = &organisations[it->second];
    }
  }
  table.organisations_ = std::move(organisations);
  return table;
}

std::optional<OrganisationTable::Match> OrganisationTable::FindByHost(
    absl::string_view host) const {
  while (true) {
    auto it = by_domain_.find(host);
    if (it != by_domain_.end()) {
      return Match{&organisations_[it->second], it->second, std::string(host)};
    }
    const size_t dot = host.find('.');
    if (dot == absl::string_view::npos) return std::nullopt;
    host.remove_prefix(dot + 1);
  }
}

const Organisation* OrganisationTable::FindByName(
    absl::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &organisations_[it->second];
}

absl::Status OrganisationTable::CheckAgainst(
    const PublicSuffixList& psl) const {
  for (const Organisation& org : organisations_) {
    for (const std::string& domain : org.domains()) {
      if (psl.IsPublicSuffix(domain, PublicSuffixList::Sections::kIcannOnly)) {
        return OrgError(org.name(),
                        absl::StrCat("lists domain ", json::Quote(domain),
                                     ", which is a public suffix"));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<LoadedOrganisations> LoadOrganisations(
    const std::string& shipped_path, const std::string& operator_path,
    OperatorMode mode, const PublicSuffixList& psl) {
  absl::StatusOr<OrganisationsFile> shipped =
      shipped_path.empty()
          ? ParseOrganisationsFile(ShippedOrganisationsJson(),
                                   absl::StrCat("built-in ", kDefaultOrganisationsPath))
          : ReadOrganisationsFile(shipped_path);
  if (!shipped.ok()) return shipped.status();
  LoadedOrganisations out;
  out.version = shipped->version;
  out.source = absl::StrCat("candor ", kDefaultOrganisationsPath);
  std::vector<Organisation> organisations = std::move(shipped->organisations);
  if (!operator_path.empty()) {
    absl::StatusOr<OrganisationsFile> extra =
        ReadOrganisationsFile(operator_path);
    if (!extra.ok()) return extra.status();
    const size_t slash = operator_path.find_last_of('/');
    const std::string base_name = slash == std::string::npos
                                      ? operator_path
                                      : operator_path.substr(slash + 1);
    if (mode == OperatorMode::kReplace) {
      out.version = extra->version;
      out.source = absl::StrCat("operator ", base_name);
    } else {
      out.version = absl::StrCat(out.version, "+", extra->version);
      out.source =
          absl::StrCat(out.source, " extended by operator ", base_name);
    }
    organisations = MergeOrganisations(std::move(organisations),
                                       std::move(extra->organisations), mode);
  }
  absl::StatusOr<OrganisationTable> table =
      OrganisationTable::Create(std::move(organisations));
  if (!table.ok()) return table.status();
  if (absl::Status s = table->CheckAgainst(psl); !s.ok()) return s;
  out.table = *std::move(table);
  return out;
}

}  // namespace candor::reference
