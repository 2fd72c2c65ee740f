#include "verifier/taxonomy/taxonomy.h"

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::taxonomy {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

TEST(Taxonomy, PlayDataSafetyHas14CategoriesAnd38Types) {
  int play_types = 0;
  absl::flat_hash_set<absl::string_view> play_categories, ids;
  for (const DataType& t : DataTypes()) {
    EXPECT_TRUE(ids.insert(t.id).second) << "duplicate " << t.id;
    ASSERT_NE(FindCategory(t.category), nullptr) << t.id;
    EXPECT_EQ(t.id.substr(0, t.category.size() + 1), std::string(t.category) + ".");
    if (t.in_play_data_safety) {
      ++play_types;
      play_categories.insert(t.category);
    }
  }
  EXPECT_EQ(play_types, 38);
  EXPECT_EQ(play_categories.size(), 14u);
  EXPECT_NE(FindType("biometrics.face_data"), nullptr);
}

TEST(Taxonomy, ExpandCategoriesAndTypes) {
  auto expanded = Expand({"location", "contacts.contacts", "location.precise"});
  ASSERT_THAT(expanded, IsOk());
  EXPECT_EQ(*expanded, (std::vector<std::string>{"contacts.contacts",
                                                 "location.approximate",
                                                 "location.precise"}));
  EXPECT_THAT(Expand({"contacts", "gps"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "unknown data type \"gps\"; use a Candor type such as "
                       "\"contacts.contacts\" or a category such as \"location\" "
                       "(see `candor claim types`)"));
  EXPECT_TRUE(Covers("location", "location.precise"));
  EXPECT_TRUE(Covers("location.precise", "location.precise"));
  EXPECT_FALSE(Covers("location.approximate", "location.precise"));
  EXPECT_FALSE(Covers("personal_info", "location.precise"));
  EXPECT_EQ(Label("personal_info.phone_number"), "Phone number");
  EXPECT_EQ(Label("location"), "Location");
}

TEST(Taxonomy, AppleMappingNamesOnlyKnownTypes) {
  for (const AppleMapping& m : AppleMappings()) {
    ASSERT_FALSE(m.candor.empty()) << m.apple;
    for (absl::string_view id : m.candor) {
      EXPECT_NE(FindType(id), nullptr) << m.apple << " -> " << id;
    }
  }
  auto phone = FromApple("Contact Info/Phone Number");
  ASSERT_THAT(phone, IsOk());
  EXPECT_EQ(*phone, std::vector<std::string>{"personal_info.phone_number"});
  EXPECT_THAT(FromApple("Contact Info/Fax"),
              StatusIs(absl::StatusCode::kNotFound,
                       "\"Contact Info/Fax\" is not an Apple App Privacy data type"));
}

}  // namespace
}  // namespace candor::taxonomy
