#pragma once
// The crawler: a frontier of URLs, a pool of worker coroutines, and a set of
// URLs already seen. The core loop is crawler.cpp; read it top to bottom.

#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <unordered_set>
#include <vector>

#include "corolab/channel.hpp"
#include "corolab/clock.hpp"
#include "corolab/crawler/crawl_stats.hpp"
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
};

// Where results go, as they happen.
class CrawlSink {
 public:
  virtual ~CrawlSink() = default;
  virtual void on_page(const PageRecord& record) = 0;
  virtual void on_link(const std::string& from, const std::string& to) { (void)from, (void)to; }
};

// A URL waiting to be fetched.
struct QueuedUrl {
  std::string url;
  UrlParts parts;  // parsed once, when the URL was discovered
  int depth = 0;
  std::string parent;
  int redirect_hops = 0;
  std::vector<std::string> redirect_chain;  // to notice loops
};

class Crawler {
 public:
  Crawler(CrawlOptions options, CrawlSink& sink);
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
  std::vector<std::uint64_t> seen_hashes() const;
  std::vector<QueuedUrl> remaining() const;
  std::size_t pages_requested() const noexcept { return pages_started_; }

  static std::uint64_t hash_url(std::string_view url) noexcept;

 private:
  Task<void> worker();
  void finish_one();
  void discover(const std::string& url, const QueuedUrl& from, int redirect_hops);
  Task<void> process(QueuedUrl item);
  void follow_redirect(const QueuedUrl& item, const std::string& location, PageRecord* record);
  void follow_links(const QueuedUrl& item, const ExtractedLinks& links, PageRecord* record);
  void note_unfollowed(const std::string& url, const QueuedUrl& from);
  void report_unfollowed();
  Task<void> discover_sitemaps(std::vector<std::string> sitemaps, UrlParts site);
  void report_outcome(PageRecord record);
  Task<void> cancel_after_grace();
  Task<void> end_at_time_limit();

  CrawlOptions options_;
  CrawlSink& sink_;
  std::unique_ptr<http::Client> client_;
  Jitter jitter_;  // one stream for politeness delays and retry pauses
  CrawlScope scope_;
  Politeness politeness_;
  CrawlStats stats_;
  // #region crawl_state
  Channel<QueuedUrl> frontier_;
  // A 64-bit hash per URL, not the URL: ~45 bytes an entry (crawler.cpp says
  // why), and two URLs whose hashes collide count as one.
  std::unordered_set<std::uint64_t> seen_;
  std::size_t pending_ = 0;  // queued + being processed; 0 means the crawl is over
  // #endregion crawl_state
  std::size_t pages_started_ = 0;       // for --max-pages
  bool stopping_ = false;               // stop() was called
  bool time_is_up_ = false;             // --max-time passed
  std::vector<QueuedUrl> interrupted_;  // not finished when stopped: for the journal
  // URLs only nofollow links led to, so far: reported when the crawl ends
  // (page_links.cpp), unless another link led to them after all.
  std::vector<PageRecord> unfollowed_;
  std::unordered_set<std::uint64_t> unfollowed_seen_;
  TaskGroup* workers_ = nullptr;  // while run() runs
  TaskGroup timers_;              // grace period and time limit
};

}  // namespace corolab::crawler
