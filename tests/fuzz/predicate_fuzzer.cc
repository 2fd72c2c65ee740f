// Fuzzes the validation of every predicate beyond parsing: claims (every
// problem, as `candor claim lint` lists them), measurements, findings and
// reference-data parts (canonical form and part proof).
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "log/statement/statement.h"
#include "verifier/claim/claim.h"
#include "verifier/finding/finding.h"
#include "verifier/measurement/measurement.h"
#include "verifier/reference/reference_data.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string json(reinterpret_cast<const char*>(data), size);
  const absl::Time now = absl::FromUnixSeconds(1795000000);
  candor::claim::v1::Claim claim;
  if (candor::ParsePredicate(json, claim).ok()) {
    (void)candor::claim::ClaimProblems(claim, now, nullptr);
  }
  candor::measurement::v1::Measurement measurement;
  if (candor::ParsePredicate(json, measurement).ok()) {
    (void)candor::measurement::ValidateMeasurement(measurement, now);
  }
  candor::finding::v1::Finding finding;
  if (candor::ParsePredicate(json, finding).ok()) {
    (void)candor::finding::ValidateFinding(finding);
  }
  candor::reference::v1::ReferenceData part;
  if (candor::ParsePredicate(json, part).ok()) {
    (void)candor::finding::ValidateReferenceData(part);
    (void)candor::reference::CanonicalPart(part);
    (void)candor::reference::VerifyPart(part);
  }
  return 0;
}
