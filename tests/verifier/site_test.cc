// The public site (verifier/site/API.md) of a real candor-verifier following
// a real log through the demo's story: a vendor whose display name is an
// attempted script injection signs a claim, a recorder records a statement
// of it, two auditors contradict it; then every page, JSON document and
// bundle the verifier built is checked, over HTTP and in its --site_dir
// copy.

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/http/http_client.h"
#include "client/cli_testing.h"
#include "client/verifier_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/json/json.h"
#include "log/keyfile/keyfile.h"
#include "log/merkle/hash.h"
#include "log/merkle/proof.h"
#include "log/note/checkpoint.h"
#include "tests/support/log_fixture.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/status_matchers.h"
#include "tests/verifier/demo_tables.h"
#include "verifier/bundle/bundle.h"
#include "verifier/reference/ip_country.h"
#include "verifier/reference/organisations.h"
#include "verifier/reference/resolver.h"
#include "verifier/server/verifier_server.h"
#include "verifier/site/html.h"
#include "verifier/site/slug.h"

namespace candor {
namespace {

namespace fpb = ::candor::finding::v1;
using ::candor::testing::IsOk;
using ::candor::testing::LogFixture;
using ::testing::HasSubstr;
using ::testing::Not;
using cli::Candor;
using cli::Result;

constexpr char kApp[] = "android:com.example.app";
constexpr char kEvilName[] = "Example <script>alert(1)</script> Ltd";

class SiteTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(absl::StrCat(::testing::TempDir(), "/site"));
    std::filesystem::remove_all(*dir_);
    std::filesystem::create_directories(*dir_);
    log_ = new LogFixture({.name = "site-log",
                           .admission = {.max_time_skew = absl::Hours(24 * 365 * 10)}});
    ASSERT_THAT(log_->Start(), IsOk());
    ASSERT_THAT(keyfile::WriteSecretFile(P("admin.key"), log_->admin_key().Pkcs8Pem()),
                IsOk());
    for (const char* name : {"example-app", "lab-one", "lab-two", "watchdog", "press-desk"}) {
      ASSERT_EQ(Candor({"keygen", "--name", name, "--out", *dir_}).code, 0);
    }
    Register({"--role", "vendor", "--name", "example-app", "--display_name", kEvilName,
              "--pub", P("example-app.pub"), "--app", kApp, "--org", "Example App Ltd",
              "--domain", "example-app.com"});
    Register({"--role", "auditor", "--name", "lab-one", "--pub", P("lab-one.pub")});
    Register({"--role", "auditor", "--name", "lab-two", "--pub", P("lab-two.pub")});
    Register({"--role", "verifier", "--name", "watchdog", "--pub", P("watchdog.pub")});
    Register({"--role", "recorder", "--name", "press-desk", "--display_name",
              "The Press Desk", "--pub", P("press-desk.pub")});

    verifier::VerifierServerConfig config;
    config.data_dir = P("verifier-db");
    config.log_address = log_->address();
    config.core.name = "watchdog";
    config.core.key = *keyfile::ReadPrivateKey(P("watchdog.key"));
    config.core.log_key = log_->log_signer().verifier();
    config.core.admin_key = log_->admin_key().public_key();
    config.core.quorum = 2;
    config.tables = testing::DemoTables("site_test");
    config.poll_interval = absl::Milliseconds(50);
    config.http_addr = "127.0.0.1:0";
    config.site_dir = P("www");
    config.site_interval = absl::ZeroDuration();  // every round, for the test
    config.site.log_key = log_->log_signer().verifier().EncodedKey();
    config.site.admin_key_pem = log_->admin_key().public_key().Pem();
    absl::StatusOr<std::unique_ptr<verifier::VerifierServer>> server =
        verifier::VerifierServer::Start(std::move(config));
    ASSERT_THAT(server, IsOk());
    verifier_ = server->release();
    client::ClientOptions options;
    options.timeout = absl::Seconds(60);
    client_ = new client::VerifierClient(verifier_->address(), options);

    // The vendor's claim, whose text tries a script too.
    ASSERT_THAT(keyfile::WritePublicFile(P("claim.json"), absl::StrCat(R"({
      "app": {"id": ")", kApp, R"(", "minVersion": "4.0"},
      "issuer": "example-app",
      "issuedAt": ")", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone()), R"(",
      "effectiveAt": "2026-01-01T00:00:00Z",
      "text": "We never share contacts <script>alert(2)</script> with third parties.",
      "assertions": [
        {"id": "no-sensitive-data-to-third-parties",
         "dataTypes": ["contacts.contacts", "personal_info.phone_number"],
         "practice": "NOT_SHARED_WITH_THIRD_PARTIES", "consent": "ALWAYS"}]})")),
                IsOk());
    Result signed_claim = Candor({"claim", "sign", "--key", P("example-app.key"),
                                  P("claim.json"), "--out", P("claim.dsse")});
    ASSERT_EQ(signed_claim.code, 0) << signed_claim.err;
    Result submitted =
        Candor({"claim", "submit", "--log", log_->address(), P("claim.dsse"), "--wait"});
    ASSERT_EQ(submitted.code, 0) << submitted.err;

    // A newspaper's recording of what the vendor said.
    std::ofstream(P("article.html"), std::ios::binary) << "<p>We never send data to China.</p>";
    ASSERT_THAT(keyfile::WritePublicFile(P("statement.json"), R"({
  "speaker": {"principal": "example-app", "name": "Example spokesperson"},
  "source": {"url": "https://daily.example/2026/09/14/answers",
             "publication": "The Daily Example", "publishedAt": "2026-09-14T00:00:00Z"},
  "quotes": [{"id": "q1", "language": "en",
              "text": "Our app never sends any data to China. We care about privacy."}],
  "reading": {
    "app": {"id": "android:com.example.app"},
    "assertions": [
      {"id": "no-user-data-to-cn", "dataTypes": ["location", "personal_info",
        "financial_info", "health_and_fitness", "messages", "photos_and_videos", "audio",
        "files_and_docs", "calendar", "contacts", "app_activity", "web_browsing",
        "app_info_and_performance", "device_or_other_ids", "biometrics"],
       "practice": "NOT_SENT_TO_COUNTRIES", "countries": ["CN"], "consent": "ALWAYS"}
    ]
  },
  "interpretations": [
    {"assertion": "no-user-data-to-cn", "quote": "q1",
     "sentence": "Our app never sends any data to China.",
     "reading": "any data read as any user data, sent to endpoints in China"}
  ]
})"),
                IsOk());
    Result recorded = Candor({"claim", "record", "--statement", P("statement.json"),
                              "--archive", P("article.html"), "--recorder", "press-desk",
                              "--key", P("press-desk.key"), "--out", P("statement.dsse")});
    ASSERT_EQ(recorded.code, 0) << recorded.err;
    Result logged = Candor({"submit", "--log", log_->address(), P("statement.dsse"), "--wait"});
    ASSERT_EQ(logged.code, 0) << logged.err;
    // The vendor disputes the reading.
    const std::string key = "\"leafHash\": \"";
    const size_t at = logged.out.find(key);
    ASSERT_NE(at, std::string::npos) << logged.out;
    const std::string leaf =
        logged.out.substr(at + key.size(), logged.out.find('"', at + key.size()) - at - key.size());
    Result disputed = Candor({"claim", "dispute", "--app", kApp, "--issuer", "example-app",
                              "--recording", leaf, "--text", "Misquoted: <b>web site</b> only.",
                              "--key", P("example-app.key"), "--out", P("dispute.dsse")});
    ASSERT_EQ(disputed.code, 0) << disputed.err;
    Result dispute_logged =
        Candor({"submit", "--log", log_->address(), P("dispute.dsse"), "--wait"});
    ASSERT_EQ(dispute_logged.code, 0) << dispute_logged.err;

    for (const char* lab : {"lab-one", "lab-two"}) {
      Result r = Candor({"measure", "har", "--har",
                         absl::StrCat("tests/demo/data/", lab, ".har"), "--identities",
                         absl::StrCat("tests/demo/data/identities-", lab, ".json"), "--app",
                         kApp, "--app_version", "4.2.0", "--auditor", lab, "--consent",
                         "declined", "--vantage_country", "DE", "--key",
                         P(absl::StrCat(lab, ".key")), "--out", P(absl::StrCat(lab, ".dsse"))});
      ASSERT_EQ(r.code, 0) << r.err;
      absl::StatusOr<std::string> m = keyfile::ReadSmallFile(P(absl::StrCat(lab, ".dsse")));
      ASSERT_THAT(m, IsOk());
      ASSERT_THAT(client_->SubmitMeasurement(*m), IsOk());
    }

    // Wait, one round at a time, until the site shows a confirmed finding
    // and the verifier has read its own findings back (the site then stops
    // changing).
    const absl::Time deadline = absl::Now() + absl::Minutes(3);
    while (true) {
      ASSERT_LT(absl::Now(), deadline) << "the site never showed a confirmed finding";
      const uint64_t round = verifier_->rounds();
      std::shared_ptr<const site::Site> s = verifier_->site();
      if (s != nullptr) {
        auto app = s->files.find(absl::StrCat("api/v1/apps/", site::AppSlug(kApp), ".json"));
        if (app != s->files.end() &&
            absl::StrContains(app->second.body, "\"confirmed\":true")) {
          absl::StatusOr<json::Value> log = json::Parse(s->files.at("api/v1/log.json").body);
          ASSERT_THAT(log, IsOk());
          if (log->Find("followedSize")->text() == log->Find("treeSize")->text()) {
            site_ = new std::shared_ptr<const site::Site>(s);
            break;
          }
        }
      }
      ASSERT_THAT(verifier_->WaitForRounds(round + 1, deadline), IsOk());
    }
  }

  static void TearDownTestSuite() {
    delete site_;
    delete client_;
    delete verifier_;
    delete log_;
    delete dir_;
  }

  static std::string P(const std::string& name) { return *dir_ + "/" + name; }

  static void Register(std::vector<std::string> args) {
    std::vector<std::string> argv = {"register", "--log", log_->address(), "--admin_key",
                                     P("admin.key"), "--wait"};
    argv.insert(argv.end(), args.begin(), args.end());
    Result r = Candor(argv);
    ASSERT_EQ(r.code, 0) << r.err;
  }

  static const site::Site& S() { return **site_; }
  static const std::string& File(const std::string& path) {
    auto it = S().files.find(path);
    EXPECT_NE(it, S().files.end()) << path;
    static const std::string* empty = new std::string();
    return it == S().files.end() ? *empty : it->second.body;
  }
  static std::string AppPath() { return absl::StrCat("apps/", site::AppSlug(kApp), ".html"); }
  static json::Value Json(const std::string& path) {
    absl::StatusOr<json::Value> v = json::Parse(File(path));
    EXPECT_THAT(v, IsOk()) << path;
    return v.ok() ? *std::move(v) : json::Value();
  }

  static std::string* dir_;
  static LogFixture* log_;
  static verifier::VerifierServer* verifier_;
  static client::VerifierClient* client_;
  static std::shared_ptr<const site::Site>* site_;
};

std::string* SiteTest::dir_ = nullptr;
LogFixture* SiteTest::log_ = nullptr;
verifier::VerifierServer* SiteTest::verifier_ = nullptr;
client::VerifierClient* SiteTest::client_ = nullptr;
std::shared_ptr<const site::Site>* SiteTest::site_ = nullptr;

TEST_F(SiteTest, TheAppPageSaysTheClaimTheFindingAndWhereEachFactIs) {
  const std::string& page = File(AppPath());
  json::Value app = Json(absl::StrCat("api/v1/apps/", site::AppSlug(kApp), ".json"));
  // The claim, in plain words, and its provenance.
  EXPECT_THAT(page, HasSubstr("never shares Contacts, Phone number with third parties"));
  EXPECT_THAT(page, HasSubstr("the vendor&#39;s signed claim"));
  EXPECT_THAT(page, HasSubstr("The Press Desk&#39;s reading of a statement quoted in The "
                              "Daily Example"));
  EXPECT_THAT(page, HasSubstr("Our app never sends any data to China."));
  EXPECT_THAT(page, HasSubstr("any data read as any user data, sent to endpoints in China"));
  EXPECT_THAT(page, HasSubstr("Misquoted: &lt;b&gt;web site&lt;/b&gt; only."));
  // The finding, its verdict, next to what contradicts it.
  EXPECT_THAT(page, HasSubstr("contradicted, confirmed"));
  EXPECT_THAT(page, HasSubstr("The app sent Contacts to c.igexin.com (Merit Interactive Co., "
                              "Ltd.), an endpoint located in China (CN)"));
  // Measurements: auditor, consent, vantage, what went where.
  EXPECT_THAT(page, HasSubstr("By lab-two"));
  EXPECT_THAT(page, HasSubstr("tracking declined"));
  EXPECT_THAT(page, HasSubstr("measured from Germany (DE)"));
  // Every claim, measurement and finding links to its entry page, which exists.
  for (const char* list : {"claims", "measurements", "findings"}) {
    ASSERT_NE(app.Find(list), nullptr) << list;
    ASSERT_FALSE(app.Find(list)->items().empty()) << list;
    for (const json::Value& item : app.Find(list)->items()) {
      const std::string index = item.Find("index")->text();
      EXPECT_THAT(page, HasSubstr(absl::StrCat("href=\"../entries/", index, ".html\"")));
      EXPECT_TRUE(S().files.count(absl::StrCat("entries/", index, ".html"))) << index;
      EXPECT_TRUE(S().files.count(absl::StrCat("api/v1/entries/", index, ".bundle.json")));
    }
  }
  // API.md's members.
  for (const char* member : {"app", "slug", "vendors", "binaries", "claims", "measurements",
                             "findings"}) {
    EXPECT_NE(app.Find(member), nullptr) << member;
  }
  const json::Value& claim = app.Find("claims")->items().front();
  for (const char* member : {"index", "kind", "status", "provenance", "issuer", "issuedAt",
                             "effectiveAt", "text", "assertions", "speaker", "source",
                             "quotes", "interpretations"}) {
    EXPECT_NE(claim.Find(member), nullptr) << member;
  }
  const json::Value& finding = app.Find("findings")->items().front();
  for (const char* member : {"index", "claimIndex", "assertionId", "assertion", "verdict",
                             "confirmed", "standsAgainst", "summary"}) {
    EXPECT_NE(finding.Find(member), nullptr) << member;
  }
  const json::Value& m = app.Find("measurements")->items().front();
  for (const char* member : {"index", "auditor", "startTime", "endTime", "consent",
                             "vantageCountry", "appVersion", "flows"}) {
    EXPECT_NE(m.Find(member), nullptr) << member;
  }
}

TEST_F(SiteTest, WhatEntriesSayIsShownNeverRun) {
  const std::string& page = File(AppPath());
  EXPECT_THAT(page, HasSubstr("Example &lt;script&gt;alert(1)&lt;/script&gt; Ltd"));
  EXPECT_THAT(page, HasSubstr("&lt;script&gt;alert(2)&lt;/script&gt;"));
  EXPECT_THAT(File("index.html"), HasSubstr("Example &lt;script&gt;alert(1)&lt;/script&gt;"));
  const std::regex allowed(
      R"(<script src="(\.\./)?static/(verify|search)\.js" defer></script>)");
  for (const auto& [path, file] : S().files) {
    if (!absl::EndsWith(path, ".html")) continue;
    EXPECT_THAT(file.body,
                HasSubstr(absl::StrCat("<meta http-equiv=\"Content-Security-Policy\" content=\"",
                                       site::HtmlEscape(site::kContentSecurityPolicy), "\">")))
        << path;
    const std::string rest = std::regex_replace(file.body, allowed, "");
    EXPECT_THAT(rest, Not(HasSubstr("<script"))) << path;
    EXPECT_THAT(file.body, Not(HasSubstr("style="))) << path;
    EXPECT_THAT(file.body, Not(HasSubstr("<style"))) << path;
    for (const char* landmark : {"<header>", "<nav ", "<main ", "<footer>"}) {
      EXPECT_THAT(file.body, HasSubstr(landmark)) << path;
    }
  }
  // The JSON carries the name as it is.
  EXPECT_THAT(File("api/v1/apps.json"), HasSubstr(kEvilName));
}

TEST_F(SiteTest, TheJsonDocumentsHaveApiMdsMembers) {
  json::Value log = Json("api/v1/log.json");
  for (const char* member : {"origin", "treeSize", "rootHash", "checkpoint", "logKey",
                             "adminKey", "witnessPolicy", "followedSize", "equivocation",
                             "generatedAt"}) {
    EXPECT_NE(log.Find(member), nullptr) << member;
  }
  EXPECT_EQ(log.Find("logKey")->text(), log_->log_signer().verifier().EncodedKey());
  EXPECT_THAT(File("log.html"), HasSubstr(site::HtmlEscape(log.Find("checkpoint")->text())));
  json::Value apps = Json("api/v1/apps.json");
  ASSERT_EQ(apps.Find("apps")->items().size(), 1u);
  const json::Value& app = apps.Find("apps")->items()[0];
  EXPECT_EQ(app.Find("app")->text(), kApp);
  EXPECT_EQ(app.Find("slug")->text(), "android_3Acom.example.app");
  for (const char* member : {"vendors", "claims", "measurements", "findings",
                             "confirmedFindings"}) {
    EXPECT_NE(app.Find(member), nullptr) << member;
  }
  EXPECT_EQ(app.Find("vendors")->items()[0].Find("displayName")->text(), kEvilName);
}

TEST_F(SiteTest, BundlesVerifyOffline) {
  json::Value app = Json(absl::StrCat("api/v1/apps/", site::AppSlug(kApp), ".json"));
  const json::Value& log = Json("api/v1/log.json");
  static const reference::PublicSuffixList* psl =
      new reference::PublicSuffixList(*reference::PublicSuffixList::Load());
  int confirmed = 0;
  for (const json::Value& f : app.Find("findings")->items()) {
    const std::string path =
        absl::StrCat("api/v1/findings/", f.Find("index")->text(), ".bundle.json");
    absl::StatusOr<fpb::FindingBundle> b = bundle::BundleFromJson(File(path));
    ASSERT_THAT(b, IsOk()) << path;
    EXPECT_EQ(b->checkpoint(), log.Find("checkpoint")->text());
    EXPECT_THAT(bundle::CheckBundle(*b, log_->log_signer().verifier(),
                                    log_->admin_key().public_key(), *psl),
                IsOk())
        << path;
    if (f.Find("confirmed")->bool_value()) ++confirmed;
  }
  EXPECT_GT(confirmed, 0);

  // The recording's entry bundle: the entry, its recorder's registration and
  // its speaker's, each included in the site's checkpoint.
  absl::StatusOr<note::SignedCheckpoint> cp =
      note::OpenCheckpoint(log.Find("checkpoint")->text(), log_->log_signer().verifier());
  ASSERT_THAT(cp, IsOk());
  for (const json::Value& c : app.Find("claims")->items()) {
    const std::string path =
        absl::StrCat("api/v1/entries/", c.Find("index")->text(), ".bundle.json");
    absl::StatusOr<fpb::FindingBundle> b = bundle::BundleFromJson(File(path));
    ASSERT_THAT(b, IsOk()) << path;
    EXPECT_EQ(b->format(), "https://candor.dev/entry-bundle/v1");
    int entries = 0, registrations = 0;
    for (const fpb::BundleEntry& e : b->entries()) {
      std::vector<merkle::Hash> proof;
      for (const std::string& h : e.proof()) {
        merkle::Hash hash{};
        ASSERT_EQ(h.size(), hash.size());
        std::copy(h.begin(), h.end(), hash.begin());
        proof.push_back(hash);
      }
      EXPECT_THAT(merkle::VerifyInclusion(e.index(), cp->checkpoint.size,
                                          merkle::AsBytes(merkle::HashLeaf(e.entry())), proof,
                                          merkle::AsBytes(cp->checkpoint.root)),
                  IsOk())
          << path << " entry " << e.index();
      entries += e.role() == fpb::BundleEntry::ENTRY;
      registrations += e.role() == fpb::BundleEntry::REGISTRATION;
    }
    EXPECT_EQ(entries, 1) << path;
    EXPECT_EQ(registrations, c.Find("kind")->text() == "recorded" ? 2 : 1) << path;
  }
}

TEST_F(SiteTest, EarlierCheckpointsAreProvedConsistent) {
  json::Value log = Json("api/v1/log.json");
  const uint64_t size = std::stoull(log.Find("treeSize")->text());
  absl::StatusOr<note::SignedCheckpoint> cp =
      note::OpenCheckpoint(log.Find("checkpoint")->text(), log_->log_signer().verifier());
  ASSERT_THAT(cp, IsOk());
  int proofs = 0;
  for (const auto& [path, file] : S().files) {
    if (!absl::StartsWith(path, "api/v1/consistency/")) continue;
    absl::StatusOr<json::Value> v = json::Parse(file.body);
    ASSERT_THAT(v, IsOk());
    EXPECT_EQ(std::stoull(v->Find("newSize")->text()), size);
    EXPECT_LT(std::stoull(v->Find("oldSize")->text()), size);
    ++proofs;
  }
  // The site was built at smaller sizes before (the findings came later).
  EXPECT_GT(proofs, 0);
}

TEST_F(SiteTest, ServedOverHttpWithItsHeadersAndCopiedToSiteDir) {
  const std::string address = verifier_->site_address();
  ASSERT_FALSE(address.empty());
  const std::string reply = ::candor::testing::ExchangeOnce(
      address, absl::StrCat("GET /", AppPath(), " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_THAT(reply, HasSubstr("HTTP/1.1 200"));
  EXPECT_THAT(reply, HasSubstr(absl::StrCat("Content-Security-Policy: ",
                                            site::kContentSecurityPolicy)));
  EXPECT_THAT(reply, HasSubstr("X-Content-Type-Options: nosniff"));
  EXPECT_THAT(reply, HasSubstr(kApp));
  const absl::Time deadline = absl::Now() + absl::Minutes(1);
  absl::StatusOr<http::HttpReply> missing = http::HttpGet(address, "/no/such.html", deadline);
  ASSERT_THAT(missing, IsOk());
  EXPECT_EQ(missing->status, 404);
  absl::StatusOr<http::HttpReply> post =
      http::HttpPost(address, "/index.html", "x", "text/plain", deadline);
  ASSERT_THAT(post, IsOk());
  EXPECT_EQ(post->status, 405);
  absl::StatusOr<http::HttpReply> css = http::HttpGet(address, "/static/site.css", deadline);
  ASSERT_THAT(css, IsOk());
  EXPECT_EQ(css->status, 200);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");

  // The static copy holds the same bytes as the site the verifier serves
  // (compared again after the next round if a rebuild came in between).
  std::string differs;
  for (int attempt = 0; attempt < 5; ++attempt) {
    const uint64_t round = verifier_->rounds();
    std::shared_ptr<const site::Site> now = verifier_->site();
    differs.clear();
    for (const auto& [path, file] : now->files) {
      std::ifstream in(std::filesystem::path(P("www")) / path, std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      if (bytes.str() != file.body) differs = path;
    }
    if (differs.empty() && now == verifier_->site()) break;
    ASSERT_THAT(verifier_->WaitForRounds(round + 1, deadline), IsOk());
  }
  EXPECT_EQ(differs, "");
}

}  // namespace
}  // namespace candor
