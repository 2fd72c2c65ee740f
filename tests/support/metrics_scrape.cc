#include "tests/support/metrics_scrape.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace candor::testing {

std::string ScrapeMetrics(const std::string& address) {
  int port = 0;
  EXPECT_TRUE(absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port));
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  timeval timeout{120, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ADD_FAILURE() << "cannot connect to " << address;
    close(fd);
    return "";
  }
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n";
  EXPECT_EQ(send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  std::string response;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) response.append(buf, n);
  close(fd);
  EXPECT_TRUE(absl::StartsWith(response, "HTTP/1.1 200 OK\r\n")) << response;
  EXPECT_TRUE(absl::StrContains(
      response, "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"))
      << response;
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

double MetricSample(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  const size_t start = at + series.size() + 2;
  double v = -1;
  if (!absl::SimpleAtod(text.substr(start, text.find('\n', start) - start), &v)) return -1;
  return v;
}

std::string PromtoolFindings(const std::string& text) {
  if (access(kPromtool, X_OK) != 0) {
    ADD_FAILURE() << kPromtool << " is missing: install Debian's `prometheus` package "
                  << "(third_party/setup.sh does)";
    return "";
  }
  absl::StatusOr<CommandResult> run = RunCommand({kPromtool, "check", "metrics"}, text);
  if (!run.ok()) {
    ADD_FAILURE() << "running promtool: " << run.status();
    return "";
  }
  EXPECT_EQ(run->exit_code, 0) << run->out << run->err;
  return run->out + run->err;
}

}  // namespace candor::testing
