#include "verifier/reference/resolver.h"

#include <iterator>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "verifier/reference/ip_country.h"

namespace candor::reference {

absl::StatusOr<std::unique_ptr<PartsResolver>> PartsResolver::Create(
    PublicSuffixList psl, std::vector<reference::v1::ReferenceData> parts) {
  std::vector<reference::v1::ReferenceData> organisation_parts, ip_parts;
  std::map<PartRef, size_t> positions;
  for (size_t i = 0; i < parts.size(); ++i) {
    const reference::v1::ReferenceData& part = parts[i];
    if (part.table() == kOrganisationsTable) {
      organisation_parts.push_back(part);
    } else if (part.table() == kIpCountriesTable) {
      ip_parts.push_back(part);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "reference part ", i, ": unknown table \"", part.table(), "\""));
    }
    // A part given twice (identical, as FromParts checks) cites the first.
    positions.emplace(PartRef{part.table(), part.table_sha256(), part.part()}, i);
  }
  PublishedOrganisations organisations;
  if (!organisation_parts.empty()) {
    absl::StatusOr<PublishedOrganisations> read =
        PublishedOrganisations::FromParts(organisation_parts);
    if (!read.ok()) return read.status();
    organisations = *std::move(read);
  }
  PublishedIpCountries ip_countries;
  if (!ip_parts.empty()) {
    absl::StatusOr<PublishedIpCountries> read = PublishedIpCountries::FromParts(ip_parts);
    if (!read.ok()) return read.status();
    ip_countries = *std::move(read);
  }
  return std::unique_ptr<PartsResolver>(new PartsResolver(
      std::move(parts), std::move(positions),
      Attributor(std::move(psl), std::move(organisations), std::move(ip_countries))));
}

absl::StatusOr<evaluate::Destination> PartsResolver::Resolve(
    absl::string_view host, absl::string_view server_ip) const {
  absl::StatusOr<Attribution> a = attributor_.Attribute(host, server_ip);
  if (!a.ok()) return a.status();
  evaluate::Destination d;
  d.registrable_domain = a->registrable_domain;
  if (a->organisation) d.organisation = a->organisation->name;
  d.endpoint_country = a->endpoint_country;
  auto position = [this](const PartRef& ref) -> absl::StatusOr<size_t> {
    auto it = positions_.find(ref);
    if (it == positions_.end()) {
      // The attributor only answers from parts it was given.
      return absl::InternalError(absl::StrCat("attribution used reference part ", ref.table,
                                              "/", ref.part, ", which was not given"));
    }
    return it->second;
  };
  for (const PartRef& ref : a->parts_used) {
    absl::StatusOr<size_t> p = position(ref);
    if (!p.ok()) return p.status();
    d.references.push_back(*p);
  }
  if (a->organisation) {
    absl::StatusOr<size_t> p = position(a->organisation->part);
    if (!p.ok()) return p.status();
    d.organisation_chain.push_back(
        {a->organisation->name, a->organisation->country, {*p}});
    for (const ParentAttribution& parent : a->organisation->parents) {
      absl::StatusOr<size_t> pp = position(parent.part);
      if (!pp.ok()) return pp.status();
      d.organisation_chain.push_back({parent.name, parent.country, {*pp}});
    }
  }
  return d;
}

absl::StatusOr<std::unique_ptr<PartsResolver>> LoadVerifierTables(
    const TableSources& sources) {
  absl::StatusOr<PublicSuffixList> psl = PublicSuffixList::Load(sources.psl_path);
  if (!psl.ok()) return psl.status();
  absl::StatusOr<LoadedOrganisations> organisations =
      LoadOrganisations(sources.shipped_organisations, sources.operator_organisations,
                        sources.operator_mode, *psl);
  if (!organisations.ok()) return organisations.status();
  absl::StatusOr<IpCountryDataset> ips = LoadIpCountryDataset(sources.ip_country_dir);
  if (!ips.ok()) return ips.status();
  absl::StatusOr<std::vector<reference::v1::ReferenceData>> parts = SplitOrganisations(
      organisations->table, TableInfo{organisations->version, organisations->source});
  if (!parts.ok()) return parts.status();
  absl::StatusOr<std::vector<reference::v1::ReferenceData>> ip_parts =
      SplitIpCountries(ips->table, TableInfo{ips->version, ips->source});
  if (!ip_parts.ok()) return ip_parts.status();
  parts->insert(parts->end(), std::make_move_iterator(ip_parts->begin()),
                std::make_move_iterator(ip_parts->end()));
  return PartsResolver::Create(*std::move(psl), *std::move(parts));
}

}  // namespace candor::reference
