#include "verifier/subject/app_subject.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/statement/statement.h"
#include "tests/support/status_matchers.h"

namespace candor::subject {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Pair;

constexpr absl::string_view kApp = "android:com.example.app";
const std::string kHex(64, 'a');
const std::string kOtherHex(64, 'b');

About Claim(absl::string_view binary) {
  return About{"claim", kApp, "app.binarySha256", binary};
}

TEST(BinarySubject, FollowsTheConvention) {
  absl::StatusOr<Subject> s = BinarySubject(kApp, "2.3.1", kHex);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->name, "android:com.example.app@2.3.1");
  EXPECT_THAT(s->digest, ElementsAre(Pair("sha256", kHex)));
  EXPECT_THAT(s->annotations,
              ElementsAre(Pair("app", "android:com.example.app"),
                          Pair("package", "com.example.app"),
                          Pair("version", "2.3.1")));
  absl::StatusOr<Subject> unversioned = BinarySubject("ios:com.example.App", "", kHex);
  ASSERT_THAT(unversioned, IsOk());
  EXPECT_EQ(unversioned->name, "ios:com.example.App@*");
  EXPECT_THAT(unversioned->annotations,
              ElementsAre(Pair("app", "ios:com.example.App"),
                          Pair("package", "com.example.App")));
}

TEST(BinarySubject, RefusesWebAppsAndBadDigests) {
  EXPECT_THAT(BinarySubject("web:https://example.com", "", kHex),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "\"web:https://example.com\" has no binary: only android: "
                       "and ios: apps have an APK, AAB or IPA to name by digest"));
  EXPECT_THAT(BinarySubject(kApp, "", "ABC"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "binary digest \"ABC\" must be 64 lower-case hex digits "
                       "(SHA-256)"));
}

TEST(CheckSubjects, AcceptsTheAppSubjectWithoutABinary) {
  EXPECT_THAT(CheckSubjects({NamedSubject(kApp)}, Claim("")), IsOk());
  EXPECT_EQ(*CheckSubjects({NamedSubject(kApp)}, Claim("")), "");
}

TEST(CheckSubjects, AcceptsTheBinarySubjectAndReturnsItsVersion) {
  EXPECT_EQ(*CheckSubjects({*BinarySubject(kApp, "2.3.1", kHex)}, Claim(kHex)),
            "2.3.1");
  EXPECT_EQ(*CheckSubjects({*BinarySubject(kApp, "", kHex)}, Claim(kHex)), "");
}

TEST(CheckSubjects, RefusesInconsistentSubjects) {
  const absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
  Subject other_app = *BinarySubject("android:com.other", "1", kHex);
  Subject wrong_package = *BinarySubject(kApp, "1", kHex);
  wrong_package.annotations["package"] = "com.other";
  Subject wrong_name = *BinarySubject(kApp, "1", kHex);
  wrong_name.name = "android:com.example.app@2";
  Subject no_app = *BinarySubject(kApp, "", kHex);
  no_app.annotations.erase("app");
  struct Case {
    std::vector<Subject> subjects;
    std::string binary;
    std::string message;
  } cases[] = {
      {{}, "", "a claim statement must have exactly one subject, has 0"},
      {{NamedSubject(kApp), NamedSubject(kApp)}, "",
       "a claim statement must have exactly one subject, has 2"},
      {{NamedSubject("android:com.other")}, "",
       "a claim statement's subject must be named \"android:com.example.app\" "
       "after its app, not \"android:com.other\""},
      {{*BinarySubject(kApp, "1", kHex)}, "",
       "a claim statement's subject \"android:com.example.app@1\" is a binary "
       "(it has annotations or an '@' in its name) but the claim names no "
       "app.binarySha256: set it to the binary's digest, or make the subject "
       "the app, \"android:com.example.app\""},
      {{NamedSubject(kApp)}, kHex,
       "a claim statement about the build app.binarySha256 " + kHex +
           " must have that binary as its subject (\"android:com.example.app@"
           "<version or *>\" with that sha256 digest), not the app subject "
           "\"android:com.example.app\""},
      {{other_app}, kHex,
       "a claim statement's subject is a binary of \"android:com.other\", not "
       "of the claim's app \"android:com.example.app\""},
      {{*BinarySubject(kApp, "1", kOtherHex)}, kHex,
       "a claim statement's subject has digest sha256 " + kOtherHex +
           " but app.binarySha256 is " + kHex},
      {{wrong_package}, kHex,
       "a claim statement: binary subject \"android:com.example.app@1\" "
       "annotation \"package\" \"com.other\" is not the package of "
       "\"android:com.example.app\" (\"com.example.app\")"},
      {{wrong_name}, kHex,
       "a claim statement: binary subject \"android:com.example.app@2\" must "
       "be named \"android:com.example.app@1\" (\"<app>@<version>\", or "
       "\"<app>@*\" without a version annotation)"},
      {{no_app}, kHex,
       "a claim statement: binary subject \"android:com.example.app@*\" has "
       "no \"app\" annotation naming the app id"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(CheckSubjects(c.subjects, Claim(c.binary)),
                StatusIs(kInvalid, c.message));
  }
}

TEST(ReadBinarySubject, RefusesAWebAppAndAMissingDigest) {
  Subject web = *BinarySubject(kApp, "", kHex);
  web.annotations = {{"app", "web:https://example.com"}};
  web.name = "web:https://example.com@*";
  EXPECT_THAT(ReadBinarySubject(web),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "binary subject \"web:https://example.com@*\" annotation "
                       "\"app\": \"web:https://example.com\" has no binary: only "
                       "android: and ios: apps have an APK, AAB or IPA to name "
                       "by digest"));
  Subject sha512 = *BinarySubject(kApp, "", kHex);
  sha512.digest = {{"sha512", kHex + kHex}};
  EXPECT_THAT(ReadBinarySubject(sha512),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "binary subject \"android:com.example.app@*\" must have a "
                       "sha256 digest of 64 hex digits: the SHA-256 of the APK, "
                       "AAB or IPA"));
}

}  // namespace
}  // namespace candor::subject
