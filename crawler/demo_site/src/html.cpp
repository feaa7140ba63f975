#include "html.hpp"

namespace corolab::demo_site {

std::string escape_html(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&#39;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

namespace {

// Every third link is written differently (another attribute first, single
// quotes), as hand-written HTML often is.
std::string anchor(const Link& link, std::size_t position) {
  const std::string text = escape_html(link.text);
  if (position % 3 == 2) return "<a class=\"more\" href='" + link.href + "'>" + text + "</a>";
  return "<a href=\"" + link.href + "\">" + text + "</a>";
}

// On every page: hrefs a crawler must not follow.
constexpr std::string_view kNotLinks = R"html(<p>Not for crawlers:
<a href="mailto:webmaster@corolab.example">write to us</a>,
<a href="javascript:void(0)">a script action</a>.</p>
<!-- An old link, commented out: <a href="/retired/index.html">retired</a> -->
<script>
  // Markup inside a script is a string, not a link.
  const template = '<a href="/from-script/page.html">made by a script</a>';
</script>
)html";

}  // namespace

std::string render_page(const Node& node) {
  const std::string title = escape_html(node.title);
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<title>" + title + "</title>\n";
  if (!node.base_href.empty()) html += "<base href=\"" + escape_html(node.base_href) + "\">\n";
  html += "</head>\n<body>\n<h1>" + title + "</h1>\n<ul>\n";
  for (std::size_t i = 0; i < node.links.size(); ++i) {
    html += "<li>" + anchor(node.links[i], i) + "</li>\n";
  }
  html += "</ul>\n";
  html += kNotLinks;
  html += "</body>\n</html>\n";
  return html;
}

}  // namespace corolab::demo_site
