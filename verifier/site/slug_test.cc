#include "verifier/site/slug.h"

#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::site {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusCodeIs;

TEST(SlugTest, WritesApiMdExamples) {
  EXPECT_EQ(AppSlug("android:com.example.app"), "android_3Acom.example.app");
  EXPECT_EQ(AppSlug("a_b"), "a_5Fb");
  EXPECT_EQ(AppSlug("web:https://x.example/"), "web_3Ahttps_3A_2F_2Fx.example_2F");
  EXPECT_EQ(AppSlug("\xff"), "_FF");
}

TEST(SlugTest, RoundTrips) {
  for (const char* app : {"android:com.example.app", "ios:com.example.App", "a_5Fb", "",
                          "web:https://x.example/<script>", "caf\xc3\xa9"}) {
    absl::StatusOr<std::string> back = AppFromSlug(AppSlug(app));
    ASSERT_THAT(back, IsOk()) << app;
    EXPECT_EQ(*back, app);
  }
}

TEST(SlugTest, RefusesWhatAppSlugNeverWrites) {
  for (const char* slug : {"a:b", "a_3a", "a_3", "a_", "_41", "a/b", "a_ZZ"}) {
    EXPECT_THAT(AppFromSlug(slug), StatusCodeIs(absl::StatusCode::kInvalidArgument)) << slug;
  }
}

}  // namespace
}  // namespace candor::site
