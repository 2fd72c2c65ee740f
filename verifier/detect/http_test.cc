#include "verifier/detect/http.h"

#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::detect {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

TEST(ParseUrl, SplitsAbsoluteUrls) {
  absl::StatusOr<Url> u =
      ParseUrl("HTTPS://user:pw@API.Example.com:8443/v1/x%20y?a=1&b=%40#frag");
  ASSERT_THAT(u, IsOk());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "api.example.com");
  EXPECT_EQ(u->port, 8443u);
  EXPECT_EQ(u->path, "/v1/x%20y");
  EXPECT_TRUE(u->has_query);
  EXPECT_EQ(u->query, "a=1&b=%40");

  u = ParseUrl("http://[2001:db8::1]/");
  ASSERT_THAT(u, IsOk());
  EXPECT_EQ(u->host, "2001:db8::1");
  EXPECT_EQ(u->port, 80u);

  u = ParseUrl("wss://example.org?x");
  ASSERT_THAT(u, IsOk());
  EXPECT_EQ(u->path, "/");
  EXPECT_EQ(u->port, 443u);
  EXPECT_EQ(u->query, "x");
}

TEST(ParseUrl, RefusesWhatIsNotAnAbsoluteHttpUrl) {
  EXPECT_THAT(ParseUrl("/relative"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the request URL is not absolute"));
  EXPECT_THAT(
      ParseUrl("ftp://example.org/"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "the request URL's scheme is not http, https, ws or wss"));
  EXPECT_THAT(ParseUrl("https://example.org:0/"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the request URL has an invalid port"));
  EXPECT_THAT(ParseUrl("https://example.org:+80/"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the request URL has an invalid port"));
  EXPECT_THAT(ParseUrl("https://:80/"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the request URL has no host"));
  EXPECT_THAT(ParseUrl("https://[::1/"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the request URL has an unterminated IPv6 address"));
}

TEST(ParseQuery, DecodesPairs) {
  EXPECT_EQ(ParseQuery("a=1&&b=x+y%26&c&=v"),
            (std::vector<NameValue>{
                {"a", "1"}, {"b", "x y&"}, {"c", ""}, {"", "v"}}));
}

TEST(LooksLikeForm, TellsFormsFromTextAndBase64) {
  EXPECT_TRUE(LooksLikeForm("a=1&b=alice@example.org"));
  EXPECT_TRUE(LooksLikeForm("max-age=0"));
  EXPECT_FALSE(LooksLikeForm("YWJjZA=="));  // base64 padding
  EXPECT_FALSE(LooksLikeForm("a = 1"));
  EXPECT_FALSE(LooksLikeForm("https://x.org/?a=1"));
  EXPECT_FALSE(LooksLikeForm("flag"));
  EXPECT_FALSE(LooksLikeForm(""));
}

TEST(Cookies, SplitHeader) {
  EXPECT_EQ(ParseCookieHeader(" a=1; b = x=y ;c;"),
            (std::vector<NameValue>{{"a", "1"}, {"b", "x=y"}, {"c", ""}}));
}

TEST(ContentType, MediaTypeAndParameters) {
  EXPECT_EQ(MediaType(" Multipart/Form-Data ; boundary=abc"),
            "multipart/form-data");
  EXPECT_EQ(ContentTypeParameter(
                "multipart/form-data; BOUNDARY=\"a\\\"b c\"; x=1", "boundary"),
            "a\"b c");
  EXPECT_EQ(ContentTypeParameter("text/plain; charset=utf-8", "charset"),
            "utf-8");
  EXPECT_EQ(ContentTypeParameter("text/plain", "charset"), std::nullopt);
}

TEST(ParseMultipart, SplitsParts) {
  const std::string body =
      "preamble\r\n--XyZ\r\n"
      "Content-Disposition: form-data; name=\"meta\"\r\n"
      "Content-Type: application/json\r\n\r\n"
      "{\"a\":1}\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"photo\"; "
      "filename=\"me.jpg\"\r\n\r\n"
      "\xff\xd8\r\nbinary\r\n"
      "--XyZ--\r\n";
  std::vector<MultipartPart> parts = ParseMultipart(body, "XyZ");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "meta");
  EXPECT_EQ(parts[0].content_type, "application/json");
  EXPECT_EQ(parts[0].body, "{\"a\":1}");
  EXPECT_EQ(parts[1].name, "photo");
  EXPECT_EQ(parts[1].file_name, "me.jpg");
  EXPECT_EQ(parts[1].body, "\xff\xd8\r\nbinary");
  EXPECT_TRUE(ParseMultipart(body, "other").empty());
  EXPECT_TRUE(ParseMultipart(body, "").empty());
  // Truncated: the last part runs to the end.
  parts = ParseMultipart("--b\nContent-Disposition: form-data; name=x\n\nvalue",
                         "b");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].name, "x");
  EXPECT_EQ(parts[0].body, "value");
}

}  // namespace
}  // namespace candor::detect
