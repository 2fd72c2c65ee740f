#include "log/keyfile/keyfile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_format.h"

namespace candor::keyfile {
namespace {

constexpr size_t kMaxSmallFile = 1 << 20;

absl::Status Errno(absl::string_view what, const std::string& path) {
  int err = errno;
  std::string message = absl::StrCat(what, " ", path, ": ", std::strerror(err));
  if (err == ENOENT) return absl::NotFoundError(message);
  if (err == EACCES || err == EPERM) return absl::PermissionDeniedError(message);
  return absl::UnavailableError(message);
}

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Errno("cannot read key file", path);
  if ((st.st_mode & 077) != 0) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "key file %s is accessible by group or others (mode %04o); run "
        "`chmod 600 %s`",
        path, st.st_mode & 0777, path));
  }
  return ReadSmallFile(path);
}

absl::Status WriteFileWithMode(const std::string& path,
                               absl::string_view content, int flags,
                               mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, mode);
  if (fd < 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(
          absl::StrCat(path, " already exists; refusing to overwrite a key"));
    }
    return Errno("cannot create", path);
  }
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      absl::Status s = Errno("cannot write", path);
      ::close(fd);
      return s;
    }
    done += static_cast<size_t>(n);
  }
  // Keys are worth an fsync: losing one means losing an identity.
  if (::fsync(fd) != 0 || ::close(fd) != 0) return Errno("cannot write", path);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot read", path);
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      absl::Status s = Errno("cannot read", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > kMaxSmallFile) {
      ::close(fd);
      return absl::InvalidArgumentError(
          absl::StrCat(path, " is larger than ", kMaxSmallFile, " bytes"));
    }
  }
  ::close(fd);
  return out;
}

absl::StatusOr<PrivateKey> ParsePrivateKey(absl::string_view text) {
  absl::string_view trimmed = absl::StripTrailingAsciiWhitespace(text);
  if (absl::StartsWith(trimmed, "PRIVATE+KEY+")) {
    absl::StatusOr<note::Signer> signer = note::Signer::FromKey(trimmed);
    if (!signer.ok()) return signer.status();
    return signer->private_key();
  }
  if (absl::StrContains(text, "-----BEGIN PRIVATE KEY-----")) {
    return PrivateKey::FromPem(text);
  }
  return absl::InvalidArgumentError(
      "not a private key: expected a note signer key (PRIVATE+KEY+...) or a "
      "PEM \"PRIVATE KEY\" block");
}

absl::StatusOr<PublicKey> ParsePublicKey(absl::string_view text) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  if (absl::StrContains(text, "-----BEGIN PUBLIC KEY-----")) {
    return PublicKey::FromPem(text);
  }
  if (absl::StartsWith(trimmed, "PRIVATE+KEY+") ||
      absl::StrContains(text, "PRIVATE KEY")) {
    return absl::InvalidArgumentError(
        "this is a private key; give the public key (.pub) instead");
  }
  absl::StatusOr<note::Verifier> verifier = note::Verifier::FromKey(trimmed);
  if (!verifier.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not a public key (note verifier key or PEM): ",
        verifier.status().message()));
  }
  return verifier->public_key();
}

absl::StatusOr<PrivateKey> ReadPrivateKey(const std::string& path) {
  absl::StatusOr<std::string> text = ReadSecretFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<PrivateKey> key = ParsePrivateKey(*text);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", key.status().message()));
  }
  return key;
}

absl::StatusOr<note::Signer> ReadCosignerSigner(const std::string& path) {
  absl::StatusOr<std::string> text = ReadSecretFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<note::Signer> signer =
      note::Signer::FromCosignerKey(absl::StripTrailingAsciiWhitespace(*text));
  if (!signer.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", signer.status().message()));
  }
  return signer;
}

absl::StatusOr<note::Signer> ReadNoteSigner(const std::string& path) {
  absl::StatusOr<std::string> text = ReadSecretFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<note::Signer> signer =
      note::Signer::FromKey(absl::StripTrailingAsciiWhitespace(*text));
  if (!signer.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", signer.status().message()));
  }
  return signer;
}

absl::StatusOr<PublicKey> ReadPublicKey(const std::string& path) {
  absl::StatusOr<std::string> text = ReadSmallFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<PublicKey> key = ParsePublicKey(*text);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", key.status().message()));
  }
  return key;
}

absl::StatusOr<note::Verifier> ReadNoteVerifier(const std::string& path) {
  absl::StatusOr<std::string> text = ReadSmallFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<note::Verifier> verifier =
      note::Verifier::FromKey(absl::StripAsciiWhitespace(*text));
  if (!verifier.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", verifier.status().message()));
  }
  return verifier;
}

absl::Status WriteSecretFile(const std::string& path, absl::string_view content) {
  return WriteFileWithMode(path, content, O_EXCL, 0600);
}

absl::Status WritePublicFile(const std::string& path, absl::string_view content) {
  return WriteFileWithMode(path, content, O_TRUNC, 0644);
}

}  // namespace candor::keyfile
