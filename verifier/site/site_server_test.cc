// The site's HTTP answers and its static copy, from a hand-made Site.

#include "verifier/site/site_server.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/http/http_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"
#include "verifier/site/html.h"
#include "verifier/site/site_writer.h"

namespace candor::site {
namespace {

using ::candor::testing::IsOk;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

Site Small() {
  Site site;
  site.tree_size = 10;
  site.files["index.html"] = {"text/html; charset=utf-8", "<!DOCTYPE html>home"};
  site.files["api/v1/log.json"] = {"application/json", "{}"};
  site.files["static/site.css"] = {"text/css; charset=utf-8", "body{}"};
  return site;
}

http::HttpRequest Get(const std::string& path, const std::string& method = "GET") {
  http::HttpRequest r;
  r.method = method;
  r.path = path;
  return r;
}

TEST(SiteServerTest, AnswersPagesWithTheSecurityHeaders) {
  Site site = Small();
  http::HttpResponse r = AnswerRequest(&site, Get("/"), nullptr);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<!DOCTYPE html>home");
  EXPECT_THAT(r.headers, Contains(Pair("Content-Security-Policy",
                                       std::string(kContentSecurityPolicy))));
  EXPECT_THAT(r.headers, Contains(Pair("X-Content-Type-Options", "nosniff")));
  EXPECT_THAT(r.headers, Contains(Pair("Referrer-Policy", "no-referrer")));
  EXPECT_THAT(r.headers, Contains(Pair("Cache-Control", "no-cache")));
  EXPECT_EQ(AnswerRequest(&site, Get("/static/site.css"), nullptr).content_type,
            "text/css; charset=utf-8");
}

TEST(SiteServerTest, RefusesOtherMethodsUnknownPathsAndServesNothingBeforeABuild) {
  Site site = Small();
  EXPECT_EQ(AnswerRequest(&site, Get("/index.html", "POST"), nullptr).status, 405);
  EXPECT_EQ(AnswerRequest(&site, Get("/nope.html"), nullptr).status, 404);
  EXPECT_EQ(AnswerRequest(&site, Get("/../index.html"), nullptr).status, 404);
  EXPECT_EQ(AnswerRequest(nullptr, Get("/"), nullptr).status, 503);
}

TEST(SiteServerTest, AsksForConsistencyProofsOfOlderSizesOnly) {
  Site site = Small();
  std::vector<std::pair<uint64_t, uint64_t>> asked;
  ConsistencySource source = [&asked](uint64_t o, uint64_t n) -> absl::StatusOr<std::string> {
    asked.emplace_back(o, n);
    return std::string("{\"proof\":[]}");
  };
  EXPECT_EQ(AnswerRequest(&site, Get("/api/v1/consistency/4.json"), source).status, 200);
  EXPECT_EQ(AnswerRequest(&site, Get("/api/v1/consistency/10.json"), source).status, 404);
  EXPECT_EQ(AnswerRequest(&site, Get("/api/v1/consistency/0.json"), source).status, 404);
  EXPECT_EQ(asked, (std::vector<std::pair<uint64_t, uint64_t>>{{4, 10}}));
}

TEST(SiteServerTest, ServesOverHttp) {
  absl::StatusOr<std::unique_ptr<SiteServer>> server = SiteServer::Start("127.0.0.1:0", nullptr);
  ASSERT_THAT(server, IsOk());
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  absl::StatusOr<http::HttpReply> early = http::HttpGet((*server)->address(), "/", deadline);
  ASSERT_THAT(early, IsOk());
  EXPECT_EQ(early->status, 503);
  (*server)->Publish(std::make_shared<const Site>(Small()));
  absl::StatusOr<http::HttpReply> page = http::HttpGet((*server)->address(), "/", deadline);
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->body, "<!DOCTYPE html>home");
  absl::StatusOr<http::HttpReply> missing =
      http::HttpGet((*server)->address(), "/missing", deadline);
  ASSERT_THAT(missing, IsOk());
  EXPECT_EQ(missing->status, 404);
  absl::StatusOr<http::HttpReply> post =
      http::HttpPost((*server)->address(), "/", "x", "text/plain", deadline);
  ASSERT_THAT(post, IsOk());
  EXPECT_EQ(post->status, 405);
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(SiteWriterTest, WritesTheSameBytesAndRemembersPublishedSizes) {
  const std::string dir = ::testing::TempDir() + "/site_writer";
  std::filesystem::remove_all(dir);
  Site site = Small();
  site.files["api/v1/consistency/7.json"] = {"application/json", "{\"oldSize\":7}"};
  ASSERT_THAT(WriteSite(site, dir), IsOk());
  for (const auto& [path, file] : site.files) {
    EXPECT_EQ(ReadAll(std::filesystem::path(dir) / path), file.body) << path;
  }
  // Again, changed: the new bytes replace the old.
  site.files["index.html"].body = "changed";
  ASSERT_THAT(WriteSite(site, dir), IsOk());
  EXPECT_EQ(ReadAll(std::filesystem::path(dir) / "index.html"), "changed");
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(dir) / "index.html.tmp"));
  EXPECT_EQ(PublishedSizes(dir), std::set<uint64_t>{7});
  // A size that left the kept window loses its proof, and is no longer
  // remembered after a restart.
  RemoveConsistencyFile(dir, 7);
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(dir) / "api/v1/consistency/7.json"));
  EXPECT_EQ(PublishedSizes(dir), std::set<uint64_t>{});
  RemoveConsistencyFile(dir, 7);  // already gone: nothing to do

  Site bad;
  bad.files["../escape"] = {"text/plain", "x"};
  EXPECT_THAT(WriteSite(bad, dir), ::candor::testing::StatusCodeIs(
                                       absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace candor::site
