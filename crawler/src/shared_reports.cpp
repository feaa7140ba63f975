// Reading a shared crawl's results back from Redis (shared_reports.hpp).
#include "shared_reports.hpp"

#include <optional>
#include <unordered_map>

#include "corolab/crawler/crawl_stats.hpp"

namespace corolab::crawler {

Task<SharedCrawlResults> read_shared_crawl(RedisFrontier* frontier) {
  SharedCrawlResults results;
  results.lines = co_await frontier->all_records();
  // The links are kept as hashes: every URL a link leads to has a record,
  // which names it.
  std::unordered_map<std::uint64_t, std::string> url_of;
  CrawlStats stats;  // on the crawl's clock: it began at 0
  for (const std::string& line : results.lines) {
    std::optional<PageRecord> record = record_from_json(line);
    if (!record) {
      ++results.unreadable;
      continue;
    }
    url_of.emplace(hash_url(record->url), record->url);
    stats.count(*record);
    results.reports.on_page(*record);
  }
  const std::vector<RedisFrontier::LinkHashes> links = co_await frontier->all_links();
  for (const auto& [from, to] : links) {
    const auto from_url = url_of.find(from);
    const auto to_url = url_of.find(to);
    if (from_url != url_of.end() && to_url != url_of.end())
      results.reports.on_link(from_url->second, to_url->second);
  }
  const Duration age = co_await frontier->age();
  results.summary = stats.summary(TimePoint{} + age, false);
  co_return results;
}

}  // namespace corolab::crawler
