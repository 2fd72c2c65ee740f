// Test helpers: detections in a form that is easy to write down in a test
// and to compare exactly, with readable failure output.

#ifndef CANDOR_VERIFIER_DETECT_TEST_UTIL_H_
#define CANDOR_VERIFIER_DETECT_TEST_UTIL_H_

#include <ostream>
#include <string>
#include <vector>

#include "proto/candor/measurement/v1/measurement.pb.h"
#include "verifier/detect/identities.h"

namespace candor::detect::testing {

// A detection with its honey value named by its index in the identities.
struct D {
  measurement::v1::Where where;
  std::string name;
  std::string data_type;
  std::vector<measurement::v1::Encoding> encodings;
  int honey;  // -1 if the commitment names no identity
  std::string evidence;

  bool operator==(const D& o) const;
};

void PrintTo(const D& d, std::ostream* os);

D ToD(const measurement::v1::Detection& d, const Identities& identities);
std::vector<D> ToD(
    const google::protobuf::RepeatedPtrField<measurement::v1::Detection>& ds,
    const Identities& identities);
std::vector<D> ToD(const std::vector<measurement::v1::Detection>& ds,
                   const Identities& identities);

}  // namespace candor::detect::testing

#endif  // CANDOR_VERIFIER_DETECT_TEST_UTIL_H_
