#include "corolab/demo_site/demo_site.hpp"

#include "corolab/demo_site/site_paths.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/sleep.hpp"
#include "corolab/text.hpp"
#include "html.hpp"
#include "responses.hpp"

namespace corolab::demo_site {

DemoSite::DemoSite(SiteOptions options)
    : options_(std::move(options)), graph_(generate_site_graph(options_)) {}

Task<http::Response> DemoSite::handle(http::Request request) {
  if (options_.record_arrivals)
    arrivals_.push_back(Arrival{request.target, EventLoop::current().now()});
  if (options_.latency > Duration::zero()) co_await sleep_for(options_.latency);
  co_return respond(request);
}

// Everything but the latency: plain code, no awaiting.
http::Response DemoSite::respond(const http::Request& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    http::Response response = text_response(405, "This site only answers GET and HEAD.\n");
    response.headers.set("Allow", "GET, HEAD");
    return response;
  }
  const int attempt = ++request_counts_[request.target];
  if (request.target == paths::robots_txt) return text_response(200, robots_txt());
  if (request.target == paths::sitemap_xml) {
    return http::Response::text(200, sitemap_xml(), "application/xml; charset=utf-8");
  }
  const Node* node = graph_.find_target(request.target);
  if (node == nullptr || node->outcome == Outcome::not_found)
    return not_found_response(request.target);
  return respond_with(*node, attempt);
}

std::string DemoSite::robots_txt() const {
  const std::string disallowed(paths::private_prefix);
  return "# corolab demo site: polite crawlers stay out of " + disallowed +
         "\n"
         "User-agent: *\n"
         "Disallow: " +
         disallowed +
         "\n"
         "\n"
         "Sitemap: " +
         graph_.url_of(paths::sitemap_xml) + "\n";
}

std::string DemoSite::sitemap_xml() const {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const std::string& url : graph_.sitemap_urls()) {
    xml +=
        "  <url><loc>" + text::escape_markup(url) + "</loc></url>\n";  // "&" is "&amp;" in XML too
  }
  xml += "</urlset>\n";
  return xml;
}

int DemoSite::request_count(std::string_view target) const {
  const auto found = request_counts_.find(target);
  return found == request_counts_.end() ? 0 : found->second;
}

}  // namespace corolab::demo_site
