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

}  // namespace
}  // namespace candor::keyfile
