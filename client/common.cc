#include "client/common.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "log/tls/tls.h"
#include "verifier/detect/byte_source.h"

namespace candor::cli {
namespace {

constexpr size_t kMaxInput = 64 << 20;

}  // namespace

std::vector<Option> LogOptions(std::vector<Option> more) {
  std::vector<Option> options = {
      {"log", "ADDR", "the log's gRPC address, host:port"},
      {"timeout", "DURATION", "deadline of each call (default 10s)"},
      {"tls_ca", "FILE", "connect with TLS, trusting this PEM CA"},
      {"tls_cert", "FILE", "client certificate for TLS (e.g. an operator's)"},
      {"tls_key", "FILE", "the client certificate's private key"},
  };
  options.insert(options.end(), more.begin(), more.end());
  return options;
}

namespace {

absl::StatusOr<client::ClientOptions> ClientOptionsFrom(const Args& args,
                                                        absl::Duration timeout) {
  client::ClientOptions options;
  absl::StatusOr<absl::Duration> t = args.GetDuration("timeout", timeout);
  if (!t.ok()) return t.status();
  options.timeout = *t;
  if (args.Has("tls_ca")) {
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
        tls::ChannelCredentials(
            {args.Get("tls_ca"), args.Get("tls_cert"), args.Get("tls_key")});
    if (!credentials.ok()) return credentials.status();
    options.credentials = *std::move(credentials);
  } else if (args.Has("tls_cert")) {
    return absl::InvalidArgumentError("--tls_cert needs --tls_ca");
  }
  return options;
}

}  // namespace

absl::StatusOr<std::unique_ptr<client::LogClient>> ConnectLog(
    const Args& args, absl::Duration timeout) {
  absl::StatusOr<std::string> address = args.Required("log");
  if (!address.ok()) return address.status();
  absl::StatusOr<client::ClientOptions> options = ClientOptionsFrom(args, timeout);
  if (!options.ok()) return options.status();
  return std::make_unique<client::LogClient>(*address, *options);
}

std::vector<Option> VerifierOptions(std::vector<Option> more) {
  std::vector<Option> options = LogOptions(std::move(more));
  options.erase(options.begin());  // --log
  options.insert(options.begin(),
                 {"verifier", "ADDR", "the candor-verifier's gRPC address, host:port"});
  return options;
}

absl::StatusOr<std::unique_ptr<client::VerifierClient>> ConnectVerifier(
    const Args& args, absl::Duration timeout) {
  absl::StatusOr<std::string> address = args.Required("verifier");
  if (!address.ok()) return address.status();
  absl::StatusOr<client::ClientOptions> options = ClientOptionsFrom(args, timeout);
  if (!options.ok()) return options.status();
  return std::make_unique<client::VerifierClient>(*address, *options);
}

absl::StatusOr<std::string> FileSha256Hex(const std::string& path) {
  absl::StatusOr<std::unique_ptr<detect::FileByteSource>> file =
      detect::FileByteSource::Open(path);
  if (!file.ok()) return file.status();
  detect::HashingByteSource hashing(file->get());
  constexpr size_t kChunk = 1 << 20;
  std::string chunk;
  while (true) {
    chunk.clear();
    if (absl::Status s = hashing.Read(kChunk, chunk); !s.ok()) return s;
    if (chunk.empty()) break;
  }
  return hashing.FinishHex();
}

absl::StatusOr<std::string> ReadInput(const std::string& path) {
  std::string data;
  if (path == "-") {
    data.assign(std::istreambuf_iterator<char>(std::cin),
                std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
    std::ostringstream buf;
    buf << in.rdbuf();
    data = buf.str();
  }
  if (data.size() > kMaxInput) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is larger than ", kMaxInput, " bytes"));
  }
  return data;
}

absl::Status WriteOutput(Io& io, const std::string& path,
                         absl::string_view content) {
  if (path.empty() || path == "-") {
    io.out << content;
    return absl::OkStatus();
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::Status NotA(absl::string_view what, const absl::Status& problem) {
  return absl::InvalidArgumentError(absl::StrCat("not a ", what, ": ", problem.message()));
}

}  // namespace candor::cli
