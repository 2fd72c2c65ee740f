#include "verifier/site/html.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::site {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(HtmlTest, EscapesTheFiveCharacters) {
  EXPECT_EQ(HtmlEscape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  EXPECT_EQ(HtmlEscape("plain café"), "plain café");
}

TEST(HtmlTest, LinkEscapesHrefAndText) {
  EXPECT_EQ(Link("a\"b.html", "<b>"), "<a href=\"a&quot;b.html\">&lt;b&gt;</a>");
}

TEST(HtmlTest, PageHasLandmarksCspAndExternalScriptsOnly) {
  std::string page = Page({"<t>", "../", {"verify.js"}}, "<p>body</p>");
  EXPECT_THAT(page, HasSubstr("<meta http-equiv=\"Content-Security-Policy\" content=\""
                              "default-src &#39;none&#39;; script-src &#39;self&#39;"));
  EXPECT_THAT(page, HasSubstr("name=\"viewport\""));
  for (const char* landmark : {"<header>", "<nav ", "<main ", "<footer>"}) {
    EXPECT_THAT(page, HasSubstr(landmark));
  }
  EXPECT_THAT(page, HasSubstr("<title>&lt;t&gt; "));
  EXPECT_THAT(page, HasSubstr("<link rel=\"stylesheet\" href=\"../static/site.css\">"));
  EXPECT_THAT(page, HasSubstr("<script src=\"../static/verify.js\" defer></script>"));
  EXPECT_THAT(page, HasSubstr("<p>body</p>"));
  EXPECT_THAT(page, Not(HasSubstr("style=")));
}

}  // namespace
}  // namespace candor::site
