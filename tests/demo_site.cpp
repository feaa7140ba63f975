// The demo site: generated the same way from the same seed, every page
// reachable, and the truth it tells (SiteGraph) matching the HTML it serves,
// checked with an independent link reader (html_links.hpp). Most tests call
// the handler directly; the last one goes through the real HTTP server.
#include "corolab/demo_site/demo_site.hpp"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <deque>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "corolab/corolab.hpp"
#include "corolab/demo_site/site_paths.hpp"
#include "corolab/demo_site/site_server.hpp"
#include "corolab/testing/faulty_bodies.hpp"
#include "html_links.hpp"

using namespace std::chrono_literals;
using corolab::Task;
using corolab::demo_site::DemoSite;
using corolab::demo_site::Link;
using corolab::demo_site::Node;
using corolab::demo_site::Outcome;
using corolab::demo_site::SiteGraph;
using corolab::demo_site::SiteOptions;
using corolab::http::Request;
using corolab::http::Response;
using corolab::testing::ResetHalfway;
using corolab::testing::SlowBody;
namespace paths = corolab::demo_site::paths;
namespace fault_paths = corolab::demo_site::fault_paths;

namespace Catch {
template <>
struct StringMaker<Outcome> {
  static std::string convert(Outcome outcome) {
    return std::string(corolab::demo_site::to_string(outcome));
  }
};
}  // namespace Catch

namespace {

constexpr std::string_view kBaseUrl = "http://127.0.0.1:8080";

SiteOptions with_faults() {
  SiteOptions options;
  options.faults = true;
  return options;
}

Request request(std::string target, std::string method = "GET") {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  return r;
}

// Asks the site directly: no server, no sockets.
Response fetch(DemoSite& site, std::string target) {
  return corolab::sync_wait(site.handle(request(std::move(target))));
}

Task<std::vector<Response>> fetch_each(DemoSite* site, std::vector<std::string> targets) {
  std::vector<Response> responses;
  for (std::string& target : targets) {
    Response response = co_await site->handle(request(std::move(target)));
    responses.push_back(std::move(response));
  }
  co_return responses;
}

std::vector<std::string> bodies_of(DemoSite& site, const std::vector<std::string>& targets) {
  std::vector<std::string> bodies;
  for (Response& response : corolab::sync_wait(fetch_each(&site, targets))) {
    bodies.push_back(std::move(response.body));
  }
  return bodies;
}

// numbered("/page-", 4, ".html") == "/page-4.html". (Step by step: g++ 12 at
// -O3 warns falsely, -Wrestrict, about `"/page-" + std::to_string(n)`.)
std::string numbered(std::string_view prefix, std::size_t number, std::string_view suffix) {
  std::string text(prefix);
  text += std::to_string(number);
  text += suffix;
  return text;
}

std::string header(const Response& response, std::string_view name) {
  return std::string(response.headers.get(name).value_or("(none)"));
}

std::vector<std::string> followable_hrefs(const std::string& html) {
  std::vector<std::string> hrefs;
  for (const std::string& href : html_links::read_links(html).hrefs) {
    if (html_links::is_followable(href)) hrefs.push_back(href);
  }
  return hrefs;
}

// Every URL reachable from home by links and redirects, whatever the outcome.
std::set<std::string> reachable_from_home(const SiteGraph& graph) {
  std::set<std::string> seen = {graph.url_of("/")};
  std::deque<std::string> queue = {graph.url_of("/")};
  while (!queue.empty()) {
    const Node* node = graph.find(queue.front());
    queue.pop_front();
    REQUIRE(node != nullptr);
    std::vector<std::string> next = node->link_urls();
    if (!node->redirect_to.empty()) next.push_back(node->redirect_to);
    for (const std::string& url : next) {
      if (seen.insert(url).second) queue.push_back(url);
    }
  }
  return seen;
}

}  // namespace

// --- Generation -------------------------------------------------------------

TEST_CASE("the same seed gives the same site, another seed another site") {
  DemoSite first(with_faults());
  DemoSite second(with_faults());
  CHECK(first.graph() == second.graph());
  const std::vector<std::string> targets = first.graph().page_paths();
  CHECK(bodies_of(first, targets) == bodies_of(second, targets));

  SiteOptions other_seed = with_faults();
  other_seed.seed = 2;
  DemoSite third(other_seed);
  CHECK_FALSE(first.graph() == third.graph());
  CHECK(fetch(first, "/").body != fetch(third, "/").body);
}

TEST_CASE("seed 1 gives this very site with every compiler and standard library") {
  // The generator draws its numbers by hand (no std::uniform_int_distribution),
  // so these stay true wherever the tests run.
  const SiteGraph graph = corolab::demo_site::generate_site_graph(SiteOptions{});
  const Node* home = graph.find(graph.url_of("/"));
  REQUIRE(home != nullptr);
  std::vector<std::string> hrefs;
  for (const Link& link : home->links) hrefs.push_back(link.href);
  CHECK(hrefs ==
        std::vector<std::string>{"section-0/topic-2/page-0.html", "section-1/topic-3/page-6.html",
                                 "section-2/topic-2/page-1.html", "section-3/topic-0/page-9.html",
                                 "http://elsewhere.example/about.html"});
}

TEST_CASE("the site has the shape its options ask for") {
  SiteOptions options;
  options.pages = GENERATE(1, 2, 9, 300);
  options.links_per_page = GENERATE(1, 3, 8);
  options.depth = GENERATE(0, 1, 2, 5);
  CAPTURE(options.pages, options.links_per_page, options.depth);
  const SiteGraph graph = corolab::demo_site::generate_site_graph(options);
  const std::size_t expected_links = std::min(options.links_per_page, options.pages - 1);

  // Nodes: home first, then the content pages in order.
  for (std::size_t number = 0; number < options.pages; ++number) {
    const Node& page = graph.nodes().at(1 + number);
    CAPTURE(page.target);
    CHECK(page.target.ends_with(numbered("/page-", number, ".html")));
    CHECK(std::count(page.target.begin(), page.target.end(), '/') ==
          static_cast<long>(options.depth + 1));

    std::size_t content_links = 0;
    std::set<std::string> distinct;
    for (const Link& link : page.links) {
      CHECK(link.url != page.url);
      distinct.insert(link.url);
      if (link.text.starts_with("Page ")) ++content_links;
    }
    CHECK(distinct.size() == page.links.size());
    CHECK(content_links == expected_links);
  }
}

TEST_CASE("every URL of the site is reachable from the home page") {
  SiteOptions options = with_faults();
  options.seed = GENERATE(1, 2, 3, 42);
  options.pages = GENERATE(1, 2, 50, 300);
  options.links_per_page = GENERATE(1, 8);
  CAPTURE(options.seed, options.pages, options.links_per_page);
  const SiteGraph graph = corolab::demo_site::generate_site_graph(options);

  const std::set<std::string> reachable = reachable_from_home(graph);
  for (const Node& node : graph.nodes()) {
    CAPTURE(node.url);
    CHECK(reachable.count(node.url) == 1);
  }
}

// --- The HTML and the truth --------------------------------------------------

TEST_CASE("each page's links, read from its HTML, are the truth's links") {
  SiteOptions options = with_faults();
  options.depth = GENERATE(0, 2, 4);
  options.seed = GENERATE(1, 7);
  CAPTURE(options.depth, options.seed);
  DemoSite site(options);
  const std::vector<std::string> targets = site.graph().page_paths();
  bodies_of(site, targets);  // a first round, which the *_then_ok pages fail
  const std::vector<std::string> bodies = bodies_of(site, targets);

  for (std::size_t i = 0; i < targets.size(); ++i) {
    const Node& page = *site.graph().find_target(targets[i]);
    CAPTURE(page.url);
    std::vector<std::string> truth_hrefs;
    for (const Link& link : page.links) truth_hrefs.push_back(link.href);
    CHECK(followable_hrefs(bodies[i]) == truth_hrefs);
    CHECK(html_links::absolute_links(bodies[i], page.url) == page.link_urls());
    CHECK(html_links::read_links(bodies[i]).base_href == page.base_href);
  }
}

TEST_CASE("the pages hold every kind of href a crawler must get right") {
  DemoSite site(with_faults());
  const std::string base = site.graph().base_url();
  std::vector<std::string> hrefs;
  std::size_t pages_with_base = 0;
  for (const Node& node : site.graph().nodes()) {
    for (const Link& link : node.links) hrefs.push_back(link.href);
    if (!node.base_href.empty()) ++pages_with_base;
  }
  auto some_href_starts_with = [&](std::string_view prefix) {
    return std::ranges::any_of(hrefs, [&](const std::string& h) { return h.starts_with(prefix); });
  };
  auto some_href_contains = [&](std::string_view part) {
    return std::ranges::any_of(hrefs, [&](const std::string& h) { return h.find(part) != h.npos; });
  };

  CHECK(some_href_starts_with("../"));                        // up a folder
  CHECK(some_href_starts_with("page-"));                      // the same folder
  CHECK(some_href_starts_with("/section-"));                  // root-relative
  CHECK(some_href_starts_with(base + "/"));                   // absolute
  CHECK(some_href_contains("#"));                             // with a fragment
  CHECK(some_href_contains("&amp;"));                         // with an entity
  CHECK(some_href_starts_with("http://elsewhere.example/"));  // another host
  CHECK(pages_with_base == 1);

  // And on every page, things that look like links and are not.
  const std::string home = fetch(site, "/").body;
  CHECK(home.find("<a href=\"mailto:") != std::string::npos);
  CHECK(home.find("<a href=\"javascript:") != std::string::npos);
  CHECK(home.find("<!-- An old link, commented out: <a href=") != std::string::npos);
  CHECK(home.find("const template = '<a href=") != std::string::npos);
}

TEST_CASE("pages are HTML, unknown targets get a 404 page, other methods a 405") {
  DemoSite site(SiteOptions{});
  const Response home = fetch(site, "/");
  CHECK(home.status == 200);
  CHECK(header(home, "Content-Type") == "text/html; charset=utf-8");

  // Query strings are part of a page's name: only the site's own are pages.
  const std::string page_0 = site.graph().nodes().at(1).target;
  const std::vector<std::string> not_pages = {"/nowhere.html", "/private/", page_0 + "?x=1",
                                              "/tags?name=coroutines&amp;page=2"};
  for (const std::string& target : not_pages) {
    CAPTURE(target);
    const Response missing = fetch(site, target);
    CHECK(missing.status == 404);
    CHECK(header(missing, "Content-Type") == "text/html; charset=utf-8");
    CHECK(html_links::read_links(missing.body).hrefs.empty());
  }
  CHECK(fetch(site, std::string(paths::tag_pages[1])).status == 200);

  const Response post = corolab::sync_wait(site.handle(request("/", "POST")));
  CHECK(post.status == 405);
  CHECK(header(post, "Allow") == "GET, HEAD");
}

TEST_CASE("robots.txt disallows /private/ and names the sitemap") {
  DemoSite site(SiteOptions{});
  const Response robots = fetch(site, "/robots.txt");
  CHECK(robots.status == 200);
  CHECK(header(robots, "Content-Type") == "text/plain; charset=utf-8");
  CHECK(robots.body.find("User-agent: *\nDisallow: /private/\n") != std::string::npos);
  CHECK(robots.body.find("\nSitemap: " + std::string(kBaseUrl) + "/sitemap.xml\n") !=
        std::string::npos);

  // The private pages are linked from content pages, and served to anyone impolite enough to ask.
  std::size_t private_pages = 0;
  for (const Node& node : site.graph().nodes()) {
    if (!node.target.starts_with(paths::private_prefix)) continue;
    ++private_pages;
    CHECK(node.outcome == Outcome::disallowed);
    CHECK(fetch(site, node.target).status == 200);
  }
  CHECK(private_pages == 3);
  CHECK(reachable_from_home(site.graph()).count(site.graph().url_of("/private/page-0.html")) == 1);
}

TEST_CASE("sitemap.xml lists every public page, and nothing else") {
  DemoSite site(with_faults());
  const Response sitemap = fetch(site, "/sitemap.xml");
  CHECK(sitemap.status == 200);
  CHECK(header(sitemap, "Content-Type") == "application/xml; charset=utf-8");
  CHECK(sitemap.body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset"));

  std::vector<std::string> listed;
  for (std::size_t at = 0; (at = sitemap.body.find("<loc>", at)) != std::string::npos;) {
    const std::size_t end = sitemap.body.find("</loc>", at);
    listed.push_back(html_links::decode_entities(sitemap.body.substr(at + 5, end - at - 5)));
    at = end;
  }
  CHECK(listed == site.graph().sitemap_urls());
  CHECK(listed.size() == 1 + 300 + 2);  // home, content pages, tag pages
  for (const std::string& url : listed) {
    CHECK(site.graph().find(url)->outcome == Outcome::ok);
    CHECK(url.find("/private/") == std::string::npos);
    CHECK(url.find("/faults/") == std::string::npos);
  }
}

// --- Faults -------------------------------------------------------------------

TEST_CASE("without faults there is no /faults/ section") {
  DemoSite site(SiteOptions{});
  CHECK(fetch(site, "/faults/").status == 404);
  CHECK(fetch(site, std::string(fault_paths::flaky)).status == 404);
  for (const Node& node : site.graph().nodes()) CHECK_FALSE(node.target.starts_with("/faults/"));
}

TEST_CASE("faults: the truth's outcome and first status of each fault URL") {
  struct Expected {
    std::string_view target;
    Outcome outcome;
    int status;
  };
  const std::array<Expected, 18> table = {{
      {fault_paths::index, Outcome::ok, 200},
      {fault_paths::redirect_1, Outcome::redirect, 301},
      {fault_paths::redirect_2, Outcome::redirect, 302},
      {fault_paths::redirect_3, Outcome::redirect, 301},
      {fault_paths::redirected_here, Outcome::ok, 200},
      {fault_paths::loop_a, Outcome::redirect_loop, 302},
      {fault_paths::loop_b, Outcome::redirect_loop, 302},
      {fault_paths::missing, Outcome::not_found, 404},
      {fault_paths::missing_folder, Outcome::not_found, 404},
      {fault_paths::flaky, Outcome::server_error_then_ok, 500},
      {fault_paths::rate_limited, Outcome::too_many_requests_then_ok, 429},
      {fault_paths::slow, Outcome::slow, 200},
      {fault_paths::huge, Outcome::too_large, 200},
      {fault_paths::pdf, Outcome::not_html, 200},
      {fault_paths::png, Outcome::not_html, 200},
      {fault_paths::malformed, Outcome::ok, 200},
      {fault_paths::found_in_malformed, Outcome::ok, 200},
      {fault_paths::reset, Outcome::reset, 200},
  }};
  SiteOptions options = with_faults();
  options.huge_body_size = 1000;
  DemoSite site(options);
  for (const Expected& expected : table) {
    CAPTURE(expected.target);
    const Node* node = site.graph().find_target(expected.target);
    REQUIRE(node != nullptr);
    CHECK(node->outcome == expected.outcome);
    CHECK(node->status == expected.status);
    CHECK(fetch(site, std::string(expected.target)).status == expected.status);  // a first request
  }
  CHECK(site.graph().find(std::string(paths::elsewhere))->outcome == Outcome::out_of_scope);
}

TEST_CASE("faults: a chain of redirects, each Location written another way, ends at a page") {
  DemoSite site(with_faults());
  const std::array<std::string_view, 3> chain = {fault_paths::redirect_1, fault_paths::redirect_2,
                                                 fault_paths::redirect_3};
  const std::array<std::string, 3> locations = {site.graph().url_of(fault_paths::redirect_2),
                                                "/faults/redirect-3", "redirected-here.html"};
  std::string url = site.graph().url_of(chain[0]);
  for (std::size_t hop = 0; hop < chain.size(); ++hop) {
    CAPTURE(hop);
    const Response response = fetch(site, std::string(chain[hop]));
    CHECK(response.status == (hop == 1 ? 302 : 301));
    CHECK(header(response, "Location") == locations[hop]);
    const std::string next = html_links::resolve(url, locations[hop]);
    CHECK(next == site.graph().find(url)->redirect_to);
    url = next;
  }
  CHECK(url == site.graph().url_of(fault_paths::redirected_here));
  CHECK(fetch(site, std::string(fault_paths::redirected_here)).status == 200);
}

TEST_CASE("faults: a redirect loop goes round and round") {
  DemoSite site(with_faults());
  std::string url = site.graph().url_of(fault_paths::loop_a);
  for (int hop = 0; hop < 4; ++hop) {
    const Response response = fetch(site, url.substr(site.graph().base_url().size()));
    CHECK(response.status == 302);
    url = html_links::resolve(url, header(response, "Location"));
    CHECK(url == site.graph().url_of(hop % 2 == 0 ? fault_paths::loop_b : fault_paths::loop_a));
  }
}

TEST_CASE("faults: links to pages that do not exist get 404s") {
  DemoSite site(with_faults());
  const std::vector<std::string> links = site.graph().find_target(fault_paths::index)->link_urls();
  for (const std::string_view missing : {fault_paths::missing, fault_paths::missing_folder}) {
    CHECK(std::count(links.begin(), links.end(), site.graph().url_of(missing)) == 1);
    CHECK(fetch(site, std::string(missing)).status == 404);
  }
}

TEST_CASE("faults: a server error goes away when the request is retried") {
  DemoSite site(with_faults());
  const std::string flaky(fault_paths::flaky);
  CHECK(fetch(site, flaky).status == 500);
  const Response retried = fetch(site, flaky);
  CHECK(retried.status == 200);
  CHECK(header(retried, "Content-Type") == "text/html; charset=utf-8");
  CHECK(fetch(site, flaky).status == 200);
  CHECK(site.request_count(flaky) == 3);
}

TEST_CASE("faults: too many requests, with Retry-After, then the page") {
  DemoSite site(with_faults());
  const std::string busy(fault_paths::rate_limited);
  const Response first = fetch(site, busy);
  CHECK(first.status == 429);
  CHECK(header(first, "Retry-After") == "1");
  CHECK(fetch(site, busy).status == 200);
  CHECK(site.request_count(busy) == 2);
}

TEST_CASE("faults: the slow page asks the server to send it in pieces") {
  SiteOptions options = with_faults();
  options.slow_chunk_delay = 30ms;
  options.slow_chunk_size = 100;
  DemoSite site(options);
  const Response slow = fetch(site, std::string(fault_paths::slow));
  CHECK(slow.status == 200);
  const auto* slow_body = slow.write_body.target<SlowBody>();
  REQUIRE(slow_body != nullptr);
  CHECK(slow_body->pause == 30ms);
  CHECK(slow_body->piece_size == 100);
  CHECK(slow.body.size() > 3 * 100);  // several pieces, so several pauses
}

TEST_CASE("faults: the huge page is exactly huge_body_size bytes of HTML") {
  CHECK(SiteOptions{}.huge_body_size == 20 * 1024 * 1024);
  DemoSite site(with_faults());
  const Response huge = fetch(site, std::string(fault_paths::huge));
  CHECK(huge.status == 200);
  CHECK(header(huge, "Content-Type") == "text/html; charset=utf-8");
  CHECK(huge.body.size() == 20 * 1024 * 1024);
  CHECK(huge.body.starts_with("<!DOCTYPE html>"));
}

TEST_CASE("faults: a PDF and a PNG are served as what they are") {
  DemoSite site(with_faults());
  const Response pdf = fetch(site, std::string(fault_paths::pdf));
  CHECK(header(pdf, "Content-Type") == "application/pdf");
  CHECK(pdf.body.starts_with("%PDF-"));
  CHECK(pdf.body.find("<a href=") != std::string::npos);  // bait: it is not HTML, so not a link

  const Response png = fetch(site, std::string(fault_paths::png));
  CHECK(header(png, "Content-Type") == "image/png");
  CHECK(png.body.starts_with(std::string_view("\x89PNG\r\n\x1a\n", 8)));
  for (const std::string_view target : {fault_paths::pdf, fault_paths::png}) {
    CHECK(site.graph().find_target(target)->links.empty());
  }
}

TEST_CASE("faults: broken HTML still holds its one real link") {
  DemoSite site(with_faults());
  const Response malformed = fetch(site, std::string(fault_paths::malformed));
  CHECK(malformed.status == 200);
  CHECK(malformed.body.find('\0') != std::string::npos);
  CHECK(malformed.body.find('\xff') != std::string::npos);
  const std::string url = site.graph().url_of(fault_paths::malformed);
  CHECK(html_links::absolute_links(malformed.body, url) ==
        std::vector<std::string>{site.graph().url_of(fault_paths::found_in_malformed)});
  CHECK(fetch(site, std::string(fault_paths::found_in_malformed)).status == 200);
}

TEST_CASE("faults: the reset page asks the server to reset the connection mid-body") {
  DemoSite site(with_faults());
  const Response reset = fetch(site, std::string(fault_paths::reset));
  CHECK(reset.status == 200);
  CHECK(reset.write_body.target<ResetHalfway>() != nullptr);
  CHECK(reset.body.size() >= 64 * 1024);
}

// --- Crawling it ----------------------------------------------------------------

namespace {

// A small polite crawler that talks to the handler directly: robots.txt
// first, one retry after a 500 or 429, redirects followed, a body cap, and
// links read only from complete HTML bodies. The URLs it requests must be
// exactly the truth's polite_crawl().
Task<std::set<std::string>> crawl_politely(DemoSite* site) {
  const std::string base = site->graph().base_url();
  Response robots = co_await site->handle(request("/robots.txt"));
  const bool private_is_disallowed = robots.body.find("Disallow: /private/\n") != std::string::npos;

  std::set<std::string> requested;
  std::set<std::string> seen = {base + "/"};
  std::deque<std::string> queue = {base + "/"};
  while (!queue.empty()) {
    const std::string url = queue.front();
    queue.pop_front();
    if (!url.starts_with(base + "/")) continue;  // another host
    const std::string target = url.substr(base.size());
    if (private_is_disallowed && target.starts_with("/private/")) continue;

    requested.insert(url);
    Response response = co_await site->handle(request(target));
    if (response.status == 500 || response.status == 429)
      response = co_await site->handle(request(target));

    std::vector<std::string> found;
    if (response.status == 301 || response.status == 302) {
      found.push_back(html_links::resolve(url, header(response, "Location")));
    }
    const bool complete_html = response.status == 200 &&
                               !response.write_body.target<ResetHalfway>() &&
                               header(response, "Content-Type").starts_with("text/html") &&
                               response.body.size() < 1024 * 1024;
    if (complete_html) found = html_links::absolute_links(response.body, url);
    for (const std::string& next : found) {
      if (seen.insert(next).second) queue.push_back(next);
    }
  }
  co_return requested;
}

}  // namespace

TEST_CASE("a polite crawl of the served pages requests exactly the truth's polite_crawl()") {
  SiteOptions options = with_faults();
  options.seed = GENERATE(1, 5);
  options.huge_body_size = 2 * 1024 * 1024;
  DemoSite site(options);
  const std::set<std::string> requested = corolab::sync_wait(crawl_politely(&site));
  const std::set<std::string> truth = site.graph().polite_crawl();
  CHECK(requested == truth);

  CHECK(truth.size() == 1 + 300 + 2 + 18);  // home, content pages, tag pages, every /faults/ URL
  CHECK(truth.count(site.graph().url_of(fault_paths::loop_b)) == 1);
  CHECK(truth.count(site.graph().url_of(fault_paths::redirected_here)) == 1);
  CHECK(truth.count(std::string(paths::elsewhere)) == 0);
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(site.request_count(numbered("/private/page-", k, ".html")) == 0);
  }
}

// On virtual time: three responses one after the other take exactly three
// latencies, and no real time.
TEST_CASE("latency delays every response") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  SiteOptions options;
  options.latency = 20ms;
  DemoSite site(options);
  const corolab::TimePoint start = loop.now();
  const std::vector<Response> responses =
      corolab::sync_wait(fetch_each(&site, {"/", "/robots.txt", "/nowhere.html"}));
  CHECK(loop.now() - start == 3 * 20ms);
  CHECK(responses[0].status == 200);
  CHECK(responses[2].status == 404);
}

TEST_CASE("options out of range are refused, naming the option") {
  auto refused = [](SiteOptions options) {
    try {
      DemoSite site(std::move(options));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  SiteOptions options;
  options.pages = 0;
  CHECK_THAT(refused(options), Catch::Contains("pages"));
  options = SiteOptions{};
  options.links_per_page = 0;
  CHECK_THAT(refused(options), Catch::Contains("links"));
  options = SiteOptions{};
  options.depth = 6;
  CHECK_THAT(refused(options), Catch::Contains("depth"));
  options = SiteOptions{};
  options.base_url = "http://127.0.0.1:8080/";
  CHECK_THAT(refused(options), Catch::Contains("base_url"));
}

// --- Through the real server ------------------------------------------------------

namespace {

// One request on a new connection; the whole response, head and body.
Task<std::string> raw_get(corolab::SocketAddress server, std::string target) {
  corolab::TcpStream stream = co_await corolab::TcpStream::connect(server);
  const std::string request_text = "GET " + target + " HTTP/1.1\r\nHost: " + server.to_string() +
                                   "\r\nConnection: close\r\n\r\n";
  co_await stream.write_all(request_text);
  std::string response;
  std::array<std::byte, 4096> buffer;
  while (true) {
    const std::size_t received = co_await stream.read_some(buffer);
    if (received == 0) break;
    response.append(reinterpret_cast<const char*>(buffer.data()), received);
  }
  co_return response;
}

struct Fetched {
  std::string home;
  std::string robots;
};

Task<Fetched> fetch_through_server(corolab::demo_site::SiteServer* served) {
  corolab::TaskGroup group;
  group.spawn(served->serve(), "server");
  Fetched fetched;
  fetched.home = co_await raw_get(served->server().local_address(), "/");
  fetched.robots = co_await raw_get(served->server().local_address(), "/robots.txt");
  served->stop();
  co_await group.join();
  co_return fetched;
}

// The body of a raw response (after the blank line).
std::string body_of(const std::string& response) {
  const std::size_t blank_line = response.find("\r\n\r\n");
  return blank_line == std::string::npos ? "" : response.substr(blank_line + 4);
}

}  // namespace

TEST_CASE("end to end: the real server serves the home page and robots.txt") {
  corolab::demo_site::SiteServer served(SiteOptions{});  // 127.0.0.1, a free port
  CHECK(served.base_url() == "http://" + served.server().local_address().to_string());
  const Fetched fetched = corolab::sync_wait(fetch_through_server(&served));

  CHECK(fetched.home.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(fetched.home.find("Content-Type: text/html; charset=utf-8\r\n") != std::string::npos);
  CHECK(fetched.robots.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(body_of(fetched.robots) == served.site().robots_txt());
  CHECK(body_of(fetched.robots).find("Sitemap: " + served.base_url() + "/sitemap.xml") !=
        std::string::npos);
  CHECK(served.site().request_count("/") == 1);
  CHECK(body_of(fetched.home) == fetch(served.site(), "/").body);

  // The site's URLs name the server's own address.
  const Node& home = served.site().graph().nodes().front();
  CHECK(home.url == served.base_url() + "/");
  CHECK(html_links::absolute_links(body_of(fetched.home), home.url) == home.link_urls());
}
