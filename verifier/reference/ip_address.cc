#include "verifier/reference/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "log/json/json.h"

namespace candor::reference {
namespace {

constexpr absl::uint128 kMappedPrefix = absl::uint128(0xFFFF) << 32;

}  // namespace

std::string QuoteForError(absl::string_view text) {
  constexpr size_t kMax = 64;
  if (text.size() <= kMax) return json::Quote(text);
  return absl::StrCat(json::Quote(text.substr(0, kMax)), "...");
}

absl::uint128 MaxAddress(IpFamily family) {
  return family == IpFamily::kV4 ? absl::uint128(0xFFFFFFFFu)
                                 : absl::Uint128Max();
}

absl::StatusOr<IpAddress> ParseIpAddress(absl::string_view text) {
  // inet_pton needs a NUL-terminated string; the longest IPv6 text form
  // (with an embedded IPv4 address) is 45 characters.
  char buf[46];
  if (text.empty() || text.size() >= sizeof(buf)) {
    return absl::InvalidArgumentError(
        absl::StrCat(QuoteForError(text), " is not an IP address"));
  }
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  unsigned char bytes[16];
  IpAddress out;
  if (inet_pton(AF_INET, buf, bytes) == 1) {
    out.family = IpFamily::kV4;
    out.value = (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) |
                (uint32_t{bytes[2]} << 8) | uint32_t{bytes[3]};
    return out;
  }
  if (inet_pton(AF_INET6, buf, bytes) == 1) {
    out.family = IpFamily::kV6;
    uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 8; ++i) hi = (hi << 8) | bytes[i];
    for (int i = 8; i < 16; ++i) lo = (lo << 8) | bytes[i];
    out.value = absl::MakeUint128(hi, lo);
    return out;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(QuoteForError(text), " is not an IP address"));
}

IpAddress Unmapped(const IpAddress& address) {
  if (address.family == IpFamily::kV6 &&
      (address.value >> 32) == (kMappedPrefix >> 32)) {
    return IpAddress{IpFamily::kV4, address.value & 0xFFFFFFFFu};
  }
  return address;
}

std::string FormatIpAddress(const IpAddress& address) {
  char buf[INET6_ADDRSTRLEN];
  unsigned char bytes[16];
  if (address.family == IpFamily::kV4) {
    const uint32_t v = absl::Uint128Low64(address.value) & 0xFFFFFFFFu;
    for (int i = 0; i < 4; ++i) bytes[i] = (v >> (24 - 8 * i)) & 0xFF;
    inet_ntop(AF_INET, bytes, buf, sizeof(buf));
  } else {
    const uint64_t hi = absl::Uint128High64(address.value);
    const uint64_t lo = absl::Uint128Low64(address.value);
    for (int i = 0; i < 8; ++i) bytes[i] = (hi >> (56 - 8 * i)) & 0xFF;
    for (int i = 0; i < 8; ++i) bytes[8 + i] = (lo >> (56 - 8 * i)) & 0xFF;
    inet_ntop(AF_INET6, bytes, buf, sizeof(buf));
  }
  return buf;
}

std::string CanonicalIpAddress(const IpAddress& address) {
  static constexpr char kHex[] = "0123456789abcdef";
  const int digits = address.family == IpFamily::kV4 ? 8 : 32;
  std::string out(2 + digits, ' ');
  out[0] = address.family == IpFamily::kV4 ? '4' : '6';
  absl::uint128 v = address.value;
  for (int i = digits - 1; i >= 0; --i) {
    out[2 + i] = kHex[absl::Uint128Low64(v) & 0xF];
    v >>= 4;
  }
  return out;
}

}  // namespace candor::reference
