#pragma once
// DemoSite: a generated web site for the crawler to crawl, and the truth
// about it (graph()) for tests to compare the crawl with.
//
//   corolab::demo_site::DemoSite site(options);
//   corolab::http::Server server(std::move(listener),
//       [&site](corolab::http::Request r) { return site.handle(std::move(r)); });
//
// SiteServer (site_server.hpp) does that wiring, and binds the listener first
// so the site knows its own URL.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "corolab/clock.hpp"
#include "corolab/demo_site/site_graph.hpp"
#include "corolab/demo_site/site_options.hpp"
#include "corolab/http/message.hpp"
#include "corolab/task.hpp"

namespace corolab::demo_site {

// A request as it reached the site (SiteOptions::record_arrivals).
struct Arrival {
  std::string target;  // path and query
  TimePoint at;        // the loop's clock when the handler began, before the latency
};

class DemoSite {
 public:
  // Validates the options (std::invalid_argument) and generates the site.
  explicit DemoSite(SiteOptions options);

  const SiteOptions& options() const noexcept { return options_; }
  const SiteGraph& graph() const noexcept { return graph_; }

  // The server's handler: waits SiteOptions::latency, then answers. GET and
  // HEAD only (405 otherwise); a target the site does not have is a 404.
  Task<http::Response> handle(http::Request request);

  std::string robots_txt() const;
  std::string sitemap_xml() const;

  // How many GET and HEAD requests a target has had. The faults that fail
  // only the first time use this count, so tests can see the retries too.
  int request_count(std::string_view target) const;

  // Every request, in the order they came, if SiteOptions::record_arrivals.
  const std::vector<Arrival>& arrivals() const noexcept { return arrivals_; }

 private:
  http::Response respond(const http::Request& request);
  http::Response respond_with(const Node& node, int attempt) const;  // fault_responses.cpp

  SiteOptions options_;
  SiteGraph graph_;
  std::map<std::string, int, std::less<>> request_counts_;
  std::vector<Arrival> arrivals_;
};

}  // namespace corolab::demo_site
