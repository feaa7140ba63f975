#pragma once
// The HTML of a generated page: its title, its links, and the things that
// look like links but are not (a comment, a script, mailto: and javascript:).

#include <string>
#include <string_view>

#include "corolab/demo_site/site_graph.hpp"

namespace corolab::demo_site {

inline constexpr std::string_view kHtmlContentType = "text/html; charset=utf-8";

// The page for `node`: title, <base href> if it has one, and node.links in order.
std::string render_page(const Node& node);

}  // namespace corolab::demo_site
