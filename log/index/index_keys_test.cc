#include "log/index/index_keys.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"

namespace candor::index {
namespace {

using ::testing::ElementsAre;

TEST(IndexKeysTest, AnAppSubjectAndTheNamedSigner) {
  Statement st;
  st.subjects.push_back(NamedSubject("android:com.example.app"));
  st.predicate_type = std::string(kClaimType);
  st.predicate_json = R"({"issuer":"example-vendor","app":{"id":"android:com.example.app"}})";
  EXPECT_THAT(IndexKeysOf(st),
              ElementsAre("android:com.example.app", "signer:example-vendor"));
}

TEST(IndexKeysTest, ABuildIsFiledUnderItsAppAndItsDigest) {
  Statement st;
  Subject binary;
  binary.name = "android:com.example.app@2.3.1";
  binary.digest["sha256"] = std::string(64, 'a');
  binary.annotations["app"] = "android:com.example.app";
  binary.annotations["version"] = "2.3.1";
  st.subjects.push_back(binary);
  st.predicate_type = std::string(kMeasurementType);
  st.predicate_json = R"({"auditor":"lab-one"})";
  EXPECT_THAT(IndexKeysOf(st), ElementsAre("android:com.example.app", "sha256:" + std::string(64, 'a'),
                                           "signer:lab-one"));
}

TEST(IndexKeysTest, ARegistrationIsFiledUnderItsPrincipal) {
  Statement st;
  st.subjects.push_back(NamedSubject("principal:lab-one"));
  st.predicate_type = std::string(kRegistrationType);
  st.predicate_json = R"({"name":"lab-one"})";
  EXPECT_THAT(IndexKeysOf(st), ElementsAre("principal:lab-one"));
}

TEST(IndexKeysTest, NothingIsFiledUnderTheEmptyKey) {
  Statement st;
  st.subjects.push_back(NamedSubject("principal:v"));
  st.subjects.push_back(NamedSubject(""));
  st.predicate_type = std::string(kDisputeType);
  st.predicate_json = R"({"issuer":"v"})";
  EXPECT_THAT(IndexKeysOf(st), ElementsAre("principal:v", "signer:v"));
}

TEST(IndexKeysTest, AnEntryThatIsNotAStatementHasNoKeys) {
  EXPECT_TRUE(IndexKeysOfEntry("not json").empty());
}

}  // namespace
}  // namespace candor::index
