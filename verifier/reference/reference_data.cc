#include "verifier/reference/reference_data.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "log/encoding/encoding.h"
#include "log/json/json.h"
#include "log/merkle/hash.h"
#include "log/merkle/proof.h"
#include "log/statement/predicate_types.h"

namespace candor::reference {
namespace {

using reference::v1::IpRange;
using reference::v1::Organisation;
using reference::v1::ReferenceData;

bool IsSha256Hex(absl::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool HasControlCharacter(absl::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

// "reference part 3 of 10 of table ip-countries (9f86d081884c)".
std::string PartName(const ReferenceData& part) {
  return absl::StrCat("reference part ", part.part(), " of ", part.parts(),
                      " of table ", QuoteForError(part.table()), " (",
                      part.table_sha256().substr(0, 12), ")");
}

absl::Status PartError(const ReferenceData& part, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(PartName(part), ": ", problem));
}

absl::Status CheckTableInfo(absl::string_view version,
                            absl::string_view source) {
  if (version.empty() || HasControlCharacter(version)) {
    return absl::InvalidArgumentError(
        "version must be non-empty text without control characters");
  }
  if (source.empty() || HasControlCharacter(source)) {
    return absl::InvalidArgumentError(
        "source must be non-empty text without control characters");
  }
  return absl::OkStatus();
}

std::string Header(absl::string_view table, absl::string_view version,
                   absl::string_view source) {
  return absl::StrCat(kCanonicalPartHeader, "\ntable ", table, "\nversion ",
                      version, "\nsource ", source, "\n");
}

// "<f> <first> <last>" with hex addresses of the family's width.
std::string CanonicalSpan(const IpAddress& first, const IpAddress& last) {
  return absl::StrCat(CanonicalIpAddress(first), " ",
                      CanonicalIpAddress(last).substr(2));
}

std::string OrganisationRow(const Organisation& org) {
  return absl::StrCat(org.name(), "\t", org.country(), "\t", org.kind(), "\t",
                      org.parent(), "\t", absl::StrJoin(org.domains(), ","),
                      "\n");
}

absl::StatusOr<std::string> CanonicalOrganisations(const ReferenceData& part) {
  if (part.ip_ranges_size() != 0 || !part.coverage_first().empty() ||
      !part.coverage_last().empty()) {
    return PartError(part, "an organisations part has IP ranges or coverage");
  }
  if (part.organisations_size() == 0) {
    return PartError(part, "has no organisations");
  }
  for (int i = 0; i < part.organisations_size(); ++i) {
    const Organisation& org = part.organisations(i);
    if (i > 0 && !(part.organisations(i - 1).name() < org.name())) {
      return PartError(
          part, absl::StrCat("organisations[", i, "] is not in name order"));
    }
    for (int d = 1; d < org.domains_size(); ++d) {
      if (!(org.domains(d - 1) < org.domains(d))) {
        return PartError(part, absl::StrCat("organisations[", i,
                                            "].domains are not sorted"));
      }
    }
  }
  // The table's own validation: fields, domains, duplicates.
  absl::StatusOr<OrganisationTable> table = OrganisationTable::Create(
      {part.organisations().begin(), part.organisations().end()},
      OrganisationTable::Parents::kMayBeMissing);
  if (!table.ok()) return PartError(part, table.status().message());
  std::string out = Header(part.table(), part.version(), part.source());
  for (const Organisation& org : part.organisations()) {
    out += OrganisationRow(org);
  }
  return out;
}

absl::StatusOr<std::string> CanonicalIpCountries(const ReferenceData& part) {
  if (part.organisations_size() != 0) {
    return PartError(part, "an ip-countries part has organisations");
  }
  absl::StatusOr<IpAddress> first = ParseIpAddress(part.coverage_first());
  absl::StatusOr<IpAddress> last = ParseIpAddress(part.coverage_last());
  if (!first.ok() || !last.ok()) {
    return PartError(part,
                     "coverage_first and coverage_last must be IP "
                     "addresses");
  }
  if (first->family != last->family || first->value > last->value) {
    return PartError(part, "coverage must be a non-empty span of one family");
  }
  if (part.ip_ranges_size() == 0) return PartError(part, "has no IP ranges");
  std::vector<IpCountryRange> ranges;
  ranges.reserve(part.ip_ranges_size());
  for (int i = 0; i < part.ip_ranges_size(); ++i) {
    const IpRange& r = part.ip_ranges(i);
    absl::StatusOr<IpAddress> a = ParseIpAddress(r.first());
    absl::StatusOr<IpAddress> b = ParseIpAddress(r.last());
    if (!a.ok() || !b.ok()) {
      return PartError(
          part, absl::StrCat("ip_ranges[", i, "] needs two IP addresses"));
    }
    if (a->family != first->family || b->family != first->family ||
        a->value < first->value || b->value > last->value) {
      return PartError(part, absl::StrCat("ip_ranges[", i,
                                          "] is outside the part's coverage"));
    }
    ranges.push_back(IpCountryRange{*a, *b, r.country()});
  }
  absl::StatusOr<IpCountryTable> table = IpCountryTable::FromRanges(ranges);
  if (!table.ok()) return PartError(part, table.status().message());
  if (table->size(first->family) != ranges.size()) {
    return PartError(part,
                     "has adjacent ranges with the same country, which "
                     "the canonical form merges");
  }
  std::string out = Header(part.table(), part.version(), part.source());
  absl::StrAppend(&out, "coverage ", CanonicalSpan(*first, *last), "\n");
  for (const IpCountryRange& r : ranges) {
    absl::StrAppend(&out, CanonicalSpan(r.first, r.last), " ", r.country, "\n");
  }
  return out;
}

// The levels of an in-memory Merkle tree, for proofs of a few thousand
// leaves at most.
class LeafTree : public merkle::NodeReader {
 public:
  explicit LeafTree(std::vector<merkle::Hash> leaves) {
    levels_.push_back(std::move(leaves));
    while (levels_.back().size() > 1) {
      const std::vector<merkle::Hash>& below = levels_.back();
      std::vector<merkle::Hash> level;
      for (size_t i = 0; i + 1 < below.size(); i += 2) {
        level.push_back(merkle::HashChildren(below[i], below[i + 1]));
      }
      levels_.push_back(std::move(level));
    }
  }

  absl::Status ReadNodes(absl::Span<const merkle::NodeId> ids,
                         absl::Span<merkle::Hash> out) override {
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i].level >= levels_.size() ||
          ids[i].index >= levels_[ids[i].level].size()) {
        return absl::InternalError("Merkle node outside the tree");
      }
      out[i] = levels_[ids[i].level][ids[i].index];
    }
    return absl::OkStatus();
  }

  size_t size() const { return levels_[0].size(); }

 private:
  std::vector<std::vector<merkle::Hash>> levels_;
};

absl::StatusOr<merkle::Hash> TreeHash(std::vector<merkle::Hash> leaves) {
  LeafTree tree(std::move(leaves));
  return merkle::RootFromNodes(tree.size(), tree);
}

// Fills in the digest, numbering and proofs of a table's parts, and checks
// that each fits in an entry.
absl::Status Seal(std::vector<ReferenceData>& parts) {
  std::vector<merkle::Hash> leaves;
  leaves.reserve(parts.size());
  for (const ReferenceData& part : parts) {
    absl::StatusOr<std::string> leaf = CanonicalPart(part);
    if (!leaf.ok()) return leaf.status();
    leaves.push_back(merkle::HashLeaf(*leaf));
  }
  LeafTree tree(std::move(leaves));
  absl::StatusOr<merkle::Hash> root = merkle::RootFromNodes(tree.size(), tree);
  if (!root.ok()) return root.status();
  const std::string digest = HexEncode(merkle::AsBytes(*root));
  for (size_t i = 0; i < parts.size(); ++i) {
    ReferenceData& part = parts[i];
    part.set_table_sha256(digest);
    part.set_part(static_cast<uint32_t>(i));
    part.set_parts(static_cast<uint32_t>(parts.size()));
    absl::StatusOr<std::vector<merkle::Hash>> proof =
        merkle::InclusionProof(i, parts.size(), tree);
    if (!proof.ok()) return proof.status();
    part.clear_part_proof();
    for (const merkle::Hash& h : *proof) {
      part.add_part_proof(std::string(merkle::AsBytes(h)));
    }
    const size_t json_size = PredicateToJson(part).size();
    if (json_size > kMaxPartJsonBytes) {
      return absl::ResourceExhaustedError(absl::StrCat(
          PartName(part), " is ", json_size, " bytes of JSON; the limit is ",
          kMaxPartJsonBytes, " so that it fits in one log entry"));
    }
  }
  return absl::OkStatus();
}

ReferenceData NewPart(absl::string_view table, const TableInfo& info) {
  ReferenceData part;
  part.set_table(std::string(table));
  part.set_version(info.version);
  part.set_source(info.source);
  return part;
}

// VerifyPart(), returning the part's canonical form.
absl::StatusOr<std::string> VerifiedLeaf(const ReferenceData& part) {
  if (!IsSha256Hex(part.table_sha256())) {
    return PartError(part, "table_sha256 must be 64 lower-case hex digits");
  }
  if (part.parts() == 0 || part.part() >= part.parts()) {
    return PartError(part, "part must be below parts (and parts above 0)");
  }
  std::vector<merkle::Hash> proof;
  for (const std::string& h : part.part_proof()) {
    absl::StatusOr<merkle::Hash> hash = merkle::HashFromBytes(h);
    if (!hash.ok()) {
      return PartError(part, "part_proof hashes must be 32 bytes");
    }
    proof.push_back(*hash);
  }
  absl::StatusOr<std::string> leaf = CanonicalPart(part);
  if (!leaf.ok()) return leaf.status();
  absl::StatusOr<std::string> root = HexDecode(part.table_sha256());
  if (!root.ok()) return PartError(part, "table_sha256 is not hex");
  absl::Status s = merkle::VerifyInclusion(
      part.part(), part.parts(), merkle::AsBytes(merkle::HashLeaf(*leaf)),
      proof, *root);
  if (!s.ok()) {
    return PartError(part, absl::StrCat("its content and part_proof do not "
                                        "match table_sha256 (",
                                        s.message(), ")"));
  }
  return leaf;
}

// A verified part and its canonical form.
struct VerifiedPart {
  const ReferenceData* data;
  std::string leaf;
};

// Verifies `parts`, which must all belong to one table named `table`, and
// returns them by part number, one per number.
absl::StatusOr<std::vector<VerifiedPart>> CollectParts(
    absl::Span<const ReferenceData> parts, absl::string_view table,
    PartSetInfo& info) {
  if (parts.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no parts of a ", json::Quote(table), " table given"));
  }
  std::map<uint32_t, VerifiedPart> by_number;
  for (const ReferenceData& part : parts) {
    if (part.table() != table) {
      return PartError(part, absl::StrCat("is not part of a ",
                                          json::Quote(table), " table"));
    }
    const ReferenceData& first = parts[0];
    if (part.table_sha256() != first.table_sha256() ||
        part.parts() != first.parts() || part.version() != first.version() ||
        part.source() != first.source()) {
      return PartError(part,
                       absl::StrCat("does not belong to the same table as ",
                                    PartName(first)));
    }
    absl::StatusOr<std::string> leaf = VerifiedLeaf(part);
    if (!leaf.ok()) return leaf.status();
    auto it = by_number.find(part.part());
    if (it == by_number.end()) {
      by_number.emplace(part.part(), VerifiedPart{&part, *std::move(leaf)});
    } else if (it->second.leaf != *leaf) {
      // Unreachable without a SHA-256 collision: both proofs verified.
      return PartError(part, "is given twice with different content");
    }
  }
  info.table = std::string(table);
  info.table_sha256 = parts[0].table_sha256();
  info.version = parts[0].version();
  info.source = parts[0].source();
  info.parts = parts[0].parts();
  std::vector<VerifiedPart> out;
  for (auto& [number, verified] : by_number) {
    info.present.push_back(number);
    out.push_back(std::move(verified));
  }
  if (info.complete()) {
    // Each proof already ties its leaf to the digest; recomputing the tree
    // from all leaves checks the same thing directly.
    std::vector<merkle::Hash> leaves;
    for (const VerifiedPart& p : out)
      leaves.push_back(merkle::HashLeaf(p.leaf));
    absl::StatusOr<merkle::Hash> root = TreeHash(std::move(leaves));
    if (!root.ok()) return root.status();
    if (HexEncode(merkle::AsBytes(*root)) != info.table_sha256) {
      return absl::InvalidArgumentError(
          absl::StrCat("the parts of table ", json::Quote(table),
                       " do not hash to its table_sha256 ", info.table_sha256));
    }
  }
  return out;
}

absl::Status RequireComplete(const PartSetInfo& info) {
  if (info.complete()) return absl::OkStatus();
  std::vector<uint32_t> missing;
  size_t j = 0;
  for (uint32_t k = 0; k < info.parts && missing.size() < 10; ++k) {
    if (j < info.present.size() && info.present[j] == k) {
      ++j;
    } else {
      missing.push_back(k);
    }
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "table ", json::Quote(info.table), " (", info.table_sha256.substr(0, 12),
      ") has ", info.parts, " parts; ", info.parts - info.present.size(),
      " are missing (", absl::StrJoin(missing, ", "),
      missing.size() < info.parts - info.present.size() ? ", ..." : "", ")"));
}

}  // namespace

absl::StatusOr<std::string> CanonicalPart(const ReferenceData& part) {
  if (absl::Status s = CheckTableInfo(part.version(), part.source()); !s.ok()) {
    return PartError(part, s.message());
  }
  if (part.table() == kOrganisationsTable) return CanonicalOrganisations(part);
  if (part.table() == kIpCountriesTable) return CanonicalIpCountries(part);
  return PartError(part, "table must be \"organisations\" or \"ip-countries\"");
}

absl::StatusOr<std::vector<ReferenceData>> SplitOrganisations(
    const OrganisationTable& table, const TableInfo& info) {
  if (absl::Status s = CheckTableInfo(info.version, info.source); !s.ok()) {
    return s;
  }
  if (table.organisations().empty()) {
    return absl::InvalidArgumentError("the organisations table is empty");
  }
  std::vector<ReferenceData> parts;
  size_t bytes = 0;
  for (const Organisation& org : table.organisations()) {
    const size_t row = OrganisationRow(org).size();
    if (parts.empty() ||
        parts.back().organisations_size() >=
            static_cast<int>(kOrganisationsPerPart) ||
        bytes + row > kOrganisationsPartBytes) {
      parts.push_back(NewPart(kOrganisationsTable, info));
      bytes = 0;
    }
    *parts.back().add_organisations() = org;
    bytes += row;
  }
  if (absl::Status s = Seal(parts); !s.ok()) return s;
  return parts;
}

absl::StatusOr<std::vector<ReferenceData>> SplitIpCountries(
    const IpCountryTable& table, const TableInfo& info) {
  if (absl::Status s = CheckTableInfo(info.version, info.source); !s.ok()) {
    return s;
  }
  if (table.size(IpFamily::kV4) + table.size(IpFamily::kV6) == 0) {
    return absl::InvalidArgumentError("the IP-to-country table is empty");
  }
  std::vector<ReferenceData> parts;
  for (IpFamily family : {IpFamily::kV4, IpFamily::kV6}) {
    const size_t n = table.size(family);
    const size_t per_part =
        family == IpFamily::kV4 ? kIpv4RowsPerPart : kIpv6RowsPerPart;
    for (size_t start = 0; start < n; start += per_part) {
      ReferenceData part = NewPart(kIpCountriesTable, info);
      const size_t end = std::min(n, start + per_part);
      for (size_t i = start; i < end; ++i) {
        const IpCountryRange r = table.range(family, i);
        IpRange* out = part.add_ip_ranges();
        out->set_first(FormatIpAddress(r.first));
        out->set_last(FormatIpAddress(r.last));
        out->set_country(r.country);
      }
      const IpAddress first{
          family, start == 0 ? absl::uint128(0)
                             : table.range(family, start).first.value};
      const IpAddress last{family,
                           end == n ? MaxAddress(family)
                                    : table.range(family, end).first.value - 1};
      part.set_coverage_first(FormatIpAddress(first));
      part.set_coverage_last(FormatIpAddress(last));
      parts.push_back(std::move(part));
    }
  }
  if (absl::Status s = Seal(parts); !s.ok()) return s;
  return parts;
}

absl::Status VerifyPart(const ReferenceData& part) {
  return VerifiedLeaf(part).status();
}

Statement PartStatement(const ReferenceData& part) {
  Statement statement;
  statement.subjects.push_back(
      NamedSubject(absl::StrCat("reference:", part.table())));
  statement.predicate_type = std::string(kReferenceDataType);
  statement.predicate_json = PredicateToJson(part);
  return statement;
}

std::string PartSetInfo::Label(absl::string_view table_name) const {
  if (table_sha256.empty())
    return absl::StrCat("table ", json::Quote(table_name));
  return absl::StrCat("table ", json::Quote(table_name), " (",
                      table_sha256.substr(0, 12), ")");
}

absl::StatusOr<PublishedOrganisations> PublishedOrganisations::FromParts(
    absl::Span<const ReferenceData> parts) {
  PublishedOrganisations out;
  absl::StatusOr<std::vector<VerifiedPart>> verified =
      CollectParts(parts, kOrganisationsTable, out.info_);
  if (!verified.ok()) return verified.status();
  std::vector<Organisation> organisations;
  const Organisation* previous = nullptr;
  for (const VerifiedPart& p : *verified) {
    for (const Organisation& org : p.data->organisations()) {
      if (previous != nullptr && !(previous->name() < org.name())) {
        return PartError(
            *p.data,
            absl::StrCat("organisation ", json::Quote(org.name()),
                         " is not after ", json::Quote(previous->name()),
                         " of an earlier part"));
      }
      previous = &org;
      organisations.push_back(org);
      out.part_of_.push_back(p.data->part());
    }
  }
  absl::StatusOr<OrganisationTable> table = OrganisationTable::Create(
      std::move(organisations),
      out.info_.complete() ? OrganisationTable::Parents::kMustBeListed
                           : OrganisationTable::Parents::kMayBeMissing);
  if (!table.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "table \"organisations\" (", out.info_.table_sha256.substr(0, 12),
        "): ", table.status().message()));
  }
  out.table_ = *std::move(table);
  return out;
}

absl::StatusOr<PublishedOrganisations> PublishedOrganisations::Reassemble(
    absl::Span<const ReferenceData> parts) {
  absl::StatusOr<PublishedOrganisations> out = FromParts(parts);
  if (!out.ok()) return out.status();
  if (absl::Status s = RequireComplete(out->info_); !s.ok()) return s;
  return out;
}

absl::StatusOr<PublishedIpCountries> PublishedIpCountries::FromParts(
    absl::Span<const ReferenceData> parts) {
  PublishedIpCountries out;
  absl::StatusOr<std::vector<VerifiedPart>> verified =
      CollectParts(parts, kIpCountriesTable, out.info_);
  if (!verified.ok()) return verified.status();
  std::vector<IpCountryRange> ranges;
  for (const VerifiedPart& p : *verified) {
    const ReferenceData& part = *p.data;
    // Verified above, so these parse.
    const IpAddress first = *ParseIpAddress(part.coverage_first());
    const IpAddress last = *ParseIpAddress(part.coverage_last());
    const bool first_of_table = part.part() == 0;
    const bool last_of_table = part.part() + 1 == part.parts();
    if (first_of_table && first.value != 0) {
      return PartError(part,
                       "is the table's first part but its coverage "
                       "does not start at its family's first address");
    }
    if (last_of_table && last.value != MaxAddress(last.family)) {
      return PartError(part,
                       "is the table's last part but its coverage "
                       "does not end at its family's last address");
    }
    if (!out.coverage_.empty()) {
      const Coverage& prev = out.coverage_.back();
      const bool adjacent = prev.part + 1 == part.part();
      if (prev.family == IpFamily::kV6 && first.family == IpFamily::kV4) {
        return PartError(part,
                         "covers IPv4 addresses after a part covering "
                         "IPv6 addresses");
      }
      if (prev.family == first.family && first.value <= prev.last) {
        return PartError(part, "covers addresses that an earlier part covers");
      }
      if (adjacent && prev.family == first.family &&
          first.value != prev.last + 1) {
        return PartError(part,
                         "leaves a gap after the previous part's coverage");
      }
      if (adjacent && prev.family != first.family &&
          (prev.last != MaxAddress(prev.family) || first.value != 0)) {
        return PartError(part, "leaves a gap where the address family changes");
      }
    }
    out.coverage_.push_back(
        Coverage{first.family, first.value, last.value, part.part()});
    for (const IpRange& r : part.ip_ranges()) {
      ranges.push_back(IpCountryRange{*ParseIpAddress(r.first()),
                                      *ParseIpAddress(r.last()), r.country()});
    }
  }
  absl::StatusOr<IpCountryTable> table = IpCountryTable::FromRanges(ranges);
  if (!table.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "table \"ip-countries\" (", out.info_.table_sha256.substr(0, 12),
        "): ", table.status().message()));
  }
  out.table_ = *std::move(table);
  return out;
}

absl::StatusOr<PublishedIpCountries> PublishedIpCountries::Reassemble(
    absl::Span<const ReferenceData> parts) {
  absl::StatusOr<PublishedIpCountries> out = FromParts(parts);
  if (!out.ok()) return out.status();
  if (absl::Status s = RequireComplete(out->info_); !s.ok()) return s;
  return out;
}

absl::StatusOr<PublishedIpCountries::Answer> PublishedIpCountries::Lookup(
    const IpAddress& address) const {
  const IpAddress a = Unmapped(address);
  auto it = std::upper_bound(coverage_.begin(), coverage_.end(), a,
                             [](const IpAddress& x, const Coverage& c) {
                               return std::make_pair(x.family, x.value) <
                                      std::make_pair(c.family, c.first);
                             });
  if (it == coverage_.begin() || (--it)->family != a.family ||
      a.value > it->last) {
    return absl::FailedPreconditionError(
        absl::StrCat("no given part of ", info_.Label(kIpCountriesTable),
                     " covers ", FormatIpAddress(a)));
  }
  Answer answer;
  answer.part = it->part;
  if (std::optional<IpCountryRange> r = table_.Find(a); r.has_value()) {
    answer.country = std::move(r->country);
  }
  return answer;
}

absl::StatusOr<std::string> PublishedIpCountries::CountryOf(
    absl::string_view ip) const {
  absl::StatusOr<IpAddress> address = ParseIpAddress(ip);
  if (!address.ok()) return address.status();
  absl::StatusOr<Answer> answer = Lookup(*address);
  if (!answer.ok()) return answer.status();
  if (answer->country.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "no country is known for ", FormatIpAddress(Unmapped(*address)),
        ": part ", answer->part, " of ", info_.Label(kIpCountriesTable),
        " covers it and lists it in no range"));
  }
  return std::move(answer->country);
}

}  // namespace candor::reference
