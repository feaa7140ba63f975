#pragma once
// Building blocks the generators share: a page node, and links to put on it.

#include <string>
#include <string_view>

#include "corolab/demo_site/site_graph.hpp"
#include "random.hpp"
#include "references.hpp"

namespace corolab::demo_site {

// An `ok` HTML page at `target` with no links yet.
Node html_page(std::string_view base_url, std::string_view target, std::string title);

// A link from a page whose links resolve against `from_directory` to `target`
// on this site, written in `form`, with an optional "#fragment".
Link link_to(std::string_view base_url, std::string_view from_directory, std::string_view target,
             HrefForm form, std::string label, std::string_view fragment = {});

// The same, written in a form (and with or without a fragment) drawn at random.
Link random_link_to(std::string_view base_url, std::string_view from_directory,
                    std::string_view target, std::string text, Random& random);

Link link_home(std::string_view base_url);  // "/"
Link link_elsewhere();                      // paths::elsewhere, another host

}  // namespace corolab::demo_site
