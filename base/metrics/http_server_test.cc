#include "base/metrics/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "gtest/gtest.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/status_matchers.h"

namespace candor::metrics {
namespace {

using ::candor::testing::StatusIs;

using ::candor::testing::ConnectLoopback;

std::string Exchange(const std::string& address, const std::string& request) {
  return ::candor::testing::ExchangeOnce(address, request);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto counter = registry_.AddCounter("requests_total", "Requests.", {"code"});
    ASSERT_TRUE(counter.ok());
    (*counter)->WithLabels({"OK"})->Increment(3);
    auto server = MetricsHttpServer::Start("127.0.0.1:0", &registry_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  Registry registry_;
  std::unique_ptr<MetricsHttpServer> server_;
};

TEST_F(HttpServerTest, ServesMetrics) {
  std::string body =
      "# HELP requests_total Requests.\n# TYPE requests_total counter\n"
      "requests_total{code=\"OK\"} 3\n";
  EXPECT_EQ(Exchange(server_->address(),
                     "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n"),
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            "Content-Length: " + std::to_string(body.size()) +
                "\r\nConnection: close\r\n\r\n" + body);
}

TEST_F(HttpServerTest, OtherPathsAreNotFound) {
  EXPECT_EQ(Exchange(server_->address(), "GET / HTTP/1.1\r\n\r\n"),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 24\r\nConnection: close\r\n\r\nnot found: try /metrics\n");
}

TEST_F(HttpServerTest, OtherMethodsAndGarbage) {
  EXPECT_EQ(Exchange(server_->address(), "POST /metrics HTTP/1.1\r\n\r\n")
                .substr(0, 32),
            "HTTP/1.1 405 Method Not Allowed\r");
  EXPECT_EQ(Exchange(server_->address(), "hello\r\n\r\n").substr(0, 25),
            "HTTP/1.1 400 Bad Request\r");
}

TEST_F(HttpServerTest, OversizedRequestIsRefused) {
  std::string request = "GET /metrics HTTP/1.1\r\nX: " + std::string(9000, 'a');
  EXPECT_EQ(Exchange(server_->address(), request).substr(0, 45),
            "HTTP/1.1 431 Request Header Fields Too Large\r");
}

TEST(HttpServer, ClosesIdleConnections) {
  Registry registry;
  HttpServerOptions options;
  options.idle_timeout = absl::Milliseconds(100);
  auto server = MetricsHttpServer::Start("127.0.0.1:0", &registry, options);
  ASSERT_TRUE(server.ok());
  int fd = ConnectLoopback((*server)->address());
  ASSERT_EQ(send(fd, "GET /met", 8, MSG_NOSIGNAL), 8);
  char buf[16];
  // The server closes the connection: recv returns 0 (not the 120 s timeout).
  EXPECT_EQ(recv(fd, buf, sizeof buf, 0), 0);
  close(fd);
}

TEST(HttpServer, BadAddresses) {
  Registry registry;
  EXPECT_THAT(MetricsHttpServer::Start("nocolon", &registry).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "metrics address \"nocolon\" is not host:port"));
  auto first = MetricsHttpServer::Start("127.0.0.1:0", &registry);
  ASSERT_TRUE(first.ok());
  auto second = MetricsHttpServer::Start((*first)->address(), &registry);
  EXPECT_THAT(second.status(),
              StatusIs(absl::StatusCode::kUnavailable,
                       "cannot listen on " + (*first)->address() +
                           " for metrics: Address already in use"));
}

}  // namespace
}  // namespace candor::metrics

namespace candor::metrics {
namespace {

TEST(MetricsHttpServer, StartIfAddressStartsNothingForAnEmptyAddress) {
  Registry registry;
  auto none = MetricsHttpServer::StartIfAddress("", &registry);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, nullptr);
  auto one = MetricsHttpServer::StartIfAddress("127.0.0.1:0", &registry);
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_NE(*one, nullptr);
  EXPECT_TRUE(absl::StartsWith((*one)->address(), "127.0.0.1:")) << (*one)->address();
  EXPECT_THAT(MetricsHttpServer::StartIfAddress("nocolon", &registry),
              ::candor::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                          "metrics address \"nocolon\" is not host:port"));
}

}  // namespace
}  // namespace candor::metrics
