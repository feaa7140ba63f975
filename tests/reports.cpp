// CrawlCollector: what the report files (--graph, --broken-links) are made of.
#include "corolab/crawler/reports.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

using corolab::crawler::CrawlCollector;
using corolab::crawler::Outcome;
using corolab::crawler::PageRecord;

namespace {

PageRecord record(std::string url, Outcome outcome, int status) {
  PageRecord page;
  page.url = std::move(url);
  page.outcome = outcome;
  page.status = status;
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

template <typename Write>
std::string written(Write write) {
  std::ostringstream out;
  write(out);
  return out.str();
}

}  // namespace

TEST_CASE("the collector draws the link graph and lists broken links with who links to them") {
  CrawlCollector collector;
  feed_small_crawl(collector);
  const std::string dot = written([&](std::ostream& out) { collector.write_dot(out); });
  CHECK(dot.find("\"http://a.test/\" -> \"http://a.test/page\"") != std::string::npos);
  CHECK(dot.find("\"http://a.test/\" -> \"http://a.test/missing\"") != std::string::npos);
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
