// The crawler's core loop.
//
//   seeds --> [frontier] --> N workers --> fetch --> links --> [frontier] ...
//
// The frontier is a Channel of URLs. N worker coroutines take URLs from it,
// fetch them, and put the links they find back in. A set of hashes remembers
// every URL ever queued, so each is fetched once. `pending_` counts URLs
// queued or being processed; when it drops to zero nobody can discover
// anything new, so the frontier is closed and the workers finish. (Python's
// 500-line crawler does the same with asyncio.Queue and q.join().)

#include "corolab/crawler/crawler.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "corolab/crawler/content_type.hpp"
#include "corolab/crawler/link_extractor.hpp"
#include "corolab/crawler/public_suffix.hpp"
#include "corolab/crawler/sitemap.hpp"
#include "corolab/crawler/url.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/sleep.hpp"
#include "corolab/task_group.hpp"

namespace corolab::crawler {

namespace {
// The frontier's bound: beyond it, discovered URLs end as limit_reached.
// A queued URL costs its string plus ~100 bytes; a seen URL costs 8 bytes of
// hash plus the hash set's ~24 bytes of bookkeeping.
constexpr std::size_t kFrontierCapacity = 1'000'000;
constexpr int kMaxSitemaps = 10;

PageRecord record_for(const QueuedUrl& item);
}  // namespace

// What the crawler knows about one host: its robots.txt, its own request
// slots, and when it may next be asked for a page (politeness).
struct Crawler::Host {
  explicit Host(int per_host) : slots(static_cast<std::size_t>(per_host)) {}
  Semaphore slots;
  TimePoint next_request{};
  std::optional<RobotsRules> robots;
  bool robots_requested = false;
  Event robots_ready;
};

Crawler::Crawler(CrawlOptions options, CrawlSink& sink)
    : options_(std::move(options)),
      sink_(sink),
      client_(std::make_unique<http::Client>(
          http::ClientOptions{.max_total_connections = options_.concurrency,
                              .max_host_connections = options_.per_host})),
      frontier_(kFrontierCapacity),
      random_state_(options_.seed * 0x9E3779B97F4A7C15ull + 1) {}

Crawler::~Crawler() = default;

std::uint64_t Crawler::hash_url(std::string_view url) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a, 64 bits: stable across runs (for --resume)
  for (unsigned char c : url) hash = (hash ^ c) * 0x100000001b3ull;
  return hash;
}

// --- the main loop ------------------------------------------------------------

// #region run
Task<CrawlSummary> Crawler::run() {
  started_ = EventLoop::current().now();
  QueuedUrl root;
  root.depth = -1;  // seeds are at depth 0
  for (const std::string& seed : options_.seeds) {
    std::optional<std::string> url = normalize_url(seed);
    if (!url) continue;
    if (auto parts = split_url(*url)) seed_origins_.push_back(parts->host);
    discover(*url, root, 0);
  }
  if (pending_ == 0) frontier_.close();  // nothing to do at all

  if (options_.max_time > Duration{0}) timers_.spawn(end_at_time_limit(), "time limit");
  // #region start_workers
  TaskGroup workers;
  // #exercise start_workers: start options_.concurrency workers in the group
  for (int i = 1; i <= options_.concurrency; ++i) {
    workers.spawn(worker(), "worker " + std::to_string(i));  // (the name: its row in a trace)
  }
  // #starter
  // throw std::logic_error("lesson 12: start the workers, in Crawler::run");
  // #endexercise
  workers_ = &workers;
  co_await workers.join();
  // #endregion start_workers
  workers_ = nullptr;
  timers_.cancel();
  co_await timers_.join();

  summary_.elapsed = EventLoop::current().now() - started_;
  summary_.interrupted = stopping_;
  co_return summary_;
}
// #endregion run

// #region worker
// A worker: take the next URL, process it, repeat until the frontier closes.
Task<void> Crawler::worker() {
  // #exercise worker: take a URL, process it, finish it; until the frontier closes
  while (true) {
    std::optional<QueuedUrl> item = co_await frontier_.receive();
    if (!item) co_return;
    bool cancelled = false;
    try {
      co_await process(*item);
    } catch (const OperationCancelled&) {
      cancelled = true;  // stopped after the grace period: keep the URL for --resume
    }
    if (cancelled) interrupted_.push_back(std::move(*item));
    finish_one();
  }
  // #starter
  // throw std::logic_error("lesson 12: write Crawler::worker");
  // #endexercise
}
// #endregion worker

// #region finish_one
void Crawler::finish_one() {
  if (--pending_ == 0) frontier_.close();
}
// #endregion finish_one

// A link was found (or a redirect pointed somewhere): decide its fate now if
// it has one already, else queue it.
// #region discover
void Crawler::discover(const std::string& url, const QueuedUrl& from, int redirect_hops) {
  // #region dedup
  if (!seen_.insert(hash_url(url)).second) {
    ++summary_.outcomes[static_cast<std::size_t>(Outcome::duplicate)];
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
  if (!in_scope(url)) {
    record.outcome = Outcome::out_of_scope;
    return report_outcome(std::move(record));
  }
  if (options_.max_depth >= 0 && item.depth > options_.max_depth) {
    record.outcome = Outcome::limit_reached;
    record.error = "deeper than --max-depth";
    return report_outcome(std::move(record));
  }
  if (stopping_) {
    interrupted_.push_back(std::move(item));  // not lost: it goes to the journal
    return;
  }
  // #region enqueue
  if (!frontier_.try_send(item)) {
    record.outcome = Outcome::limit_reached;
    record.error = "frontier full";
    return report_outcome(std::move(record));
  }
  ++pending_;
  // #endregion enqueue
}
// #endregion discover

// --- one URL --------------------------------------------------------------------

// Collects what we need from a response as it streams in: whether it is a
// page, and its links, parsed chunk by chunk.
struct Crawler::PageReader {
  std::optional<LinkExtractor> extractor;
  std::string content_type;

  http::RequestOptions request_options(const CrawlOptions& crawl) {
    http::RequestOptions options;
    options.user_agent = crawl.user_agent;
    options.max_body_size = crawl.max_body_size;
    options.total_timeout = crawl.timeout;
    options.connect_timeout = std::min(crawl.timeout, Duration{std::chrono::seconds(10)});
    // Decide from the head whether the body is worth having.
    options.accept_body = [this](int status, const http::Headers& headers) {
      content_type = std::string(headers.get("Content-Type").value_or(""));
      if (status < 200 || status >= 300 || !is_html_content_type(content_type)) return false;
      extractor.emplace(charset_of(content_type));
      return true;
    };
    options.on_body_chunk = [this](std::string_view chunk) { extractor->feed(chunk); };
    return options;
  }
};

namespace {

PageRecord record_for(const QueuedUrl& item) {
  PageRecord record;
  record.url = item.url;
  record.depth = item.depth;
  record.parent = item.parent;
  return record;
}

bool worth_retrying(int status) { return status == 429 || status >= 500; }

bool worth_retrying(http::ErrorKind kind) {
  return kind == http::ErrorKind::connect || kind == http::ErrorKind::timeout ||
         kind == http::ErrorKind::reset || kind == http::ErrorKind::dns ||
         kind == http::ErrorKind::other;
}

// Retry-After is either seconds or an HTTP date (parsed by libcurl).
std::optional<Duration> retry_after(const http::Headers& headers) {
  auto value = headers.get("Retry-After");
  if (!value) return std::nullopt;
  const std::string text(*value);
  if (!text.empty() &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::chrono::seconds(std::stol(text));
  }
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  const auto seconds = when - std::time(nullptr);
  return std::chrono::seconds(std::max<time_t>(seconds, 0));
}

}  // namespace

Task<void> Crawler::process(QueuedUrl item) {
  PageRecord record = record_for(item);

  const bool over_page_limit = options_.max_pages > 0 && pages_started_ >= options_.max_pages;
  if (over_page_limit || time_is_up_ || stopping_) {
    if (stopping_ && !time_is_up_) {
      interrupted_.push_back(std::move(item));
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
    const bool allowed = co_await allowed_by_robots(item.url);
    if (!allowed) {
      --pages_started_;  // no request was made for it
      record.outcome = Outcome::blocked_by_robots;
      co_return report_outcome(std::move(record));
    }
  }

  // Politeness: a slot on this host, and our turn after the delay.
  Host& host = host_for(origin_of(*split_url(item.url)));
  co_await host.slots.acquire();
  struct ReleaseSlot {
    Semaphore& slots;
    ~ReleaseSlot() { slots.release(); }
  } release{host.slots};
  co_await wait_politely(host);
  // #endregion politeness

  summary_.max_in_flight = std::max(summary_.max_in_flight, ++in_flight_);
  struct LeaveFlight {
    std::size_t& in_flight;
    ~LeaveFlight() { --in_flight; }
  } leave{in_flight_};

  const TimePoint start = EventLoop::current().now();
  PageReader reader;
  std::optional<http::ClientResponse> response;
  try {
    response = co_await fetch_with_retries(item, &reader);
  } catch (const http::HttpError& error) {
    record.outcome =
        error.kind() == http::ErrorKind::too_large ? Outcome::too_large : Outcome::network_error;
    record.error = error.what();
  }
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
    record.links_found = add_links(item, reader.extractor->finish());
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

std::size_t Crawler::add_links(const QueuedUrl& item, const ExtractedLinks& links) {
  std::string base = item.url;
  if (links.base_href) base = resolve_url(item.url, *links.base_href).value_or(item.url);
  const UrlResolver resolver(base);
  std::size_t count = 0;
  for (const std::string& href : links.hrefs) {
    std::optional<std::string> url = resolver.resolve(href);
    if (!url) continue;  // mailto:, javascript:, malformed: not something to crawl
    ++count;
    sink_.on_link(item.url, *url);
    discover(*url, item, 0);
  }
  return count;
}

// #region fetch_with_retries
// Network errors, 429 and 5xx are worth another try, after a growing pause
// (with jitter, so many crawlers do not retry in lockstep), or after what
// Retry-After asks.
Task<http::ClientResponse> Crawler::fetch_with_retries(const QueuedUrl& item, PageReader* reader) {
  for (int attempt = 1;; ++attempt) {
    reader->extractor.reset();  // a retry starts the page afresh
    reader->content_type.clear();
    http::RequestOptions options = reader->request_options(options_);
    ++summary_.requests;
    std::optional<Duration> pause;
    try {
      http::ClientResponse response = co_await client_->get(item.url, options);
      if (!worth_retrying(response.status) || attempt >= options_.max_tries) co_return response;
      pause = retry_after(response.headers);
    } catch (const http::HttpError& error) {
      if (!worth_retrying(error.kind()) || attempt >= options_.max_tries) throw;
    }
    const Duration backoff =
        std::min(options_.max_backoff, options_.backoff * (1 << (attempt - 1)));
    // Retry-After is honoured, but capped: a crawl must end in bounded time.
    co_await sleep_for(pause ? std::min(*pause, options_.max_backoff) : jittered(backoff));
  }
}
// #endregion fetch_with_retries

// --- robots.txt, sitemaps and politeness ---------------------------------------

// #region allowed_by_robots
Task<bool> Crawler::allowed_by_robots(const std::string& url) {
  std::optional<UrlParts> parts = split_url(url);
  Host& host = host_for(origin_of(*parts));
  while (!host.robots) {
    if (host.robots_requested) {
      co_await host.robots_ready.wait();  // another worker is fetching it
      continue;
    }
    host.robots_requested = true;
    RobotsRules rules = co_await fetch_robots(*parts);
    host.robots = std::move(rules);
    host.robots_ready.set();
  }
  co_return host.robots->allows(parts->path_and_query);
}
// #endregion allowed_by_robots

Task<RobotsRules> Crawler::fetch_robots(UrlParts origin) {
  const std::string base = origin.scheme + "://" + origin_of(origin);
  http::RequestOptions options;
  options.user_agent = options_.user_agent;
  options.total_timeout = options_.timeout;
  options.max_body_size = 512 * 1024;
  RobotsRules rules = RobotsRules::disallow_all();  // unreachable: assume the worst
  ++summary_.requests;
  try {
    http::ClientResponse response = co_await client_->get(base + "/robots.txt", options);
    if (response.status >= 200 && response.status < 300) {
      rules = RobotsRules::parse(response.body, options_.user_agent);
    } else if (response.status >= 400 && response.status < 500) {
      rules = RobotsRules::allow_all();  // no robots.txt: no rules
    }
  } catch (const http::HttpError&) {
  }
  co_await seed_from_sitemaps(rules.sitemaps(), base);
  co_return rules;
}

// Sitemap: lines name the pages a site wants crawled: they seed the frontier.
Task<void> Crawler::seed_from_sitemaps(std::vector<std::string> sitemaps, std::string site) {
  QueuedUrl from;
  from.url = site + "/sitemap.xml";
  from.depth = 0;
  for (std::size_t i = 0; i < sitemaps.size() && i < kMaxSitemaps; ++i) {
    std::optional<std::string> url = normalize_url(sitemaps[i]);
    if (!url || !in_scope(*url)) continue;
    http::RequestOptions options;
    options.user_agent = options_.user_agent;
    options.total_timeout = options_.timeout;
    options.max_body_size = options_.max_body_size;
    ++summary_.requests;
    std::optional<http::ClientResponse> response;
    try {
      response = co_await client_->get(*url, options);
    } catch (const http::HttpError&) {
      continue;
    }
    if (response->status != 200) continue;
    Sitemap sitemap = parse_sitemap(response->body);
    for (const std::string& nested : sitemap.sitemaps) sitemaps.push_back(nested);
    for (const std::string& page : sitemap.pages) {
      if (std::optional<std::string> normalized = normalize_url(page))
        discover(*normalized, from, 0);
    }
  }
}

// #region wait_politely
Task<void> Crawler::wait_politely(Host& host) {
  Duration delay = options_.delay;
  if (host.robots && host.robots->crawl_delay())
    delay = std::max(delay, *host.robots->crawl_delay());
  const TimePoint now = EventLoop::current().now();
  const TimePoint turn = std::max(now, host.next_request);
  host.next_request = turn + jittered(delay);  // book the next turn before sleeping
  if (turn > now) co_await sleep_until(turn);
}
// #endregion wait_politely

Duration Crawler::jittered(Duration delay) {
  if (delay <= Duration{0} || options_.jitter <= 0) return delay;
  random_state_ ^= random_state_ << 13;  // xorshift64: small, fast, reproducible
  random_state_ ^= random_state_ >> 7;
  random_state_ ^= random_state_ << 17;
  const double unit = static_cast<double>(random_state_ >> 11) / static_cast<double>(1ull << 53);
  const double factor = 1.0 + options_.jitter * (2.0 * unit - 1.0);
  return std::chrono::duration_cast<Duration>(delay * factor);
}

Crawler::Host& Crawler::host_for(const std::string& origin) {
  auto& host = hosts_[origin];
  if (!host) host = std::make_unique<Host>(options_.per_host);
  return *host;
}

bool Crawler::in_scope(const std::string& url) const {
  std::optional<UrlParts> parts = split_url(url);
  if (!parts) return false;
  if (options_.scope == Scope::host) {
    if (std::find(seed_origins_.begin(), seed_origins_.end(), parts->host) == seed_origins_.end())
      return false;
  } else if (options_.scope == Scope::domain) {
    const std::string domain = registrable_domain(parts->host);
    auto same_domain = [&](const std::string& seed) { return registrable_domain(seed) == domain; };
    if (std::none_of(seed_origins_.begin(), seed_origins_.end(), same_domain)) return false;
  }
  auto matches = [&](const std::regex& pattern) { return std::regex_search(url, pattern); };
  if (!options_.include.empty() &&
      std::none_of(options_.include.begin(), options_.include.end(), matches)) {
    return false;
  }
  return std::none_of(options_.exclude.begin(), options_.exclude.end(), matches);
}

// --- results, stopping, resuming -------------------------------------------------

void Crawler::report_outcome(PageRecord record) {
  ++summary_.outcomes[static_cast<std::size_t>(record.outcome)];
  ++summary_.urls;
  summary_.bytes += record.bytes;
  if (record.outcome == Outcome::http_error || record.outcome == Outcome::network_error) ++errors_;
  sink_.on_page(record);
}

void Crawler::stop() noexcept {
  if (stopping_) {
    if (workers_ != nullptr) workers_->cancel();  // asked twice: no more grace
    return;
  }
  stopping_ = true;
  // Whatever is still queued is kept for the journal, and workers stop
  // taking new URLs; in-flight requests finish, within the grace period.
  while (std::optional<QueuedUrl> item = frontier_.try_receive()) {
    interrupted_.push_back(std::move(*item));
    finish_one();
  }
  if (workers_ != nullptr) timers_.spawn(cancel_after_grace(), "grace period");
}

Task<void> Crawler::cancel_after_grace() {
  co_await sleep_for(options_.grace_period);
  if (workers_ != nullptr) workers_->cancel();
}

// --max-time: from now on, every URL taken from the frontier ends as
// limit_reached, which drains it quickly; in-flight requests finish.
Task<void> Crawler::end_at_time_limit() {
  co_await sleep_for(options_.max_time);
  time_is_up_ = true;
}

CrawlProgress Crawler::progress() const noexcept {
  return {.done = summary_.urls,
          .in_flight = in_flight_,
          .queued = frontier_.size(),
          .errors = errors_};
}

void Crawler::restore(std::vector<std::uint64_t> seen, std::vector<QueuedUrl> frontier) {
  seen_.insert(seen.begin(), seen.end());
  for (QueuedUrl& item : frontier) {
    seen_.insert(hash_url(item.url));
    if (auto parts = split_url(item.url)) seed_origins_.push_back(parts->host);
    if (frontier_.try_send(item)) ++pending_;
  }
}

std::vector<std::uint64_t> Crawler::seen_hashes() const { return {seen_.begin(), seen_.end()}; }

std::vector<QueuedUrl> Crawler::remaining() const { return interrupted_; }

std::string_view to_string(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::fetched: return "fetched";
    case Outcome::http_error: return "http_error";
    case Outcome::network_error: return "network_error";
    case Outcome::blocked_by_robots: return "blocked_by_robots";
    case Outcome::out_of_scope: return "out_of_scope";
    case Outcome::too_large: return "too_large";
    case Outcome::not_html: return "not_html";
    case Outcome::redirect: return "redirect";
    case Outcome::duplicate: return "duplicate";
    case Outcome::limit_reached: return "limit_reached";
  }
  return "unknown";
}

}  // namespace corolab::crawler
