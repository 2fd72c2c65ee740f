#include "base/http/http_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace candor::http {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Waits until `fd` is ready for `events` or `deadline` passes.
absl::Status WaitFor(int fd, short events, absl::Time deadline,
                     absl::string_view doing) {
  while (true) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(absl::StrCat("deadline exceeded ", doing));
    }
    pollfd p{fd, events, 0};
    int ms = static_cast<int>(
        std::min<int64_t>(absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1))),
                          1 << 30));
    int n = poll(&p, 1, ms);
    if (n > 0) return absl::OkStatus();
    if (n < 0 && errno != EINTR) {
      return absl::UnavailableError(absl::StrCat("poll failed ", doing, ": ",
                                                 std::strerror(errno)));
    }
  }
}

absl::StatusOr<std::unique_ptr<Fd>> Connect(absl::string_view host_port,
                                            absl::Time deadline) {
  size_t colon = host_port.rfind(':');
  if (colon == absl::string_view::npos || colon == 0 ||
      colon + 1 == host_port.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP address \"", host_port, "\" is not host:port"));
  }
  std::string host(host_port.substr(0, colon));
  std::string port(host_port.substr(colon + 1));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "HTTP address \"", host_port, "\" does not resolve: ", gai_strerror(rc)));
  }
  auto fd = std::make_unique<Fd>(
      socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  int err = 0;
  if (fd->get() < 0) {
    err = errno;
  } else if (connect(fd->get(), found->ai_addr, found->ai_addrlen) != 0) {
    err = errno;
  }
  freeaddrinfo(found);
  std::string doing = absl::StrCat("connecting to ", host_port);
  if (err == EINPROGRESS) {
    if (absl::Status s = WaitFor(fd->get(), POLLOUT, deadline, doing); !s.ok()) {
      return s;
    }
    socklen_t len = sizeof err;
    getsockopt(fd->get(), SOL_SOCKET, SO_ERROR, &err, &len);
  }
  if (err != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", host_port, ": ", std::strerror(err)));
  }
  return fd;
}

absl::Status SendAll(int fd, absl::string_view data, absl::string_view host_port,
                     absl::Time deadline) {
  std::string doing = absl::StrCat("sending to ", host_port);
  size_t done = 0;
  while (done < data.size()) {
    if (absl::Status s = WaitFor(fd, POLLOUT, deadline, doing); !s.ok()) return s;
    ssize_t n = send(fd, data.data() + done, data.size() - done,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot send to ", host_port, ": ", std::strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

// The head of a reply, parsed.
struct Head {
  int status = 0;
  std::string content_type;
  std::string retry_after;
  std::optional<uint64_t> content_length;
  bool chunked = false;
};

absl::StatusOr<Head> ParseHead(absl::string_view head, absl::string_view host_port) {
  auto bad = [&](absl::string_view what) {
    return absl::InternalError(
        absl::StrCat("malformed HTTP reply from ", host_port, ": ", what));
  };
  std::vector<absl::string_view> lines = absl::StrSplit(head, "\r\n");
  absl::string_view status_line = lines[0];
  Head h;
  if (!absl::StartsWith(status_line, "HTTP/1.") || status_line.size() < 12 ||
      status_line[8] != ' ' || (status_line.size() > 12 && status_line[12] != ' ') ||
      !std::all_of(status_line.begin() + 9, status_line.begin() + 12,
                   absl::ascii_isdigit)) {
    return bad("bad status line");
  }
  absl::SimpleAtoi(status_line.substr(9, 3), &h.status);
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos || colon == 0) return bad("bad header line");
    std::string name = absl::AsciiStrToLower(lines[i].substr(0, colon));
    absl::string_view value = absl::StripAsciiWhitespace(lines[i].substr(colon + 1));
    if (name == "content-length") {
      uint64_t n = 0;
      if (value.empty() || value.size() > 18 ||
          !std::all_of(value.begin(), value.end(), absl::ascii_isdigit) ||
          !absl::SimpleAtoi(value, &n) ||
          (h.content_length.has_value() && *h.content_length != n)) {
        return bad("bad Content-Length");
      }
      h.content_length = n;
    } else if (name == "content-type") {
      h.content_type = std::string(value);
    } else if (name == "retry-after") {
      h.retry_after = std::string(value);
    } else if (name == "transfer-encoding") {
      if (!absl::EqualsIgnoreCase(value, "identity")) h.chunked = true;
    }
  }
  return h;
}

absl::StatusOr<HttpReply> Exchange(absl::string_view host_port,
                                   absl::string_view request, absl::Time deadline) {
  absl::StatusOr<std::unique_ptr<Fd>> fd = Connect(host_port, deadline);
  if (!fd.ok()) return fd.status();
  int sock = (*fd)->get();
  if (absl::Status s = SendAll(sock, request, host_port, deadline); !s.ok()) return s;

  std::string doing = absl::StrCat("waiting for the reply from ", host_port);
  std::string in;
  std::optional<Head> head;
  size_t body_start = 0;
  bool closed = false;
  while (true) {
    if (!head.has_value()) {
      size_t end = in.find("\r\n\r\n");
      if (end == std::string::npos && in.size() > kMaxReplyHeadBytes) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "reply head from ", host_port, " exceeds ", kMaxReplyHeadBytes, " bytes"));
      }
      if (end != std::string::npos) {
        absl::StatusOr<Head> parsed = ParseHead(absl::string_view(in).substr(0, end),
                                                host_port);
        if (!parsed.ok()) return parsed.status();
        if (parsed->status >= 100 && parsed->status < 200) {
          in.erase(0, end + 4);  // an interim reply: the real one follows
          continue;
        }
        if (parsed->chunked) {
          return absl::UnimplementedError(absl::StrCat(
              "reply from ", host_port, " is chunked; only Content-Length is read"));
        }
        if (parsed->status == 204 || parsed->status == 304) parsed->content_length = 0;
        if (parsed->content_length.has_value() &&
            *parsed->content_length > kMaxReplyBodyBytes) {
          return absl::ResourceExhaustedError(
              absl::StrCat("reply body from ", host_port, " exceeds ",
                           kMaxReplyBodyBytes, " bytes"));
        }
        head = *std::move(parsed);
        body_start = end + 4;
      }
    }
    if (head.has_value()) {
      size_t have = in.size() - body_start;
      if (have > kMaxReplyBodyBytes) {
        return absl::ResourceExhaustedError(absl::StrCat(
            "reply body from ", host_port, " exceeds ", kMaxReplyBodyBytes, " bytes"));
      }
      bool complete = head->content_length.has_value()
                          ? have >= *head->content_length
                          : closed;
      if (complete) {
        HttpReply reply;
        reply.status = head->status;
        reply.content_type = head->content_type;
        reply.retry_after = head->retry_after;
        size_t length = head->content_length.has_value()
                            ? static_cast<size_t>(*head->content_length)
                            : have;
        reply.body = in.substr(body_start, length);
        return reply;
      }
    }
    if (closed) {
      return absl::UnavailableError(absl::StrCat(
          "connection to ", host_port, " closed before the whole reply arrived"));
    }
    if (absl::Status s = WaitFor(sock, POLLIN, deadline, doing); !s.ok()) return s;
    char buf[16384];
    ssize_t n = recv(sock, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) {
      return absl::UnavailableError(absl::StrCat("cannot receive from ", host_port,
                                                 ": ", std::strerror(errno)));
    }
    if (n == 0) {
      closed = true;
    } else {
      in.append(buf, static_cast<size_t>(n));
    }
  }
}

absl::Status CheckRequest(absl::string_view path, absl::string_view content_type) {
  if (path.empty() || path[0] != '/' ||
      path.find_first_of(" \r\n") != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP path \"", absl::CHexEscape(path),
                     "\" must start with '/' and hold no space, CR or LF"));
  }
  if (content_type.find_first_of("\r\n") != absl::string_view::npos) {
    return absl::InvalidArgumentError("HTTP Content-Type holds CR or LF");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<HttpReply> HttpPost(absl::string_view host_port,
                                   absl::string_view path,
                                   absl::string_view body,
                                   absl::string_view content_type,
                                   absl::Time deadline) {
  if (absl::Status s = CheckRequest(path, content_type); !s.ok()) return s;
  std::string request = absl::StrCat("POST ", path, " HTTP/1.1\r\nHost: ", host_port,
                                     "\r\nContent-Type: ", content_type,
                                     "\r\nContent-Length: ", body.size(),
                                     "\r\nConnection: close\r\n\r\n", body);
  return Exchange(host_port, request, deadline);
}

absl::StatusOr<HttpReply> HttpGet(absl::string_view host_port,
                                  absl::string_view path, absl::Time deadline) {
  if (absl::Status s = CheckRequest(path, ""); !s.ok()) return s;
  std::string request = absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: ", host_port,
                                     "\r\nConnection: close\r\n\r\n");
  return Exchange(host_port, request, deadline);
}

}  // namespace candor::http
