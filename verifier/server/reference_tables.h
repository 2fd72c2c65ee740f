// What the verifier attributes destinations with: reference tables it
// publishes as signed parts, and a resolver whose answers cite those parts.

#ifndef CANDOR_VERIFIER_SERVER_REFERENCE_TABLES_H_
#define CANDOR_VERIFIER_SERVER_REFERENCE_TABLES_H_

#include <vector>

#include "proto/candor/reference/v1/reference.pb.h"
#include "verifier/evaluate/evaluate.h"

namespace candor::verifier {

class ReferenceTables : public evaluate::DestinationResolver {
 public:
  // Every part of every table, in a fixed order: Destination::references
  // are positions in this list.
  virtual const std::vector<reference::v1::ReferenceData>& parts() const = 0;
};

}  // namespace candor::verifier

#endif  // CANDOR_VERIFIER_SERVER_REFERENCE_TABLES_H_
