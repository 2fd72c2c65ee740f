#include "verifier/claim/render.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "verifier/claim/claim.h"
#include "verifier/geo/countries.h"
#include "verifier/taxonomy/taxonomy.h"

namespace candor::claim {
namespace {

// Code points that reorder or hide text when a terminal shows it.
bool IsBidiControl(uint32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// Decodes the UTF-8 sequence at s[i]; its length in `len`, or 0 if invalid.
uint32_t DecodeUtf8(absl::string_view s, size_t i, size_t& len) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  len = 0;
  size_t n;
  uint32_t cp;
  if (c < 0x80) {
    len = 1;
    return c;
  } else if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid.
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  len = n;
  return cp;
}

std::string Quoted(absl::string_view s) { return absl::StrCat("\"", Printable(s), "\""); }

std::string JoinWith(const std::vector<std::string>& items,
                     absl::string_view last_separator) {
  if (items.size() <= 1) return items.empty() ? "" : items[0];
  return absl::StrCat(
      absl::StrJoin(items.begin(), items.end() - 1, ", "), last_separator,
      items.back());
}

absl::string_view ExemptionPhrase(v1::Exemption e) {
  switch (e) {
    case v1::SERVICE_PROVIDER:
      return "service provider";
    case v1::USER_INITIATED:
      return "user-initiated";
    case v1::EPHEMERAL_PROCESSING:
      return "ephemeral processing";
    case v1::LEGAL_REQUEST:
      return "legal request";
    case v1::ANONYMISED_DATA:
      return "anonymised data";
    default:
      return "unspecified";
  }
}

absl::string_view DocumentKind(v1::Document::Kind k) {
  switch (k) {
    case v1::Document::PRIVACY_POLICY:
      return "Privacy policy";
    case v1::Document::DATA_SAFETY_FORM:
      return "Google Play Data safety form";
    case v1::Document::APP_PRIVACY_LABEL:
      return "App Store privacy label";
    case v1::Document::OTHER:
      return "Other document";
    default:
      return "Document of unspecified kind";
  }
}

std::string Versions(const v1::App& app) {
  const std::string min = Printable(app.min_version());
  const std::string max = Printable(app.max_version());
  if (min.empty() && max.empty()) return "all versions";
  if (max.empty()) return absl::StrCat(min, " and later");
  if (min.empty()) return absl::StrCat("up to ", max);
  if (min == max) return absl::StrCat(min, " only");
  return absl::StrCat(min, " to ", max);
}

std::string TimeOrMissing(bool present, const google::protobuf::Timestamp& t) {
  return present ? FormatTimestamp(ToTime(t)) : "(missing)";
}

std::string OrMissing(absl::string_view s) {
  return s.empty() ? std::string("(missing)") : Printable(s);
}

}  // namespace

std::string Printable(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t len;
    const uint32_t cp = DecodeUtf8(s, i, len);
    if (len == 0) {
      absl::StrAppendFormat(&out, "\\x%02x", static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    if (cp < 0x20 || cp == 0x7F) {
      absl::StrAppendFormat(&out, "\\x%02x", cp);
    } else if (cp == '\\') {
      out += "\\\\";
    } else if ((cp >= 0x80 && cp <= 0x9F) || IsBidiControl(cp)) {
      absl::StrAppendFormat(&out, "\\u%04x", cp);
    } else {
      out.append(s.data() + i, len);
    }
    i += len;
  }
  return out;
}

std::string DescribeDataTypes(absl::Span<const std::string> ids) {
  absl::StatusOr<std::vector<std::string>> all = taxonomy::Expand(ids);
  if (all.ok() && all->size() == taxonomy::DataTypes().size()) {
    return "any user data";
  }
  std::vector<std::string> labels;
  labels.reserve(ids.size());
  for (const std::string& id : ids) labels.push_back(Printable(taxonomy::Label(id)));
  return absl::StrJoin(labels, ", ");
}

std::string DescribeCountries(absl::Span<const std::string> codes) {
  std::vector<std::string> names;
  names.reserve(codes.size());
  for (const std::string& code : codes) {
    const geo::Country* c = geo::FindCountry(code);
    names.push_back(c != nullptr ? absl::StrCat(c->name, " (", c->code, ")")
                                 : Quoted(code));
  }
  return JoinWith(names, " or ");
}

std::string DescribeConsent(v1::Consent consent) {
  switch (consent) {
    case v1::ALWAYS:
      return "whatever the user chose about tracking";
    case v1::WHEN_TRACKING_DECLINED:
      return "once the user has declined tracking";
    case v1::WHEN_TRACKING_ACCEPTED:
      return "once the user has accepted tracking";
    default:
      return "under a consent state not given";
  }
}

std::string DescribeAssertion(const v1::Assertion& a) {
  const std::string types = DescribeDataTypes(
      std::vector<std::string>(a.data_types().begin(), a.data_types().end()));
  const std::vector<std::string> countries(a.countries().begin(),
                                           a.countries().end());
  std::string out;
  switch (a.practice()) {
    case v1::NOT_COLLECTED:
      out = absl::StrCat("never collects ", types, ": none of it leaves the device");
      break;
    case v1::NOT_SHARED_WITH_THIRD_PARTIES:
      out = absl::StrCat("never shares ", types, " with third parties");
      break;
    case v1::SHARED_ONLY_WITH: {
      std::vector<std::string> orgs;
      for (const std::string& o : a.organisations()) orgs.push_back(Quoted(o));
      out = absl::StrCat("shares ", types, " with no third party other than ",
                         orgs.empty() ? "(none named)" : JoinWith(orgs, " and "));
      break;
    }
    case v1::NOT_SENT_TO_COUNTRIES:
      out = absl::StrCat("never sends ", types, " to endpoints located in ",
                         countries.empty() ? "(no country named)"
                                           : DescribeCountries(countries));
      break;
    case v1::ONLY_SENT_TO_COUNTRIES:
      out = absl::StrCat("sends ", types, " only to endpoints located in ",
                         countries.empty() ? "(no country named)"
                                           : DescribeCountries(countries));
      break;
    case v1::NOT_SENT_TO_ORGANISATIONS_OF_COUNTRIES:
      // Who receives the data, wherever its servers are: say both ways an
      // organisation can belong to a country, so that it does not read as
      // another endpoint practice.
      out = absl::StrCat("never sends ", types,
                         " to organisations attributed to ",
                         countries.empty() ? "(no country named)"
                                           : DescribeCountries(countries),
                         " (incorporated there or owned from there), wherever "
                         "their endpoints are located");
      break;
    default:
      out = absl::StrCat("(no practice given) about ", types);
      break;
  }
  absl::StrAppend(&out, ", ", DescribeConsent(a.consent()));
  if (a.exemptions_size() > 0) {
    std::vector<absl::string_view> ex;
    for (int e : a.exemptions()) {
      ex.push_back(ExemptionPhrase(static_cast<v1::Exemption>(e)));
    }
    absl::StrAppend(&out, "; relies on exemptions: ", absl::StrJoin(ex, ", "));
  }
  return out;
}

namespace {

// What RenderClaim and RenderRecording share: versions, times, the log
// entry, supersedes, certificate, documents, text and assertions (each with
// the interpretations `recording` gives it, if any).
void AppendClaimBody(const v1::Claim& claim, const std::optional<ClaimListing>& listing,
                     const v1::RecordedClaim* recording, std::string& out) {
  if (listing.has_value() && !listing->provenance.empty()) {
    absl::StrAppend(&out, "  Provenance:  ", Printable(listing->provenance), "\n");
  }
  absl::StrAppend(&out, "  Versions:    ", Versions(claim.app()), "\n");
  if (!claim.app().binary_sha256().empty()) {
    // A claim about one build says so next to the versions it covers.
    absl::StrAppend(&out, "  Build:       only the binary with SHA-256 ",
                    Printable(claim.app().binary_sha256()), "\n");
  }
  absl::StrAppend(&out, recording != nullptr ? "  Recorded:    " : "  Issued:      ",
                  TimeOrMissing(claim.has_issued_at(), claim.issued_at()), "\n");
  absl::StrAppend(&out, "  Effective:   ",
                  TimeOrMissing(claim.has_effective_at(), claim.effective_at()),
                  "\n");
  if (listing.has_value()) {
    absl::StrAppend(&out, "  Log entry:   ", listing->log_index, ", ",
                    ClaimStatusName(listing->status));
    if (listing->status == ClaimStatus::kSuperseded &&
        listing->superseded_by.has_value()) {
      absl::StrAppend(&out, " by entry ", *listing->superseded_by);
    }
    if (listing->status == ClaimStatus::kRepeat && listing->repeats.has_value()) {
      absl::StrAppend(&out, " of entry ", *listing->repeats,
                      " (the same signed statement, counted once)");
    }
    absl::StrAppend(&out, " at ", FormatTimestamp(listing->as_of), "\n");
  }
  if (!claim.supersedes().empty()) {
    absl::StrAppend(&out, "  Supersedes:  ", recording != nullptr ? "recording" : "claim",
                    " with leaf hash ", absl::Base64Escape(claim.supersedes()), "\n");
  }
  if (!claim.app().signing_cert_sha256().empty()) {
    absl::StrAppend(&out, "  Signing certificate SHA-256: ",
                    Printable(claim.app().signing_cert_sha256()), "\n");
  }
  if (claim.documents_size() > 0) {
    absl::StrAppend(&out, "  Documents:\n");
    for (const v1::Document& d : claim.documents()) {
      absl::StrAppend(&out, "    ", DocumentKind(d.kind()), ": ",
                      OrMissing(d.url()), " (SHA-256 ", OrMissing(d.sha256()), ")",
                      d.has_published_at()
                          ? absl::StrCat(", published ",
                                         FormatTimestamp(ToTime(d.published_at())))
                          : "",
                      "\n");
    }
  }
  if (!claim.text().empty()) {
    absl::StrAppend(&out, recording != nullptr ? "  In the recorder's words:\n"
                                               : "  In the vendor's words:\n");
    for (absl::string_view line : absl::StrSplit(claim.text(), '\n')) {
      absl::StrAppend(&out, "    ", Printable(line), "\n");
    }
  }
  absl::StrAppend(&out, recording != nullptr
                            ? "  Assertions (the recorder's reading, not the speaker's words):\n"
                            : "  Assertions:\n");
  if (claim.assertions_size() == 0) absl::StrAppend(&out, "    (none)\n");
  for (const v1::Assertion& a : claim.assertions()) {
    absl::StrAppend(&out, "    ", OrMissing(a.id()), ": ", DescribeAssertion(a),
                    ".\n");
    if (recording == nullptr) continue;
    for (const v1::Interpretation& in : recording->interpretations()) {
      if (in.assertion() != a.id()) continue;
      absl::StrAppend(&out, "      reads \"", Printable(in.sentence()), "\" (quote ",
                      Printable(in.quote()), "): ", Printable(in.reading()), "\n");
    }
  }
}

}  // namespace

std::string RenderClaim(const v1::Claim& claim,
                        const std::optional<ClaimListing>& listing) {
  std::string out = absl::StrCat("Claim by ", OrMissing(claim.issuer()),
                                 " about ", OrMissing(claim.app().id()), "\n");
  AppendClaimBody(claim, listing, nullptr, out);
  return out;
}

std::string RenderRecording(const v1::RecordedClaim& recording,
                            const std::optional<ClaimListing>& listing,
                            absl::Span<const RecordingDispute> disputes) {
  const v1::Claim& reading = recording.reading();
  std::string out = absl::StrCat(
      recording.kind() == v1::RecordedClaim::STORE_LABEL ? "Store label" : "Statement",
      " about ", OrMissing(reading.app().id()), ", recorded by ",
      OrMissing(recording.recorder()), "\n");
  absl::StrAppend(&out, "  Speaker:     ", OrMissing(recording.speaker().name()),
                  recording.speaker().principal().empty()
                      ? std::string(" (not a registered principal)")
                      : absl::StrCat(" (registered as ",
                                     Printable(recording.speaker().principal()), ")"),
                  "\n");
  const v1::Source& source = recording.source();
  absl::StrAppend(&out, "  Source:      ", OrMissing(source.publication()), ", ",
                  OrMissing(source.url()), ", published ",
                  TimeOrMissing(source.has_published_at(), source.published_at()), "\n");
  absl::StrAppend(&out, "  Archived:    SHA-256 ", OrMissing(source.archive_sha256()),
                  " (the recorder keeps the archive)\n");
  for (const v1::Quote& q : recording.quotes()) {
    absl::StrAppend(&out, "  Quote ", OrMissing(q.id()), " (", OrMissing(q.language()),
                    "): \"", Printable(q.text()), "\"\n");
  }
  const v1::FirstParty& first = recording.first_party();
  if (first.organisations_size() + first.domains_size() > 0) {
    std::vector<std::string> parties;
    for (const std::string& o : first.organisations()) parties.push_back(Quoted(o));
    for (const std::string& d : first.domains()) parties.push_back(Printable(d));
    absl::StrAppend(&out, "  First party (the recorder's reading): ",
                    absl::StrJoin(parties, ", "), "\n");
  }
  AppendClaimBody(reading, listing, &recording, out);
  for (const RecordingDispute& d : disputes) {
    absl::StrAppend(&out, "  Disputed by ", OrMissing(d.dispute.issuer()), " (log entry ",
                    d.log_index, ", ",
                    TimeOrMissing(d.dispute.has_issued_at(), d.dispute.issued_at()),
                    "):\n");
    for (absl::string_view line : absl::StrSplit(d.dispute.text(), '\n')) {
      absl::StrAppend(&out, "    ", Printable(line), "\n");
    }
  }
  return out;
}

}  // namespace candor::claim
