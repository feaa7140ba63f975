#pragma once
// SiteGraph: the truth about the demo site, for tests to hold a crawl against.
//
// The graph has one Node per URL the site names: every page it serves, every
// URL a link or a redirect points at (404s and other hosts too). All URLs in
// it are absolute and normalized the way a correct crawler writes them:
//
//   * scheme and host as in SiteOptions::base_url ("http://127.0.0.1:8080");
//   * the path and query exactly as the site spells them (no dot segments,
//     no percent-encoding, entities such as "&amp;" decoded to "&");
//   * no fragment: "page-3.html#part-2" names the page ".../page-3.html".
//
// Not links, and so in no Node's `links`: hrefs inside HTML comments and
// <script> elements, "mailto:" and "javascript:" hrefs. Every page has one of
// each, so a crawler that takes them for links is caught.

#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "corolab/demo_site/site_options.hpp"

namespace corolab::demo_site {

// What a crawler that starts at "/" meets at a URL.
enum class Outcome {
  ok,                         // 200, an HTML page: parse it and follow its links
  slow,                       // 200, an HTML page whose body arrives in slow pieces
  not_found,                  // 404
  redirect,                   // 301 or 302 to `redirect_to`
  redirect_loop,              // 302 into a cycle of redirects that never reaches a page
  server_error_then_ok,       // 500 on the first request, then 200 (an HTML page)
  too_many_requests_then_ok,  // 429 with "Retry-After: 1" on the first request, then 200
  too_large,                  // 200, but the body is larger than any sane cap: never parsed
  not_html,                   // 200 with a non-HTML Content-Type: not parsed for links
  reset,                      // 200 headers, half the body, then the connection is reset
  disallowed,    // robots.txt forbids it (it would be a 200 page): a polite crawler never asks
  out_of_scope,  // another host: never fetched
};

std::string_view to_string(Outcome outcome) noexcept;

// One <a href> as the site writes it, and the URL it names.
struct Link {
  std::string href;  // as written in the HTML: relative or not, entities and fragment included
  std::string url;   // what a correct crawler makes of it: absolute, normalized, no fragment
  std::string text;  // the anchor text
  bool operator==(const Link&) const = default;
};

struct Node {
  std::string url;     // absolute and normalized: the node's name
  std::string target;  // path and query on this site ("/faults/flaky"); empty for another host
  Outcome outcome = Outcome::ok;
  int status = 200;          // status of the first response; 0 for another host
  std::string content_type;  // of the 200 response; empty if there is none
  std::string title;         // HTML pages
  std::string base_href;  // written as <base href> on this page (relative links resolve against it)
  std::vector<Link> links;  // in document order, each URL once; only on pages a crawler parses
                            // (ok, slow, *_then_ok, and disallowed for the curious)
  std::string location;     // redirects: the Location header as sent (absolute or relative)...
  std::string redirect_to;  // ...and the absolute URL it names

  std::vector<std::string> link_urls() const {  // links' URLs, in order
    std::vector<std::string> urls;
    for (const Link& link : links) urls.push_back(link.url);
    return urls;
  }
  bool operator==(const Node&) const = default;
};

class SiteGraph {
 public:
  SiteGraph() = default;
  // Indexes `nodes`; throws std::logic_error if a URL appears twice or a
  // link or redirect names a URL that has no node.
  SiteGraph(std::string base_url, std::vector<Node> nodes);

  const std::string& base_url() const noexcept { return base_url_; }
  std::string url_of(std::string_view target) const { return base_url_ + std::string(target); }

  // Every node: home first, then content pages, tag pages, private pages,
  // the /faults/ section (if on), and the other hosts' URLs last.
  const std::vector<Node>& nodes() const noexcept { return nodes_; }
  const Node* find(std::string_view url) const noexcept;  // nullptr if the site never names it
  const Node* find_target(
      std::string_view target) const noexcept;  // by path and query on this site

  // The targets the site answers with an HTML page (possibly after a retry):
  // home, content, tag and private pages, and the /faults/ section's pages.
  std::vector<std::string> page_paths() const;

  // The URLs sitemap.xml lists: every `ok` page outside /faults/.
  std::vector<std::string> sitemap_urls() const;

  // The URLs a polite crawler starting at "/" requests: everything reachable
  // by following links and redirects, except what robots.txt disallows and
  // other hosts. Links are followed on ok, slow and *_then_ok pages only.
  // It includes every URL of a redirect chain or loop, and the 404s; it does
  // not include /robots.txt, which a polite crawler fetches first.
  std::set<std::string> polite_crawl() const;

  bool operator==(const SiteGraph& other) const { return nodes_ == other.nodes_; }

 private:
  std::string base_url_;
  std::vector<Node> nodes_;
  std::map<std::string, std::size_t, std::less<>> by_url_;
  std::map<std::string, std::size_t, std::less<>> by_target_;
};

// Builds the site's graph from its options (validated first): same options,
// same graph. DemoSite calls this; tests may too.
SiteGraph generate_site_graph(const SiteOptions& options);

}  // namespace corolab::demo_site
