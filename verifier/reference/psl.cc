#include "verifier/reference/psl.h"

#include <libpsl.h>

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "log/json/json.h"
#include "verifier/net/host.h"
#include "verifier/reference/idna.h"

namespace candor::reference {
namespace {

// Hosts come from traffic captures: quote them so that control characters
// and quotes cannot forge a message, and cut them so they cannot flood it.
std::string QuoteHost(absl::string_view host) {
  constexpr size_t kMax = 100;
  if (host.size() <= kMax) return json::Quote(host);
  return absl::StrCat(json::Quote(host.substr(0, kMax)), "...");
}

bool IsLabelChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '_';
}

// Checks one lower-case ASCII label; returns the problem or "".
std::string LabelProblem(absl::string_view label) {
  if (label.empty()) return "has an empty label";
  if (label.size() > 63) return "has a label longer than 63 characters";
  for (char c : label) {
    if (!IsLabelChar(c)) {
      return absl::StrCat("has the character ", json::Quote(std::string(1, c)),
                          " (only letters, digits, '-' and '_' are allowed)");
    }
  }
  if (label.front() == '-' || label.back() == '-') {
    return "has a label that starts or ends with '-'";
  }
  return "";
}

bool IsAscii(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Hosts travel in A-label form; say what that form is when there is one.
absl::Status NotAscii(absl::string_view host) {
  std::string message =
      absl::StrCat("host ", QuoteHost(host),
                   " is not ASCII; give internationalised names in their "
                   "A-label (xn--) form");
  absl::StatusOr<std::string> a_label = ToAsciiHost(host);
  if (a_label.ok() && IsAscii(*a_label)) {
    absl::StrAppend(&message, ": ", QuoteHost(*a_label));
  } else {
    absl::StrAppend(&message, "; it has none under IDNA 2008");
  }
  return absl::InvalidArgumentError(message);
}

struct PslFree {
  void operator()(const psl_ctx_t* ctx) const {
    psl_free(const_cast<psl_ctx_t*>(ctx));
  }
};

struct FileClose {
  void operator()(FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileClose>;

}  // namespace

absl::StatusOr<std::string> NormalizeDnsName(absl::string_view host) {
  if (host.empty()) return absl::InvalidArgumentError("host is empty");
  if (net::IsIpLiteral(host) || (host.front() == '[' && host.back() == ']')) {
    return absl::InvalidArgumentError(absl::StrCat(
        "host ", QuoteHost(host), " is an IP address, not a DNS name"));
  }
  if (host.size() > 253) {
    return absl::InvalidArgumentError(absl::StrCat(
        "host ", QuoteHost(host), " is longer than 253 characters"));
  }
  if (host.back() == '.') {
    return absl::InvalidArgumentError(
        absl::StrCat("host ", QuoteHost(host), " ends with a dot"));
  }
  if (!IsAscii(host)) return NotAscii(host);
  std::string lower = absl::AsciiStrToLower(host);
  bool all_numeric = true;
  for (absl::string_view label : absl::StrSplit(lower, '.')) {
    const std::string problem = LabelProblem(label);
    if (!problem.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("host ", QuoteHost(host), " ", problem));
    }
    for (char c : label) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
        all_numeric = false;
      }
    }
  }
  if (all_numeric) {
    return absl::InvalidArgumentError(
        absl::StrCat("host ", QuoteHost(host),
                     " has only digits and dots but is not an IP address"));
  }
  return lower;
}

absl::StatusOr<PublicSuffixList> PublicSuffixList::Adopt(
    psl_ctx_t* raw, absl::string_view source) {
  std::shared_ptr<const psl_ctx_t> ctx(raw, PslFree());
  if (ctx == nullptr) {
    // psl_load_fp fails only on empty input (or when out of memory).
    return absl::InvalidArgumentError(
        absl::StrCat(source, "public suffix list has no rules"));
  }
  const int suffixes = psl_suffix_count(ctx.get());
  const int exceptions = psl_suffix_exception_count(ctx.get());
  if (suffixes < 0) return PublicSuffixList(std::move(ctx), 0);  // DAFSA
  if (suffixes + exceptions == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, "public suffix list has no rules"));
  }
  return PublicSuffixList(std::move(ctx),
                          static_cast<size_t>(suffixes + exceptions));
}

absl::StatusOr<PublicSuffixList> PublicSuffixList::Parse(
    absl::string_view text) {
  if (text.empty()) {
    return absl::InvalidArgumentError("public suffix list has no rules");
  }
  std::string copy(text);  // fmemopen reads from a buffer it may not own
  File in(fmemopen(copy.data(), copy.size(), "r"));
  if (in == nullptr) {
    return absl::ResourceExhaustedError(
        "cannot open the public suffix list's text as a stream");
  }
  return Adopt(psl_load_fp(in.get()), "");
}

absl::StatusOr<PublicSuffixList> PublicSuffixList::Load(
    const std::string& path) {
  File in(std::fopen(path.c_str(), "rb"));
  if (in == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "cannot read the public suffix list ", path,
        "; install Debian's publicsuffix package (third_party/setup.sh)"));
  }
  return Adopt(psl_load_fp(in.get()), absl::StrCat(path, ": "));
}

bool PublicSuffixList::IsSuffix(const std::string& name,
                                Sections sections) const {
  return psl_is_public_suffix2(
             ctx_.get(), name.c_str(),
             sections == Sections::kAll ? PSL_TYPE_ANY : PSL_TYPE_ICANN) != 0;
}

absl::StatusOr<PublicSuffixList::Match> PublicSuffixList::Lookup(
    absl::string_view host, Sections sections) const {
  absl::StatusOr<std::string> name = NormalizeDnsName(host);
  if (!name.ok()) return name.status();
  // From the left, as psl_registrable_domain does (it stops at 8 labels;
  // this does not): the first suffix that is public is the longest.
  size_t start = 0;
  size_t previous = std::string::npos;
  while (!IsSuffix(name->substr(start), sections)) {
    const size_t dot = name->find('.', start);
    if (dot == std::string::npos) break;  // a single label always is
    previous = start;
    start = dot + 1;
  }
  Match match;
  match.public_suffix = name->substr(start);
  if (previous != std::string::npos) {
    match.registrable_domain = name->substr(previous);
  }
  // The section of the prevailing rule: one that only the private section
  // lists. A single label is a top-level domain (ICANN) or the "*" rule.
  if (sections == Sections::kAll &&
      match.public_suffix.find('.') != std::string::npos &&
      psl_is_public_suffix2(ctx_.get(), match.public_suffix.c_str(),
                            PSL_TYPE_ICANN) == 0 &&
      psl_is_public_suffix2(ctx_.get(), match.public_suffix.c_str(),
                            PSL_TYPE_PRIVATE) != 0) {
    match.section = Section::kPrivate;
  }
  return match;
}

absl::StatusOr<std::string> PublicSuffixList::RegistrableDomain(
    absl::string_view host, Sections sections) const {
  absl::StatusOr<Match> match = Lookup(host, sections);
  if (!match.ok()) return match.status();
  if (match->registrable_domain.empty()) {
    return absl::NotFoundError(
        absl::StrCat("host ", QuoteHost(host),
                     " is a public suffix; it has no registrable domain"));
  }
  return std::move(match->registrable_domain);
}

bool PublicSuffixList::IsPublicSuffix(absl::string_view name,
                                      Sections sections) const {
  absl::StatusOr<Match> match = Lookup(name, sections);
  return match.ok() && match->registrable_domain.empty();
}

}  // namespace candor::reference
