#include "html.hpp"

#include "corolab/text.hpp"

namespace corolab::demo_site {

namespace {

// Every third link is written differently (another attribute first, single
// quotes), as hand-written HTML often is.
std::string anchor(const Link& link, std::size_t position) {
  const std::string label = text::escape_markup(link.text);
  if (position % 3 == 2) return "<a class=\"more\" href='" + link.href + "'>" + label + "</a>";
  return "<a href=\"" + link.href + "\">" + label + "</a>";
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
  const std::string title = text::escape_markup(node.title);
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<title>" + title + "</title>\n";
  if (!node.base_href.empty())
    html += "<base href=\"" + text::escape_markup(node.base_href) + "\">\n";
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
