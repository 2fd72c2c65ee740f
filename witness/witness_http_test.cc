// The witness over real HTTP on 127.0.0.1, through base/http's client.
#include "witness/witness_http.h"

#include <atomic>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/http/http_client.h"
#include "base/http/http_server.h"
#include "base/metrics/metrics.h"
#include "gtest/gtest.h"
#include "log/crypto/sha256.h"
#include "log/encoding/encoding.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"
#include "witness/test_log.h"

namespace candor::witness {
namespace {

using ::candor::witness::testing::TestLog;

constexpr int64_t kStart = 1767225600;

absl::Time Far() { return absl::Now() + absl::Minutes(2); }

class WitnessHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<note::Signer> key = note::Signer::GenerateCosigner("witness.example/w1");
    ASSERT_TRUE(key.ok());
    vkey_ = key->verifier().EncodedKey();
    absl::StatusOr<std::unique_ptr<WitnessStore>> store = WitnessStore::Open(
        ::testing::TempDir() + "/" +
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    WitnessOptions options;
    options.clock = [this] { return absl::FromUnixSeconds(now_.load()); };
    options.metrics = &registry_;
    absl::StatusOr<std::unique_ptr<Witness>> w =
        Witness::Create(*key, {log_.verifier()}, store_.get(), options);
    ASSERT_TRUE(w.ok()) << w.status();
    witness_ = *std::move(w);
    WitnessHttpOptions http_options;
    http_options.limits.per_second = 1;
    http_options.limits.burst = 5;
    http_options.clock = options.clock;
    http_options.metrics = &registry_;
    absl::StatusOr<std::unique_ptr<WitnessHttp>> api =
        WitnessHttp::Create(witness_.get(), http_options);
    ASSERT_TRUE(api.ok()) << api.status();
    api_ = *std::move(api);
    auto server = http::HttpServer::Start(
        "127.0.0.1:0", [this](const http::HttpRequest& r) { return api_->Handle(r); });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  absl::StatusOr<http::HttpReply> Add(const std::string& body) {
    return http::HttpPost(server_->address(), "/add-checkpoint", body,
                          "text/plain", Far());
  }

  std::atomic<int64_t> now_{kStart};
  TestLog log_{"example.com/log"};
  std::string vkey_;
  metrics::Registry registry_;
  std::unique_ptr<WitnessStore> store_;
  std::unique_ptr<Witness> witness_;
  std::unique_ptr<WitnessHttp> api_;
  std::unique_ptr<http::HttpServer> server_;
};

TEST_F(WitnessHttpTest, AddAndGetCheckpoint) {
  log_.GrowTo(10);
  absl::StatusOr<http::HttpReply> r = Add(log_.Body(0, 4));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->content_type, "text/plain; charset=utf-8");
  absl::StatusOr<note::Verifier> witness = note::Verifier::FromCosignerKey(vkey_);
  ASSERT_TRUE(witness.ok());
  absl::StatusOr<note::Note> opened =
      note::Open(log_.SignedCheckpoint(4) + r->body, {*witness});
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->verified[0].timestamp, static_cast<uint64_t>(kStart));

  r = Add(log_.Body(0, 10));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(r->content_type, "text/x.tlog.size");
  EXPECT_EQ(r->body, "4\n");

  std::string hash = HexEncode(DigestBytes(Sha256("example.com/log")));
  r = http::HttpGet(server_->address(), "/" + hash + "/checkpoint", Far());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(note::OpenCheckpoint(r->body, log_.verifier()).ok());
  EXPECT_TRUE(note::Open(r->body, {*witness}).ok());

  EXPECT_NE(registry_.Expose().find("candor_witness_http_requests_total{endpoint="
                                    "\"add-checkpoint\",code=\"409\"} 1"),
            std::string::npos)
      << registry_.Expose();
}

TEST_F(WitnessHttpTest, RoutesAndMethods) {
  std::string hash = HexEncode(DigestBytes(Sha256("example.com/log")));
  absl::StatusOr<http::HttpReply> r =
      http::HttpGet(server_->address(), "/add-checkpoint", Far());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->body, "add-checkpoint takes POST\n");
  r = http::HttpPost(server_->address(), "/" + hash + "/checkpoint", "", "a/b", Far());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->body, "checkpoint takes GET\n");
  r = http::HttpGet(server_->address(), "/" + hash + "/checkpoint", Far());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "no checkpoint cosigned for this log\n");
  // Upper-case hex is not the origin hash's form.
  std::string upper = hash;
  for (char& c : upper) c = static_cast<char>(toupper(c));
  r = http::HttpGet(server_->address(), "/" + upper + "/checkpoint", Far());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body,
            "not found: POST /add-checkpoint or GET /<origin hash>/checkpoint\n");
}

TEST_F(WitnessHttpTest, RateLimitedPerClient) {
  // A burst of 5, then 1 per second of the injected clock.
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<http::HttpReply> r = http::HttpGet(server_->address(), "/", Far());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 404);
  }
  absl::StatusOr<http::HttpReply> r = Add("old 0\n\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->retry_after, "1");
  EXPECT_EQ(r->body, "too many requests from 127.0.0.1: at most 1 per second\n");
  now_ += 1;
  r = Add("old 0\n\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body,
            "malformed request: checkpoint: malformed note: no blank line before the "
            "signatures\n");
}

}  // namespace
}  // namespace candor::witness
