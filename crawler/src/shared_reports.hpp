#pragma once
// The whole of a crawl shared in Redis, once it is over: every record, the
// link graph and the summary, whichever worker made them, read back from
// Redis (redis_frontier.hpp says what it keeps). corolab-crawl reads them
// in a worker that saw the crawl end, or in `--collect`, which crawls
// nothing and waits for the end.

#include <cstddef>
#include <string>
#include <vector>

#include "corolab/crawler/redis_frontier.hpp"
#include "corolab/crawler/reports.hpp"

namespace corolab::crawler {

struct SharedCrawlResults {
  std::vector<std::string> lines;  // every record, a JSON line each
  CrawlCollector reports;          // the link graph, sitemap, broken links
  CrawlSummary summary;            // URLs, outcomes, bytes; time since the crawl began
  std::size_t unreadable = 0;      // lines that are not records (none, unless edited)
};

// Once frontier->closed(). Throws what the Redis client throws.
Task<SharedCrawlResults> read_shared_crawl(RedisFrontier* frontier);

// The links a worker finds, sent to the shared frontier, which commits each
// page's with its URL: the whole crawl's link graph, in Redis.
class SharedLinks final : public CrawlSink {
 public:
  explicit SharedLinks(RedisFrontier& frontier) : frontier_(frontier) {}
  void on_page(const PageRecord&) override {}
  void on_link(const std::string& from, const std::string& to) override {
    frontier_.keep_link(from, to);
  }

 private:
  RedisFrontier& frontier_;
};

}  // namespace corolab::crawler
