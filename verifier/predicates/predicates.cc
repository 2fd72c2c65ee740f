#include "verifier/predicates/predicates.h"

#include "absl/strings/str_cat.h"
#include "verifier/claim/claim.h"
#include "verifier/claim/recording.h"
#include "verifier/finding/finding.h"
#include "verifier/geo/countries.h"
#include "verifier/measurement/measurement.h"

namespace candor::predicates {

absl::Status RegisterStatementValidators(admission::ValidatorRegistry& registry) {
  if (absl::Status s = geo::CheckCountries(); !s.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the statement validators judge country codes and cannot read them: ", s.message(),
        " (third_party/setup.sh installs Debian's iso-codes)"));
  }
  claim::RegisterClaimValidator(registry);
  claim::RegisterRecordingValidators(registry);
  measurement::RegisterMeasurementValidator(registry);
  finding::RegisterVerifierValidators(registry);
  return absl::OkStatus();
}

}  // namespace candor::predicates
