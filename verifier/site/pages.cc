#include "verifier/site/pages.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "proto/candor/finding/v1/finding.pb.h"
#include "proto/candor/measurement/v1/measurement.pb.h"
#include "verifier/claim/render.h"
#include "verifier/site/html.h"
#include "verifier/site/slug.h"

namespace candor::site {
namespace {

namespace fpb = ::candor::finding::v1;
namespace mpb = ::candor::measurement::v1;
namespace vpb = ::candor::verifier::v1;

std::string EntryHref(absl::string_view root, uint64_t index) {
  return absl::StrCat(root, "entries/", index, ".html");
}

// "entry 12", linked to its page.
std::string EntryLink(absl::string_view root, uint64_t index) {
  return Link(EntryHref(root, index), absl::StrCat("log entry ", index));
}

// The Verify button of API.md ("Elements the scripts use"): verify.js
// fetches `bundle_href` and log.json beside it.
std::string VerifyButton(absl::string_view bundle_href) {
  return absl::StrCat(
      "<section class=\"card\" aria-labelledby=\"verify-h\"><h2 id=\"verify-h\">Verify</h2>",
      "<p>Check the log's signature, the witnesses' cosignatures, the inclusion proofs and "
      "the signers' signatures yourself, in this browser.</p>",
      "<button type=\"button\" id=\"verify\" data-bundle=\"", HtmlEscape(bundle_href),
      "\">Verify</button>",
      "<output id=\"verify-result\" aria-live=\"polite\"></output>",
      "<noscript><p>Verifying in the browser needs JavaScript; the proof is ",
      Link(bundle_href, "this file"), ".</p></noscript></section>");
}

std::string ClaimHtml(const ClaimView& c, absl::string_view root) {
  std::string out = absl::StrCat(
      "<li id=\"claim-", c.index, "\"><h3>",
      c.recorded ? "Recorded: " : "Signed claim: ", HtmlEscape(c.provenance), "</h3>",
      "<p><span class=\"status\">", HtmlEscape(c.status), "</span>");
  if (c.superseded_by) {
    absl::StrAppend(&out, " by ", EntryLink(root, *c.superseded_by));
  }
  if (c.repeats) absl::StrAppend(&out, " of ", EntryLink(root, *c.repeats));
  absl::StrAppend(&out, " · ", EntryLink(root, c.index), "</p>");
  absl::StrAppend(&out, "<p>", c.recorded ? "Recorded by " : "Signed by ",
                  HtmlEscape(P(c.issuer)), ", issued ", HtmlEscape(c.issued_at),
                  ", effective ", HtmlEscape(c.effective_at));
  if (!c.versions.empty()) absl::StrAppend(&out, "; versions ", HtmlEscape(c.versions));
  absl::StrAppend(&out, ".</p>");
  if (c.recorded) {
    absl::StrAppend(&out, "<p>Speaker: ", HtmlEscape(c.speaker), ". Source: ",
                    HtmlEscape(c.publication), ", <a href=\"", HtmlEscape(c.source_url),
                    "\" rel=\"nofollow noopener\">", HtmlEscape(c.source_url), "</a></p>");
    for (const QuoteView& q : c.quotes) {
      absl::StrAppend(&out, "<blockquote lang=\"", HtmlEscape(q.language), "\">",
                      HtmlEscape(q.text), "</blockquote>");
    }
  }
  if (!c.text.empty()) {
    absl::StrAppend(&out, c.recorded ? "<p>In the recorder's words:</p><blockquote>"
                                     : "<p>In the vendor's words:</p><blockquote>",
                    HtmlEscape(c.text), "</blockquote>");
  }
  absl::StrAppend(&out, "<p>It says the app:</p><ul>");
  for (const auto& [id, sentence] : c.assertions) {
    absl::StrAppend(&out, "<li>", HtmlEscape(sentence), " <span class=\"muted\">(",
                    HtmlEscape(id), ")</span>");
    for (const InterpretationView& i : c.interpretations) {
      if (i.assertion != id) continue;
      absl::StrAppend(&out, "<br>The recorder reads \u201c", HtmlEscape(i.sentence),
                      "\u201d (quote ", HtmlEscape(i.quote), ") as: ", HtmlEscape(i.reading));
    }
    absl::StrAppend(&out, "</li>");
  }
  absl::StrAppend(&out, "</ul>");
  for (const DisputeView& d : c.disputes) {
    absl::StrAppend(&out, "<p><strong>Disputed</strong> by ", HtmlEscape(P(d.issuer)), " on ",
                    HtmlEscape(d.issued_at), " (", EntryLink(root, d.index),
                    "):</p><blockquote>", HtmlEscape(d.text), "</blockquote>");
  }
  absl::StrAppend(&out, "</li>");
  return out;
}

std::string CountryWords(const std::string& code) {
  return code.empty() ? std::string("unknown country") : claim::DescribeCountries({code});
}

std::string FlowsTable(const std::vector<FlowView>& flows) {
  if (flows.empty()) return "<p>No user data was detected in what the app sent.</p>";
  std::string out =
      "<table><thead><tr><th scope=\"col\">Data</th><th scope=\"col\">Sent to</th>"
      "<th scope=\"col\">Organisation</th><th scope=\"col\">Endpoint in</th></tr></thead><tbody>";
  for (const FlowView& f : flows) {
    absl::StrAppend(&out, "<tr><td>", HtmlEscape(claim::DescribeDataTypes(f.data_types)),
                    "</td><td>", HtmlEscape(f.host), "</td><td>",
                    HtmlEscape(f.organisation.empty() ? "unknown" : f.organisation),
                    "</td><td>", HtmlEscape(CountryWords(f.country)), "</td></tr>");
  }
  absl::StrAppend(&out, "</tbody></table>");
  return out;
}

std::string FindingSummaryHtml(const FindingView& f, absl::string_view root) {
  const fpb::Finding& x = f.finding;
  const std::string verdict = fpb::Verdict_Name(x.verdict());
  std::string out = absl::StrCat(
      "<li id=\"finding-", f.index, "\"><p><span class=\"verdict verdict-",
      HtmlEscape(absl::AsciiStrToLower(verdict)), "\">", HtmlEscape(VerdictWords(x.verdict())),
      x.confirmed() ? ", confirmed" : ", not confirmed", "</span> · ",
      Link(absl::StrCat(root, "findings/", f.index, ".html"), "the finding"), " · ",
      EntryLink(root, f.index), "</p>");
  absl::StrAppend(&out, "<p>The assertion that the app ", HtmlEscape(f.assertion),
                  ", in ", HtmlEscape(P(x.stands_against())), " (",
                  EntryLink(root, x.claim().index()), ").</p>");
  if (!x.flows().empty()) {
    absl::StrAppend(&out, "<p>What contradicts it:</p><ul>");
    for (const fpb::ViolatingFlow& v : x.flows()) {
      std::string where = P(v.host());
      if (!v.organisation().empty()) absl::StrAppend(&where, " (", P(v.organisation()), ")");
      const bool known = v.measurement() < static_cast<uint32_t>(x.measurements_size());
      const std::vector<std::string> types(v.data_types().begin(), v.data_types().end());
      // The evaluator's reason says what went where and why it contradicts
      // ("sent Contacts to c.igexin.com (...), an endpoint located in ...").
      if (!v.reason().empty()) {
        absl::StrAppend(&out, "<li>The app ", HtmlEscape(P(v.reason())));
      } else {
        absl::StrAppend(&out, "<li>", HtmlEscape(claim::DescribeDataTypes(types)),
                        " sent to ", HtmlEscape(where), ", an endpoint in ",
                        HtmlEscape(CountryWords(v.endpoint_country())));
      }
      if (known) {
        absl::StrAppend(&out, " (measured in ",
                        EntryLink(root, x.measurements(v.measurement()).index()), ")");
      }
      absl::StrAppend(&out, "</li>");
    }
    absl::StrAppend(&out, "</ul>");
  }
  absl::StrAppend(&out, "<p class=\"muted\">", HtmlEscape(P(x.summary())), "</p></li>");
  return out;
}

}  // namespace

std::string AppPage(const AppView& a) {
  const std::string root = "../";
  std::string out = absl::StrCat("<h1>", HtmlEscape(P(a.app)), "</h1>");
  absl::StrAppend(&out, "<p>", a.confirmed, " confirmed contradiction",
                  a.confirmed == 1 ? "" : "s", " · ",
                  Link(absl::StrCat(root, "api/v1/apps/", a.slug, ".json"), "as JSON"), "</p>");

  absl::StrAppend(&out, "<section aria-labelledby=\"vendor-h\"><h2 id=\"vendor-h\">Vendor</h2>");
  if (a.vendors.empty()) absl::StrAppend(&out, "<p>No registered vendor has signed a claim.</p>");
  for (const VendorView& v : a.vendors) {
    absl::StrAppend(&out, "<p><strong>", HtmlEscape(P(v.display_name)), "</strong> (",
                    HtmlEscape(P(v.name)), ")");
    if (v.registration) absl::StrAppend(&out, ", registered in ", EntryLink(root, *v.registration));
    absl::StrAppend(&out, ".</p>");
    if (!v.organisations.empty() || !v.domains.empty()) {
      std::vector<std::string> own;
      for (const std::string& o : v.organisations) own.push_back(P(o));
      for (const std::string& d : v.domains) own.push_back(P(d));
      absl::StrAppend(&out, "<p>Its own organisations and domains: ",
                      HtmlEscape(absl::StrJoin(own, ", ")), ".</p>");
    }
  }
  absl::StrAppend(&out, "</section>");

  absl::StrAppend(&out, "<section aria-labelledby=\"bin-h\"><h2 id=\"bin-h\">Binaries</h2>");
  if (a.binaries.empty()) absl::StrAppend(&out, "<p>No statement names a build by digest.</p>");
  else absl::StrAppend(&out, "<ul>");
  for (const auto& [sha, versions] : a.binaries) {
    absl::StrAppend(&out, "<li><span class=\"digest\">SHA-256 ", HtmlEscape(sha), "</span>",
                    versions.empty() ? std::string()
                                     : absl::StrCat(", version ",
                                                    HtmlEscape(absl::StrJoin(versions, ", "))),
                    "</li>");
  }
  if (!a.binaries.empty()) absl::StrAppend(&out, "</ul>");
  absl::StrAppend(&out, "</section>");

  absl::StrAppend(&out,
                  "<section aria-labelledby=\"findings-h\"><h2 id=\"findings-h\">Findings</h2>");
  if (a.findings.empty()) absl::StrAppend(&out, "<p>No findings yet.</p>");
  absl::StrAppend(&out, "<ul class=\"cards\">");
  for (const FindingView& f : a.findings) absl::StrAppend(&out, FindingSummaryHtml(f, root));
  absl::StrAppend(&out, "</ul></section>");

  absl::StrAppend(&out,
                  "<section aria-labelledby=\"claims-h\"><h2 id=\"claims-h\">Claims</h2>"
                  "<p>Newest first: the claims in force and their history, signed by the "
                  "vendor or recorded from what it said.</p><ul class=\"cards\">");
  for (const ClaimView& c : a.claims) absl::StrAppend(&out, ClaimHtml(c, root));
  absl::StrAppend(&out, "</ul></section>");

  absl::StrAppend(&out, "<section aria-labelledby=\"meas-h\"><h2 id=\"meas-h\">Measurements</h2>"
                        "<ul class=\"cards\">");
  for (const MeasurementView& m : a.measurements) {
    absl::StrAppend(&out, "<li><h3>By ", HtmlEscape(m.auditor), "</h3><p>",
                    HtmlEscape(m.start), " to ", HtmlEscape(m.end), "; version ",
                    HtmlEscape(m.app_version.empty() ? "not stated" : m.app_version),
                    "; consent: ", HtmlEscape(ConsentWords([&] {
                      mpb::ConsentState c = mpb::CONSENT_STATE_UNSPECIFIED;
                      mpb::ConsentState_Parse(m.consent, &c);
                      return c;
                    }())),
                    "; measured from ", HtmlEscape(CountryWords(m.vantage)), " · ",
                    EntryLink(root, m.index), "</p><p>", m.flows.size(), " of ", m.all_flows,
                    " requests carried user data:</p>", FlowsTable(m.flows), "</li>");
  }
  absl::StrAppend(&out, "</ul></section>");
  return Page({P(a.app), root, {}}, out);
}

std::string FindingPage(const FindingView& f, const AppView& a) {
  const std::string root = "../";
  const fpb::Finding& x = f.finding;
  std::string out = absl::StrCat("<h1>Finding ", f.index, " on ", HtmlEscape(P(a.app)), "</h1>");
  absl::StrAppend(&out, "<p>About ", Link(absl::StrCat(root, "apps/", a.slug, ".html"), P(a.app)),
                  ", signed by the verifier ", HtmlEscape(P(x.verifier())), " at ",
                  HtmlEscape(Time(x.issued_at())), ".</p><ul class=\"cards\">",
                  FindingSummaryHtml(f, root), "</ul>");
  absl::StrAppend(&out, "<p>", x.contradicting_auditors(), " distinct auditor",
                  x.contradicting_auditors() == 1 ? "" : "s",
                  " contradicted it; a quorum of ", x.quorum(), " confirms.</p>");
  absl::StrAppend(&out, "<h2>What it rests on</h2><ul><li>The claim: ",
                  EntryLink(root, x.claim().index()), "</li>");
  for (const fpb::EntryRef& m : x.measurements()) {
    absl::StrAppend(&out, "<li>A measurement: ", EntryLink(root, m.index()), "</li>");
  }
  for (const fpb::EntryRef& r : x.reference()) {
    absl::StrAppend(&out, "<li>Reference data: ", EntryLink(root, r.index()), "</li>");
  }
  absl::StrAppend(&out, "</ul>");
  absl::StrAppend(
      &out,
      VerifyButton(absl::StrCat(root, "api/v1/findings/", f.index, ".bundle.json")),
      "<p>To re-run the evaluation itself: save the proof and run <code>candor verify "
      "finding ",
      f.index, ".bundle.json --log_pub log.pub --admin_pub admin.pub</code>.</p>");
  return Page({absl::StrCat("Finding ", f.index), root, {"verify.js"}}, out);
}

std::string EntryPage(uint64_t index, const Statement& st,
                      const registry::RegistryState& registry) {
  const std::string root = "../";
  const vpb::IndexedStatement& s = st.indexed;
  std::string out = absl::StrCat("<h1>Log entry ", index, "</h1><dl>");
  auto item = [&out](absl::string_view k, absl::string_view v_html) {
    absl::StrAppend(&out, "<dt>", k, "</dt><dd>", v_html, "</dd>");
  };
  item("Type", HtmlEscape(s.predicate_type()));
  if (!s.signer().empty()) {
    item("Signed by", HtmlEscape(absl::StrCat(P(DisplayName(registry, s.signer())), " (",
                                              P(s.signer()), ")")));
  } else {
    item("Signed by", "the log's operator (a registration)");
  }
  if (!s.app().empty()) {
    item("App", Link(absl::StrCat(root, "apps/", AppSlug(s.app()), ".html"), P(s.app())));
  }
  item("Leaf hash", absl::StrCat("<span class=\"digest\">",
                                 HtmlEscape(absl::BytesToHexString(s.leaf_hash())), "</span>"));
  if (s.repeated()) item("A repeat of", EntryLink(root, s.original()));
  absl::StrAppend(&out, "</dl>");
  if (st.parsed) {
    absl::StrAppend(&out, "<h2>What it says</h2><pre>",
                    HtmlEscape(Lines(st.parsed->statement.predicate_json)), "</pre>");
  } else {
    absl::StrAppend(&out, "<p>This entry is not a statement this site can read.</p>");
  }
  absl::StrAppend(&out, "<h2>The entry, verbatim</h2><pre>", HtmlEscape(Lines(s.entry())), "</pre>",
                  VerifyButton(absl::StrCat(root, "api/v1/entries/", index, ".bundle.json")));
  return Page({absl::StrCat("Log entry ", index), root, {"verify.js"}}, out);
}

std::string LogPage(const LogView& log, const SiteConfig& config, uint64_t followed_size,
                    absl::string_view equivocation, absl::string_view generated_at) {
  std::string out = "<h1>The log</h1><dl>";
  auto item = [&out](absl::string_view k, absl::string_view v_html) {
    absl::StrAppend(&out, "<dt>", k, "</dt><dd>", v_html, "</dd>");
  };
  item("Origin", HtmlEscape(P(log.origin)));
  item("Tree size", absl::StrCat(log.tree_size));
  item("Root hash", absl::StrCat("<span class=\"digest\">", HtmlEscape(P(log.root_hash)),
                                 "</span>"));
  item("Entries the verifier has read", absl::StrCat(followed_size));
  item("Equivocation",
       equivocation.empty() ? std::string("none seen")
                            : absl::StrCat("<strong>", HtmlEscape(P(equivocation)),
                                           "</strong>: the verifier stopped following"));
  item("Generated", HtmlEscape(generated_at));
  absl::StrAppend(&out, "</dl>");
  absl::StrAppend(&out, "<h2>Checkpoint, verbatim, with its cosignatures</h2><pre>",
                  HtmlEscape(Lines(log.checkpoint)), "</pre>");
  absl::StrAppend(&out, "<h2>The log's key</h2><pre>", HtmlEscape(Lines(config.log_key)),
                  "</pre><h2>The admin key</h2><pre>", HtmlEscape(Lines(config.admin_key_pem)),
                  "</pre><h2>Witness policy</h2>");
  if (config.witness_policy.empty()) {
    absl::StrAppend(&out, "<p>None: the verifier follows the log's own checkpoints.</p>");
  } else {
    absl::StrAppend(&out, "<pre>", HtmlEscape(Lines(config.witness_policy)), "</pre>");
  }
  absl::StrAppend(&out, "<p>As JSON: ", Link("api/v1/log.json", "api/v1/log.json"),
                  ". Each finding and entry page verifies against this checkpoint.</p>");
  return Page({"The log", "", {}}, out);
}

std::string IndexPage(const std::vector<AppView>& apps) {
  std::string out =
      "<h1>Apps and what they share</h1><p>Vendors sign claims about the data their apps "
      "share; auditors measure what the apps send; this verifier publishes where the two "
      "disagree. Apps with confirmed contradictions come first.</p>"
      "<form role=\"search\" action=\"index.html\" method=\"get\">"
      "<label for=\"app-search\">Search apps (name, package or store id)</label>"
      "<input type=\"search\" id=\"app-search\" name=\"q\" autocomplete=\"off\" "
      "aria-controls=\"apps\"> <span id=\"app-search-count\" aria-live=\"polite\"></span>"
      "</form><ul id=\"apps\" class=\"cards\">";
  for (const AppView& a : apps) {
    std::vector<std::string> names;
    std::string search = P(a.app);
    for (const VendorView& v : a.vendors) {
      names.push_back(P(v.display_name));
      absl::StrAppend(&search, " ", P(v.name), " ", P(v.display_name));
    }
    absl::StrAppend(&out, "<li data-search=\"", HtmlEscape(absl::AsciiStrToLower(search)),
                    "\"><h2>", Link(absl::StrCat("apps/", a.slug, ".html"), P(a.app)), "</h2><p>",
                    names.empty() ? std::string("No vendor has signed a claim")
                                  : HtmlEscape(absl::StrJoin(names, ", ")),
                    " · ", a.claims.size(), " claims · ", a.measurements.size(),
                    " measurements · ", a.findings.size(), " findings, ", a.confirmed,
                    " confirmed contradictions</p></li>");
  }
  absl::StrAppend(&out, "</ul>");
  if (apps.empty()) absl::StrAppend(&out, "<p>The verifier has read no app yet.</p>");
  return Page({"Apps", "", {"search.js"}}, out);
}

}  // namespace candor::site
