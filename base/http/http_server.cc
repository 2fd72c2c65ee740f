#include "base/http/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace candor::http {
namespace {

constexpr char kPlain[] = "text/plain; charset=utf-8";

struct Connection {
  int fd = -1;
  std::string in;      // bytes received and not yet consumed
  absl::Time since;    // when the current request began to be awaited
  std::string peer_ip;
  bool sent_continue = false;
};

struct Job {
  Connection connection;
  HttpRequest request;
  bool keep_alive = false;
};

// What the bytes received so far amount to.
struct Parsed {
  enum State { kIncomplete, kComplete, kError } state = kIncomplete;
  HttpRequest request;
  size_t consumed = 0;
  bool keep_alive = false;
  bool expect_continue = false;
  HttpResponse error;  // for kError
};

Parsed Error(int status, absl::string_view message) {
  Parsed p;
  p.state = Parsed::kError;
  p.error.status = status;
  p.error.body = absl::StrCat(message, "\n");
  return p;
}

bool IsToken(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c <= ' ' || c >= 0x7f || absl::StrContains("()<>@,;:\\\"/[]?={}", c)) {
      return false;
    }
  }
  return true;
}

Parsed TryParse(const std::string& in, const HttpServerOptions& options) {
  size_t end = in.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (in.size() > options.max_head_bytes) {
      return Error(431, "request head too large");
    }
    return Parsed();
  }
  if (end + 4 > options.max_head_bytes) return Error(431, "request head too large");
  std::vector<absl::string_view> lines =
      absl::StrSplit(absl::string_view(in).substr(0, end), "\r\n");
  std::vector<absl::string_view> parts = absl::StrSplit(lines[0], ' ');
  if (parts.size() != 3 || !IsToken(parts[0]) || parts[1].empty() ||
      parts[1][0] != '/' || (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0")) {
    return Error(400, "bad request line");
  }
  Parsed p;
  p.request.method = std::string(parts[0]);
  absl::string_view target = parts[1];
  size_t q = target.find('?');
  p.request.path = std::string(target.substr(0, q));
  if (q != absl::string_view::npos) p.request.query = std::string(target.substr(q + 1));
  bool have_length = false;
  uint64_t length = 0;
  bool close = parts[2] == "HTTP/1.0";
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos || !IsToken(lines[i].substr(0, colon))) {
      return Error(400, "bad header line");
    }
    std::string name = absl::AsciiStrToLower(lines[i].substr(0, colon));
    std::string value(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
    if (name == "content-length") {
      uint64_t n = 0;
      if (value.empty() || value.size() > 18 ||
          !std::all_of(value.begin(), value.end(), absl::ascii_isdigit) ||
          !absl::SimpleAtoi(value, &n) || (have_length && n != length)) {
        return Error(400, "bad Content-Length");
      }
      have_length = true;
      length = n;
    } else if (name == "transfer-encoding") {
      return Error(501, "Transfer-Encoding is not supported; send Content-Length");
    } else if (name == "connection") {
      std::string v = absl::AsciiStrToLower(value);
      if (absl::StrContains(v, "close")) close = true;
    } else if (name == "expect") {
      if (absl::AsciiStrToLower(value) != "100-continue") {
        return Error(417, "only Expect: 100-continue is supported");
      }
      p.expect_continue = true;
    }
    p.request.headers.emplace_back(std::move(name), std::move(value));
  }
  if (length > options.max_body_bytes) {
    return Error(413, absl::StrCat("request body too large: at most ",
                                   options.max_body_bytes, " bytes"));
  }
  size_t total = end + 4 + static_cast<size_t>(length);
  if (in.size() < total) return p;  // the body is still coming
  p.request.body = in.substr(end + 4, static_cast<size_t>(length));
  p.consumed = total;
  p.keep_alive = options.keep_alive && !close;
  p.state = Parsed::kComplete;
  return p;
}

std::string Serialize(const HttpResponse& r, bool keep_alive, bool head_only) {
  std::string out =
      absl::StrCat("HTTP/1.1 ", r.status, " ", ReasonPhrase(r.status), "\r\n");
  if (!r.content_type.empty()) {
    absl::StrAppend(&out, "Content-Type: ", r.content_type, "\r\n");
  }
  absl::StrAppend(&out, "Content-Length: ", r.body.size(), "\r\n");
  for (const auto& [name, value] : r.headers) {
    if (absl::StrContains(name, '\r') || absl::StrContains(name, '\n') ||
        absl::StrContains(value, '\r') || absl::StrContains(value, '\n')) {
      continue;  // never let a handler split the response
    }
    absl::StrAppend(&out, name, ": ", value, "\r\n");
  }
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  if (!head_only) out += r.body;
  return out;
}

// Blocking send of all of `data`, bounded by the socket's send timeout.
bool SendAll(int fd, absl::string_view data, int flags = 0) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL | flags);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // the peer left or the send timed out
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string PeerIp(const sockaddr_storage& addr) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr, buf,
              sizeof buf);
  } else if (addr.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr,
              buf, sizeof buf);
  }
  return buf;
}

}  // namespace

const std::string* HttpRequest::Header(absl::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return &v;
  }
  return nullptr;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

class HttpServer::Impl {
 public:
  Impl(HttpHandler handler, HttpServerOptions options)
      : handler_(std::move(handler)), options_(std::move(options)) {}

  ~Impl() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    Wake();
    if (io_.joinable()) io_.join();
    for (std::thread& t : workers_) t.join();
    absl::MutexLock lock(&mu_);
    for (Job& job : jobs_) close(job.connection.fd);
    for (Connection& c : returned_) close(c.fd);
    if (listen_fd_ >= 0) close(listen_fd_);
    if (wake_read_ >= 0) close(wake_read_);
    if (wake_write_ >= 0) close(wake_write_);
  }

  absl::Status Init(int listen_fd) {
    listen_fd_ = listen_fd;
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot create a pipe: ", std::strerror(errno)));
    }
    wake_read_ = pipe_fds[0];
    wake_write_ = pipe_fds[1];
    io_ = std::thread([this] { RunIo(); });
    for (int i = 0; i < options_.workers; ++i) {
      workers_.emplace_back([this] { RunWorker(); });
    }
    return absl::OkStatus();
  }

 private:
  void Wake() {
    char c = 0;
    while (write(wake_write_, &c, 1) < 0 && errno == EINTR) {
    }
  }

  // Acts on what `c` has received. Returns false if the connection is done
  // with here (closed, or handed to a worker).
  bool Process(Connection& c) {
    Parsed p = TryParse(c.in, options_);
    switch (p.state) {
      case Parsed::kIncomplete:
        if (p.expect_continue && !c.sent_continue) {
          c.sent_continue = true;
          SendAll(c.fd, "HTTP/1.1 100 Continue\r\n\r\n", MSG_DONTWAIT);
        }
        return true;
      case Parsed::kError:
        // Small enough for the socket buffer: never blocks this thread.
        SendAll(c.fd, Serialize(p.error, false, false), MSG_DONTWAIT);
        close(c.fd);
        return false;
      case Parsed::kComplete:
        break;
    }
    c.in.erase(0, p.consumed);
    c.sent_continue = false;
    p.request.peer_ip = c.peer_ip;
    {
      absl::MutexLock lock(&mu_);
      ++held_;
      jobs_.push_back({std::move(c), std::move(p.request), p.keep_alive});
    }
    return false;
  }

  void RunIo() {
    std::vector<Connection> connections;
    while (true) {
      absl::Time now = absl::Now();
      int timeout_ms = -1;
      std::vector<pollfd> fds;
      fds.push_back({wake_read_, POLLIN, 0});
      fds.push_back({listen_fd_, POLLIN, 0});
      for (const Connection& c : connections) {
        fds.push_back({c.fd, POLLIN, 0});
        int64_t left = absl::ToInt64Milliseconds(c.since + options_.idle_timeout - now);
        left = std::max<int64_t>(left + 1, 0);
        if (timeout_ms < 0 || left < timeout_ms) timeout_ms = static_cast<int>(left);
      }
      int ready = poll(fds.data(), fds.size(), timeout_ms);
      if (ready < 0 && errno != EINTR) break;
      now = absl::Now();
      std::vector<Connection> kept;
      for (size_t i = 0; i < connections.size(); ++i) {
        Connection& c = connections[i];
        bool keep = true;
        if (fds[i + 2].revents != 0) {
          char buf[16384];
          ssize_t n = recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
          if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
            close(c.fd);
            keep = false;
          } else if (n > 0) {
            c.in.append(buf, static_cast<size_t>(n));
            keep = Process(c);
          }
        }
        if (keep && now - c.since >= options_.idle_timeout) {
          close(c.fd);
          keep = false;
        }
        if (keep) kept.push_back(std::move(c));
      }
      connections = std::move(kept);
      if (fds[0].revents != 0) {
        char drain[256];
        while (read(wake_read_, drain, sizeof drain) > 0) {
        }
        std::vector<Connection> back;
        {
          absl::MutexLock lock(&mu_);
          if (stopping_) break;
          back.swap(returned_);
          held_ -= back.size();
        }
        for (Connection& c : back) {
          c.since = now;
          // A pipelined request may already be complete.
          if (c.in.empty() || Process(c)) connections.push_back(std::move(c));
        }
      }
      if (fds[1].revents & POLLIN) Accept(connections, now);
    }
    for (const Connection& c : connections) close(c.fd);
  }

  void Accept(std::vector<Connection>& connections, absl::Time now) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len,
                     SOCK_CLOEXEC);
    if (fd < 0) return;
    size_t held;
    {
      absl::MutexLock lock(&mu_);
      held = held_;
    }
    if (connections.size() + held >= options_.max_connections) {
      close(fd);
      return;
    }
    timeval send_timeout = absl::ToTimeval(options_.idle_timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    Connection c;
    c.fd = fd;
    c.since = now;
    c.peer_ip = PeerIp(peer);
    connections.push_back(std::move(c));
  }

  void RunWorker() {
    while (true) {
      Job job;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(
            +[](Impl* impl) ABSL_EXCLUSIVE_LOCKS_REQUIRED(impl->mu_) {
              return impl->stopping_ || !impl->jobs_.empty();
            },
            this));
        if (stopping_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      HttpResponse response = handler_(job.request);
      bool sent = SendAll(job.connection.fd,
                          Serialize(response, job.keep_alive,
                                    job.request.method == "HEAD"));
      bool keep = sent && job.keep_alive;
      {
        absl::MutexLock lock(&mu_);
        if (keep && !stopping_) {
          returned_.push_back(std::move(job.connection));
        } else {
          keep = false;
          --held_;
        }
      }
      if (keep) {
        Wake();
      } else {
        close(job.connection.fd);
      }
    }
  }

  const HttpHandler handler_;
  const HttpServerOptions options_;
  int listen_fd_ = -1;
  int wake_read_ = -1;
  int wake_write_ = -1;
  std::thread io_;
  std::vector<std::thread> workers_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<Job> jobs_ ABSL_GUARDED_BY(mu_);
  std::vector<Connection> returned_ ABSL_GUARDED_BY(mu_);
  // Connections not in the I/O thread's list: queued, being served, returned.
  size_t held_ ABSL_GUARDED_BY(mu_) = 0;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const std::string& address, HttpHandler handler, HttpServerOptions options) {
  const std::string& name = options.name;
  if (options.workers < 1 || options.max_connections < 1 ||
      options.idle_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, " server options: need workers >= 1, max_connections >= 1 and a "
              "positive idle_timeout"));
  }
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " address \"", address, "\" is not host:port"));
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
        name, " address \"", address, "\" does not resolve: ", gai_strerror(rc)));
  }
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || bind(fd, found->ai_addr, found->ai_addrlen) != 0 ||
      listen(fd, 128) != 0) {
    std::string error = std::strerror(errno);
    if (fd >= 0) close(fd);
    freeaddrinfo(found);
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", address, " for ", name, ": ", error));
  }
  freeaddrinfo(found);
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  int bound_port = bound.ss_family == AF_INET6
                       ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                       : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  auto impl = std::make_unique<Impl>(std::move(handler), std::move(options));
  // The Impl owns `fd` from here on, whether Init succeeds or not.
  if (absl::Status s = impl->Init(fd); !s.ok()) return s;
  auto server = std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
  server->address_ = absl::StrCat(address.substr(0, colon), ":", bound_port);
  return server;
}

}  // namespace candor::http
