// The destination resolver evaluation runs on, built from published
// reference parts: the verifier builds it from every part of the tables it
// publishes, `candor verify finding` from the parts a bundle carries. Both
// run the same Attributor on the same data, and Destination::references are
// positions in the parts given, so the caller maps them to log entries.
// Destination::organisation_chain holds the organisation and its parents
// with the position of the part listing each; a parent no given part lists
// ends the chain rather than failing, so a bundle cut for another practice's
// finding still resolves as it always did (attributor.h).
//
// The Public Suffix List is not published: it only names a host's
// registrable domain for people; organisations are matched by host suffix
// and first parties by the vendor's registered domains, so a verdict does
// not depend on the PSL's version.
//
// Immutable after construction; Resolve() is thread-safe.

#ifndef CANDOR_VERIFIER_REFERENCE_RESOLVER_H_
#define CANDOR_VERIFIER_REFERENCE_RESOLVER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/candor/reference/v1/reference.pb.h"
#include "verifier/evaluate/evaluate.h"
#include "verifier/reference/attributor.h"
#include "verifier/reference/organisations.h"
#include "verifier/reference/psl.h"
#include "verifier/reference/reference_data.h"

namespace candor::reference {

class PartsResolver final : public evaluate::DestinationResolver {
 public:
  // From parts of at most one organisations table and one ip-countries
  // table, each verified (reference_data.h). A table with no part given
  // answers every lookup with FAILED_PRECONDITION. INVALID_ARGUMENT names
  // the part that is wrong.
  static absl::StatusOr<std::unique_ptr<PartsResolver>> Create(
      PublicSuffixList psl, std::vector<reference::v1::ReferenceData> parts);

  // FAILED_PRECONDITION if the answer needs a part that was not given,
  // INVALID_ARGUMENT for a host or address that is not one.
  absl::StatusOr<evaluate::Destination> Resolve(
      absl::string_view host, absl::string_view server_ip) const override;

  // The parts, in the order given: Destination::references index them.
  const std::vector<reference::v1::ReferenceData>& parts() const { return parts_; }

 private:
  PartsResolver(std::vector<reference::v1::ReferenceData> parts,
                std::map<PartRef, size_t> positions, Attributor attributor)
      : parts_(std::move(parts)),
        positions_(std::move(positions)),
        attributor_(std::move(attributor)) {}

  std::vector<reference::v1::ReferenceData> parts_;
  std::map<PartRef, size_t> positions_;
  Attributor attributor_;
};

// Where the verifier's tables come from.
struct TableSources {
  std::string psl_path = std::string(kDebianPslPath);
  // data/organisations.json; empty: the copy built into the binary.
  std::string shipped_organisations;
  std::string operator_organisations;  // optional
  OperatorMode operator_mode = OperatorMode::kExtend;
  std::string ip_country_dir;  // the installed npm dataset
};

// Loads the tables, splits them into parts (organisations first) and builds
// the resolver over every part: what a verifier publishes and evaluates
// with. Errors name the file and what is wrong with it.
absl::StatusOr<std::unique_ptr<PartsResolver>> LoadVerifierTables(
    const TableSources& sources);

}  // namespace candor::reference

#endif  // CANDOR_VERIFIER_REFERENCE_RESOLVER_H_
