#include "tests/support/postgres_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/support/subprocess.h"

namespace candor::testing {
namespace {

constexpr char kBinDir[] = "/usr/lib/postgresql/15/bin";
constexpr char kHost[] = "127.0.0.1";
// How long any one step may take before it fails: pg_ctl is given this
// (-t), and the process running it a little more, so pg_ctl's own message
// is the one seen.
constexpr int kStepSeconds = 60;
constexpr int kPgCtlSeconds = kStepSeconds + 15;

std::string ErrnoText() { return std::strerror(errno); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::Status WriteFile(const std::string& path, const std::string& text,
                       std::ios::openmode mode) {
  // Appending to or truncating a file the servers' user owns keeps its owner.
  std::ofstream out(path, std::ios::binary | mode);
  out << text;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

// The last `lines` lines of `text`.
std::string Tail(const std::string& text, size_t lines = 25) {
  std::vector<absl::string_view> all =
      absl::StrSplit(absl::StripTrailingAsciiWhitespace(text), '\n');
  const size_t from = all.size() > lines ? all.size() - lines : 0;
  return absl::StrJoin(all.begin() + static_cast<std::ptrdiff_t>(from),
                       all.end(), "\n");
}

std::string LogTail(const std::string& log) {
  const std::string text = ReadFile(log);
  if (text.empty()) return absl::StrCat(log, " is empty or missing");
  return absl::StrCat(log, " ends:\n", Tail(text));
}

// `n` distinct ports on 127.0.0.1 that nothing listens on now (each socket
// stays bound until all are chosen, so the kernel cannot hand one out twice).
absl::StatusOr<std::vector<int>> FreePorts(int n) {
  std::vector<int> fds, ports;
  absl::Status status;
  for (int i = 0; i < n && status.ok(); ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      status = absl::InternalError(absl::StrCat("socket: ", ErrnoText()));
      break;
    }
    fds.push_back(fd);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    ::inet_pton(AF_INET, kHost, &addr.sin_addr);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      status = absl::InternalError(
          absl::StrCat("cannot bind a free port on 127.0.0.1: ", ErrnoText()));
      break;
    }
    ports.push_back(ntohs(addr.sin_port));
  }
  for (int fd : fds) ::close(fd);
  if (!status.ok()) return status;
  return ports;
}

std::vector<char*> CArgs(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const std::string& s : strings)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// Reads what `fd` has now (it is non-blocking); closes it and sets it to -1
// at end of file.
void ReadAvailable(int& fd, std::string& into) {
  char buf[65536];
  while (fd >= 0) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      into.append(buf, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      if (n == 0 || errno != EAGAIN) {
        ::close(fd);
        fd = -1;
      }
      return;
    }
  }
}

void CloseIfOpen(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// The process's state letter from /proc/<pid>/stat and its parent, or false
// if there is no such process.
bool ProcStat(pid_t pid, char* state, pid_t* parent) {
  const std::string stat = ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return false;
  std::vector<absl::string_view> fields = absl::StrSplit(
      absl::string_view(stat).substr(close + 1), ' ', absl::SkipEmpty());
  if (fields.size() < 2 || fields[0].empty()) return false;
  *state = fields[0][0];
  return absl::SimpleAtoi(fields[1], parent);
}

// A zombie is gone too: nothing may reap the postmaster's children once it is
// killed (in containers, PID 1 often reaps nothing).
bool IsAlive(pid_t pid) {
  char state = 0;
  pid_t parent = 0;
  return ProcStat(pid, &state, &parent) && state != 'Z' && state != 'X';
}

std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end;
       !ec && it != end; it.increment(ec)) {
    pid_t pid = 0;
    char state = 0;
    pid_t ppid = 0;
    if (absl::SimpleAtoi(it->path().filename().string(), &pid) &&
        ProcStat(pid, &state, &ppid) && ppid == parent) {
      children.push_back(pid);
    }
  }
  return children;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresCluster>> PostgresCluster::Start(
    bool with_standby) {
  for (const char* program :
       {"initdb", "pg_ctl", "postgres", "pg_basebackup", "psql"}) {
    const std::string path = absl::StrCat(kBinDir, "/", program);
    if (::access(path.c_str(), X_OK) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "PostgreSQL 15 cannot run here: ", path, " is not executable (",
          ErrnoText(), "); it comes with Debian's postgresql-15 package"));
    }
  }
  auto cluster = std::unique_ptr<PostgresCluster>(new PostgresCluster());
  if (::geteuid() == 0) {
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwnam_r("postgres", &entry, buf.data(), buf.size(), &found) != 0 ||
        found == nullptr) {
      return absl::FailedPreconditionError(
          "PostgreSQL cannot run here: the test runs as root, which initdb and "
          "postgres refuse, and there is no `postgres` user to run them as");
    }
    cluster->as_postgres_user_ = true;
    cluster->uid_ = entry.pw_uid;
    cluster->gid_ = entry.pw_gid;
  }
  // /tmp, not $TEST_TMPDIR: under Bazel that is inside root's home, which the
  // postgres user cannot enter, and unix socket paths must stay short.
  char dir[] = "/tmp/candor-pg-XXXXXX";
  if (::mkdtemp(dir) == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "PostgreSQL cannot run here: no directory in /tmp: ", ErrnoText()));
  }
  cluster->dir_ = dir;  // from here on the destructor removes it
  if (absl::Status s = cluster->GiveToServers(cluster->dir_); !s.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("PostgreSQL cannot run here: ", s.message()));
  }
  absl::StatusOr<std::vector<int>> ports = FreePorts(with_standby ? 2 : 1);
  if (!ports.ok()) return ports.status();
  for (const char* name : {"primary", "standby"}) {
    if (cluster->servers_.size() == ports->size()) break;
    Server server;
    server.name = name;
    server.data_dir = absl::StrCat(cluster->dir_, "/", name);
    server.socket_dir = absl::StrCat(cluster->dir_, "/", name, "-sockets");
    server.log = absl::StrCat(cluster->dir_, "/", name, ".log");
    server.port = (*ports)[cluster->servers_.size()];
    cluster->servers_.push_back(server);
  }

  if (absl::Status s = cluster->InitPrimary(); !s.ok()) return s;
  if (absl::Status s = cluster->StartServer(cluster->servers_[0]); !s.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("PostgreSQL cannot run here: ", s.message()));
  }
  absl::StatusOr<std::string> created = cluster->QueryDatabase(
      cluster->servers_[0].port, "postgres", "CREATE DATABASE candor");
  if (!created.ok()) {
    return absl::Status(created.status().code(),
                        absl::StrCat("cannot create the database candor: ",
                                     created.status().message(), "\n",
                                     LogTail(cluster->servers_[0].log)));
  }
  if (with_standby) {
    if (absl::Status s = cluster->StartStandby(); !s.ok()) return s;
  }
  return cluster;
}

PostgresCluster::~PostgresCluster() {
  for (Server& server : servers_) {
    if (server.running) {
      absl::StatusOr<Output> stop = RunProgram(
          "pg_ctl",
          {"-D", server.data_dir, "-m", "immediate", "-w", "-t", "30", "stop"},
          "", 40);
      if (stop.ok() && stop->exit_code == 0) {
        server.running = false;
        continue;
      }
    }
    // Also for a server whose start failed or timed out: its postmaster may
    // run. A no-op when it has no live postmaster.
    (void)KillServer(server);
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string PostgresCluster::ConnInfo() const {
  std::vector<std::string> hosts, ports;
  for (const Server& server : servers_) {
    hosts.push_back(kHost);
    ports.push_back(absl::StrCat(server.port));
  }
  return absl::StrCat("host=", absl::StrJoin(hosts, ","),
                      " port=", absl::StrJoin(ports, ","),
                      " dbname=candor user=candor "
                      "target_session_attrs=read-write connect_timeout=2");
}

std::string PostgresCluster::Uri() const {
  std::vector<std::string> hosts;
  for (const Server& server : servers_) {
    hosts.push_back(absl::StrCat(kHost, ":", server.port));
  }
  return absl::StrCat(
      "postgresql://candor@", absl::StrJoin(hosts, ","),
      "/candor?target_session_attrs=read-write&connect_timeout=2");
}

absl::StatusOr<std::string> PostgresCluster::Query(
    const std::string& sql) const {
  return QueryPort(primary_port(), sql);
}

absl::StatusOr<std::string> PostgresCluster::QueryDb(const std::string& dbname,
                                                     const std::string& sql) const {
  return QueryDatabase(primary_port(), dbname, sql);
}

absl::StatusOr<std::string> PostgresCluster::QueryPort(
    int port, const std::string& sql) const {
  return QueryDatabase(port, "candor", sql);
}

int PostgresCluster::primary_port() const { return servers_[primary_].port; }

int PostgresCluster::standby_port() const {
  return standby_ < 0 ? 0 : servers_[standby_].port;
}

absl::Status PostgresCluster::KillPrimary() {
  Server& primary = servers_[primary_];
  if (!primary.running) {
    return absl::FailedPreconditionError(
        absl::StrCat("the primary (port ", primary.port, ") is not running"));
  }
  return KillServer(primary);
}

absl::Status PostgresCluster::PromoteStandby() {
  if (standby_ < 0) {
    return absl::FailedPreconditionError("there is no standby to promote");
  }
  Server& standby = servers_[standby_];
  absl::StatusOr<Output> promote =
      RunProgram("pg_ctl",
                 {"-D", standby.data_dir, "-w", "-t",
                  absl::StrCat(kStepSeconds), "promote"},
                 "", kPgCtlSeconds);
  if (!promote.ok() || promote->exit_code != 0) {
    return absl::Status(
        promote.ok() ? absl::StatusCode::kInternal : promote.status().code(),
        absl::StrCat("pg_ctl promote of the standby failed: ",
                     promote.ok() ? Tail(promote->out + promote->err)
                                  : std::string(promote.status().message()),
                     "\n", LogTail(standby.log)));
  }
  // pg_ctl promote -w returns once the promotion is complete.
  if (absl::Status s =
          CheckAnswer(standby.port, "SELECT pg_is_in_recovery()", "f",
                      "the promoted standby to accept writes", standby);
      !s.ok()) {
    return s;
  }
  // Its configuration says '' since it started (StartStandby), so its
  // commits wait for no standby.
  if (absl::Status s =
          CheckAnswer(standby.port, "SHOW synchronous_standby_names", "",
                      "the promoted standby to wait for no standby", standby);
      !s.ok()) {
    return s;
  }
  primary_ = standby_;
  standby_ = -1;
  return absl::OkStatus();
}

absl::StatusOr<PostgresCluster::Output> PostgresCluster::RunProgram(
    const std::string& program, const std::vector<std::string>& args,
    const std::string& input, int timeout_seconds) const {
  std::vector<std::string> argv = {absl::StrCat(kBinDir, "/", program)};
  argv.insert(argv.end(), args.begin(), args.end());
  // Nothing from the test's environment (PGHOST, PGDATA, LANG...) changes
  // what the programs do.
  const std::vector<std::string> env = {
      absl::StrCat("PATH=", kBinDir, ":/usr/bin:/bin"),
      absl::StrCat("HOME=", dir_),
      "LC_ALL=C",
      "PGCLIENTENCODING=UTF8",
  };
  std::vector<char*> c_argv = CArgs(argv);
  std::vector<char*> c_env = CArgs(env);
  static constexpr char kSetupFailed[] =
      "postgres_cluster: cannot enter the cluster directory or become the "
      "postgres user\n";

  // A program that exits without reading its input must not kill the test.
  ::signal(SIGPIPE, SIG_IGN);
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", ErrnoText()));
  }
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    return absl::InternalError(absl::StrCat("pipe: ", ErrnoText()));
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    for (int fd : {in[0], in[1], out[0], out[1]}) ::close(fd);
    return absl::InternalError(absl::StrCat("pipe: ", ErrnoText()));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
    return absl::InternalError(absl::StrCat("fork: ", ErrnoText()));
  }
  if (pid == 0) {
    // Its own process group, so a time-out kills whatever it started too
    // (except a postmaster, which pg_ctl puts in a session of its own).
    ::setpgid(0, 0);
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    // The test's working directory (Bazel's runfiles) may be closed to the
    // postgres user; the cluster directory is its own.
    if (::chdir(dir_.c_str()) != 0 ||
        (as_postgres_user_ && (::setgroups(0, nullptr) != 0 ||
                               ::setgid(gid_) != 0 || ::setuid(uid_) != 0))) {
      ssize_t ignored = ::write(2, kSetupFailed, sizeof kSetupFailed - 1);
      (void)ignored;
      ::_exit(126);
    }
    ::execve(c_argv[0], c_argv.data(), c_env.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  int in_fd = in[1], out_fd = out[0], err_fd = err[0];
  for (int fd : {in_fd, out_fd, err_fd}) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  if (input.empty()) CloseIfOpen(in_fd);

  const absl::Time deadline = absl::Now() + absl::Seconds(timeout_seconds);
  Output result;
  size_t written = 0;
  int status = 0;
  while (true) {
    // Wait for output, for room for input, or 5 ms to look at the child:
    // the child's end, not the end of its output, ends the wait, because a
    // server it started may hold its output open.
    pollfd fds[3];
    nfds_t n = 0;
    if (out_fd >= 0) fds[n++] = {out_fd, POLLIN, 0};
    if (err_fd >= 0) fds[n++] = {err_fd, POLLIN, 0};
    if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
    ::poll(fds, n, 5);
    ReadAvailable(out_fd, result.out);
    ReadAvailable(err_fd, result.err);
    if (in_fd >= 0) {
      const ssize_t w =
          ::write(in_fd, input.data() + written, input.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if ((w < 0 && errno != EAGAIN && errno != EINTR) ||
          written == input.size()) {
        CloseIfOpen(in_fd);
      }
    }
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      // Everything it wrote before exiting is in the pipes now.
      ReadAvailable(out_fd, result.out);
      ReadAvailable(err_fd, result.err);
      break;
    }
    if (absl::Now() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      ReadAvailable(out_fd, result.out);
      ReadAvailable(err_fd, result.err);
      for (int* fd : {&in_fd, &out_fd, &err_fd}) CloseIfOpen(*fd);
      return absl::DeadlineExceededError(absl::StrCat(
          absl::StrJoin(argv, " "), " did not finish in ", timeout_seconds,
          " s and was killed; its output so far:\n",
          Tail(result.out + result.err)));
    }
  }
  for (int* fd : {&in_fd, &out_fd, &err_fd}) CloseIfOpen(*fd);
  result.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

absl::Status PostgresCluster::GiveToServers(const std::string& path) const {
  if (as_postgres_user_ && ::chown(path.c_str(), uid_, gid_) != 0) {
    return absl::InternalError(absl::StrCat(
        "cannot give ", path, " to the postgres user: ", ErrnoText()));
  }
  return absl::OkStatus();
}

absl::Status PostgresCluster::InitPrimary() {
  Server& primary = servers_[0];
  absl::StatusOr<Output> initdb = RunProgram(
      "initdb", {"-D", primary.data_dir, "-U", "candor", "-A", "trust", "-E",
                 "UTF8", "--locale=C", "--no-instructions"});
  if (!initdb.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("PostgreSQL cannot run here: initdb failed: ",
                     initdb.status().message()));
  }
  if (initdb->exit_code != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "PostgreSQL cannot run here: initdb exited with ", initdb->exit_code,
        "; its output ends:\n", Tail(initdb->out + initdb->err)));
  }
  if (::mkdir(primary.socket_dir.c_str(), 0700) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot create ", primary.socket_dir, ": ", ErrnoText()));
  }
  if (absl::Status s = GiveToServers(primary.socket_dir); !s.ok()) return s;
  // The standby's base backup copies these; its postgresql.auto.conf then
  // overrides what differs.
  const std::string settings = absl::StrCat(
      "\n# tests/support/postgres_cluster.cc\n", "listen_addresses = '", kHost,
      "'\n", "port = ", primary.port, "\n",
      // Sockets outside the data directory: nothing needs
      // /var/run/postgresql, and base backups do not trip over them.
      "unix_socket_directories = '", primary.socket_dir, "'\n",
      // Small, so that several clusters fit on a small test machine.
      "max_connections = 50\n", "shared_buffers = 32MB\n",
      // Dynamic shared memory as files in pg_dynshmem, removed with the
      // directory even after kill -9 ('posix' segments would stay in
      // /dev/shm).
      "dynamic_shared_memory_type = mmap\n",
      // The tests are about durability.
      "fsync = on\n", "full_page_writes = on\n", "synchronous_commit = on\n",
      "wal_level = replica\n", "max_wal_senders = 5\n",
      // synchronous_standby_names stays '' until the standby is in sync
      // (StartStandby): before that, every commit would wait forever.
      "synchronous_standby_names = ''\n");
  if (absl::Status s =
          WriteFile(absl::StrCat(primary.data_dir, "/postgresql.conf"),
                    settings, std::ios::app);
      !s.ok()) {
    return s;
  }
  // Trust over TCP from 127.0.0.1 only; no line for unix sockets.
  return WriteFile(absl::StrCat(primary.data_dir, "/pg_hba.conf"),
                   "# tests/support/postgres_cluster.cc\n"
                   "host all all 127.0.0.1/32 trust\n"
                   "host replication all 127.0.0.1/32 trust\n",
                   std::ios::trunc);
}

absl::Status PostgresCluster::StartServer(Server& server) {
  for (int attempt = 1;; ++attempt) {
    const size_t log_before = ReadFile(server.log).size();
    absl::StatusOr<Output> start =
        RunProgram("pg_ctl",
                   {"-D", server.data_dir, "-l", server.log, "-w", "-t",
                    absl::StrCat(kStepSeconds), "start"},
                   "", kPgCtlSeconds);
    // Set even on failure: a postmaster that was not ready in time may still
    // run, and the destructor must stop it.
    server.running = true;
    if (start.ok() && start->exit_code == 0) return absl::OkStatus();
    const std::string log = ReadFile(server.log);
    const std::string new_log = log.substr(std::min(log_before, log.size()));
    if (attempt < 3 && absl::StrContains(new_log, "Address already in use")) {
      // Something took the free port between FreePorts() and now: another.
      server.running = false;
      absl::StatusOr<std::vector<int>> ports =
          FreePorts(static_cast<int>(servers_.size()) + 1);
      if (!ports.ok()) return ports.status();
      for (int port : *ports) {
        if (std::none_of(servers_.begin(), servers_.end(),
                         [&](const Server& s) { return s.port == port; })) {
          server.port = port;
          break;
        }
      }
      if (absl::Status s = WriteFile(
              absl::StrCat(server.data_dir, "/postgresql.auto.conf"),
              absl::StrCat("port = ", server.port, "\n"), std::ios::app);
          !s.ok()) {
        return s;
      }
      continue;
    }
    return absl::Status(
        start.ok() ? absl::StatusCode::kInternal : start.status().code(),
        absl::StrCat("pg_ctl start of the ", server.name, " (port ",
                     server.port, ") failed: ",
                     start.ok() ? absl::StrCat("exit ", start->exit_code, ": ",
                                               Tail(start->out + start->err))
                                : std::string(start.status().message()),
                     "\n", server.log, " ends:\n", Tail(new_log)));
  }
}

absl::Status PostgresCluster::StartStandby() {
  Server& primary = servers_[0];
  Server& standby = servers_[1];
  absl::StatusOr<Output> backup =
      RunProgram("pg_basebackup",
                 {"-d",
                  absl::StrCat("host=", kHost, " port=", primary.port,
                               " user=candor connect_timeout=2"),
                  "-D", standby.data_dir, "-R", "-X", "stream", "-c", "fast"});
  if (!backup.ok() || backup->exit_code != 0) {
    return absl::Status(
        backup.ok() ? absl::StatusCode::kInternal : backup.status().code(),
        absl::StrCat("pg_basebackup from the primary failed: ",
                     backup.ok()
                         ? absl::StrCat("exit ", backup->exit_code, ": ",
                                        Tail(backup->out + backup->err))
                         : std::string(backup.status().message()),
                     "\n", LogTail(primary.log)));
  }
  if (::mkdir(standby.socket_dir.c_str(), 0700) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot create ", standby.socket_dir, ": ", ErrnoText()));
  }
  if (absl::Status s = GiveToServers(standby.socket_dir); !s.ok()) return s;
  // After what -R wrote, so these win. application_name is the name the
  // primary's synchronous_standby_names lists. The standby's own
  // synchronous_standby_names stays '', so its commits wait for no one once
  // promoted.
  const std::string settings = absl::StrCat(
      "# tests/support/postgres_cluster.cc\n", "port = ", standby.port, "\n",
      "unix_socket_directories = '", standby.socket_dir, "'\n",
      "primary_conninfo = 'host=", kHost, " port=", primary.port,
      " user=candor application_name=standby1 connect_timeout=2'\n",
      "synchronous_standby_names = ''\n");
  if (absl::Status s =
          WriteFile(absl::StrCat(standby.data_dir, "/postgresql.auto.conf"),
                    settings, std::ios::app);
      !s.ok()) {
    return s;
  }
  // The primary waits for standby1 from a restart on, not from a reload,
  // which takes effect at some later moment.
  absl::StatusOr<std::string> sync = QueryPort(
      primary.port, "ALTER SYSTEM SET synchronous_standby_names = 'standby1'");
  if (!sync.ok()) return sync.status();
  absl::StatusOr<Output> restart =
      RunProgram("pg_ctl",
                 {"-D", primary.data_dir, "-l", primary.log, "-w", "-t",
                  absl::StrCat(kStepSeconds), "-m", "fast", "restart"},
                 "", kPgCtlSeconds);
  if (!restart.ok() || restart->exit_code != 0) {
    return absl::Status(
        restart.ok() ? absl::StatusCode::kInternal : restart.status().code(),
        absl::StrCat("pg_ctl restart of the primary failed: ",
                     restart.ok() ? Tail(restart->out + restart->err)
                                  : std::string(restart.status().message()),
                     "\n", LogTail(primary.log)));
  }
  if (absl::Status s = StartServer(standby); !s.ok()) return s;
  // A transaction id committed on the primary returns only once the
  // synchronous standby has it: the wait ends when the standby is in sync.
  absl::StatusOr<std::string> synced =
      QueryPort(primary.port, "SELECT pg_current_xact_id() IS NOT NULL");
  if (!synced.ok()) {
    return absl::Status(synced.status().code(),
                        absl::StrCat("the first synchronous commit failed: ",
                                     synced.status().message(), "\n",
                                     LogTail(standby.log)));
  }
  if (absl::Status s = CheckAnswer(
          primary.port,
          "SELECT sync_state FROM pg_stat_replication "
          "WHERE application_name = 'standby1'",
          "sync", "the standby to be the primary's synchronous standby",
          standby);
      !s.ok()) {
    return s;
  }
  standby_ = 1;
  return absl::OkStatus();
}

absl::Status PostgresCluster::CheckAnswer(int port, const std::string& sql,
                                          const std::string& expected,
                                          const std::string& what,
                                          const Server& server) const {
  absl::StatusOr<std::string> answer = QueryPort(port, sql);
  if (answer.ok() && *answer == expected) return absl::OkStatus();
  // Not FAILED_PRECONDITION, which tells tests PostgreSQL cannot start.
  return absl::InternalError(absl::StrCat(
      "expected ", what, ": on port ", port, ", ", sql, " gave ",
      answer.ok() ? absl::StrCat("'", *answer, "'") : answer.status().ToString(),
      ", not '", expected, "'\n", LogTail(server.log)));
}

absl::StatusOr<std::string> PostgresCluster::QueryDatabase(
    int port, const std::string& dbname, const std::string& sql) const {
  // -f - runs the statements one by one as a script, unlike -c, which would
  // make them one transaction.
  absl::StatusOr<Output> psql = RunProgram(
      "psql",
      {"-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d",
       absl::StrCat("host=", kHost, " port=", port, " dbname=", dbname,
                    " user=candor connect_timeout=2"),
       "-f", "-"},
      sql);
  if (!psql.ok()) return psql.status();
  if (psql->exit_code != 0) {
    // psql exits with 2 when it cannot connect or loses the connection.
    const std::string message =
        absl::StrCat("psql on port ", port, " exited with ", psql->exit_code,
                     ": ", absl::StripTrailingAsciiWhitespace(psql->err));
    return psql->exit_code == 2 ? absl::UnavailableError(message)
                                : absl::InternalError(message);
  }
  std::string out = std::move(psql->out);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

absl::Status PostgresCluster::KillServer(Server& server) {
  server.running = false;
  const std::vector<std::string> pid_file = absl::StrSplit(
      ReadFile(absl::StrCat(server.data_dir, "/postmaster.pid")), '\n');
  pid_t postmaster = 0;
  if (pid_file.empty() || !absl::SimpleAtoi(pid_file[0], &postmaster) ||
      postmaster <= 0) {
    return absl::OkStatus();  // never started, or stopped cleanly
  }
  std::vector<pid_t> victims;
  // The data directory in its command line says the pid is still ours.
  if (IsAlive(postmaster) &&
      absl::StrContains(
          ReadFile(absl::StrCat("/proc/", postmaster, "/cmdline")),
          server.data_dir)) {
    // Stopped, it starts no child between the listing and the kill. Its
    // children are each in their own session, so no group kill reaches them.
    ::kill(postmaster, SIGSTOP);
    victims = ChildrenOf(postmaster);
    victims.push_back(postmaster);
    for (pid_t pid : victims) ::kill(pid, SIGKILL);
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(kStepSeconds);
  for (pid_t pid : victims) {
    if (!WaitForTermination(pid, deadline - absl::Now()).ok()) {
      return absl::DeadlineExceededError(
          absl::StrCat("process ", pid, " of the ", server.name,
                       " still runs ", kStepSeconds, " s after kill -9"));
    }
  }
  // The small System V segment a killed postmaster leaves ("key id" on line
  // 7 of postmaster.pid): removed once nothing is attached to it.
  if (pid_file.size() > 6) {
    std::vector<absl::string_view> key_id =
        absl::StrSplit(pid_file[6], ' ', absl::SkipEmpty());
    unsigned long key = 0;
    int id = -1;
    shmid_ds info{};
    if (key_id.size() == 2 && absl::SimpleAtoi(key_id[0], &key) &&
        absl::SimpleAtoi(key_id[1], &id) &&
        ::shmctl(id, IPC_STAT, &info) == 0 &&
        static_cast<unsigned long>(info.shm_perm.__key) == key &&
        info.shm_nattch == 0) {
      ::shmctl(id, IPC_RMID, nullptr);
    }
  }
  return absl::OkStatus();
}

}  // namespace candor::testing
