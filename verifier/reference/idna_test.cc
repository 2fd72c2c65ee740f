#include "verifier/reference/idna.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::reference {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

std::string Ascii(absl::string_view host) {
  absl::StatusOr<std::string> out = ToAsciiHost(host);
  EXPECT_THAT(out, IsOk()) << host;
  return out.ok() ? *out : "";
}

// The samples the hand-made RFC 3492 encoder was tested with (it encoded
// single labels, without the "xn--" prefix and without any mapping): libidn2
// gives the same Punycode.
TEST(ToAsciiHost, SameAsTheHandMadePunycodeEncoder) {
  EXPECT_EQ(Ascii("bücher"), "xn--bcher-kva");
  EXPECT_EQ(Ascii("münchen"), "xn--mnchen-3ya");
  // The IDN cases of the Public Suffix List's own tests.
  EXPECT_EQ(Ascii("公司"), "xn--55qx5d");
  EXPECT_EQ(Ascii("中国"), "xn--fiqs8s");
  EXPECT_EQ(Ascii("食狮"), "xn--85x722f");
  EXPECT_EQ(Ascii("公司.cn"), "xn--55qx5d.cn");
  EXPECT_EQ(Ascii("example"), "example");
}

// What IDNA 2008 + UTS #46 does that bare Punycode did not.
TEST(ToAsciiHost, MapsAsUts46NonTransitional) {
  // Upper case is mapped to lower case before encoding. The hand-made
  // encoder kept 'B' (RFC 3492's sample 7.1 (L) is "3B-ww4c5e180e575a65lsy2b"),
  // which no resolver would ever be asked for.
  EXPECT_EQ(Ascii("3年B組金八先生"), "xn--3b-ww4c5e180e575a65lsy2b");
  EXPECT_EQ(Ascii("Bücher.EXAMPLE"), "xn--bcher-kva.example");
  // NFC: "u" + U+0308 COMBINING DIAERESIS is "ü".
  EXPECT_EQ(Ascii("bu\xCC\x88"
                  "cher.example"),
            "xn--bcher-kva.example");
  // Non-transitional: 'ß' is kept (IDNA 2003 and transitional processing
  // map it to "ss", another domain).
  EXPECT_EQ(Ascii("faß.de"), "xn--fa-hia.de");
  // Full-width letters and the ideographic full stop are mapped.
  EXPECT_EQ(Ascii("ｅｘａｍｐｌｅ。com"), "example.com");
  // No STD3 rules, as in browsers: '_' passes.
  EXPECT_EQ(Ascii("_dmarc.example.com"), "_dmarc.example.com");
}

TEST(ToAsciiHost, RefusesWhatIdna2008Disallows) {
  // U+2603 SNOWMAN was valid under IDNA 2003 ("xn--n3h"), not under 2008.
  EXPECT_THAT(ToAsciiHost("☃.net"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "cannot convert the host name to its A-label form: "
                       "string contains a disallowed character"));
  EXPECT_THAT(ToAsciiHost("xn--n3h.net"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "cannot convert the host name to its A-label form: "
                       "string contains a disallowed character"));
  EXPECT_THAT(ToAsciiHost("a\xFF.com"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "cannot convert the host name to its A-label form: "
                       "string encoding error"));
  EXPECT_THAT(ToAsciiHost(absl::string_view("a\0b.com", 7)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "cannot convert a host name with a NUL byte to its "
                       "A-label form"));
  EXPECT_THAT(ToAsciiHost(std::string(64, 'a') + ".com"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "cannot convert the host name to its A-label form: "
                       "domain label longer than 63 characters"));
}

TEST(ToUnicodeHost, DecodesALabels) {
  absl::StatusOr<std::string> out = ToUnicodeHost("xn--bcher-kva.example");
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(*out, "bücher.example");
  out = ToUnicodeHost("www.xn--85x722f.xn--55qx5d.cn");
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(*out, "www.食狮.公司.cn");
  out = ToUnicodeHost("xn--fa-hia.de");
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(*out, "faß.de");
  // Labels that are not A-labels are left as they are.
  out = ToUnicodeHost("Example.COM");
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(*out, "Example.COM");
  EXPECT_THAT(ToUnicodeHost("xn--zz.com"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "cannot convert the host name to Unicode: string "
                       "contains invalid punycode data"));
}

}  // namespace
}  // namespace candor::reference
