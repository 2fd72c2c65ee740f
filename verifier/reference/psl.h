// The Public Suffix List (https://publicsuffix.org): which parts of a DNS name
// are public suffixes (".com", ".co.uk", "*.kobe.jp", "cloudfront.net") and
// hence what a host's registrable domain (eTLD+1) is. The list is Debian's
// (the `publicsuffix` package), read and matched by libpsl (`libpsl-dev`),
// the implementation curl, wget and GnuTLS use.
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
// Matching is libpsl's: the public suffix of a host is its longest suffix
// that is a public suffix, where a name is one if a rule lists it, a
// wildcard rule ("*.kobe.jp") covers it, or it has a single label (the
// implicit "*" rule), unless an exception rule ("!city.kobe.jp") names it.
// A wildcard rule also makes its own parent a public suffix ("kobe.jp",
// "compute.amazonaws.com"): libpsl's reading, under which nobody holds the
// name a wildcard divides among others. Sections::kIcannOnly ignores
// private-section rules (and rules outside both sections). The list's Unicode
// rules are matched in their A-label form, so hosts are given in ASCII
// ("xn--55qx5d.cn").
//
// Host names are matched case-insensitively and returned in lower case. A
// host is a DNS name as net::IsDnsName defines it (1..253 characters, labels
// of 1..63 letters, digits, '-' or '_', no leading or trailing '-', no final
// dot, not all-numeric); anything else, IP literals included, is
// INVALID_ARGUMENT with the reason.
//
// Immutable after construction; copies share one libpsl context. Thread-safe:
// libpsl's lookups only read it.

#ifndef CANDOR_VERIFIER_REFERENCE_PSL_H_
#define CANDOR_VERIFIER_REFERENCE_PSL_H_

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct psl_ctx_st;  // libpsl's context (psl_ctx_t), owned through ctx_

namespace candor::reference {

// Debian's copy, from the `publicsuffix` package.
inline constexpr absl::string_view kDebianPslPath =
    "/usr/share/publicsuffix/public_suffix_list.dat";

// Lower-cases `host` and checks it is a DNS name (see above); the error says
// what is wrong with it. A non-ASCII name is refused; the error gives its
// A-label form (IDNA 2008, see idna.h) when it has one.
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

  // Reads the list's text format as libpsl does: one rule per line (its
  // first whitespace-separated token), "//" comments, the "===BEGIN ICANN
  // DOMAINS===" and "===BEGIN PRIVATE DOMAINS===" markers. libpsl does not
  // judge rules: a malformed one ("foo.*.bar") is kept and matches nothing
  // it should not. INVALID_ARGUMENT only if there is no rule at all.
  static absl::StatusOr<PublicSuffixList> Parse(absl::string_view text);
  // Reads a file (the text format, or the DAFSA form libpsl compiles it to);
  // NOT_FOUND names the file and the package.
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

  // True if the (valid) name is itself a public suffix.
  bool IsPublicSuffix(absl::string_view name,
                      Sections sections = Sections::kAll) const;

  // Rules read: suffixes (wildcards included) and exceptions; 0 for a list
  // loaded in DAFSA form, which does not say.
  size_t rule_count() const { return rule_count_; }

 private:
  PublicSuffixList(std::shared_ptr<const psl_ctx_st> ctx, size_t rule_count)
      : ctx_(std::move(ctx)), rule_count_(rule_count) {}
  // Takes ownership of a context from psl_load_*; `source` names it in errors.
  static absl::StatusOr<PublicSuffixList> Adopt(psl_ctx_st* ctx,
                                                absl::string_view source);
  bool IsSuffix(const std::string& name, Sections sections) const;

  std::shared_ptr<const psl_ctx_st> ctx_;
  size_t rule_count_ = 0;
};

}  // namespace candor::reference

#endif  // CANDOR_VERIFIER_REFERENCE_PSL_H_
