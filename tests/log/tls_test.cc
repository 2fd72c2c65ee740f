// candor-log over TLS: the CLI connects with the server's CA, refuses a
// server it cannot authenticate, and client certificates can be required.

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/cli.h"
#include "gtest/gtest.h"
#include "log/tls/tls.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"

namespace candor::testing {
namespace {

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/tls");
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    MakeCa("ca");
    MakeCa("other-ca");
    MakeCert("server", "ca", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    MakeCert("operator", "ca", "extendedKeyUsage=clientAuth");
  }

  void Openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/openssl");
    auto r = RunCommand(args);
    ASSERT_THAT(r, IsOk());
    ASSERT_EQ(r->exit_code, 0) << r->err;
  }
  std::string P(const std::string& name) { return dir_ + "/" + name; }
  void MakeCa(const std::string& name) {
    Openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", P(name + ".key"), "-out", P(name + ".pem"), "-days",
             "2", "-subj", "/CN=" + name});
  }
  void MakeCert(const std::string& name, const std::string& ca, const std::string& ext) {
    Openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", P(name + ".key"), "-out", P(name + ".csr"), "-subj",
             "/CN=" + name});
    std::ofstream(P(name + ".ext")) << ext << "\n";
    Openssl({"x509", "-req", "-in", P(name + ".csr"), "-CA", P(ca + ".pem"), "-CAkey",
             P(ca + ".key"), "-CAcreateserial", "-out", P(name + ".pem"), "-days", "2",
             "-extfile", P(name + ".ext")});
    std::filesystem::permissions(P(name + ".key"), std::filesystem::perms::owner_read |
                                                       std::filesystem::perms::owner_write);
  }

  int Cli(std::vector<std::string> argv, std::string* err = nullptr) {
    std::ostringstream out, e;
    cli::Io io{out, e};
    int code = cli::Run(argv, io);
    if (err != nullptr) *err = e.str();
    return code;
  }

  std::string dir_;
};

TEST_F(TlsTest, ServerCertificateAndOptionalClientCertificates) {
  auto server = tls::ServerCredentials({P("server.pem"), P("server.key"), "", false});
  ASSERT_THAT(server, IsOk());
  LogFixture log({.name = "tls-log", .server_credentials = *server});
  ASSERT_THAT(log.Start(), IsOk());

  EXPECT_EQ(Cli({"checkpoint", "--log", log.address(), "--tls_ca", P("ca.pem")}), 0);
  std::string err;
  EXPECT_EQ(Cli({"checkpoint", "--log", log.address(), "--tls_ca", P("other-ca.pem"),
                 "--timeout", "3s"},
                &err),
            2);
  EXPECT_TRUE(absl::StartsWith(err, "candor checkpoint: log at " + log.address()))
      << err;
  // Plaintext cannot talk to a TLS server.
  EXPECT_EQ(Cli({"checkpoint", "--log", log.address(), "--timeout", "3s"}), 2);
}

TEST_F(TlsTest, RequiredClientCertificates) {
  auto server = tls::ServerCredentials({P("server.pem"), P("server.key"), P("ca.pem"), true});
  ASSERT_THAT(server, IsOk());
  LogFixture log({.name = "mtls-log", .server_credentials = *server});
  ASSERT_THAT(log.Start(), IsOk());
  EXPECT_EQ(Cli({"checkpoint", "--log", log.address(), "--tls_ca", P("ca.pem"),
                 "--timeout", "3s"}),
            2);
  EXPECT_EQ(Cli({"checkpoint", "--log", log.address(), "--tls_ca", P("ca.pem"),
                 "--tls_cert", P("operator.pem"), "--tls_key", P("operator.key")}),
            0);
}

TEST_F(TlsTest, KeyFilesMustBePrivate) {
  std::filesystem::permissions(P("server.key"), std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  EXPECT_THAT(tls::ServerCredentials({P("server.pem"), P("server.key"), "", false}),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "TLS key " + P("server.key") +
                           " is accessible by group or others (mode 0640); run "
                           "`chmod 600 " + P("server.key") + "`"));
  EXPECT_THAT(tls::ChannelCredentials({P("server.key.missing"), "", ""}),
              StatusCodeIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace candor::testing
