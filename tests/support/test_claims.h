// Small statements that integration tests sign and submit.
//
// Pure functions, thread-safe.

#ifndef CANDOR_TESTS_SUPPORT_TEST_CLAIMS_H_
#define CANDOR_TESTS_SUPPORT_TEST_CLAIMS_H_

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "log/statement/statement.h"

namespace candor::testing {

// `t` in whole seconds.
google::protobuf::Timestamp ToTimestamp(absl::Time t);

// A claim statement about `app` by the vendor `issuer`, with one assertion
// (precise location is never collected, "no-location"), issued at
// `issued_at`, in effect from `effective_at`. Distinct `text`s make
// distinct statements; an empty one is left out.
Statement MinimalClaimStatement(absl::string_view app, absl::string_view issuer,
                                absl::Time issued_at, absl::Time effective_at,
                                absl::string_view text = "");

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_TEST_CLAIMS_H_
