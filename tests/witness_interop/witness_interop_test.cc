// Cross-implementation checks of the witness protocol against tlogpy, the
// independent Python implementation in tests/witness (written from the C2SP
// texts alone):
//   - tlogpy makes a log key, signs checkpoints over its own Merkle trees and
//     submits them, with its own consistency proofs, to the real
//     candor-witness; it verifies candor's cosignatures, and candor's
//     note::Open verifies tlogpy's log signatures;
//   - candor's client submits candor-signed checkpoints to tlogpy's witness
//     and candor verifies tlogpy's cosignatures.

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "base/http/http_client.h"
#include "gtest/gtest.h"
#include "log/encoding/encoding.h"
#include "log/keyfile/keyfile.h"
#include "log/merkle/hash.h"
#include "log/merkle/reference.h"
#include "log/note/checkpoint.h"
#include "log/note/note.h"
#include "tests/support/subprocess.h"
#include "witness/test_log.h"

namespace candor::testing {
namespace {

using ::candor::witness::testing::TestLog;

constexpr char kPython[] = "/usr/bin/python3";
constexpr char kTlogpy[] = "tests/witness/tlogpy.py";
constexpr char kWitness[] = "cmd/candor-witness/candor-witness";

absl::Time Far() { return absl::Now() + absl::Minutes(2); }

// Runs tlogpy with `args`; fails the test unless it exits with `code`.
std::string Tlogpy(const std::vector<std::string>& args, const std::string& input = "",
                   int code = 0) {
  std::vector<std::string> argv = {kPython, kTlogpy};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<CommandResult> r = RunCommand(argv, input);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return "";
  EXPECT_EQ(r->exit_code, code) << absl::StrJoin(args, " ") << "\n" << r->err;
  return r->out;
}

// Waits for the line starting with `prefix` and returns what follows it.
std::string WaitForLine(Subprocess& p, absl::string_view prefix) {
  while (true) {
    absl::StatusOr<std::string> line = p.ReadLine(absl::Minutes(1));
    EXPECT_TRUE(line.ok()) << line.status();
    if (!line.ok()) return "";
    absl::string_view text = *line;
    if (absl::ConsumePrefix(&text, prefix)) return std::string(text);
  }
}

class WitnessInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/witness_interop");
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  std::string dir_;
};

TEST_F(WitnessInteropTest, TlogpyLogSubmitsToCandorWitness) {
  // tlogpy's log: its key, its tree.
  std::string log_vkey = std::string(absl::StripSuffix(
      Tlogpy({"keygen", "--name=example.com/pylog", "--type=log",
              "--out-skey=" + dir_ + "/log.skey", "--out-vkey=" + dir_ + "/log.vkey"}),
      "\n"));
  std::vector<std::string> leaves;
  for (int i = 0; i < 13; ++i) leaves.push_back(absl::StrCat("entry ", i));
  ASSERT_TRUE(keyfile::WritePublicFile(dir_ + "/leaves",
                                       absl::StrJoin(leaves, "\n") + "\n")
                  .ok());
  auto sign = [&](int size) {
    std::vector<std::string> tree = absl::StrSplit(
        Tlogpy({"tree", "--leaves-file=" + dir_ + "/leaves",
                absl::StrCat("--size=", size)}),
        '\n');
    EXPECT_GE(tree.size(), 2u);
    // Candor's Merkle tree agrees on the root.
    std::vector<merkle::Hash> hashes;
    for (int i = 0; i < size; ++i) hashes.push_back(merkle::HashLeaf(leaves[i]));
    EXPECT_EQ(tree[1], Base64Encode(DigestBytes(merkle::reference::Root(hashes))));
    return Tlogpy({"log-sign", "--skey=" + dir_ + "/log.skey",
                   "--origin=example.com/pylog", absl::StrCat("--size=", size),
                   "--root-b64=" + tree[1]});
  };

  // Candor's note code verifies tlogpy's log signatures.
  absl::StatusOr<note::Verifier> log_key = note::Verifier::FromKey(log_vkey);
  ASSERT_TRUE(log_key.ok()) << log_key.status() << " " << log_vkey;
  std::string cp5 = sign(5);
  absl::StatusOr<note::SignedCheckpoint> opened = note::OpenCheckpoint(cp5, *log_key);
  ASSERT_TRUE(opened.ok()) << opened.status() << "\n" << cp5;
  EXPECT_EQ(opened->checkpoint.size, 5u);

  // The real candor-witness, following tlogpy's log.
  absl::StatusOr<CommandResult> made = RunCommand(
      {kWitness, "--generate_key=" + dir_ + "/w.key", "--name=witness.example/candor"});
  ASSERT_TRUE(made.ok() && made->exit_code == 0);
  ASSERT_TRUE(keyfile::WritePublicFile(dir_ + "/w.vkey", made->out).ok());
  ASSERT_TRUE(keyfile::WritePublicFile(dir_ + "/logs.policy",
                                       "log " + log_vkey + "\nquorum none\n")
                  .ok());
  absl::StatusOr<std::unique_ptr<Subprocess>> witness = Subprocess::Start(
      {kWitness, "--key=" + dir_ + "/w.key", "--logs=" + dir_ + "/logs.policy",
       "--data_dir=" + dir_ + "/db", "--listen=127.0.0.1:0"},
      dir_ + "/witness.log");
  ASSERT_TRUE(witness.ok()) << witness.status();
  std::string url =
      "http://" + WaitForLine(**witness, "candor-witness listening on ");

  // tlogpy submits and verifies candor's cosignature.
  std::string cosig = Tlogpy({"submit", "--url=" + url, "--old=0"}, cp5);
  EXPECT_TRUE(absl::StartsWith(cosig, "\xE2\x80\x94 witness.example/candor ")) << cosig;
  Tlogpy({"verify-checkpoint", "--log-vkey=" + dir_ + "/log.vkey",
          "--witness-vkey=" + dir_ + "/w.vkey"},
         cp5 + cosig);

  // Growing, with tlogpy's consistency proof.
  ASSERT_TRUE(keyfile::WritePublicFile(
                  dir_ + "/proof",
                  Tlogpy({"consistency", "--leaves-file=" + dir_ + "/leaves",
                          "--old=5", "--new=13"}))
                  .ok());
  std::string cp13 = sign(13);
  cosig = Tlogpy({"submit", "--url=" + url, "--old=5", "--proof-file=" + dir_ + "/proof"},
                 cp13);
  Tlogpy({"verify-checkpoint", "--log-vkey=" + dir_ + "/log.vkey",
          "--witness-vkey=" + dir_ + "/w.vkey"},
         cp13 + cosig);
  // A cosignature moved to another checkpoint does not verify for tlogpy.
  Tlogpy({"verify-checkpoint", "--log-vkey=" + dir_ + "/log.vkey",
          "--witness-vkey=" + dir_ + "/w.vkey"},
         cp5 + cosig, /*code=*/1);
  // A stale submission: 409 with the size (tlogpy exits 9).
  EXPECT_EQ(Tlogpy({"submit", "--url=" + url, "--old=0"}, cp5, /*code=*/9), "13\n");
}

TEST_F(WitnessInteropTest, CandorLogSubmitsToTlogpyWitness) {
  TestLog log("example.com/candorlog");
  log.GrowTo(9);
  std::string wvkey = std::string(absl::StripSuffix(
      Tlogpy({"keygen", "--name=witness.example/py", "--type=witness",
              "--out-skey=" + dir_ + "/pw.skey", "--out-vkey=" + dir_ + "/pw.vkey"}),
      "\n"));
  ASSERT_TRUE(keyfile::WritePublicFile(
                  dir_ + "/policy", "log " + log.verifier().EncodedKey() + "\nquorum none\n")
                  .ok());
  absl::StatusOr<std::unique_ptr<Subprocess>> py = Subprocess::Start(
      {kPython, kTlogpy, "witness-serve", "--skey=" + dir_ + "/pw.skey",
       "--policy-or-logs=" + dir_ + "/policy", "--state-file=" + dir_ + "/state"},
      dir_ + "/py.log");
  ASSERT_TRUE(py.ok()) << py.status();
  std::string address = WaitForLine(**py, "listening on ");
  absl::StatusOr<note::Verifier> witness = note::Verifier::FromCosignerKey(wvkey);
  ASSERT_TRUE(witness.ok()) << witness.status();

  for (auto [old_size, size] : {std::pair<int, int>{0, 4}, {4, 9}}) {
    absl::StatusOr<http::HttpReply> r = http::HttpPost(
        address, "/add-checkpoint", log.Body(old_size, size), "text/plain", Far());
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->status, 200) << r->body;
    absl::StatusOr<note::Note> opened =
        note::Open(log.SignedCheckpoint(size) + r->body, {*witness});
    EXPECT_TRUE(opened.ok()) << opened.status() << "\n" << r->body;
  }
  absl::StatusOr<http::HttpReply> r = http::HttpPost(
      address, "/add-checkpoint", log.Body(0, 9), "text/plain", Far());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(r->content_type, "text/x.tlog.size");
  EXPECT_EQ(r->body, "9\n");
}

}  // namespace
}  // namespace candor::testing
