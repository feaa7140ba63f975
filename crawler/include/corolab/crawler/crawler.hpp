#pragma once
// The crawler: a frontier of URLs (frontier.hpp), and a pool of worker
// coroutines. The core loop is crawler.cpp; read it top to bottom.

#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "corolab/clock.hpp"
#include "corolab/crawler/crawl_stats.hpp"
#include "corolab/crawler/frontier.hpp"
#include "corolab/crawler/jitter.hpp"
#include "corolab/crawler/link_extractor.hpp"
#include "corolab/crawler/outcome.hpp"
#include "corolab/crawler/politeness.hpp"
#include "corolab/crawler/scope.hpp"
#include "corolab/crawler/url.hpp"
#include "corolab/http/client.hpp"
#include "corolab/task.hpp"
#include "corolab/task_group.hpp"

namespace corolab::crawler {

struct CrawlOptions {
  std::vector<std::string> seeds;
  int concurrency = 16;  // requests in flight, in all
  int per_host = 4;      // requests in flight, per host
  Duration delay{0};     // politeness delay between requests to a host
  double jitter = 0.5;   // the delay varies by +/- this fraction
  bool obey_robots = true;
  Duration robots_max_age{std::chrono::hours(24)};  // then a host's robots.txt is fetched again
  bool obey_nofollow = true;  // rel="nofollow" links, and those of nofollow pages, are not followed
  std::string user_agent = "corolab-crawl/0.1 (+https://github.com/corolab)";
  int max_depth = -1;         // -1: no limit
  std::size_t max_pages = 0;  // 0: no limit (counts requests made)
  Duration max_time{0};       // 0: no limit
  Scope scope = Scope::host;
  std::vector<std::regex> include;                   // if any: a URL must match one
  std::vector<std::regex> exclude;                   // a URL matching any is out of scope
  int max_redirects = 5;                             // hops followed from one URL
  int max_tries = 3;                                 // for network errors, 429 and 5xx
  Duration backoff{std::chrono::milliseconds(250)};  // first retry delay; doubles each time
  Duration max_backoff{std::chrono::seconds(30)};
  Duration grace_period{std::chrono::seconds(2)};  // for in-flight requests when stopping
  std::size_t max_body_size = 8 * 1024 * 1024;
  Duration timeout{std::chrono::seconds(20)};
  std::uint64_t seed = 1;  // for jitter: runs are reproducible
  std::string ca_file;     // CA certificates to trust for https (PEM): --cacert
  // Turns on each host shared with other processes (a crawl in Redis), so
  // the delay holds across them all; null: this process's own. It must
  // outlive the crawl.
  HostTurns* shared_turns = nullptr;
  // robots.txt fetched once for the processes of a shared crawl; null: by
  // this process for itself. It must outlive the crawl.
  SharedRobots* shared_robots = nullptr;
};

// Where results go, as they happen.
class CrawlSink {
 public:
  virtual ~CrawlSink() = default;
  virtual void on_page(const PageRecord& record) = 0;
  virtual void on_link(const std::string& from, const std::string& to) { (void)from, (void)to; }
};

class Crawler {
 public:
  // A crawl of this process alone, on a LocalFrontier of its own.
  Crawler(CrawlOptions options, CrawlSink& sink);
  // A crawl on `frontier` (a RedisFrontier: shared with other processes),
  // which must outlive the crawler.
  Crawler(CrawlOptions options, CrawlSink& sink, Frontier& frontier);
  ~Crawler();

  // Crawls until the frontier is empty, a limit is hit, or stop() is called.
  Task<CrawlSummary> run();

  // Stop taking new URLs; in-flight requests get the grace period, then are
  // cancelled. Unfetched URLs are kept: see remaining().
  void stop() noexcept;

  CrawlProgress progress() const noexcept;

  // For --resume: URLs already done (their hashes), URLs still to do, and
  // pages already requested (they count towards --max-pages).
  void restore(std::vector<std::uint64_t> seen, std::vector<QueuedUrl> frontier,
               std::size_t pages_requested = 0);
  std::vector<std::uint64_t> seen_hashes() const { return frontier_.seen_hashes(); }
  std::vector<QueuedUrl> remaining() const { return frontier_.left(); }
  std::size_t pages_requested() const noexcept { return pages_started_; }

 private:
  Crawler(CrawlOptions options, CrawlSink& sink, std::unique_ptr<Frontier> own_frontier,
          Frontier* shared_frontier);
  Task<void> worker();
  Task<void> finish(QueuedUrl item);
  void discover(const std::string& url, const QueuedUrl& from, int redirect_hops);
  Task<void> process(QueuedUrl item);
  void follow_redirect(const QueuedUrl& item, const std::string& location, PageRecord* record);
  void follow_links(const QueuedUrl& item, const ExtractedLinks& links, PageRecord* record);
  void note_unfollowed(const std::string& url, const QueuedUrl& from);
  Task<void> discover_sitemaps(std::vector<std::string> sitemaps, UrlParts site);
  void report_outcome(PageRecord record);
  void publish(Settled settled);
  Task<void> cancel_after_grace();
  Task<void> end_at_time_limit();

  CrawlOptions options_;
  CrawlSink& sink_;
  std::unique_ptr<http::Client> client_;
  Jitter jitter_;  // one stream for politeness delays and retry pauses
  CrawlScope scope_;
  Politeness politeness_;
  CrawlStats stats_;
  std::unique_ptr<Frontier> own_frontier_;  // when the crawl is this process's alone
  Frontier& frontier_;                      // the URLs to do, the URLs seen
  std::size_t pages_started_ = 0;           // for --max-pages
  bool stopping_ = false;                   // stop() was called
  bool time_is_up_ = false;                 // --max-time passed
  TaskGroup* workers_ = nullptr;            // while run() runs
  TaskGroup timers_;                        // grace period and time limit
};

}  // namespace corolab::crawler
