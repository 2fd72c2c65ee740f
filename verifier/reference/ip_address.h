// IP addresses as numbers: parsing, RFC 5952 text, and the fixed-width hex
// used by the canonical form of reference tables.
//
// Pure functions, thread-safe. Errors are INVALID_ARGUMENT.

#ifndef CANDOR_VERIFIER_REFERENCE_IP_ADDRESS_H_
#define CANDOR_VERIFIER_REFERENCE_IP_ADDRESS_H_

#include <string>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor::reference {

enum class IpFamily { kV4, kV6 };

struct IpAddress {
  IpFamily family = IpFamily::kV4;
  // An IPv4 address in the low 32 bits.
  absl::uint128 value = 0;

  bool operator==(const IpAddress& o) const {
    return family == o.family && value == o.value;
  }
  bool operator!=(const IpAddress& o) const { return !(*this == o); }
};

// The largest address of the family.
absl::uint128 MaxAddress(IpFamily family);

// An IPv4 dotted quad or an IPv6 text form as inet_pton(3) reads them (no
// brackets, zones or prefix lengths). IPv4-mapped IPv6 addresses stay IPv6;
// see Unmapped().
absl::StatusOr<IpAddress> ParseIpAddress(absl::string_view text);

// ::ffff:a.b.c.d as the IPv4 address a.b.c.d; any other address unchanged.
// Dual-stack sockets report IPv4 peers in this form.
IpAddress Unmapped(const IpAddress& address);

// Dotted quad, or RFC 5952 text for IPv6 (inet_ntop(3)).
std::string FormatIpAddress(const IpAddress& address);

// "4 " or "6 " followed by the address as lower-case hex, 8 or 32 digits.
std::string CanonicalIpAddress(const IpAddress& address);

// `text` as a JSON string literal for an error message, cut after 64 bytes
// ("...") so that hostile input can neither forge nor flood the message.
std::string QuoteForError(absl::string_view text);

}  // namespace candor::reference

#endif  // CANDOR_VERIFIER_REFERENCE_IP_ADDRESS_H_
