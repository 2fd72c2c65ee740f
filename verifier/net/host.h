// Hosts as they appear in traffic: DNS names and IP literals. Pure,
// thread-safe.

#ifndef CANDOR_VERIFIER_NET_HOST_H_
#define CANDOR_VERIFIER_NET_HOST_H_

#include "absl/strings/string_view.h"

namespace candor::net {

// IPv4 dotted quad or IPv6 text form (no brackets, no zone).
bool IsIpLiteral(absl::string_view host);
// A DNS name: 1..253 characters, dot-separated labels of 1..63 letters,
// digits, '-' or '_' (not starting or ending with '-'), optional final dot
// not allowed, at least one label that is not all digits.
bool IsDnsName(absl::string_view host);
// Either of the above.
bool IsValidHost(absl::string_view host);

}  // namespace candor::net

#endif  // CANDOR_VERIFIER_NET_HOST_H_
