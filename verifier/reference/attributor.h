// Destination attribution of a flow: host -> registrable domain (Public
// Suffix List) and operating organisation (organisations table), server IP
// -> country of the endpoint (IP-to-country table), and the reference parts
// each answer came from, so that a finding can cite them and anyone can
// re-derive the attribution from the log.
//
// Built from published reference parts, the same way in the verifier (from
// the tables it publishes) and in `candor verify finding` (from the parts a
// bundle carries), so both run the same code on the same data.
//
// Immutable after construction; Attribute() is pure and thread-safe.

#ifndef CANDOR_VERIFIER_REFERENCE_ATTRIBUTOR_H_
#define CANDOR_VERIFIER_REFERENCE_ATTRIBUTOR_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "verifier/reference/psl.h"
#include "verifier/reference/reference_data.h"

namespace candor::reference {

// An organisation above the one operating a host, and the part listing it.
struct ParentAttribution {
  std::string name;
  std::string country;  // of incorporation
  PartRef part;
};

struct OrganisationAttribution {
  std::string name;
  std::string country;  // of incorporation
  std::string kind;
  std::string parent;          // empty if none
  std::string matched_domain;  // the listed domain the host is or is under
  // The parent, its parent and so on, nearest first, as far as the parts
  // given list them: the chain ends at an organisation without a parent or
  // at a parent no given part lists (a bundle carries only the parts its
  // finding cited; a whole table lists every parent). Their parts are not
  // in Attribution::parts_used: only who ultimately owns the recipient
  // needs them (NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES), and every other
  // answer, and so the parts findings about it cite, stays as it was.
  std::vector<ParentAttribution> parents;
  PartRef part;  // the part listing the organisation (also in parts_used)
};

// `organisation`'s parents, nearest first, each as `find` gives it (null:
// not listed). Ends at an organisation without a parent, at a parent `find`
// does not know, or before one already in the chain: tables refuse parent
// cycles (OrganisationTable::Create), but a walk should never depend on
// that to terminate.
std::vector<const reference::v1::Organisation*> ParentChain(
    const reference::v1::Organisation& organisation,
    absl::FunctionRef<const reference::v1::Organisation*(absl::string_view)>
        find);

enum class CountrySource {
  kNone,         // no address to locate: a DNS name and no server IP
  kServerIp,     // the flow's server IP
  kHostLiteral,  // the host is an IP literal and no server IP was given
};

struct Attribution {
  std::string host;  // lower-cased
  // Empty when the host is an IP literal or itself a public suffix.
  std::string registrable_domain;
  std::string public_suffix;
  // The registrable domain sits on a private-section suffix: a customer of a
  // hosting service (e.g. "x.herokuapp.com"); the organisation below is then
  // the hosting service's operator.
  bool private_suffix = false;
  // Absent when no organisation lists the host or a parent domain of it.
  std::optional<OrganisationAttribution> organisation;
  std::string endpoint_ip;       // the address located, empty if none
  std::string endpoint_country;  // empty if none or unassigned
  CountrySource country_source = CountrySource::kNone;
  // The parts the answers came from, sorted: the organisations part listing
  // the organisation (every part when there is none), and the ip-countries
  // part covering the address (which proves "unassigned" too).
  std::vector<PartRef> parts_used;
};

class Attributor {
 public:
  Attributor(PublicSuffixList psl, PublishedOrganisations organisations,
             PublishedIpCountries ip_countries);

  // Attributes a flow to `host` (DNS name or IP literal, as in the request)
  // at `server_ip` (the address connected to; may be empty).
  // INVALID_ARGUMENT for an invalid host or server IP; FAILED_PRECONDITION if
  // the answer needs a reference part that was not given (an address no
  // given ip-countries part covers, or a host no organisation lists while
  // some organisations parts are missing).
  absl::StatusOr<Attribution> Attribute(absl::string_view host,
                                        absl::string_view server_ip) const;

  const PublishedOrganisations& organisations() const { return organisations_; }
  const PublishedIpCountries& ip_countries() const { return ip_countries_; }

 private:
  PublicSuffixList psl_;
  PublishedOrganisations organisations_;
  PublishedIpCountries ip_countries_;
};

}  // namespace candor::reference

#endif  // CANDOR_VERIFIER_REFERENCE_ATTRIBUTOR_H_
