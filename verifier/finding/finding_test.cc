#include "verifier/finding/finding.h"

#include <functional>

#include "gtest/gtest.h"
#include "log/statement/statement.h"
#include "tests/support/status_matchers.h"

namespace candor::finding {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

v1::Finding Valid() {
  v1::Finding f;
  f.set_app("android:com.example.app");
  f.set_verifier("verifier-one");
  f.set_evaluator_version("candor-evaluate/1");
  f.mutable_claim()->set_index(3);
  f.mutable_claim()->set_leaf_hash(std::string(32, 'c'));
  auto* m = f.add_measurements();
  m->set_index(5);
  m->set_leaf_hash(std::string(32, 'm'));
  f.mutable_assertion()->set_id("a1");
  f.set_verdict(v1::CONTRADICTED);
  auto* flow = f.add_flows();
  flow->set_measurement(0);
  flow->set_host("collect.tracker.cn");
  flow->set_endpoint_country("CN");
  return f;
}

TEST(ValidateFinding, AcceptsValidAndRefusesEachProblem) {
  EXPECT_THAT(ValidateFinding(Valid()), IsOk());
  struct Case {
    std::function<void(v1::Finding&)> mutate;
    std::string message;
  } cases[] = {
      {[](auto& f) { f.clear_verifier(); }, "finding verifier is missing"},
      {[](auto& f) { f.clear_claim(); }, "finding claim is missing"},
      {[](auto& f) { f.mutable_claim()->set_leaf_hash("x"); },
       "finding claim must carry a 32-byte leaf hash"},
      {[](auto& f) { f.clear_verdict(); }, "finding verdict is missing"},
      {[](auto& f) { f.clear_measurements(); },
       "finding measurements must cite the measurements behind a non-consistent "
       "verdict"},
      {[](auto& f) { f.mutable_flows(0)->set_measurement(1); },
       "finding flows[0].measurement does not name one of the cited measurements"},
      {[](auto& f) { f.mutable_flows(0)->set_endpoint_country("ZZ"); },
       "finding flows[0].endpoint_country is not an ISO 3166-1 alpha-2 code"},
  };
  for (const Case& c : cases) {
    v1::Finding f = Valid();
    c.mutate(f);
    EXPECT_THAT(ValidateFinding(f), StatusIs(absl::StatusCode::kInvalidArgument, c.message));
  }
}

TEST(ValidateReferenceData, Parts) {
  reference::v1::ReferenceData d;
  d.set_table("ip-countries");
  d.set_table_sha256(std::string(64, 'a'));
  d.set_parts(2);
  d.set_part(1);
  auto* r = d.add_ip_ranges();
  r->set_first("1.0.0.0");
  r->set_last("1.0.0.255");
  r->set_country("AU");
  EXPECT_THAT(ValidateReferenceData(d), IsOk());
  d.set_part(2);
  EXPECT_THAT(ValidateReferenceData(d),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "reference data part must be below parts (and parts above 0)"));
  d.set_part(0);
  d.mutable_ip_ranges(0)->set_last("nope");
  EXPECT_THAT(ValidateReferenceData(d),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "reference data ip_ranges[0] needs two IP addresses and an "
                       "ISO 3166-1 alpha-2 country"));
  d.set_table("dns");
  EXPECT_THAT(ValidateReferenceData(d),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "reference data table must be \"organisations\" or "
                       "\"ip-countries\""));
}

class FixedLog : public admission::LogView {
 public:
  absl::Time Now() const override { return absl::FromUnixSeconds(1800000000); }
  absl::StatusOr<std::optional<admission::IndexedEntry>> FindEntry(
      const merkle::Hash&) const override {
    return std::nullopt;
  }
};

// Fresh or refused: a finding carries the time it was signed, and the log
// admits it only within its window.
TEST(FindingValidator, IssuedAtIsRequiredAndFresh) {
  registry::RegistryState state;
  registry::PrincipalRecord watchdog;
  watchdog.mutable_registration()->set_name("verifier-one");
  FixedLog log;
  admission::ValidationContext context{state, log, &watchdog};
  SignedStatement st;
  st.statement.subjects.push_back(NamedSubject("android:com.example.app"));
  FindingValidator validator;
  auto with_time = [&](std::optional<int64_t> seconds) {
    v1::Finding f = Valid();
    if (seconds) f.mutable_issued_at()->set_seconds(*seconds);
    st.statement.predicate_json = PredicateToJson(f);
    return validator.Validate(st, context);
  };
  EXPECT_THAT(with_time(1800000000 - 240), IsOk());
  EXPECT_THAT(with_time(std::nullopt),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "finding issued_at is missing: give the time of signing"));
  EXPECT_THAT(with_time(1800000000 - 360),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "finding issued_at 2027-01-15T07:54:00Z is 6m before now "
                       "(2027-01-15T08:00:00Z); the log admits only signed times "
                       "within 5m of its clock: sign it again with the current time"));
  EXPECT_THAT(with_time(1800000000 - 3600),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "finding issued_at 2027-01-15T07:00:00Z is 1h before now "
                       "(2027-01-15T08:00:00Z); the log admits only signed times "
                       "within 5m of its clock: sign it again with the current time"));
}

}  // namespace
}  // namespace candor::finding
