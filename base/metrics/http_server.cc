#include "base/metrics/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace candor::metrics {
namespace {

constexpr size_t kMaxRequestHead = 8 * 1024;
constexpr size_t kMaxConnections = 64;

struct Connection {
  int fd;
  std::string in;
  absl::Time since;
};

void SendAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the peer left or the send timed out
    done += static_cast<size_t>(n);
  }
}

std::string Response(int code, const char* reason, const std::string& type,
                     const std::string& body, bool head) {
  return absl::StrCat("HTTP/1.1 ", code, " ", reason, "\r\nContent-Type: ", type,
                      "\r\nContent-Length: ", body.size(),
                      "\r\nConnection: close\r\n\r\n", head ? "" : body);
}

// The response to a complete request head.
std::string Answer(absl::string_view head, const Registry& registry) {
  absl::string_view line = head.substr(0, head.find("\r\n"));
  std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
  const std::string text = "text/plain; charset=utf-8";
  if (parts.size() != 3 || !absl::StartsWith(parts[2], "HTTP/1.") ||
      parts[1].empty() || parts[1][0] != '/') {
    return Response(400, "Bad Request", text, "bad request\n", false);
  }
  absl::string_view path = parts[1].substr(0, parts[1].find('?'));
  bool head_only = parts[0] == "HEAD";
  if (path != "/metrics") {
    return Response(404, "Not Found", text, "not found: try /metrics\n", head_only);
  }
  if (parts[0] != "GET" && !head_only) {
    return Response(405, "Method Not Allowed", text, "only GET and HEAD\n", false);
  }
  return Response(200, "OK", kContentType, registry.Expose(), head_only);
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& address, const Registry* registry,
    HttpServerOptions options) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics address \"", address, "\" is not host:port"));
  }
  std::string host = address.substr(0, colon);
  std::string port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints,
                       &found);
  if (rc != 0 || found == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metrics address \"", address, "\" does not resolve: ", gai_strerror(rc)));
  }
  auto server = std::unique_ptr<MetricsHttpServer>(new MetricsHttpServer());
  server->registry_ = registry;
  server->options_ = options;
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || bind(fd, found->ai_addr, found->ai_addrlen) != 0 ||
      listen(fd, 64) != 0) {
    std::string error = std::strerror(errno);
    if (fd >= 0) close(fd);
    freeaddrinfo(found);
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", address, " for metrics: ", error));
  }
  freeaddrinfo(found);
  server->listen_fd_ = fd;
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  int bound_port = bound.ss_family == AF_INET6
                       ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                       : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  std::string shown_host = address.substr(0, colon);
  server->address_ = absl::StrCat(shown_host, ":", bound_port);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot create a pipe: ", std::strerror(errno)));
  }
  server->wake_read_ = pipe_fds[0];
  server->wake_write_ = pipe_fds[1];
  server->thread_ = std::thread([s = server.get()] { s->Run(); });
  return server;
}

MetricsHttpServer::~MetricsHttpServer() {
  if (thread_.joinable()) {
    char c = 0;
    while (write(wake_write_, &c, 1) < 0 && errno == EINTR) {
    }
    thread_.join();
  }
  if (listen_fd_ >= 0) close(listen_fd_);
  if (wake_read_ >= 0) close(wake_read_);
  if (wake_write_ >= 0) close(wake_write_);
}

void MetricsHttpServer::Run() {
  std::vector<Connection> connections;
  const int idle_ms = static_cast<int>(absl::ToInt64Milliseconds(options_.idle_timeout));
  timeval send_timeout = absl::ToTimeval(options_.idle_timeout);
  while (true) {
    std::vector<pollfd> fds;
    fds.push_back({wake_read_, POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    for (const Connection& c : connections) fds.push_back({c.fd, POLLIN, 0});
    int ready = poll(fds.data(), fds.size(), connections.empty() ? -1 : idle_ms);
    if (ready < 0 && errno != EINTR) break;
    if (fds[0].revents != 0) break;  // destruction
    absl::Time now = absl::Now();
    std::vector<Connection> kept;
    for (size_t i = 0; i < connections.size(); ++i) {
      Connection& c = connections[i];
      bool done = false;
      if (fds[i + 2].revents != 0) {
        char buf[4096];
        ssize_t n = recv(c.fd, buf, sizeof buf, 0);
        if (n <= 0) {
          done = !(n < 0 && errno == EINTR);
        } else {
          c.in.append(buf, static_cast<size_t>(n));
          size_t end = c.in.find("\r\n\r\n");
          if (end != std::string::npos && end + 4 <= kMaxRequestHead) {
            SendAll(c.fd, Answer(absl::string_view(c.in).substr(0, end), *registry_));
            done = true;
          } else if (c.in.size() > kMaxRequestHead) {
            SendAll(c.fd, Response(431, "Request Header Fields Too Large",
                                   "text/plain; charset=utf-8",
                                   "request too large\n", false));
            done = true;
          }
        }
      }
      if (!done && now - c.since >= options_.idle_timeout) done = true;
      if (done) {
        close(c.fd);
      } else {
        kept.push_back(std::move(c));
      }
    }
    connections = std::move(kept);
    if (fds[1].revents & POLLIN) {
      int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        if (connections.size() >= kMaxConnections) {
          close(fd);
        } else {
          setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
          connections.push_back({fd, "", now});
        }
      }
    }
  }
  for (const Connection& c : connections) close(c.fd);
}

}  // namespace candor::metrics
