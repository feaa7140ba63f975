#pragma once
// The public site, generated from the seed: home, content pages, tag pages,
// and the private pages robots.txt disallows.

#include <vector>

#include "corolab/demo_site/site_graph.hpp"
#include "corolab/demo_site/site_options.hpp"

namespace corolab::demo_site {

std::vector<Node> content_section(const SiteOptions& options);

}  // namespace corolab::demo_site
