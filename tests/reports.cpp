// CrawlCollector: what the report files (--graph, --sitemap, --broken-links)
// are made of, and what it hands over to a resumed crawl.
#include "corolab/crawler/reports.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "temporary_folder.hpp"

using corolab::crawler::CrawlCollector;
using corolab::crawler::Outcome;
using corolab::crawler::PageRecord;

namespace {

PageRecord record(std::string url, Outcome outcome, int status, std::string parent = "") {
  PageRecord page;
  page.url = std::move(url);
  page.outcome = outcome;
  page.status = status;
  page.parent = std::move(parent);
  return page;
}

// Home links to a page and to a 404.
void feed_small_crawl(CrawlCollector& collector) {
  collector.on_page(record("http://a.test/", Outcome::fetched, 200));
  collector.on_link("http://a.test/", "http://a.test/page");
  collector.on_link("http://a.test/", "http://a.test/missing");
  collector.on_page(record("http://a.test/page", Outcome::fetched, 200));
  collector.on_page(record("http://a.test/missing", Outcome::http_error, 404));
}

// A site with folders (/docs/, /blog/2024/), a redirect, a 404, and links
// to two other hosts: three to other.test (two URLs), one to third.test.
void feed_site_with_folders(CrawlCollector& collector) {
  const std::string home = "http://a.test/";
  collector.on_page(record(home, Outcome::fetched, 200));
  for (const char* path : {"docs/a.html", "docs/b.html", "blog/2024/x.html", "old", "gone"}) {
    collector.on_link(home, home + path);
  }
  collector.on_page(record(home + "docs/a.html", Outcome::fetched, 200, home));
  collector.on_page(record(home + "docs/b.html", Outcome::fetched, 200, home));
  collector.on_page(record(home + "blog/2024/x.html", Outcome::fetched, 200, home));
  collector.on_page(record(home + "old", Outcome::redirect, 301, home));
  collector.on_link(home + "old", home + "docs/a.html");
  collector.on_page(record(home + "gone", Outcome::http_error, 404, home));
  for (const char* from : {"docs/a.html", "docs/b.html"}) {
    collector.on_link(home + from, "http://other.test/1");
  }
  collector.on_link(home + "blog/2024/x.html", "http://other.test/2");
  collector.on_link(home + "blog/2024/x.html", "https://third.test/");
  for (const char* outside : {"http://other.test/1", "http://other.test/2", "https://third.test/"})
    collector.on_page(record(outside, Outcome::out_of_scope, 0, home));
}

template <typename Write>
std::string written(Write write) {
  std::ostringstream out;
  write(out);
  return out.str();
}

std::size_t count_matches(const std::string& text, const std::string& pattern) {
  const std::regex regex(pattern);
  return static_cast<std::size_t>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), regex), std::sregex_iterator()));
}

}  // namespace

TEST_CASE("the collector draws links to broken pages and lists them with who links to them") {
  CrawlCollector collector;
  feed_small_crawl(collector);
  const std::string dot = written([&](std::ostream& out) { collector.write_dot(out); });
  CHECK(dot.find("\"http://a.test/\" -> \"http://a.test/missing\" [color=red]") !=
        std::string::npos);
  // A link between two good pages is counted, not drawn: that is what keeps
  // a big site's picture readable.
  CHECK(dot.find("\"http://a.test/\" -> \"http://a.test/page\"") == std::string::npos);
  CHECK(dot.find("1 other link between pages not drawn") != std::string::npos);
  const std::string broken = written([&](std::ostream& out) { collector.write_broken_links(out); });
  CHECK(broken == "http://a.test/missing  (404)\n    linked from http://a.test/\n");
  CHECK(collector.broken_link_count() == 1);
}

TEST_CASE("without keep_links the collector keeps no edges: memory grows with pages, not links") {
  CrawlCollector collector(/*keep_links=*/false);
  feed_small_crawl(collector);
  const std::string dot = written([&](std::ostream& out) { collector.write_dot(out); });
  CHECK(dot.find("\"http://a.test/page\"") != std::string::npos);  // the pages are still there
  CHECK(dot.find("->") == std::string::npos);
  CHECK(collector.broken_link_count() == 1);  // and the count of broken links
}

TEST_CASE("the link graph: a legend, a box per folder, one node per outside host, tooltips") {
  CrawlCollector collector;
  feed_site_with_folders(collector);
  const std::string dot = written([&](std::ostream& out) { collector.write_dot(out); });
  CAPTURE(dot);

  // The legend names each colour drawn, with its count.
  CHECK(dot.find("<b>Legend</b>") != std::string::npos);
  for (const char* row :
       {"bgcolor=\"palegreen\" width=\"24\"></td><td align=\"left\">page fetched: 4<",
        "bgcolor=\"lightblue\" width=\"24\"></td><td align=\"left\">redirect: 1<",
        "bgcolor=\"salmon\" width=\"24\"></td><td align=\"left\">broken: HTTP or network error: 1<",
        "bgcolor=\"lightgrey\" width=\"24\"></td><td align=\"left\">another host (out of scope), "
        "one node each: 2<"}) {
    CHECK(dot.find(row) != std::string::npos);
  }
  // Every fill colour used by a node is one the legend explains.
  const std::regex fill("fillcolor=([a-z0-9]+)");
  for (auto match = std::sregex_iterator(dot.begin(), dot.end(), fill);
       match != std::sregex_iterator(); ++match) {
    CHECK(dot.find("bgcolor=\"" + (*match)[1].str() + "\"") != std::string::npos);
  }

  // Outside hosts: one node each, with the number of links to it; their URLs are no nodes.
  CHECK(count_matches(dot, "\"out other\\.test\" \\[shape=ellipse") == 1);
  CHECK(dot.find("label=\"other.test\\n3 links\"") != std::string::npos);
  CHECK(dot.find("label=\"third.test\\n1 link\"") != std::string::npos);
  CHECK(dot.find("\"http://other.test/1\"") == std::string::npos);

  // A cluster per folder, nested, each with its count.
  CHECK(count_matches(dot, "subgraph cluster_") == 6);  // host, pages in /, docs, blog, 2024, other
  for (const char* label :
       {"label=\"http://a.test (6 URLs)\"", "label=\"/docs/ (2 URLs)\"", "label=\"/blog/ (1 URL)\"",
        "label=\"/blog/2024/ (1 URL)\"", "label=\"pages in / (3 URLs)\""}) {
    CHECK(dot.find(label) != std::string::npos);
  }

  // Hover shows the URL and its outcome; a click opens it.
  CHECK(dot.find("tooltip=\"http://a.test/gone (http_error, 404)\"") != std::string::npos);
  CHECK(count_matches(dot, "URL=\"http://a\\.test/") == 6);
  // The redirect is drawn, in blue, and the link to the 404 in red.
  CHECK(dot.find("\"http://a.test/old\" -> \"http://a.test/docs/a.html\" [color=blue]") !=
        std::string::npos);
  CHECK(dot.find("\"http://a.test/\" -> \"http://a.test/gone\" [color=red]") != std::string::npos);
}

TEST_CASE("the link graph is valid DOT: Graphviz draws it, with the URLs as tooltips") {
  if (::access("/usr/bin/dot", X_OK) != 0) {
    WARN("Graphviz is not installed: not drawn");
    return;
  }
  CrawlCollector collector;
  feed_site_with_folders(collector);
  TemporaryFolder folder("link-graph");
  const std::string dot = (folder.path / "site.dot").string();
  const std::string svg = (folder.path / "site.svg").string();
  {
    std::ofstream out(dot);
    collector.write_dot(out);
  }
  const std::string command = "/usr/bin/dot -Tsvg '" + dot + "' -o '" + svg + "' 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  std::ifstream in(svg);
  const std::string drawn((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(drawn.find("xlink:title=\"http://a.test/docs/b.html (fetched, 200)\"") !=
        std::string::npos);
  CHECK(drawn.find("Legend") != std::string::npos);
}

TEST_CASE("the sitemap lists the pages fetched, by URL") {
  CrawlCollector collector;
  feed_site_with_folders(collector);
  const std::string sitemap = written([&](std::ostream& out) { collector.write_sitemap(out); });
  CHECK(count_matches(sitemap, "<loc>") == 4);
  CHECK(sitemap.find("<loc>http://a.test/blog/2024/x.html</loc>") <
        sitemap.find("<loc>http://a.test/docs/a.html</loc>"));
  CHECK(sitemap.find("http://a.test/gone") == std::string::npos);
}

// What --resume carries in the journal: a second collector that takes it
// over and sees the rest writes the reports of the whole crawl.
TEST_CASE("a collector restored from another's collection reports both parts") {
  CrawlCollector whole;
  feed_site_with_folders(whole);

  CrawlCollector first;
  first.on_page(record("http://a.test/", Outcome::fetched, 200));
  first.on_link("http://a.test/", "http://a.test/gone");
  CrawlCollector second;
  second.restore(first.collected());
  feed_site_with_folders(second);  // (the home page again: recorded once)

  auto reports = [](const CrawlCollector& collector) {
    return written([&](std::ostream& out) {
      collector.write_dot(out);
      collector.write_sitemap(out);
      collector.write_broken_links(out);
    });
  };
  CHECK(reports(second) == reports(whole));
  CHECK(second.broken_link_count() == 1);
  CHECK(second.url_count() == whole.url_count());
}
