#pragma once
// The /faults/ section (SiteOptions::faults): one URL per way a server can
// let a crawler down. site_paths.hpp lists the URLs; fault_responses.cpp
// serves them.

#include <string_view>
#include <vector>

#include "corolab/demo_site/site_graph.hpp"

namespace corolab::demo_site {

std::vector<Node> fault_section(std::string_view base_url);

}  // namespace corolab::demo_site
