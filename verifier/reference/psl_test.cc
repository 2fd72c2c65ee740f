#include "verifier/reference/psl.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::reference {
namespace {

using ::candor::testing::IsOk;
using ::candor::testing::StatusIs;

// Debian's list, loaded once for all tests.
const PublicSuffixList& Psl() {
  static const PublicSuffixList* psl = [] {
    absl::StatusOr<PublicSuffixList> loaded = PublicSuffixList::Load();
    EXPECT_THAT(loaded, IsOk());
    return new PublicSuffixList(*std::move(loaded));
  }();
  return *psl;
}

// The expectation of the list's own test file (tests/test_psl.txt of
// github.com/publicsuffix/list): the registrable domain, or "" for none.
void Check(absl::string_view host, absl::string_view expected) {
  absl::StatusOr<std::string> got = Psl().RegistrableDomain(host);
  if (expected.empty()) {
    EXPECT_THAT(got, StatusIs(absl::StatusCode::kNotFound,
                              absl::StrCat("host \"", host,
                                           "\" is a public suffix; it has no "
                                           "registrable domain")))
        << host;
  } else {
    EXPECT_THAT(got, IsOk()) << host;
    if (got.ok()) {
      EXPECT_EQ(*got, expected) << host;
    }
  }
}

TEST(PublicSuffixList, LoadsDebiansList) {
  EXPECT_GT(Psl().rule_count(), 9000u);
}

TEST(PublicSuffixList, OfficialTestCases) {
  // Mixed case.
  Check("COM", "");
  Check("example.COM", "example.com");
  Check("WwW.example.COM", "example.com");
  // Unlisted TLD: the implicit "*" rule.
  Check("example", "");
  Check("example.example", "example.example");
  Check("b.example.example", "example.example");
  Check("a.b.example.example", "example.example");
  // TLD with only one rule.
  Check("biz", "");
  Check("domain.biz", "domain.biz");
  Check("b.domain.biz", "domain.biz");
  Check("a.b.domain.biz", "domain.biz");
  // TLD with some two-level rules.
  Check("com", "");
  Check("example.com", "example.com");
  Check("b.example.com", "example.com");
  Check("a.b.example.com", "example.com");
  Check("uk.com", "");
  Check("example.uk.com", "example.uk.com");
  Check("b.example.uk.com", "example.uk.com");
  Check("a.b.example.uk.com", "example.uk.com");
  Check("test.ac", "test.ac");
  // TLD with only one (wildcard) rule.
  Check("mm", "");
  Check("c.mm", "");
  Check("b.c.mm", "b.c.mm");
  Check("a.b.c.mm", "b.c.mm");
  // More complex TLD.
  Check("jp", "");
  Check("test.jp", "test.jp");
  Check("www.test.jp", "test.jp");
  Check("ac.jp", "");
  Check("test.ac.jp", "test.ac.jp");
  Check("www.test.ac.jp", "test.ac.jp");
  Check("kyoto.jp", "");
  Check("test.kyoto.jp", "test.kyoto.jp");
  Check("ide.kyoto.jp", "");
  Check("b.ide.kyoto.jp", "b.ide.kyoto.jp");
  Check("a.b.ide.kyoto.jp", "b.ide.kyoto.jp");
  Check("c.kobe.jp", "");
  Check("b.c.kobe.jp", "b.c.kobe.jp");
  Check("a.b.c.kobe.jp", "b.c.kobe.jp");
  Check("city.kobe.jp", "city.kobe.jp");
  Check("www.city.kobe.jp", "city.kobe.jp");
  // TLD with a wildcard rule and exceptions.
  Check("ck", "");
  Check("test.ck", "");
  Check("b.test.ck", "b.test.ck");
  Check("a.b.test.ck", "b.test.ck");
  Check("www.ck", "www.ck");
  Check("www.www.ck", "www.ck");
  // US K12.
  Check("us", "");
  Check("test.us", "test.us");
  Check("www.test.us", "test.us");
  Check("ak.us", "");
  Check("test.ak.us", "test.ak.us");
  Check("www.test.ak.us", "test.ak.us");
  Check("k12.ak.us", "");
  Check("test.k12.ak.us", "test.k12.ak.us");
  Check("www.test.k12.ak.us", "test.k12.ak.us");
  // IDN labels, punycoded (hosts travel in A-label form): the list's rules
  // "公司.cn" and "中国" are matched in that form.
  Check("xn--85x722f.com.cn", "xn--85x722f.com.cn");
  Check("xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn");
  Check("www.xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn");
  Check("shishi.xn--55qx5d.cn", "shishi.xn--55qx5d.cn");
  Check("xn--55qx5d.cn", "");
  Check("xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s");
  Check("www.xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s");
  Check("shishi.xn--fiqs8s", "shishi.xn--fiqs8s");
  Check("xn--fiqs8s", "");
}

TEST(PublicSuffixList, BriefCases) {
  Check("www.example.co.uk", "example.co.uk");
  Check("a.b.kobe.jp", "a.b.kobe.jp");  // "*.kobe.jp" makes b.kobe.jp public
  Check("b.kobe.jp", "");
  Check("city.kobe.jp", "city.kobe.jp");  // "!city.kobe.jp"
  Check("co.uk", "");
}

// The one difference from the hand-made matcher over Debian's list (checked
// on 28,632 names made from every rule, both sections, ICANN-only too): a
// wildcard rule "*.X" makes X itself a public suffix when the list does not
// name X (100 names: "kobe.jp", "sch.uk", "compute.amazonaws.com", ...).
// The hand-made code, reading the list's algorithm literally, made
// "kobe.jp" a registrable domain that nobody can hold, and
// "compute.amazonaws.com" part of "amazonaws.com".
TEST(PublicSuffixList, AWildcardMakesItsParentAPublicSuffix) {
  Check("kobe.jp", "");
  Check("sch.uk", "");
  Check("example.sch.uk", "");
  Check("school.example.sch.uk", "school.example.sch.uk");
  EXPECT_TRUE(
      Psl().IsPublicSuffix("kobe.jp", PublicSuffixList::Sections::kIcannOnly));
  absl::StatusOr<PublicSuffixList::Match> m =
      Psl().Lookup("compute.amazonaws.com");
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->public_suffix, "compute.amazonaws.com");
  EXPECT_EQ(m->registrable_domain, "");
  EXPECT_EQ(m->section, PublicSuffixList::Section::kPrivate);
  // Under the ICANN section alone the private wildcard does not count.
  m = Psl().Lookup("compute.amazonaws.com",
                   PublicSuffixList::Sections::kIcannOnly);
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->registrable_domain, "amazonaws.com");
}

// Names deeper than eight labels: psl_registrable_domain looks at eight at
// most; Lookup walks them all.
TEST(PublicSuffixList, DeepNames) {
  Check("a.b.c.d.e.f.g.h.i.j.example.com", "example.com");
  Check("a.b.c.d.e.f.g.h.i.j.test.k12.ak.us", "test.k12.ak.us");
}

TEST(PublicSuffixList, PrivateSectionCounts) {
  absl::StatusOr<PublicSuffixList::Match> m =
      Psl().Lookup("d1234.cloudfront.net");
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->public_suffix, "cloudfront.net");
  EXPECT_EQ(m->registrable_domain, "d1234.cloudfront.net");
  EXPECT_EQ(m->section, PublicSuffixList::Section::kPrivate);

  m = Psl().Lookup("d1234.cloudfront.net",
                   PublicSuffixList::Sections::kIcannOnly);
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->public_suffix, "net");
  EXPECT_EQ(m->registrable_domain, "cloudfront.net");
  EXPECT_EQ(m->section, PublicSuffixList::Section::kIcann);

  // A private wildcard: "*.compute.amazonaws.com".
  Check("ec2-1-2-3-4.eu-west-1.compute.amazonaws.com",
        "ec2-1-2-3-4.eu-west-1.compute.amazonaws.com");
  EXPECT_TRUE(Psl().IsPublicSuffix("herokuapp.com"));
  EXPECT_FALSE(Psl().IsPublicSuffix("herokuapp.com",
                                    PublicSuffixList::Sections::kIcannOnly));
  EXPECT_TRUE(
      Psl().IsPublicSuffix("co.uk", PublicSuffixList::Sections::kIcannOnly));
}

TEST(PublicSuffixList, RejectsWhatIsNotADnsName) {
  struct Case {
    std::string host;
    std::string message;
  };
  const Case cases[] = {
      {"", "host is empty"},
      {"8.8.8.8", "host \"8.8.8.8\" is an IP address, not a DNS name"},
      {"2001:db8::1", "host \"2001:db8::1\" is an IP address, not a DNS name"},
      {"[::1]", "host \"[::1]\" is an IP address, not a DNS name"},
      {"example.com.", "host \"example.com.\" ends with a dot"},
      {".com", "host \".com\" has an empty label"},
      {"a..b.com", "host \"a..b.com\" has an empty label"},
      {"exa mple.com",
       "host \"exa mple.com\" has the character \" \" (only letters, digits, "
       "'-' and '_' are allowed)"},
      {"example.com:443",
       "host \"example.com:443\" has the character \":\" (only letters, "
       "digits, '-' and '_' are allowed)"},
      {"-a.com", "host \"-a.com\" has a label that starts or ends with '-'"},
      // The error now gives the A-label form (libidn2, IDNA 2008).
      {"公司.cn",
       "host \"公司.cn\" is not ASCII; give internationalised names in their "
       "A-label (xn--) form: \"xn--55qx5d.cn\""},
      {"Bücher.example",
       "host \"Bücher.example\" is not ASCII; give internationalised names in "
       "their A-label (xn--) form: \"xn--bcher-kva.example\""},
      {"☃.net",
       "host \"☃.net\" is not ASCII; give internationalised names in their "
       "A-label (xn--) form; it has none under IDNA 2008"},
      {"1.2.3",
       "host \"1.2.3\" has only digits and dots but is not an IP "
       "address"},
      {std::string(64, 'a') + ".com",
       "host \"" + std::string(64, 'a') +
           ".com\" has a label longer than 63 characters"},
      {"a\nb.com",
       "host \"a\\nb.com\" has the character \"\\n\" (only letters, digits, "
       "'-' and '_' are allowed)"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Psl().RegistrableDomain(c.host),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message))
        << c.host;
  }
  std::string long_host;
  for (int i = 0; i < 50; ++i) long_host += "abcd.";
  long_host += "com";  // 253 characters: the longest name
  EXPECT_THAT(Psl().RegistrableDomain(long_host), IsOk());
  long_host = "a." + long_host;
  // Hostile hosts are cut in messages.
  EXPECT_THAT(Psl().RegistrableDomain(long_host),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "host \"" + long_host.substr(0, 100) +
                           "\"... is longer than 253 characters"));
}

// libpsl reads the list as browsers' libraries do and does not judge its
// rules; the hand-made parser refused the list on a malformed line (a
// wildcard inside a rule, a rule listed twice, an exception to a top-level
// domain, an empty label). Such a line now costs only itself.
TEST(PublicSuffixList, ParseKeepsGoingPastOddRules) {
  absl::StatusOr<PublicSuffixList> psl = PublicSuffixList::Parse(
      "// comment\ncom\nfoo.*.bar\ncom\n!com\na..b\nco.uk\nuk\n");
  ASSERT_THAT(psl, IsOk());
  EXPECT_EQ(*psl->RegistrableDomain("www.example.com"), "example.com");
  EXPECT_EQ(*psl->RegistrableDomain("www.example.co.uk"), "example.co.uk");
  EXPECT_EQ(*psl->RegistrableDomain("x.foo.y.bar"), "y.bar");
}

// Debian also ships the list compiled to libpsl's DAFSA form; it answers
// the same (and does not say how many rules it holds).
TEST(PublicSuffixList, LoadsTheDafsaFormToo) {
  absl::StatusOr<PublicSuffixList> dafsa = PublicSuffixList::Load(
      "/usr/share/publicsuffix/public_suffix_list.dafsa");
  ASSERT_THAT(dafsa, IsOk());
  EXPECT_EQ(dafsa->rule_count(), 0u);
  for (const char* host :
       {"www.example.co.uk", "a.b.c.kobe.jp", "www.city.kobe.jp",
        "d1.cloudfront.net", "www.xn--85x722f.xn--55qx5d.cn"}) {
    EXPECT_EQ(*dafsa->RegistrableDomain(host), *Psl().RegistrableDomain(host))
        << host;
    EXPECT_EQ(dafsa->Lookup(host)->section, Psl().Lookup(host)->section)
        << host;
  }
}

TEST(PublicSuffixList, ParseAndLoadErrors) {
  EXPECT_THAT(PublicSuffixList::Parse("// nothing\n\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "public suffix list has no rules"));
  EXPECT_THAT(PublicSuffixList::Parse(""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "public suffix list has no rules"));
  EXPECT_THAT(PublicSuffixList::Load("/nonexistent/list.dat"),
              StatusIs(absl::StatusCode::kNotFound,
                       "cannot read the public suffix list "
                       "/nonexistent/list.dat; install Debian's publicsuffix "
                       "package (third_party/setup.sh)"));
}

TEST(PublicSuffixList, SectionsOfASmallList) {
  absl::StatusOr<PublicSuffixList> psl = PublicSuffixList::Parse(
      "// ===BEGIN ICANN DOMAINS===\n"
      "com\n"
      "*.ex\n"
      "!www.ex\n"
      "// ===END ICANN DOMAINS===\n"
      "// ===BEGIN PRIVATE DOMAINS===\n"
      "hosting.com  trailing words are ignored\n"
      "// ===END PRIVATE DOMAINS===\n");
  ASSERT_THAT(psl, IsOk());
  EXPECT_EQ(psl->rule_count(), 4u);
  EXPECT_EQ(*psl->RegistrableDomain("a.b.hosting.com"), "b.hosting.com");
  EXPECT_EQ(*psl->RegistrableDomain("a.b.hosting.com",
                                    PublicSuffixList::Sections::kIcannOnly),
            "hosting.com");
  EXPECT_EQ(*psl->RegistrableDomain("x.y.ex"), "x.y.ex");
  EXPECT_EQ(*psl->RegistrableDomain("a.www.ex"), "www.ex");
  EXPECT_EQ(psl->Lookup("a.b.hosting.com")->section,
            PublicSuffixList::Section::kPrivate);
}

}  // namespace
}  // namespace candor::reference
