// generate_site_graph: the public site, the /faults/ section if asked for,
// and a node for each URL on another host that a page links to.
#include <set>

#include "content_section.hpp"
#include "corolab/demo_site/site_graph.hpp"
#include "fault_section.hpp"

namespace corolab::demo_site {

namespace {

std::vector<Node> out_of_scope_nodes(const std::vector<Node>& nodes, const std::string& base_url) {
  std::set<std::string> elsewhere;
  for (const Node& node : nodes) {
    for (const Link& link : node.links) {
      if (!link.url.starts_with(base_url + "/")) elsewhere.insert(link.url);
    }
  }
  std::vector<Node> result;
  for (const std::string& url : elsewhere) {
    Node node;
    node.url = url;
    node.outcome = Outcome::out_of_scope;
    node.status = 0;  // never requested
    result.push_back(std::move(node));
  }
  return result;
}

}  // namespace

SiteGraph generate_site_graph(const SiteOptions& options) {
  validate(options);
  std::vector<Node> nodes = content_section(options);
  if (options.faults) {
    for (Node& node : fault_section(options.base_url)) nodes.push_back(std::move(node));
  }
  for (Node& node : out_of_scope_nodes(nodes, options.base_url)) nodes.push_back(std::move(node));
  return SiteGraph(options.base_url, std::move(nodes));
}

}  // namespace corolab::demo_site
