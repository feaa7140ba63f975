#include "corolab/demo_site/site_graph.hpp"

#include <deque>
#include <stdexcept>

#include "corolab/demo_site/site_paths.hpp"

namespace corolab::demo_site {

std::string_view to_string(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::ok: return "ok";
    case Outcome::slow: return "slow";
    case Outcome::not_found: return "not_found";
    case Outcome::redirect: return "redirect";
    case Outcome::redirect_loop: return "redirect_loop";
    case Outcome::server_error_then_ok: return "server_error_then_ok";
    case Outcome::too_many_requests_then_ok: return "too_many_requests_then_ok";
    case Outcome::too_large: return "too_large";
    case Outcome::not_html: return "not_html";
    case Outcome::reset: return "reset";
    case Outcome::disallowed: return "disallowed";
    case Outcome::out_of_scope: return "out_of_scope";
  }
  return "?";
}

namespace {

// The pages a crawler reads links from (an HTML body it gets in full).
bool links_are_followed(Outcome outcome) noexcept {
  return outcome == Outcome::ok || outcome == Outcome::slow ||
         outcome == Outcome::server_error_then_ok || outcome == Outcome::too_many_requests_then_ok;
}

bool answers_with_a_page(const Node& node) noexcept {
  return links_are_followed(node.outcome) || node.outcome == Outcome::disallowed;
}

}  // namespace

SiteGraph::SiteGraph(std::string base_url, std::vector<Node> nodes)
    : base_url_(std::move(base_url)), nodes_(std::move(nodes)) {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!by_url_.emplace(nodes_[i].url, i).second)
      throw std::logic_error("two nodes for " + nodes_[i].url);
    if (!nodes_[i].target.empty()) by_target_.emplace(nodes_[i].target, i);
  }
  // The truth must be closed: every URL a node points at has a node.
  for (const Node& node : nodes_) {
    for (const Link& link : node.links) {
      if (find(link.url) == nullptr)
        throw std::logic_error(node.url + " links to unknown " + link.url);
    }
    if (!node.redirect_to.empty() && find(node.redirect_to) == nullptr) {
      throw std::logic_error(node.url + " redirects to unknown " + node.redirect_to);
    }
  }
}

const Node* SiteGraph::find(std::string_view url) const noexcept {
  const auto found = by_url_.find(url);
  return found == by_url_.end() ? nullptr : &nodes_[found->second];
}

const Node* SiteGraph::find_target(std::string_view target) const noexcept {
  const auto found = by_target_.find(target);
  return found == by_target_.end() ? nullptr : &nodes_[found->second];
}

std::vector<std::string> SiteGraph::page_paths() const {
  std::vector<std::string> paths;
  for (const Node& node : nodes_) {
    if (answers_with_a_page(node)) paths.push_back(node.target);
  }
  return paths;
}

std::vector<std::string> SiteGraph::sitemap_urls() const {
  std::vector<std::string> urls;
  for (const Node& node : nodes_) {
    if (node.outcome == Outcome::ok && !node.target.starts_with(fault_paths::index))
      urls.push_back(node.url);
  }
  return urls;
}

// Breadth-first from home, the way a polite crawler goes.
std::set<std::string> SiteGraph::polite_crawl() const {
  std::set<std::string> fetched;
  std::set<std::string> seen = {url_of(paths::home)};
  std::deque<std::string> to_visit = {url_of(paths::home)};
  const auto discover = [&](const std::string& url) {
    if (seen.insert(url).second) to_visit.push_back(url);
  };
  while (!to_visit.empty()) {
    const Node& node = *find(to_visit.front());
    to_visit.pop_front();
    if (node.outcome == Outcome::out_of_scope || node.outcome == Outcome::disallowed) continue;
    fetched.insert(node.url);
    if (links_are_followed(node.outcome)) {
      for (const Link& link : node.links) discover(link.url);
    }
    if (!node.redirect_to.empty()) discover(node.redirect_to);
  }
  return fetched;
}

}  // namespace corolab::demo_site
