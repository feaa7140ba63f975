// The crawler's core loop.
//
//   seeds --> [frontier] --> N workers --> fetch --> links --> [frontier] ...
//
// N worker coroutines take URLs from the frontier, fetch them, and offer it
// the links they find. The frontier (frontier.hpp) remembers every URL ever
// offered, so each is fetched once, and knows when the crawl is over:
// nothing queued, nothing taken. In one process it is a Channel of URLs and
// a set of hashes (local_frontier.cpp); shared by many, it lives in Redis.
// The loop is the same. (Python's 500-line crawler does the same with
// asyncio.Queue and q.join().)
//
// Collaborators answer and never call back: scope.hpp, politeness.hpp
// (robots.txt, per-host turns), retries.hpp, sitemap_urls.hpp. Stopping
// (Ctrl-C, --max-time) and resuming are in stop_and_resume.cpp; which of a
// page's links are followed (nofollow) in page_links.cpp.

#include "corolab/crawler/crawler.hpp"

#include <algorithm>
#include <functional>
#include <string>

#include "corolab/crawler/local_frontier.hpp"
#include "corolab/crawler/retries.hpp"
#include "corolab/crawler/sitemap_urls.hpp"
#include "corolab/event_loop.hpp"
#include "page_reader.hpp"

namespace corolab::crawler {

namespace {
PageRecord record_for(const QueuedUrl& item) {
  PageRecord record;
  record.url = item.url;
  record.depth = item.depth;
  record.parent = item.parent;
  return record;
}
}  // namespace

Crawler::Crawler(CrawlOptions options, CrawlSink& sink)
    : Crawler(std::move(options), sink, std::make_unique<LocalFrontier>(), nullptr) {}

Crawler::Crawler(CrawlOptions options, CrawlSink& sink, Frontier& frontier)
    : Crawler(std::move(options), sink, nullptr, &frontier) {}

Crawler::Crawler(CrawlOptions options, CrawlSink& sink, std::unique_ptr<Frontier> own_frontier,
                 Frontier* shared_frontier)
    : options_(std::move(options)),
      sink_(sink),
      client_(std::make_unique<http::Client>(detail::client_options(options_))),
      jitter_(options_.jitter, options_.seed),
      scope_(options_.scope, options_.include, options_.exclude),
      politeness_(*client_,
                  {.per_host = options_.per_host,
                   .delay = options_.delay,
                   .user_agent = options_.user_agent,
                   .timeout = options_.timeout,
                   .robots_max_age = options_.robots_max_age,
                   .shared_turns = options_.shared_turns,
                   .shared_robots = options_.shared_robots},
                  jitter_),
      own_frontier_(std::move(own_frontier)),
      frontier_(own_frontier_ ? *own_frontier_ : *shared_frontier) {}

Crawler::~Crawler() = default;

Task<CrawlSummary> Crawler::run() {
  stats_.start(EventLoop::current().now());
  QueuedUrl root;
  root.depth = -1;  // seeds are at depth 0
  for (const std::string& seed : options_.seeds) {
    std::optional<std::string> url = normalize_url(seed);
    if (!url) continue;
    if (auto parts = split_url(*url)) scope_.add_seed(*parts);
    discover(*url, root, 0);
  }
  publish(co_await frontier_.commit());  // queued, or settled (out of scope)

  if (options_.max_time > Duration{0}) timers_.spawn(end_at_time_limit(), "time limit");
  // #region start_workers
  TaskGroup workers;
  // #exercise start_workers: start options_.concurrency workers in the group
  for (int i = 1; i <= options_.concurrency; ++i) {
    workers.spawn(worker(), "worker " + std::to_string(i));  // (the name: its row in a trace)
  }
  // #starter
  // throw std::logic_error("lesson 15: start the workers, in Crawler::run");
  // #endexercise
  workers_ = &workers;
  co_await workers.join();
  // #endregion start_workers
  workers_ = nullptr;
  publish(co_await frontier_.close());            // what only nofollow links led to
  stats_.count_requests(politeness_.requests());  // robots.txt, redirects included
  timers_.cancel();
  co_await timers_.join();
  // Stopped with nothing left is finished, not interrupted.
  co_return stats_.summary(EventLoop::current().now(), stopping_ && !remaining().empty());
}

// A worker: take the next URL, process it, repeat until the crawl is over.
Task<void> Crawler::worker() {
  // #exercise worker: take a URL, process it, finish it; until the frontier says it is over
  while (true) {
    std::optional<QueuedUrl> item = co_await frontier_.take();
    if (!item) co_return;
    bool cancelled = false;
    try {
      co_await process(*item);
    } catch (const OperationCancelled&) {
      cancelled = true;  // stopped after the grace period: keep the URL for later
    }
    if (cancelled) frontier_.give_back(*item);
    co_await finish(std::move(*item));
  }
  // #starter
  // throw std::logic_error("lesson 15: write Crawler::worker");
  // #endexercise
}

// Done with a URL: the frontier commits its outcome with the links it led
// to, and hands back the outcomes now final, to report.
Task<void> Crawler::finish(QueuedUrl item) {
  Settled settled = co_await frontier_.finish(std::move(item));
  publish(std::move(settled));
}

// A link was found (or a redirect pointed somewhere): decide its fate now if
// it has one already, else queue it. Its URL is parsed here, once.
void Crawler::discover(const std::string& url, const QueuedUrl& from, int redirect_hops) {
  // #region dedup
  if (!frontier_.first_sight(url)) {
    stats_.count_duplicate();
    return;
  }
  // #endregion dedup
  QueuedUrl item;
  item.url = url;
  item.parent = from.url;
  item.redirect_hops = redirect_hops;
  item.depth = redirect_hops > 0 ? from.depth : from.depth + 1;  // a redirect is not a step deeper
  if (redirect_hops > 0) {
    item.redirect_chain = from.redirect_chain;
    item.redirect_chain.push_back(from.url);
  }

  PageRecord record = record_for(item);
  std::optional<UrlParts> parts = split_url(url);
  if (!parts || !scope_.contains(url, *parts)) {
    record.outcome = Outcome::out_of_scope;
    return report_outcome(std::move(record));
  }
  item.parts = std::move(*parts);
  if (options_.max_depth >= 0 && item.depth > options_.max_depth) {
    record.outcome = Outcome::limit_reached;
    record.error = "deeper than --max-depth";
    return report_outcome(std::move(record));
  }
  // #region enqueue
  if (!frontier_.push(std::move(item))) {
    record.outcome = Outcome::limit_reached;
    record.error = "frontier full";
    return report_outcome(std::move(record));
  }
  // #endregion enqueue
}

// One URL: its limits, robots.txt, its host's turn, the fetch, its outcome.
Task<void> Crawler::process(QueuedUrl item) {
  PageRecord record = record_for(item);

  const bool over_page_limit = options_.max_pages > 0 && pages_started_ >= options_.max_pages;
  if (over_page_limit || time_is_up_ || stopping_) {
    if (stopping_ && !time_is_up_) {
      frontier_.give_back(std::move(item));
      co_return;
    }
    record.outcome = Outcome::limit_reached;
    record.error = over_page_limit ? "--max-pages reached" : "--max-time reached";
    co_return report_outcome(std::move(record));
  }

  // Count the page now, before any wait: the workers run concurrently, and
  // counting after the waits would let several of them pass --max-pages.
  ++pages_started_;
  // #region politeness
  if (options_.obey_robots) {
    const RobotsLookup robots = co_await politeness_.robots(item.parts);
    if (robots.fetched_now) co_await discover_sitemaps(robots.rules->sitemaps(), item.parts);
    if (!robots.rules->allows(item.parts.path_and_query)) {
      --pages_started_;  // no request was made for it
      record.outcome = Outcome::blocked_by_robots;
      co_return report_outcome(std::move(record));
    }
  }
  // A slot on this host, held until the response is in, and our turn.
  const HostSlot slot = co_await politeness_.take_turn(item.parts);
  // #endregion politeness
  const CrawlStats::InFlight in_flight(stats_);

  const TimePoint start = EventLoop::current().now();
  detail::PageReader reader(options_);
  const std::function<http::RequestOptions()> next_attempt = [&] { return reader.next_attempt(); };
  const RetryPolicy retries{options_.max_tries, options_.backoff, options_.max_backoff};
  std::optional<http::ClientResponse> response;
  try {
    response =
        co_await fetch_with_retries(client_.get(), item.url, next_attempt, retries, &jitter_);
  } catch (const http::HttpError& error) {
    record.outcome =
        error.kind() == http::ErrorKind::too_large ? Outcome::too_large : Outcome::network_error;
    record.error = error_text(error);
  }
  stats_.count_requests(reader.attempts);
  record.time = EventLoop::current().now() - start;
  if (!response) co_return report_outcome(std::move(record));

  record.status = response->status;
  record.final_url = response->effective_url;
  record.content_type = reader.content_type;
  record.bytes = response->body_size;

  // #region outcomes
  if (response->status >= 300 && response->status < 400 && response->location) {
    record.outcome = Outcome::redirect;
    follow_redirect(item, *response->location, &record);
  } else if (response->status >= 400) {
    record.outcome = Outcome::http_error;
  } else if (!reader.extractor) {
    record.outcome = Outcome::not_html;
  } else {
    record.outcome = Outcome::fetched;
    follow_links(item, reader.finish(), &record);
  }
  co_return report_outcome(std::move(record));
  // #endregion outcomes
}

// Redirects are followed by the crawler, not by curl, so each hop passes the
// same checks as a link: scope, robots, dedup; plus a hop limit and loops.
void Crawler::follow_redirect(const QueuedUrl& item, const std::string& location,
                              PageRecord* record) {
  std::optional<std::string> target = resolve_url(item.url, location);
  if (!target) {
    record->error = "redirect to a URL that is not http(s): " + location;
    return;
  }
  record->final_url = *target;
  const auto& chain = item.redirect_chain;
  if (*target == item.url || std::find(chain.begin(), chain.end(), *target) != chain.end()) {
    record->error = "redirect loop";
    return;
  }
  if (item.redirect_hops + 1 > options_.max_redirects) {
    record->error = "too many redirects";
    return;
  }
  sink_.on_link(item.url, *target);  // a redirect is an edge of the link graph too
  discover(*target, item, item.redirect_hops + 1);
}

// The pages a site's sitemaps name join the crawl as if its /sitemap.xml
// linked to them. In a crawl shared in Redis, the other workers get the
// host's robots.txt only once these pages are committed: until then, a
// worker that dies here leaves the sitemaps to the next (share_robots).
Task<void> Crawler::discover_sitemaps(std::vector<std::string> sitemaps, UrlParts site) {
  http::RequestOptions request;
  request.user_agent = options_.user_agent;
  request.total_timeout = options_.timeout;
  request.max_body_size = options_.max_body_size;
  SitemapUrls found =
      co_await fetch_sitemap_urls(client_.get(), request, sitemaps, &scope_, &politeness_);
  stats_.count_requests(found.requests);
  QueuedUrl from;
  from.url = site.scheme + "://" + origin_of(site) + "/sitemap.xml";
  for (const std::string& page : found.pages) discover(page, from, 0);
  publish(co_await frontier_.commit());
  co_await politeness_.share_robots(std::move(site));
}

// An outcome goes to the frontier, which commits it with its URL.
void Crawler::report_outcome(PageRecord record) { frontier_.settle(std::move(record)); }

// The outcomes the frontier made final: each URL's one record.
void Crawler::publish(Settled settled) {
  for (const PageRecord& record : settled.records) {
    stats_.count(record);
    sink_.on_page(record);
  }
  for (std::size_t i = 0; i < settled.duplicates; ++i) stats_.count_duplicate();
}

}  // namespace corolab::crawler
