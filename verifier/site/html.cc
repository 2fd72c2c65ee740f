#include "verifier/site/html.h"

#include "absl/strings/str_cat.h"

namespace candor::site {

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string Link(absl::string_view href, absl::string_view text) {
  return absl::StrCat("<a href=\"", HtmlEscape(href), "\">", HtmlEscape(text), "</a>");
}

std::string Page(const PageSpec& spec, absl::string_view main_html) {
  const std::string root = HtmlEscape(spec.root);
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
      // For the static copy (--site_dir), whose server may send no header.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"",
      HtmlEscape(kContentSecurityPolicy), "\">\n",
      "<meta name=\"referrer\" content=\"no-referrer\">\n",
      "<title>", HtmlEscape(spec.title), " · Candor verifier</title>\n",
      "<link rel=\"stylesheet\" href=\"", root, "static/site.css\">\n");
  for (const std::string& script : spec.scripts) {
    absl::StrAppend(&out, "<script src=\"", root, "static/", HtmlEscape(script),
                    "\" defer></script>\n");
  }
  absl::StrAppend(
      &out, "</head>\n<body>\n<header><p class=\"site-name\"><a href=\"", root,
      "index.html\">Candor verifier</a></p></header>\n",
      "<nav aria-label=\"Site\"><ul><li><a href=\"", root, "index.html\">Apps</a></li>",
      "<li><a href=\"", root, "log.html\">Log</a></li></ul></nav>\n",
      "<main id=\"main\">\n", main_html, "\n</main>\n",
      "<footer><p>Every fact links to the log entry it comes from. Pages read "
      "without scripts; Verify checks proofs in your browser. The JSON behind them: <a href=\"",
      root, "api/v1/log.json\">api/v1/</a>.</p></footer>\n</body>\n</html>\n");
  return out;
}

}  // namespace candor::site
