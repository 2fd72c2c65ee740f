// HTML for the public site: escaping, and the skeleton every page shares
// (header, nav, main, footer; the CSP as a meta element; the stylesheet and
// scripts as external files), so no page has inline script or style.
//
// Everything a log entry says reaches a page only through HtmlEscape (or
// the helpers below, which escape): a name or claim text holding
// "<script>" is shown, never run.
//
// Pure functions, thread-safe.

#ifndef CANDOR_VERIFIER_SITE_HTML_H_
#define CANDOR_VERIFIER_SITE_HTML_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace candor::site {

// The policy every response and page carries (API.md): scripts, styles and
// requests only from the site itself, and nothing inline.
inline constexpr absl::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// `text` with & < > " ' replaced by character references: safe in element
// content and in double- or single-quoted attribute values.
std::string HtmlEscape(absl::string_view text);

// <a href="HREF">TEXT</a>, both escaped.
std::string Link(absl::string_view href, absl::string_view text);

struct PageSpec {
  std::string title;  // plain text: escaped
  // The path from the page to the site's root: "" for index.html, "../" for
  // apps/x.html. Every link the skeleton writes starts with it.
  std::string root;
  // Scripts under static/, e.g. "verify.js", loaded with defer.
  std::vector<std::string> scripts;
};

// A whole document: doctype, lang, charset, viewport, CSP meta, the title,
// static/site.css, the scripts, a header with the site's name, a nav
// (apps, log), `main_html` (already HTML: the caller escaped it) inside
// <main>, and a footer.
std::string Page(const PageSpec& spec, absl::string_view main_html);

}  // namespace candor::site

#endif  // CANDOR_VERIFIER_SITE_HTML_H_
