// Key files, as `candor keygen` writes them and every binary reads them.
//
// Private keys: Go note signer form ("PRIVATE+KEY+<name>+<hash>+<base64>",
// Ed25519) or PEM PKCS#8 (Ed25519 or ECDSA P-256). Public keys: Go note
// verifier form ("<name>+<hash>+<base64>") or PEM SubjectPublicKeyInfo.
//
// Secret files are created with mode 0600, never overwritten, and refused
// when group- or world-accessible. Key material never appears in an error.
// Thread-compatible.

#ifndef CANDOR_LOG_KEYFILE_KEYFILE_H_
#define CANDOR_LOG_KEYFILE_KEYFILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "log/crypto/keys.h"
#include "log/note/note.h"

namespace candor::keyfile {

absl::StatusOr<PrivateKey> ReadPrivateKey(const std::string& path);
// Only the note signer form.
absl::StatusOr<note::Signer> ReadNoteSigner(const std::string& path);
// Only the cosigner (witness) signer form: tlog-cosignature v1, algorithm
// 0x04.
absl::StatusOr<note::Signer> ReadCosignerSigner(const std::string& path);
absl::StatusOr<PublicKey> ReadPublicKey(const std::string& path);
// Only the note verifier form.
absl::StatusOr<note::Verifier> ReadNoteVerifier(const std::string& path);

// Parses key text, as the Read* functions do after reading the file.
absl::StatusOr<PrivateKey> ParsePrivateKey(absl::string_view text);
absl::StatusOr<PublicKey> ParsePublicKey(absl::string_view text);

// Creates `path` with mode 0600 and writes `content`; ALREADY_EXISTS if the
// file exists.
absl::Status WriteSecretFile(const std::string& path, absl::string_view content);
// Creates or replaces `path` with mode 0644.
absl::Status WritePublicFile(const std::string& path, absl::string_view content);

// Reads a whole file (at most 1 MiB), for small inputs such as keys, notes
// and proofs.
absl::StatusOr<std::string> ReadSmallFile(const std::string& path);

}  // namespace candor::keyfile

#endif  // CANDOR_LOG_KEYFILE_KEYFILE_H_
