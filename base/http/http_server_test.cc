#include "base/http/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/status_matchers.h"

namespace candor::http {
namespace {

using ::candor::testing::StatusIs;

int Connect(const std::string& address) { return ::candor::testing::ConnectLoopback(address); }

void Send(int fd, const std::string& data) {
  ASSERT_EQ(send(fd, data.data(), data.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(data.size()));
}

// Reads exactly one response (head, then Content-Length bytes).
std::string ReadResponse(int fd) {
  std::string in;
  char c;
  while (in.find("\r\n\r\n") == std::string::npos) {
    if (recv(fd, &c, 1, 0) != 1) return in;
    in += c;
  }
  size_t at = in.find("Content-Length: ");
  size_t length = 0;
  if (at != std::string::npos) {
    absl::SimpleAtoi(in.substr(at + 16, in.find("\r\n", at) - at - 16), &length);
  }
  std::string body(length, '\0');
  size_t done = 0;
  while (done < length) {
    ssize_t n = recv(fd, body.data() + done, length - done, 0);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  return in + body.substr(0, done);
}

// True if the server closed the connection (recv sees end of stream).
bool Closed(int fd) {
  char c;
  return recv(fd, &c, 1, 0) == 0;
}

HttpResponse Echo(const HttpRequest& r) {
  HttpResponse out;
  const std::string* type = r.Header("content-type");
  out.body = absl::StrCat(r.method, " ", r.path, " q=", r.query, " peer=", r.peer_ip,
                          " type=", type ? *type : "-", " body=", r.body);
  if (r.path == "/retry") out.headers.emplace_back("Retry-After", "7");
  return out;
}

std::string Ok(const std::string& body) {
  return absl::StrCat("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                      "Content-Length: ",
                      body.size(), "\r\n\r\n", body);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options = HttpServerOptions()) {
    auto server = HttpServer::Start("127.0.0.1:0", Echo, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, KeepAliveServesSeveralRequests) {
  Start();
  int fd = Connect(server_->address());
  Send(fd, "POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\n"
           "Content-Length: 5\r\n\r\nhello");
  EXPECT_EQ(ReadResponse(fd),
            Ok("POST /a q=x=1 peer=127.0.0.1 type=text/plain body=hello"));
  Send(fd, "GET /b HTTP/1.1\r\n\r\n");
  EXPECT_EQ(ReadResponse(fd), Ok("GET /b q= peer=127.0.0.1 type=- body="));
  // Two pipelined requests in one write.
  Send(fd, "POST /c HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiGET /d HTTP/1.1\r\n\r\n");
  EXPECT_EQ(ReadResponse(fd), Ok("POST /c q= peer=127.0.0.1 type=- body=hi"));
  EXPECT_EQ(ReadResponse(fd), Ok("GET /d q= peer=127.0.0.1 type=- body="));
  // The body may come in pieces.
  Send(fd, "POST /e HTTP/1.1\r\nContent-Length: 6\r\n\r\nabc");
  Send(fd, "def");
  EXPECT_EQ(ReadResponse(fd), Ok("POST /e q= peer=127.0.0.1 type=- body=abcdef"));
  close(fd);
}

TEST_F(HttpServerTest, ConnectionCloseAndHttp10Close) {
  Start();
  int fd = Connect(server_->address());
  Send(fd, "GET /x HTTP/1.1\r\nConnection: close\r\n\r\n");
  std::string body = "GET /x q= peer=127.0.0.1 type=- body=";
  EXPECT_EQ(ReadResponse(fd),
            absl::StrCat("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                         "Content-Length: ",
                         body.size(), "\r\nConnection: close\r\n\r\n", body));
  EXPECT_TRUE(Closed(fd));
  close(fd);
  fd = Connect(server_->address());
  Send(fd, "GET /x HTTP/1.0\r\n\r\n");
  EXPECT_NE(ReadResponse(fd).find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(Closed(fd));
  close(fd);
}

TEST_F(HttpServerTest, HeadAndExtraHeaders) {
  Start();
  int fd = Connect(server_->address());
  Send(fd, "HEAD /retry HTTP/1.1\r\n\r\n");
  std::string body = "HEAD /retry q= peer=127.0.0.1 type=- body=";
  // The head only, with the length the body would have.
  std::string expected = absl::StrCat(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ",
      body.size(), "\r\nRetry-After: 7\r\n\r\n");
  std::string got;
  char c;
  while (got.size() < expected.size() && recv(fd, &c, 1, 0) == 1) got += c;
  EXPECT_EQ(got, expected);
  Send(fd, "GET /y HTTP/1.1\r\n\r\n");  // nothing of a body was sent before
  EXPECT_EQ(ReadResponse(fd), Ok("GET /y q= peer=127.0.0.1 type=- body="));
  close(fd);
}

TEST_F(HttpServerTest, ExpectContinue) {
  Start();
  int fd = Connect(server_->address());
  Send(fd, "POST /z HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  std::string interim;
  char c;
  while (interim.size() < 25 && recv(fd, &c, 1, 0) == 1) interim += c;
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  Send(fd, "abc");
  EXPECT_EQ(ReadResponse(fd), Ok("POST /z q= peer=127.0.0.1 type=- body=abc"));
  close(fd);
}

struct BadCase {
  std::string request;
  std::string response;
};

TEST_F(HttpServerTest, RefusesBadRequestsAndCloses) {
  HttpServerOptions options;
  options.max_body_bytes = 10;
  options.max_head_bytes = 100;
  Start(options);
  auto error = [](int code, const std::string& reason, const std::string& body) {
    return absl::StrCat("HTTP/1.1 ", code, " ", reason,
                        "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ",
                        body.size(), "\r\nConnection: close\r\n\r\n", body);
  };
  std::vector<BadCase> cases = {
      {"hello\r\n\r\n", error(400, "Bad Request", "bad request line\n")},
      {"GET x HTTP/1.1\r\n\r\n", error(400, "Bad Request", "bad request line\n")},
      {"GET /x HTTP/2\r\n\r\n", error(400, "Bad Request", "bad request line\n")},
      {"GET /x HTTP/1.1\r\nno colon\r\n\r\n",
       error(400, "Bad Request", "bad header line\n")},
      {"GET /x HTTP/1.1\r\n folded: x\r\n\r\n",
       error(400, "Bad Request", "bad header line\n")},
      {"POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
       error(400, "Bad Request", "bad Content-Length\n")},
      {"POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
       error(400, "Bad Request", "bad Content-Length\n")},
      {"POST /x HTTP/1.1\r\nContent-Length: 11\r\n\r\n",
       error(413, "Content Too Large", "request body too large: at most 10 bytes\n")},
      {"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
       error(501, "Not Implemented",
             "Transfer-Encoding is not supported; send Content-Length\n")},
      {"POST /x HTTP/1.1\r\nExpect: magic\r\n\r\n",
       error(417, "Expectation Failed", "only Expect: 100-continue is supported\n")},
      {"GET /x HTTP/1.1\r\nX: " + std::string(200, 'a'),
       error(431, "Request Header Fields Too Large", "request head too large\n")},
  };
  for (const BadCase& c : cases) {
    int fd = Connect(server_->address());
    Send(fd, c.request);
    EXPECT_EQ(ReadResponse(fd), c.response) << c.request;
    EXPECT_TRUE(Closed(fd)) << c.request;
    close(fd);
  }
}

TEST(HttpServer, IdleAndSlowClientsDoNotBlockOthers) {
  absl::Notification release;
  absl::Notification slow_started;
  HttpServerOptions options;
  options.workers = 2;
  auto server = HttpServer::Start(
      "127.0.0.1:0",
      [&](const HttpRequest& r) {
        if (r.path == "/slow") {
          slow_started.Notify();
          release.WaitForNotification();
        }
        HttpResponse out;
        out.body = r.path;
        return out;
      },
      options);
  ASSERT_TRUE(server.ok()) << server.status();
  // A client that sends half a head and waits.
  int idle = Connect((*server)->address());
  Send(idle, "POST /add-checkpoint HTTP/1.1\r\nContent-Le");
  // A handler that blocks (a slow fsync).
  int slow = Connect((*server)->address());
  Send(slow, "GET /slow HTTP/1.1\r\n\r\n");
  slow_started.WaitForNotification();
  // Others are still served.
  int fast = Connect((*server)->address());
  Send(fast, "GET /fast HTTP/1.1\r\n\r\n");
  EXPECT_EQ(ReadResponse(fast), Ok("/fast"));
  release.Notify();
  EXPECT_EQ(ReadResponse(slow), Ok("/slow"));
  close(idle);
  close(slow);
  close(fast);
}

TEST(HttpServer, ClosesIdleKeptAliveConnections) {
  HttpServerOptions options;
  options.idle_timeout = absl::Milliseconds(100);
  auto server = HttpServer::Start("127.0.0.1:0", Echo, options);
  ASSERT_TRUE(server.ok());
  int fd = Connect((*server)->address());
  Send(fd, "GET /x HTTP/1.1\r\n\r\n");
  EXPECT_EQ(ReadResponse(fd), Ok("GET /x q= peer=127.0.0.1 type=- body="));
  // Kept alive, then closed when idle: recv returns 0, not the 120 s timeout.
  EXPECT_TRUE(Closed(fd));
  close(fd);
}

TEST(HttpServer, BoundsConnections) {
  HttpServerOptions options;
  options.max_connections = 1;
  auto server = HttpServer::Start("127.0.0.1:0", Echo, options);
  ASSERT_TRUE(server.ok());
  int first = Connect((*server)->address());
  Send(first, "GET /x HTTP/1.1\r\n\r\n");
  EXPECT_EQ(ReadResponse(first), Ok("GET /x q= peer=127.0.0.1 type=- body="));
  int second = Connect((*server)->address());
  EXPECT_TRUE(Closed(second));  // closed at accept
  close(second);
  close(first);
}

TEST(HttpServer, BadAddressesAndOptions) {
  HttpServerOptions options;
  options.name = "witness";
  EXPECT_THAT(HttpServer::Start("nocolon", Echo, options).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "witness address \"nocolon\" is not host:port"));
  auto first = HttpServer::Start("127.0.0.1:0", Echo, options);
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(HttpServer::Start((*first)->address(), Echo, options).status(),
              StatusIs(absl::StatusCode::kUnavailable,
                       "cannot listen on " + (*first)->address() +
                           " for witness: Address already in use"));
  options.workers = 0;
  EXPECT_THAT(HttpServer::Start("127.0.0.1:0", Echo, options).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "witness server options: need workers >= 1, max_connections "
                       ">= 1 and a positive idle_timeout"));
}

}  // namespace
}  // namespace candor::http
