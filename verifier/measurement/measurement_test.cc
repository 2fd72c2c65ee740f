#include "verifier/measurement/measurement.h"

#include <functional>

#include "gtest/gtest.h"
#include "log/statement/statement.h"
#include "tests/support/status_matchers.h"
#include "verifier/subject/app_subject.h"

namespace candor::measurement {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

const absl::Time kNow = absl::FromUnixSeconds(1800000000);
const std::string kCommitment(64, 'a');

google::protobuf::Timestamp At(absl::Duration before_now) {
  google::protobuf::Timestamp t;
  t.set_seconds(absl::ToUnixSeconds(kNow - before_now));
  return t;
}

v1::Measurement Valid() {
  v1::Measurement m;
  m.set_app("android:com.example.app");
  m.set_app_version("2.1.0");
  m.set_auditor("lab-one");
  m.set_capture_sha256(std::string(64, '0'));
  m.set_consent(v1::TRACKING_DECLINED);
  m.set_vantage_country("DE");
  *m.mutable_start_time() = At(absl::Hours(2));
  *m.mutable_end_time() = At(absl::Hours(1));
  auto* h = m.add_honey();
  h->set_data_type("contacts.contacts");
  h->set_commitment(kCommitment);
  auto* f = m.add_flows();
  *f->mutable_time() = At(absl::Minutes(90));
  f->set_host("api.tracker.example");
  f->set_server_ip("203.0.113.7");
  f->set_port(443);
  f->set_method("POST");
  f->set_path("/v1/upload");
  auto* d = f->add_detections();
  d->set_data_type("contacts.contacts");
  d->set_where(v1::BODY_JSON);
  d->set_name("$.contacts[0].phone");
  d->add_encodings(v1::SHA256);
  d->set_honey_commitment(kCommitment);
  return m;
}

TEST(ValidateMeasurement, AcceptsValid) {
  EXPECT_THAT(ValidateMeasurement(Valid(), kNow), IsOk());
}

TEST(ValidateMeasurement, RefusesEachProblem) {
  struct Case {
    std::function<void(v1::Measurement&)> mutate;
    std::string message;
  } cases[] = {
      {[](auto& m) { m.set_app("com.example"); },
       "measurement app \"com.example\" must be \"android:<package>\", "
       "\"ios:<bundle id>\" or \"web:https://<host>\""},
      {[](auto& m) { m.clear_capture_sha256(); },
       "measurement capture_sha256 is missing: give the SHA-256 of the raw capture"},
      {[](auto& m) { m.set_capture_sha256("ABC"); },
       "measurement capture_sha256 must be 64 lower-case hex digits"},
      {[](auto& m) { m.set_vantage_country("XX"); },
       "measurement vantage_country \"XX\" is not an ISO 3166-1 alpha-2 code"},
      {[](auto& m) { m.clear_consent(); },
       "measurement consent is missing: NO_INTERACTION, TRACKING_ACCEPTED or "
       "TRACKING_DECLINED"},
      {[](auto& m) { *m.mutable_end_time() = At(absl::Hours(3)); },
       "measurement end_time is before start_time"},
      {[](auto& m) { *m.mutable_end_time() = At(-absl::Hours(1)); },
       "measurement end_time is in the future"},
      {[](auto& m) { *m.mutable_start_time() = At(absl::Hours(24 * 8)); },
       "measurement time window is longer than 7 days; split the run into "
       "several measurements"},
      {[](auto& m) { m.mutable_honey(0)->set_data_type("gps"); },
       "measurement honey[0].data_type \"gps\" is not a Candor data type"},
      {[](auto& m) { *m.mutable_flows(0)->mutable_time() = At(absl::Minutes(10)); },
       "measurement flows[0].time (2027-01-15T07:50:00+00:00) is outside the "
       "measurement's time window"},
      {[](auto& m) { m.mutable_flows(0)->set_host("bad host"); },
       "measurement flows[0].host \"bad host\" is not a DNS name or IP address"},
      {[](auto& m) { m.mutable_flows(0)->set_server_ip("example.com"); },
       "measurement flows[0].server_ip \"example.com\" is not an IP address"},
      {[](auto& m) { m.mutable_flows(0)->set_port(0); },
       "measurement flows[0].port must be 1 to 65535"},
      {[](auto& m) { m.mutable_flows(0)->set_path("/a?phone=1"); },
       "measurement flows[0].path must start with '/' and carry no query or fragment"},
      {[](auto& m) { m.mutable_flows(0)->mutable_detections(0)->set_data_type("x"); },
       "measurement flows[0].detections[0].data_type \"x\" is not a Candor data type"},
      {[](auto& m) {
         m.mutable_flows(0)->mutable_detections(0)->set_honey_commitment(std::string(64, 'b'));
       },
       "measurement flows[0].detections[0].honey_commitment does not name one of "
       "the measurement's honey values"},
  };
  for (const Case& c : cases) {
    v1::Measurement m = Valid();
    c.mutate(m);
    EXPECT_THAT(ValidateMeasurement(m, kNow),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message));
  }
}

class FixedLog : public admission::LogView {
 public:
  absl::Time Now() const override { return kNow; }
  absl::StatusOr<std::optional<admission::IndexedEntry>> FindEntry(
      const merkle::Hash&) const override {
    return std::nullopt;
  }
};

TEST(MeasurementValidator, SignerMustBeTheAuditorAndSubjectTheApp) {
  registry::RegistryState state;
  registry::PrincipalRecord other;
  other.mutable_registration()->set_name("lab-two");
  FixedLog log;
  // Valid() ended an hour before kNow: a log with a two-hour window.
  admission::ValidationContext context{state, log, &other, absl::Hours(2)};
  SignedStatement st;
  st.statement.subjects.push_back(NamedSubject("android:com.example.app"));
  st.statement.predicate_type = std::string(kMeasurementPredicateType);
  st.statement.predicate_json = PredicateToJson(Valid());
  MeasurementValidator validator;
  EXPECT_THAT(validator.Validate(st, context),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "the measurement names auditor \"lab-one\" but is signed "
                       "by \"lab-two\""));
  other.mutable_registration()->set_name("lab-one");
  EXPECT_THAT(validator.Validate(st, context), IsOk());
  st.statement.subjects[0] = NamedSubject("android:com.other");
  EXPECT_THAT(validator.Validate(st, context),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a measurement statement's subject must be named "
                       "\"android:com.example.app\" after its app, not "
                       "\"android:com.other\""));
}

// A measurement that names its binary has that binary as its subject, stating
// the measured version.
TEST(MeasurementValidator, BinarySubjectMatchesBinaryAndVersion) {
  registry::RegistryState state;
  registry::PrincipalRecord auditor;
  auditor.mutable_registration()->set_name("lab-one");
  FixedLog log;
  admission::ValidationContext context{state, log, &auditor, absl::Hours(2)};
  const std::string hex(64, 'c');
  v1::Measurement m = Valid();  // version 2.1.0
  m.set_binary_sha256(hex);
  SignedStatement st;
  st.statement.subjects.push_back(
      *subject::BinarySubject("android:com.example.app", "2.1.0", hex));
  st.statement.predicate_type = std::string(kMeasurementPredicateType);
  st.statement.predicate_json = PredicateToJson(m);
  MeasurementValidator validator;
  EXPECT_THAT(validator.Validate(st, context), IsOk());

  st.statement.subjects[0] =
      *subject::BinarySubject("android:com.example.app", "2.2", hex);
  EXPECT_THAT(validator.Validate(st, context),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a measurement statement's subject states version "
                       "\"2.2\" but the measurement's app_version is "
                       "\"2.1.0\""));
  st.statement.subjects[0] =
      *subject::BinarySubject("android:com.example.app", "2.1.0", std::string(64, 'd'));
  EXPECT_THAT(validator.Validate(st, context),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a measurement statement's subject has digest sha256 " +
                           std::string(64, 'd') + " but binary_sha256 is " + hex));
  st.statement.subjects[0] = NamedSubject("android:com.example.app");
  EXPECT_THAT(validator.Validate(st, context),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "a measurement statement about the build binary_sha256 " +
                           hex +
                           " must have that binary as its subject "
                           "(\"android:com.example.app@<version or *>\" with "
                           "that sha256 digest), not the app subject "
                           "\"android:com.example.app\""));
}

// Fresh or refused: the run must have ended within the log's window.
TEST(MeasurementValidator, RefusesARunThatEndedOutsideTheWindow) {
  registry::RegistryState state;
  registry::PrincipalRecord auditor;
  auditor.mutable_registration()->set_name("lab-one");
  FixedLog log;
  admission::ValidationContext context{state, log, &auditor};
  SignedStatement st;
  st.statement.subjects.push_back(NamedSubject("android:com.example.app"));
  st.statement.predicate_type = std::string(kMeasurementPredicateType);
  MeasurementValidator validator;
  v1::Measurement m = Valid();
  *m.mutable_start_time() = At(absl::Minutes(20));
  *m.mutable_flows(0)->mutable_time() = At(absl::Minutes(10));
  *m.mutable_end_time() = At(absl::Minutes(4));
  st.statement.predicate_json = PredicateToJson(m);
  EXPECT_THAT(validator.Validate(st, context), IsOk());
  *m.mutable_end_time() = At(absl::Minutes(6));
  st.statement.predicate_json = PredicateToJson(m);
  EXPECT_THAT(validator.Validate(st, context),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "measurement end_time 2027-01-15T07:54:00Z is 6m before now "
                       "(2027-01-15T08:00:00Z); the log admits only signed times "
                       "within 5m of its clock: sign it again with the current "
                       "time"));
  st.statement.predicate_json = PredicateToJson(Valid());  // ended an hour ago
  EXPECT_THAT(validator.Validate(st, context),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "measurement end_time 2027-01-15T07:00:00Z is 1h before now "
                       "(2027-01-15T08:00:00Z); the log admits only signed times "
                       "within 5m of its clock: sign it again with the current "
                       "time"));
}

}  // namespace
}  // namespace candor::measurement
