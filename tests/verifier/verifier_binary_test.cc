// candor-verifier as an operator runs it: the binary copied to a directory
// of its own (no Bazel runfiles next to it) and started from a directory
// that holds nothing of Candor's. Its shipped organisations table is built
// in, so it starts, and publishes the table to the log, from anywhere.

#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "log/crypto/keys.h"
#include "log/keyfile/keyfile.h"
#include "log/registry/registry.h"
#include "log/statement/predicate_types.h"
#include "log/statement/statement.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"

namespace candor {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::LogFixture;
using ::candor::testing::Subprocess;

// Long: waits end on a line of output or a log size, never on a timer.
constexpr absl::Duration kPatience = absl::Minutes(3);

TEST(VerifierBinary, RunsFromAnyDirectoryWhereverItIsInstalled) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/verifier-binary");
  std::filesystem::remove_all(dir);
  for (const char* sub : {"bin", "elsewhere", "ip"}) {
    std::filesystem::create_directories(absl::StrCat(dir, "/", sub));
  }
  // "Installed": a copy of the binary, with nothing beside it.
  const std::string binary = dir + "/bin/candor-verifier";
  std::filesystem::copy_file("verifier/server/candor-verifier", binary);
  std::filesystem::permissions(binary, std::filesystem::perms::owner_all);

  LogFixture log({.name = "verifier-binary-log"});
  ASSERT_THAT(log.Start(), IsOk());
  PrivateKey key = *PrivateKey::Generate(KeyType::kEd25519);
  registry::Registration watchdog;
  watchdog.set_name("watchdog");
  watchdog.set_role(registry::v1::VERIFIER);
  watchdog.add_public_keys(key.public_key().Pem());
  ASSERT_THAT(log.client().AddEntry(log.RegistrationEntry(watchdog), false), IsOk());
  ASSERT_THAT(keyfile::WriteSecretFile(dir + "/watchdog.key", key.Pkcs8Pem()), IsOk());
  ASSERT_THAT(keyfile::WritePublicFile(dir + "/admin.pub",
                                       log.admin_key().public_key().Pem()),
              IsOk());
  ASSERT_THAT(keyfile::WritePublicFile(dir + "/log.pub",
                                       log.log_signer().verifier().EncodedKey()),
              IsOk());
  // A small IP-to-country dataset in the npm package's layout.
  ASSERT_THAT(keyfile::WritePublicFile(dir + "/ip/package.json", R"({"version": "1.0.0"})"),
              IsOk());
  ASSERT_THAT(keyfile::WritePublicFile(dir + "/ip/geo-whois-asn-country-ipv4.csv",
                                       "1.0.1.0,1.0.3.255,CN\n"),
              IsOk());
  ASSERT_THAT(keyfile::WritePublicFile(dir + "/ip/geo-whois-asn-country-ipv6.csv",
                                       "2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,JP\n"),
              IsOk());

  absl::StatusOr<std::unique_ptr<Subprocess>> verifier = Subprocess::Start(
      {binary, "--data_dir=" + dir + "/db", "--log=" + log.address(),
       "--log_pub=" + dir + "/log.pub", "--admin_pub=" + dir + "/admin.pub",
       "--name=watchdog", "--key=" + dir + "/watchdog.key", "--ip_dir=" + dir + "/ip",
       "--listen=127.0.0.1:0"},
      dir + "/verifier.err", dir + "/elsewhere");
  ASSERT_THAT(verifier, IsOk());
  absl::StatusOr<std::string> address = (*verifier)->ReadLine(kPatience);
  ASSERT_THAT(address, IsOk()) << "candor-verifier did not start; see " << dir
                               << "/verifier.err";
  EXPECT_TRUE(absl::StartsWith(*address, "127.0.0.1:")) << *address;

  // It publishes its tables, among them the organisations, read from the
  // copy in the binary.
  bool organisations = false;
  for (uint64_t next = 1; !organisations;) {
    ASSERT_THAT(log.WaitForSize(next + 1, kPatience), IsOk())
        << "no organisations part was published; see " << dir << "/verifier.err";
    absl::StatusOr<log::v1::GetEntriesResponse> got = log.client().GetEntries(next, 1);
    ASSERT_THAT(got, IsOk());
    ASSERT_EQ(got->entries_size(), 1);
    absl::StatusOr<SignedStatement> part = ParseSignedStatement(got->entries(0));
    ASSERT_THAT(part, IsOk());
    EXPECT_EQ(part->statement.predicate_type, kReferenceDataType);
    ASSERT_EQ(part->statement.subjects.size(), 1u);
    organisations = part->statement.subjects[0].name == "reference:organisations";
    ++next;
  }

  const int status = (*verifier)->Signal(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace candor
