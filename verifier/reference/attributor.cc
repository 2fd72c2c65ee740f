#include "verifier/reference/attributor.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "log/json/json.h"
#include "verifier/net/host.h"

namespace candor::reference {

std::vector<const reference::v1::Organisation*> ParentChain(
    const reference::v1::Organisation& organisation,
    absl::FunctionRef<const reference::v1::Organisation*(absl::string_view)>
        find) {
  std::vector<const reference::v1::Organisation*> chain;
  absl::flat_hash_set<std::string> seen = {organisation.name()};
  const reference::v1::Organisation* current = &organisation;
  while (!current->parent().empty()) {
    const reference::v1::Organisation* parent = find(current->parent());
    if (parent == nullptr || !seen.insert(parent->name()).second) break;
    chain.push_back(parent);
    current = parent;
  }
  return chain;
}

Attributor::Attributor(PublicSuffixList psl,
                       PublishedOrganisations organisations,
                       PublishedIpCountries ip_countries)
    : psl_(std::move(psl)),
      organisations_(std::move(organisations)),
      ip_countries_(std::move(ip_countries)) {}

absl::StatusOr<Attribution> Attributor::Attribute(
    absl::string_view host, absl::string_view server_ip) const {
  Attribution out;
  std::optional<IpAddress> address;
  if (!server_ip.empty()) {
    absl::StatusOr<IpAddress> ip = ParseIpAddress(server_ip);
    if (!ip.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("server IP ", ip.status().message()));
    }
    address = *ip;
    out.country_source = CountrySource::kServerIp;
  }

  if (net::IsIpLiteral(host)) {
    absl::StatusOr<IpAddress> ip = ParseIpAddress(host);
    if (!ip.ok()) return ip.status();
    out.host = FormatIpAddress(*ip);
    if (!address.has_value()) {
      address = *ip;
      out.country_source = CountrySource::kHostLiteral;
    }
  } else {
    absl::StatusOr<PublicSuffixList::Match> match = psl_.Lookup(host);
    if (!match.ok()) return match.status();
    out.host = absl::AsciiStrToLower(host);
    out.registrable_domain = std::move(match->registrable_domain);
    out.public_suffix = std::move(match->public_suffix);
    out.private_suffix = match->section == PublicSuffixList::Section::kPrivate;

    std::optional<OrganisationTable::Match> org =
        organisations_.table().FindByHost(out.host);
    const PartSetInfo& info = organisations_.info();
    if (org.has_value()) {
      const reference::v1::Organisation& o = *org->organisation;
      const PartRef part = info.Ref(organisations_.PartOf(org->index));
      out.organisation = OrganisationAttribution{
          o.name(), o.country(), o.kind(), o.parent(), std::move(org->domain), {}, part};
      out.parts_used.push_back(part);
      const OrganisationTable& table = organisations_.table();
      for (const reference::v1::Organisation* parent :
           ParentChain(o, [&table](absl::string_view name) {
             return table.FindByName(name);
           })) {
        // FindByName points into organisations(), whose positions PartOf
        // takes.
        const size_t index =
            static_cast<size_t>(parent - table.organisations().data());
        out.organisation->parents.push_back(ParentAttribution{
            parent->name(), parent->country(),
            info.Ref(organisations_.PartOf(index))});
      }
    } else if (info.complete()) {
      // "No organisation" is a statement about the whole table.
      for (uint32_t part : info.present)
        out.parts_used.push_back(info.Ref(part));
    } else {
      return absl::FailedPreconditionError(absl::StrCat(
          "no given part of ", info.Label(kOrganisationsTable), " lists ",
          json::Quote(out.host), ", and only ", info.present.size(), " of its ",
          info.parts,
          " parts were given: an unknown organisation needs them all"));
    }
  }

  if (address.has_value()) {
    absl::StatusOr<PublishedIpCountries::Answer> answer =
        ip_countries_.Lookup(*address);
    if (!answer.ok()) return answer.status();
    out.endpoint_ip = FormatIpAddress(Unmapped(*address));
    out.endpoint_country = std::move(answer->country);
    out.parts_used.push_back(ip_countries_.info().Ref(answer->part));
  }
  std::sort(out.parts_used.begin(), out.parts_used.end());
  return out;
}

}  // namespace candor::reference
