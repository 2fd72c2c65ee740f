// Reference tables as log entries: the canonical form and digest of a table,
// its split into ReferenceData parts that each fit in one entry, and reading
// parts back, all of them (reassembly) or only some (a finding bundle
// carries just the parts its attributions used).
//
// Canonical form. A table is a sequence of parts; each part's canonical form
// is UTF-8 text, lines ending in "\n":
//
//   candor-reference-part/v1
//   table <table>                       "organisations" or "ip-countries"
//   version <version>
//   source <source>
//   coverage <f> <first> <last>         ip-countries only: the part's span
//   <row>...                            in canonical order
//
// An ip-countries row is "<f> <first> <last> <CC>": f is 4 or 6, addresses
// are lower-case hex of fixed width (8 or 32 digits), CC the country; rows
// are sorted by (family, first), IPv4 first, non-overlapping, and adjacent
// rows with the same country are merged. An organisations row is
// "<name>\t<country>\t<kind>\t<parent>\t<domains>", domains sorted and
// joined by ","; rows are sorted by name (bytewise). Version, source and
// names contain no control characters, so the text is unambiguous.
//
// Digest. table_sha256 is the lower-case hex RFC 6962 Merkle tree hash
// (SHA-256, leaf = 0x00 || canonical part, node = 0x01 || left || right) of
// the parts' canonical forms in part order, and part_proof the RFC 9162
// inclusion proof of part `part` in that tree of `parts` leaves.
//
// Split rule (what SplitOrganisations and SplitIpCountries do, so that the
// digest is a function of the table alone): ip-countries puts the IPv4 rows
// in parts of kIpv4RowsPerPart, then the IPv6 rows in parts of
// kIpv6RowsPerPart (the last of each family may be shorter); a part's
// coverage starts at its family's first address (first part of the family)
// or at its first row's first address, and ends just before the next part's
// coverage or at the family's last address. Organisations go in name order,
// a new part starting when the current one has kOrganisationsPerPart rows or
// the next row would take its rows past kOrganisationsPartBytes bytes. Each
// part's predicate JSON (protobuf JSON mapping) must be at most
// kMaxPartJsonBytes, so the signed DSSE envelope (payload base64 inside)
// stays under the 65,535-byte entry limit with ~4 KB to spare. Readers do not
// require this split, only that the parts verify.
//
// Trust in a single part. A part is a statement signed by a registered
// verifier and included in the log; its proof binds it, by hash, as part
// `part` of the table whose digest is table_sha256, so no other content can
// pose as that part. Its coverage makes it self-describing: every address in
// the span is either in one of its rows or in no row of the table, so one
// part answers for every address it covers, including "unassigned". Whether
// the whole table is well formed (coverage tiling each address family,
// organisation names in order across parts) can only be checked with every
// part; anyone can do so once per table digest (Reassemble*), and every
// finding that cites a part of that digest inherits the result. An unknown
// organisation ("no organisation lists this domain") needs every part of the
// organisations table, which is small.
//
// Functions are pure and thread-safe; Published* objects are immutable.
// Errors are INVALID_ARGUMENT saying which part and what is wrong,
// FAILED_PRECONDITION when a lookup needs a part that was not given, and
// RESOURCE_EXHAUSTED when a part would not fit in an entry.

#ifndef CANDOR_VERIFIER_REFERENCE_REFERENCE_DATA_H_
#define CANDOR_VERIFIER_REFERENCE_REFERENCE_DATA_H_

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "log/statement/statement.h"
#include "proto/candor/reference/v1/reference.pb.h"
#include "verifier/reference/ip_address.h"
#include "verifier/reference/ip_country.h"
#include "verifier/reference/organisations.h"

namespace candor::reference {

inline constexpr absl::string_view kOrganisationsTable = "organisations";
inline constexpr absl::string_view kIpCountriesTable = "ip-countries";
inline constexpr absl::string_view kCanonicalPartHeader =
    "candor-reference-part/v1";

// The split rule (part of the digest's definition; see above).
inline constexpr size_t kIpv4RowsPerPart = 600;
inline constexpr size_t kIpv6RowsPerPart = 350;
inline constexpr size_t kOrganisationsPerPart = 100;
inline constexpr size_t kOrganisationsPartBytes = 16000;
inline constexpr size_t kMaxPartJsonBytes = 45000;

// The name, version and provenance of a table, as every part carries them.
struct TableInfo {
  std::string version;
  std::string source;
};

// A part of a published table, as a finding names it.
struct PartRef {
  std::string table;
  std::string table_sha256;
  uint32_t part = 0;

  bool operator==(const PartRef& o) const {
    return std::tie(table, table_sha256, part) ==
           std::tie(o.table, o.table_sha256, o.part);
  }
  bool operator<(const PartRef& o) const {
    return std::tie(table, table_sha256, part) <
           std::tie(o.table, o.table_sha256, o.part);
  }
};

// The canonical form of one part (a leaf of the table's tree), after
// checking that the part is well formed and in canonical order. Ignores
// table_sha256, part, parts and part_proof.
absl::StatusOr<std::string> CanonicalPart(
    const reference::v1::ReferenceData& part);

// Splits a whole table into parts that carry table_sha256, part, parts and
// part_proof. The table's version and source must be non-empty and free of
// control characters.
absl::StatusOr<std::vector<reference::v1::ReferenceData>> SplitOrganisations(
    const OrganisationTable& table, const TableInfo& info);
absl::StatusOr<std::vector<reference::v1::ReferenceData>> SplitIpCountries(
    const IpCountryTable& table, const TableInfo& info);

// Checks one part on its own: well formed, and its proof places its
// canonical form at `part` of `parts` under table_sha256.
absl::Status VerifyPart(const reference::v1::ReferenceData& part);

// The in-toto statement that publishes `part`: predicate type
// kReferenceDataType, one subject named "reference:<table>" (what the log's
// admission requires). Sign it with SignStatement().
Statement PartStatement(const reference::v1::ReferenceData& part);

// What every part of one table shares.
struct PartSetInfo {
  std::string table;
  std::string table_sha256;
  std::string version;
  std::string source;
  uint32_t parts = 0;             // in the whole table
  std::vector<uint32_t> present;  // part numbers given, ascending

  // Every part given; never true of the empty set (parts == 0).
  bool complete() const { return parts > 0 && present.size() == parts; }
  PartRef Ref(uint32_t part) const {
    return PartRef{table, table_sha256, part};
  }
  // For messages: table "ip-countries" (ef35ef8356d0).
  std::string Label(absl::string_view table_name) const;
};

// An organisations table read from some or all of its parts. The default
// object has no parts: every lookup in it needs a part it lacks.
class PublishedOrganisations {
 public:
  PublishedOrganisations() = default;

  // From any non-empty set of parts of one table, each verified (duplicates
  // of a part are allowed if identical). Names must ascend across the parts
  // given; when every part is given, parents must be listed and the leaves'
  // tree hash is recomputed and compared with table_sha256.
  static absl::StatusOr<PublishedOrganisations> FromParts(
      absl::Span<const reference::v1::ReferenceData> parts);
  // FromParts() of every part: FAILED_PRECONDITION naming the missing ones.
  static absl::StatusOr<PublishedOrganisations> Reassemble(
      absl::Span<const reference::v1::ReferenceData> parts);

  const PartSetInfo& info() const { return info_; }
  const OrganisationTable& table() const { return table_; }
  // The part that lists table().organisations()[index].
  uint32_t PartOf(size_t index) const { return part_of_[index]; }

 private:
  PartSetInfo info_;
  OrganisationTable table_;
  std::vector<uint32_t> part_of_;
};

// An ip-countries table read from some or all of its parts. The default
// object has no parts: every lookup is FAILED_PRECONDITION.
class PublishedIpCountries {
 public:
  PublishedIpCountries() = default;

  struct Answer {
    std::string country;  // empty: the address is in no range of the table
    uint32_t part = 0;    // the part that answers for the address
  };

  // From any non-empty set of parts of one table, each verified. Coverage
  // must ascend with part numbers without overlap, consecutive parts must
  // leave no gap, part 0 must start and the last part end its family's
  // address space; so a complete set tiles each family present. When every
  // part is given the tree hash is also recomputed.
  static absl::StatusOr<PublishedIpCountries> FromParts(
      absl::Span<const reference::v1::ReferenceData> parts);
  // FromParts() of every part: FAILED_PRECONDITION naming the missing ones.
  static absl::StatusOr<PublishedIpCountries> Reassemble(
      absl::Span<const reference::v1::ReferenceData> parts);

  // Where `address` (after Unmapped()) is located, per the part covering it;
  // FAILED_PRECONDITION if no given part covers it.
  absl::StatusOr<Answer> Lookup(const IpAddress& address) const;
  // The country of `ip` (text): INVALID_ARGUMENT if not an address,
  // NOT_FOUND if unassigned, FAILED_PRECONDITION if no given part covers it.
  absl::StatusOr<std::string> CountryOf(absl::string_view ip) const;

  const PartSetInfo& info() const { return info_; }
  const IpCountryTable& table() const { return table_; }

 private:
  struct Coverage {
    IpFamily family;
    absl::uint128 first;
    absl::uint128 last;
    uint32_t part;
  };

  PartSetInfo info_;
  IpCountryTable table_;
  std::vector<Coverage> coverage_;  // by (family, first), non-overlapping
};

}  // namespace candor::reference

#endif  // CANDOR_VERIFIER_REFERENCE_REFERENCE_DATA_H_
