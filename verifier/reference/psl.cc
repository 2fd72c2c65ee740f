#include "verifier/reference/psl.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "log/json/json.h"
#include "verifier/net/host.h"
#include "verifier/reference/punycode.h"

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
    if (static_cast<unsigned char>(c) >= 0x80) {
      return "is not ASCII; give internationalised names in their A-label "
             "(xn--) form";
    }
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

absl::StatusOr<PublicSuffixList> PublicSuffixList::Parse(
    absl::string_view text) {
  PublicSuffixList psl;
  bool in_private = false;
  size_t line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    const absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty()) continue;
    if (absl::StartsWith(trimmed, "//")) {
      if (absl::StrContains(trimmed, "===BEGIN PRIVATE DOMAINS===")) {
        in_private = true;
      } else if (absl::StrContains(trimmed, "===END PRIVATE DOMAINS===") ||
                 absl::StrContains(trimmed, "===BEGIN ICANN DOMAINS===")) {
        in_private = false;
      }
      continue;
    }
    auto error = [&](absl::string_view problem) {
      return absl::InvalidArgumentError(
          absl::StrCat("public suffix list line ", line_number, ": rule ",
                       QuoteHost(trimmed), " ", problem));
    };
    // The list's format: the rule is the line up to the first whitespace.
    absl::string_view rule = trimmed.substr(0, trimmed.find_first_of(" \t"));
    uint8_t kind = kNormal;
    if (absl::ConsumePrefix(&rule, "!")) {
      kind = kException;
    } else if (absl::ConsumePrefix(&rule, "*.")) {
      kind = kWildcard;
    }
    std::vector<std::string> labels;
    for (absl::string_view label : absl::StrSplit(rule, '.')) {
      if (label == "*") {
        return error("has a wildcard that is not its leftmost label");
      }
      absl::StatusOr<std::string> ascii = ToAsciiLabel(label);
      if (!ascii.ok()) return error(ascii.status().message());
      absl::AsciiStrToLower(&*ascii);
      const std::string problem = LabelProblem(*ascii);
      if (!problem.empty()) return error(problem);
      labels.push_back(*std::move(ascii));
    }
    if (kind == kException && labels.size() < 2) {
      return error("is an exception to a top-level domain");
    }
    Rules& rules = psl.rules_[absl::StrJoin(labels, ".")];
    if (rules.kinds & kind) return error("is listed twice");
    rules.kinds |= kind;
    if (in_private) rules.from_private |= kind;
    ++psl.rule_count_;
  }
  if (psl.rule_count_ == 0) {
    return absl::InvalidArgumentError("public suffix list has no rules");
  }
  return psl;
}

absl::StatusOr<PublicSuffixList> PublicSuffixList::Load(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(
        "cannot read the public suffix list ", path,
        "; install Debian's publicsuffix package (third_party/setup.sh)"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  absl::StatusOr<PublicSuffixList> psl = Parse(text.str());
  if (!psl.ok()) {
    return absl::Status(psl.status().code(),
                        absl::StrCat(path, ": ", psl.status().message()));
  }
  return psl;
}

bool PublicSuffixList::Has(absl::string_view key, uint8_t kind,
                           Sections sections, Section* section) const {
  auto it = rules_.find(key);
  if (it == rules_.end() || !(it->second.kinds & kind)) return false;
  const bool is_private = (it->second.from_private & kind) != 0;
  if (is_private && sections == Sections::kIcannOnly) return false;
  *section = is_private ? Section::kPrivate : Section::kIcann;
  return true;
}

PublicSuffixList::Match PublicSuffixList::LookupValid(absl::string_view host,
                                                      Sections sections) const {
  // starts[i] is where the suffix of the last (n - i) labels begins.
  std::vector<size_t> starts = {0};
  for (size_t i = 0; i < host.size(); ++i) {
    if (host[i] == '.') starts.push_back(i + 1);
  }
  const size_t n = starts.size();
  auto suffix = [&](size_t i) { return host.substr(starts[i]); };

  Match match;
  size_t suffix_index = n;  // none yet
  // An exception rule prevails over every other rule; it makes its parent
  // the public suffix.
  for (size_t i = 0; i + 1 < n && suffix_index == n; ++i) {
    if (Has(suffix(i), kException, sections, &match.section)) {
      suffix_index = i + 1;
    }
  }
  // Otherwise the rule with the most labels: the first match from the left.
  for (size_t i = 0; i < n && suffix_index == n; ++i) {
    if (Has(suffix(i), kNormal, sections, &match.section) ||
        (i + 1 < n &&
         Has(suffix(i + 1), kWildcard, sections, &match.section))) {
      suffix_index = i;
    }
  }
  if (suffix_index == n) {  // the implicit "*" rule
    suffix_index = n - 1;
    match.section = Section::kIcann;
  }
  match.public_suffix = std::string(suffix(suffix_index));
  if (suffix_index > 0) {
    match.registrable_domain = std::string(suffix(suffix_index - 1));
  }
  return match;
}

absl::StatusOr<PublicSuffixList::Match> PublicSuffixList::Lookup(
    absl::string_view host, Sections sections) const {
  absl::StatusOr<std::string> name = NormalizeDnsName(host);
  if (!name.ok()) return name.status();
  return LookupValid(*name, sections);
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
