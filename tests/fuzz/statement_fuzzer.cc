// Fuzzes DSSE envelopes, in-toto statements and every predicate's protobuf
// JSON mapping.
#include <cstddef>
#include <cstdint>
#include <string>

#include "log/statement/statement.h"
#include "proto/candor/claim/v1/claim.pb.h"
#include "proto/candor/finding/v1/finding.pb.h"
#include "proto/candor/measurement/v1/measurement.pb.h"
#include "proto/candor/reference/v1/reference.pb.h"
#include "proto/candor/registry/v1/registry.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string entry(reinterpret_cast<const char*>(data), size);
  auto st = candor::ParseSignedStatement(entry);
  if (st.ok()) {
    // What parses must serialize back to an envelope that parses the same.
    auto again = candor::dsse::ParseEnvelope(
        candor::dsse::SerializeEnvelope(st->envelope));
    if (!again.ok() || again->payload != st->envelope.payload) __builtin_trap();
  }
  // Predicates are read from the statement's predicate text, or the input.
  const std::string& json = st.ok() ? st->statement.predicate_json : entry;
  candor::registry::v1::Registration registration;
  candor::claim::v1::Claim claim;
  candor::measurement::v1::Measurement measurement;
  candor::reference::v1::ReferenceData reference;
  candor::finding::v1::Finding finding;
  (void)candor::ParsePredicate(json, registration);
  (void)candor::ParsePredicate(json, claim);
  (void)candor::ParsePredicate(json, measurement);
  (void)candor::ParsePredicate(json, reference);
  (void)candor::ParsePredicate(json, finding);
  return 0;
}
