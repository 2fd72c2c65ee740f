#include "tests/support/test_claims.h"

#include <string>

#include "log/statement/predicate_types.h"
#include "proto/candor/claim/v1/claim.pb.h"

namespace candor::testing {

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

Statement MinimalClaimStatement(absl::string_view app, absl::string_view issuer,
                                absl::Time issued_at, absl::Time effective_at,
                                absl::string_view text) {
  claim::v1::Claim c;
  c.mutable_app()->set_id(std::string(app));
  c.set_issuer(std::string(issuer));
  *c.mutable_issued_at() = ToTimestamp(issued_at);
  *c.mutable_effective_at() = ToTimestamp(effective_at);
  c.set_text(std::string(text));
  claim::v1::Assertion* a = c.add_assertions();
  a->set_id("no-location");
  a->add_data_types("location");
  a->set_practice(claim::v1::NOT_COLLECTED);
  a->set_consent(claim::v1::ALWAYS);
  Statement st;
  st.subjects.push_back(NamedSubject(app));
  st.predicate_type = std::string(kClaimType);
  st.predicate_json = PredicateToJson(c);
  return st;
}

}  // namespace candor::testing
