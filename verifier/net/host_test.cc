#include "verifier/net/host.h"

#include "gtest/gtest.h"

namespace candor::net {
namespace {

TEST(Host, IpLiterals) {
  EXPECT_TRUE(IsIpLiteral("8.8.8.8"));
  EXPECT_TRUE(IsIpLiteral("2001:db8::1"));
  EXPECT_FALSE(IsIpLiteral("256.1.1.1"));
  EXPECT_FALSE(IsIpLiteral("[2001:db8::1]"));
  EXPECT_FALSE(IsIpLiteral("example.com"));
}

TEST(Host, DnsNames) {
  EXPECT_TRUE(IsDnsName("api.example.com"));
  EXPECT_TRUE(IsDnsName("_dmarc.example.com"));
  EXPECT_TRUE(IsDnsName("localhost"));
  EXPECT_FALSE(IsDnsName("a..b"));
  EXPECT_FALSE(IsDnsName("-a.com"));
  EXPECT_FALSE(IsDnsName("example.com."));
  EXPECT_FALSE(IsDnsName("exa mple.com"));
  EXPECT_FALSE(IsDnsName("1.2.3"));
  EXPECT_FALSE(IsDnsName(std::string(64, 'a') + ".com"));
  EXPECT_TRUE(IsValidHost("10.0.0.1"));
  EXPECT_FALSE(IsValidHost(""));
}

}  // namespace
}  // namespace candor::net
