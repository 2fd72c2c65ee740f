#include "verifier/net/host.h"

#include <arpa/inet.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace candor::net {

bool IsIpLiteral(absl::string_view host) {
  if (host.empty() || host.size() > 45) return false;
  std::string s(host);
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 ||
         inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool IsDnsName(absl::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  bool all_numeric = true;
  for (absl::string_view label : absl::StrSplit(host, '.')) {
    if (label.empty() || label.size() > 63 || label.front() == '-' ||
        label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
          c != '_') {
        return false;
      }
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) all_numeric = false;
    }
  }
  return !all_numeric;
}

bool IsValidHost(absl::string_view host) {
  return IsIpLiteral(host) || IsDnsName(host);
}

}  // namespace candor::net
