// Cross-checks with Go's golang.org/x/mod/sumdb/note and tlog (Debian's
// golang-golang-x-mod-dev, built offline): notes signed by either side open on
// the other, and a running log's published tiles, checkpoints and proofs are
// verified by Go and match the proofs the log serves.

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "log/encoding/encoding.h"
#include "log/keyfile/keyfile.h"
#include "log/note/checkpoint.h"
#include "tests/support/go_tool.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"
#include "tests/support/testdata.h"

namespace candor::testing {
namespace {

std::string Dir(const std::string& name) {
  std::string d = absl::StrCat(::testing::TempDir(), "/", name);
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

std::string JoinBase64(const google::protobuf::RepeatedPtrField<std::string>& list) {
  std::vector<std::string> parts;
  for (const std::string& h : list) parts.push_back(Base64Encode(h));
  return absl::StrJoin(parts, " ");
}

TEST(GoInterop, NotesSignedByEitherSideOpenOnTheOther) {
  auto notecheck = BuildGoProgram("tests/go/notecheck/main.go");
  ASSERT_THAT(notecheck, IsOk());
  const std::string dir = Dir("notes");
  auto a = note::Signer::Generate("a.example/log");
  auto b = note::Signer::Generate("witness.example");
  ASSERT_THAT(keyfile::WritePublicFile(dir + "/a.vkey", a->verifier().EncodedKey()), IsOk());
  ASSERT_THAT(keyfile::WriteSecretFile(dir + "/a.skey", a->EncodedKey()), IsOk());

  const std::string text = "a.example/log\n42\n" +
                           Base64Encode(merkle::AsBytes(merkle::HashLeaf("x"))) +
                           "\nextension: yes\n";
  auto ours = note::Sign(text, {*a, *b});
  ASSERT_THAT(ours, IsOk());
  ASSERT_THAT(keyfile::WritePublicFile(dir + "/ours.note", *ours), IsOk());
  auto verified = RunCommand({*notecheck, "verify", dir + "/a.vkey", dir + "/ours.note"});
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->exit_code, 0) << verified->err;
  EXPECT_EQ(verified->out, text);

  // Go rejects our note once tampered, as we do.
  std::string tampered = *ours;
  tampered[3] = 'X';
  ASSERT_THAT(keyfile::WritePublicFile(dir + "/bad.note", tampered), IsOk());
  auto rejected = RunCommand({*notecheck, "verify", dir + "/a.vkey", dir + "/bad.note"});
  ASSERT_THAT(rejected, IsOk());
  EXPECT_EQ(rejected->exit_code, 1);

  ASSERT_THAT(keyfile::WritePublicFile(dir + "/text", text), IsOk());
  auto signed_by_go = RunCommand({*notecheck, "sign", dir + "/a.skey", dir + "/text"});
  ASSERT_THAT(signed_by_go, IsOk());
  ASSERT_EQ(signed_by_go->exit_code, 0) << signed_by_go->err;
  auto opened = note::Open(signed_by_go->out, {a->verifier()});
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(opened->text, text);
  // Deterministic Ed25519: Go's one-signature note equals ours.
  EXPECT_EQ(signed_by_go->out, *note::Sign(text, {*a}));
}

TEST(GoInterop, GoVerifiesPublishedTilesAndTheLogsProofsMatchGos) {
  auto tlogcheck = BuildGoProgram("tests/go/tlogcheck/main.go");
  ASSERT_THAT(tlogcheck, IsOk());
  LogFixture log({.name = "go-interop", .with_tiles = true});
  ASSERT_THAT(log.Start(), IsOk());
  auto key = log.RegisterVendor("example");
  ASSERT_THAT(key, IsOk());
  for (int i = 1; i < 300; ++i) {
    ASSERT_THAT(log.client().AddEntry(LogFixture::TestEntry(*key, i), false), IsOk());
  }
  ASSERT_THAT(log.WaitForSize(300), IsOk());
  const std::string dir = Dir("go-interop-files");
  auto old_cp = log.client().GetCheckpoint();
  ASSERT_THAT(old_cp, IsOk());
  ASSERT_THAT(keyfile::WritePublicFile(dir + "/old.checkpoint", old_cp->checkpoint()), IsOk());
  for (int i = 300; i < 1000; ++i) {
    ASSERT_THAT(log.client().AddEntry(LogFixture::TestEntry(*key, i), false), IsOk());
  }
  ASSERT_THAT(log.WaitForSize(1000), IsOk());
  auto head = log.client().GetCheckpoint();
  ASSERT_THAT(head, IsOk());
  ASSERT_EQ(head->tree_size(), 1000u);
  // Files are written right after the commit.
  ASSERT_THAT(log.server().integrator()->WaitForPublishedFiles(
                  1000, absl::Now() + absl::Minutes(3)),
              IsOk());
  auto published = ReadFileToString(log.tiles_dir() + "/checkpoint");
  ASSERT_THAT(published, IsOk());
  ASSERT_EQ(*published, head->checkpoint());
  ASSERT_THAT(keyfile::WritePublicFile(dir + "/log.vkey",
                                       log.log_signer().verifier().EncodedKey()),
              IsOk());

  const std::vector<uint64_t> indices = {0, 1, 255, 256, 511, 777, 999};
  std::vector<std::string> argv = {*tlogcheck, log.tiles_dir(), dir + "/log.vkey",
                                   dir + "/old.checkpoint"};
  for (uint64_t i : indices) argv.push_back(absl::StrCat(i));
  auto result = RunCommand(argv);
  ASSERT_THAT(result, IsOk());
  ASSERT_EQ(result->exit_code, 0) << result->err;

  std::vector<std::string> lines =
      absl::StrSplit(result->out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), indices.size() + 2) << result->out;
  auto consistency = log.client().GetConsistencyProof(300, 1000);
  ASSERT_THAT(consistency, IsOk());
  EXPECT_EQ(lines[0], absl::StrCat("consistency 300 1000 ",
                                   JoinBase64(consistency->proof())));
  for (size_t k = 0; k < indices.size(); ++k) {
    log::v1::GetInclusionProofRequest request;
    request.set_index(indices[k]);
    auto proof = log.client().GetInclusionProof(request);
    ASSERT_THAT(proof, IsOk());
    EXPECT_EQ(lines[1 + k],
              absl::StrCat("inclusion ", indices[k], " ", JoinBase64(proof->proof())));
  }
  auto cp = note::OpenCheckpoint(head->checkpoint(), log.log_signer().verifier());
  ASSERT_THAT(cp, IsOk());
  EXPECT_EQ(lines.back(),
            absl::StrCat("root ", Base64Encode(merkle::AsBytes(cp->checkpoint.root))));
}

}  // namespace
}  // namespace candor::testing
