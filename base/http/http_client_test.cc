#include "base/http/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/http/http_server.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::http {
namespace {

using ::candor::testing::StatusIs;

// Minutes: a bound for a hung test, never what decides an assertion.
absl::Time Far() { return absl::Now() + absl::Minutes(2); }

// A listening socket on 127.0.0.1 that the test drives by hand.
class RawServer {
 public:
  RawServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(fd_, 8), 0);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    address_ = absl::StrCat("127.0.0.1:", ntohs(addr.sin_port));
  }
  ~RawServer() {
    if (thread_.joinable()) thread_.join();
    close(fd_);
  }
  const std::string& address() const { return address_; }

  // Accepts one connection, reads the request head, writes `reply`, closes.
  void ReplyOnce(std::string reply) {
    thread_ = std::thread([this, reply] {
      int c = accept(fd_, nullptr, nullptr);
      std::string in;
      char buf[1024];
      while (in.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, n);
      }
      send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
      close(c);
    });
  }

 private:
  int fd_ = -1;
  std::string address_;
  std::thread thread_;
};

HttpResponse Handle(const HttpRequest& r) {
  HttpResponse out;
  if (r.path == "/big") {
    out.body = std::string(kMaxReplyBodyBytes + 1, 'x');
    return out;
  }
  if (r.path == "/busy") {
    out.status = 429;
    out.headers.emplace_back("Retry-After", "3");
    out.body = "slow down\n";
    return out;
  }
  const std::string* type = r.Header("content-type");
  out.content_type = "text/x.echo";
  out.body = absl::StrCat(r.method, " ", r.path, " ", type ? *type : "-", " ", r.body);
  return out;
}

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = HttpServer::Start("127.0.0.1:0", Handle);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpClientTest, PostAndGet) {
  absl::StatusOr<HttpReply> reply = HttpPost(server_->address(), "/add-checkpoint",
                                             "old 0\n\n", "text/plain", Far());
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->content_type, "text/x.echo");
  EXPECT_EQ(reply->body, "POST /add-checkpoint text/plain old 0\n\n");
  reply = HttpGet(server_->address(), "/abc/checkpoint", Far());
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->body, "GET /abc/checkpoint - ");
  // A large body both ways within the limits.
  std::string big(200000, 'b');
  HttpServerOptions options;
  options.max_body_bytes = 1 << 20;
  auto server = HttpServer::Start("127.0.0.1:0", Handle, options);
  ASSERT_TRUE(server.ok());
  reply = HttpPost((*server)->address(), "/p", big, "a/b", Far());
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->body, "POST /p a/b " + big);
}

TEST_F(HttpClientTest, ErrorStatusesAreReplies) {
  absl::StatusOr<HttpReply> reply = HttpGet(server_->address(), "/busy", Far());
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 429);
  EXPECT_EQ(reply->retry_after, "3");
  EXPECT_EQ(reply->body, "slow down\n");
}

TEST_F(HttpClientTest, CapsTheReply) {
  EXPECT_THAT(HttpGet(server_->address(), "/big", Far()).status(),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "reply body from " + server_->address() +
                           " exceeds 1048576 bytes"));
}

TEST(HttpClient, ReadsUntilCloseWithoutContentLength) {
  RawServer raw;
  raw.ReplyOnce("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\nContent-Type: a/b\r\n\r\nhello");
  absl::StatusOr<HttpReply> reply = HttpGet(raw.address(), "/", Far());
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->content_type, "a/b");
  EXPECT_EQ(reply->body, "hello");
}

TEST(HttpClient, ReplyCutShort) {
  RawServer raw;
  raw.ReplyOnce("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_THAT(HttpGet(raw.address(), "/", Far()).status(),
              StatusIs(absl::StatusCode::kUnavailable,
                       "connection to " + raw.address() +
                           " closed before the whole reply arrived"));
}

TEST(HttpClient, MalformedReplies) {
  {
    RawServer raw;
    raw.ReplyOnce("SMTP ready\r\n\r\n");
    EXPECT_THAT(HttpGet(raw.address(), "/", Far()).status(),
                StatusIs(absl::StatusCode::kInternal,
                         "malformed HTTP reply from " + raw.address() +
                             ": bad status line"));
  }
  {
    RawServer raw;
    raw.ReplyOnce("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n");
    EXPECT_THAT(HttpGet(raw.address(), "/", Far()).status(),
                StatusIs(absl::StatusCode::kInternal,
                         "malformed HTTP reply from " + raw.address() +
                             ": bad Content-Length"));
  }
  {
    RawServer raw;
    raw.ReplyOnce("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
    EXPECT_THAT(HttpGet(raw.address(), "/", Far()).status(),
                StatusIs(absl::StatusCode::kUnimplemented,
                         "reply from " + raw.address() +
                             " is chunked; only Content-Length is read"));
  }
  {
    RawServer raw;
    raw.ReplyOnce("HTTP/1.1 200 OK\r\nX: " + std::string(kMaxReplyHeadBytes + 10, 'a'));
    EXPECT_THAT(HttpGet(raw.address(), "/", Far()).status(),
                StatusIs(absl::StatusCode::kResourceExhausted,
                         "reply head from " + raw.address() + " exceeds 65536 bytes"));
  }
}

TEST(HttpClient, DeadlineWhileWaitingForTheReply) {
  RawServer raw;  // listens, never accepts: the kernel completes the connect
  // The server never answers, so whatever the deadline, it passes.
  EXPECT_THAT(HttpPost(raw.address(), "/add-checkpoint", "x", "text/plain",
                       absl::Now() + absl::Milliseconds(50))
                  .status(),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       "deadline exceeded waiting for the reply from " + raw.address()));
}

TEST(HttpClient, ConnectionRefused) {
  std::string address;
  {
    RawServer raw;  // a port that was free, then closed again
    address = raw.address();
  }
  EXPECT_THAT(HttpGet(address, "/", Far()).status(),
              StatusIs(absl::StatusCode::kUnavailable,
                       "cannot connect to " + address + ": Connection refused"));
}

TEST(HttpClient, BadArguments) {
  EXPECT_THAT(HttpGet("nocolon", "/", Far()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "HTTP address \"nocolon\" is not host:port"));
  EXPECT_THAT(HttpGet("127.0.0.1:1", "x", Far()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "HTTP path \"x\" must start with '/' and hold no space, CR or LF"));
  EXPECT_THAT(HttpPost("127.0.0.1:1", "/", "", "a\r\nX: y", Far()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "HTTP Content-Type holds CR or LF"));
}

}  // namespace
}  // namespace candor::http
