// The Public Suffix List (https://publicsuffix.org): which parts of a DNS name
// are public suffixes (".com", ".co.uk", "*.kobe.jp", "cloudfront.net") and
// hence what a host's registrable domain (eTLD+1) is.
//
// Both sections of the list count, as in browsers: a private-section suffix
// such as "cloudfront.net" or "herokuapp.com" is a shared hosting domain on
// which each name below it belongs to a different customer, so
// "x.herokuapp.com" and "y.herokuapp.com" are different registrable domains
// and neither can be claimed as a first-party domain by registering
// "herokuapp.com". Who operates the hosting is a separate question that
// OrganisationTable answers by host suffix. Match::section says which section
// the prevailing rule came from; the implicit "*" rule counts as ICANN.
//
// Rules follow the list's algorithm: the exception rule ("!city.kobe.jp")
// prevails if one matches, else the matching rule with the most labels,
// else "*" (the top-level label is the suffix). Unicode rules are stored in
// A-label form, so hosts must be given in ASCII ("xn--55qx5d.cn").
//
// Host names are matched case-insensitively and returned in lower case. A
// host is a DNS name as net::IsDnsName defines it (1..253 characters, labels
// of 1..63 letters, digits, '-' or '_', no leading or trailing '-', no final
// dot, not all-numeric); anything else, IP literals included, is
// INVALID_ARGUMENT with the reason.
//
// Immutable after construction; thread-safe.

#ifndef CANDOR_VERIFIER_REFERENCE_PSL_H_
#define CANDOR_VERIFIER_REFERENCE_PSL_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor::reference {

// Debian's copy, from the `publicsuffix` package.
inline constexpr absl::string_view kDebianPslPath =
    "/usr/share/publicsuffix/public_suffix_list.dat";

// Lower-cases `host` and checks it is a DNS name (see above); the error says
// what is wrong with it.
absl::StatusOr<std::string> NormalizeDnsName(absl::string_view host);

class PublicSuffixList {
 public:
  enum class Section { kIcann, kPrivate };
  enum class Sections { kIcannOnly, kAll };

  struct Match {
    // The public suffix of the host, e.g. "co.uk".
    std::string public_suffix;
    // The public suffix and one more label, e.g. "example.co.uk"; empty when
    // the host is itself a public suffix.
    std::string registrable_domain;
    // Where the prevailing rule comes from.
    Section section = Section::kIcann;
  };

  // Parses the list's text format: one rule per line (its first
  // whitespace-separated token), "//" comments, the "===BEGIN ICANN
  // DOMAINS===" and "===BEGIN PRIVATE DOMAINS===" markers. Fails with the
  // line number on a malformed rule.
  static absl::StatusOr<PublicSuffixList> Parse(absl::string_view text);
  // Reads and parses a file; NOT_FOUND names the file and the package.
  static absl::StatusOr<PublicSuffixList> Load(
      const std::string& path = std::string(kDebianPslPath));

  // The prevailing rule's suffix and the registrable domain of `host`.
  absl::StatusOr<Match> Lookup(absl::string_view host,
                               Sections sections = Sections::kAll) const;

  // The registrable domain (eTLD+1) of `host`, lower-cased:
  // "www.Example.co.uk" -> "example.co.uk". NOT_FOUND if `host` is itself a
  // public suffix ("co.uk"), INVALID_ARGUMENT for IP literals and invalid
  // names.
  absl::StatusOr<std::string> RegistrableDomain(
      absl::string_view host, Sections sections = Sections::kAll) const;

  // True if the (valid, lower-case) name is itself a public suffix.
  bool IsPublicSuffix(absl::string_view name,
                      Sections sections = Sections::kAll) const;

  size_t rule_count() const { return rule_count_; }

 private:
  // The rules with the same key, e.g. "kobe.jp" for "kobe.jp", "*.kobe.jp"
  // and "!kobe.jp". Each kind records the section it came from.
  struct Rules {
    uint8_t kinds = 0;  // bit set of kNormal, kWildcard, kException
    uint8_t from_private =
        0;  // the same bits, for rules of the private section
  };
  static constexpr uint8_t kNormal = 1;
  static constexpr uint8_t kWildcard = 2;
  static constexpr uint8_t kException = 4;

  PublicSuffixList() = default;
  // Whether `key` has a rule of `kind` in the sections asked for; `section`
  // is set when it does.
  bool Has(absl::string_view key, uint8_t kind, Sections sections,
           Section* section) const;
  Match LookupValid(absl::string_view host, Sections sections) const;

  absl::flat_hash_map<std::string, Rules> rules_;
  size_t rule_count_ = 0;
};

}  // namespace candor::reference

#endif  // CANDOR_VERIFIER_REFERENCE_PSL_H_
