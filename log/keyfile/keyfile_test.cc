#include "log/keyfile/keyfile.h"

#include <sys/stat.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::keyfile {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

std::string Dir() {
  std::string d = absl::StrCat(::testing::TempDir(), "/keys");
  std::filesystem::create_directories(d);
  return d;
}

TEST(KeyFile, NoteKeysRoundTripWithStrictModes) {
  const std::string dir = Dir();
  auto signer = note::Signer::Generate("alice");
  ASSERT_THAT(signer, IsOk());
  const std::string key_path = dir + "/alice.key";
  const std::string pub_path = dir + "/alice.pub";
  std::filesystem::remove(key_path);
  ASSERT_THAT(WriteSecretFile(key_path, signer->EncodedKey() + "\n"), IsOk());
  ASSERT_THAT(WritePublicFile(pub_path, signer->verifier().EncodedKey() + "\n"), IsOk());
  struct stat st;
  ASSERT_EQ(::stat(key_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);

  auto read = ReadNoteSigner(key_path);
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->EncodedKey(), signer->EncodedKey());
  auto priv = ReadPrivateKey(key_path);
  ASSERT_THAT(priv, IsOk());
  auto pub = ReadPublicKey(pub_path);
  ASSERT_THAT(pub, IsOk());
  EXPECT_EQ(*pub, priv->public_key());
  EXPECT_EQ(ReadNoteVerifier(pub_path)->EncodedKey(), signer->verifier().EncodedKey());

  EXPECT_THAT(WriteSecretFile(key_path, "x"),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       key_path + " already exists; refusing to overwrite a key"));
  ASSERT_EQ(::chmod(key_path.c_str(), 0640), 0);
  EXPECT_THAT(ReadPrivateKey(key_path),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "key file " + key_path +
                           " is accessible by group or others (mode 0640); run "
                           "`chmod 600 " + key_path + "`"));
}

TEST(KeyFile, CosignerKeys) {
  const std::string dir = Dir();
  auto cosigner = note::Signer::GenerateCosigner("witness.example/w1");
  ASSERT_THAT(cosigner, IsOk());
  auto log = note::Signer::Generate("example.com/log");
  ASSERT_THAT(log, IsOk());
  const std::string path = dir + "/witness.key";
  const std::string log_path = dir + "/log-for-witness.key";
  std::filesystem::remove(path);
  std::filesystem::remove(log_path);
  ASSERT_THAT(WriteSecretFile(path, cosigner->EncodedKey() + "\n"), IsOk());
  ASSERT_THAT(WriteSecretFile(log_path, log->EncodedKey() + "\n"), IsOk());
  auto read = ReadCosignerSigner(path);
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->EncodedKey(), cosigner->EncodedKey());
  EXPECT_TRUE(read->is_cosigner());
  // A note key is not a cosigner key, nor the reverse.
  auto wrong = ReadCosignerSigner(log_path);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong.status().message().rfind(log_path + ": ", 0), 0u) << wrong.status();
  EXPECT_EQ(ReadNoteSigner(path).status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  EXPECT_THAT(ReadCosignerSigner(path),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "key file " + path +
                           " is accessible by group or others (mode 0644); run "
                           "`chmod 600 " + path + "`"));
}

TEST(KeyFile, PemKeys) {
  const std::string dir = Dir();
  auto key = PrivateKey::Generate(KeyType::kEcdsaP256);
  const std::string path = dir + "/p256.key";
  std::filesystem::remove(path);
  ASSERT_THAT(WriteSecretFile(path, key->Pkcs8Pem()), IsOk());
  auto read = ReadPrivateKey(path);
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->public_key(), key->public_key());
  EXPECT_THAT(ParsePublicKey(key->public_key().Pem()), IsOk());
}

TEST(KeyFile, ClearErrors) {
  EXPECT_THAT(ParsePrivateKey("hello"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "not a private key: expected a note signer key "
                       "(PRIVATE+KEY+...) or a PEM \"PRIVATE KEY\" block"));
  auto signer = note::Signer::Generate("bob");
  EXPECT_THAT(ParsePublicKey(signer->EncodedKey()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "this is a private key; give the public key (.pub) instead"));
  EXPECT_THAT(ReadPublicKey("/nonexistent/key.pub"),
              StatusIs(absl::StatusCode::kNotFound,
                       "cannot read /nonexistent/key.pub: No such file or directory"));
}

// Whether `message` repeats any 12 consecutive characters of `secret`.
bool Leaks(absl::string_view message, absl::string_view secret) {
  for (size_t i = 0; i + 12 <= secret.size(); ++i) {
    if (message.find(secret.substr(i, 12)) != absl::string_view::npos) return true;
  }
  return false;
}

TEST(KeyFile, ErrorsNeverRepeatSecretKeyMaterial) {
  const std::string note_key = note::Signer::Generate("bob")->EncodedKey();
  const std::string note_secret = note_key.substr(note_key.rfind('+') + 1);
  const std::string pem = PrivateKey::Generate(KeyType::kEcdsaP256)->Pkcs8Pem();
  const std::string pem_body = pem.substr(pem.find('\n') + 1, 48);
  std::string flipped = note_key;
  flipped[flipped.size() - 6] = '!';
  const std::vector<std::string> broken = {
      note_key.substr(0, note_key.size() - 3), note_key + "x", flipped,
      note_key + "\n" + note_key, pem.substr(0, pem.size() / 2),
      pem.substr(0, pem.size() / 2) + "garbage\n-----END PRIVATE KEY-----\n"};
  for (const std::string& text : broken) {
    absl::StatusOr<PrivateKey> parsed = ParsePrivateKey(text);
    if (parsed.ok()) continue;  // a longer or repeated key may still parse
    EXPECT_FALSE(Leaks(parsed.status().message(), note_secret)) << parsed.status();
    EXPECT_FALSE(Leaks(parsed.status().message(), pem_body)) << parsed.status();
  }
  // A secret key where a public one belongs.
  for (const std::string& text : {note_key, pem}) {
    absl::StatusOr<PublicKey> parsed = ParsePublicKey(text);
    ASSERT_FALSE(parsed.ok());
    EXPECT_FALSE(Leaks(parsed.status().message(), note_secret)) << parsed.status();
    EXPECT_FALSE(Leaks(parsed.status().message(), pem_body)) << parsed.status();
  }
}

}  // namespace
}  // namespace candor::keyfile
