// The reference tables the verifier integration tests run with: the shipped
// organisations and a small IP-to-country table holding the demo's
// addresses (1.0.1.0-1.0.3.255 in CN, 93.184.216.0/24 in US), as the parts
// a verifier publishes. Failures are test failures (EXPECT), not statuses.

#ifndef CANDOR_TESTS_VERIFIER_DEMO_TABLES_H_
#define CANDOR_TESTS_VERIFIER_DEMO_TABLES_H_

#include <memory>

#include "absl/strings/string_view.h"
#include "verifier/reference/resolver.h"

namespace candor::testing {

// `source` names the IP table's source in its parts (the test's name).
std::unique_ptr<reference::PartsResolver> DemoTables(absl::string_view source);

}  // namespace candor::testing

#endif  // CANDOR_TESTS_VERIFIER_DEMO_TABLES_H_
