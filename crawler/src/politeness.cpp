// Politeness: see politeness.hpp.
#include "corolab/crawler/politeness.hpp"

#include <algorithm>
#include <optional>

#include "corolab/event.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/sleep.hpp"
#include "robots_fetch.hpp"

namespace corolab::crawler {

// What we know about one host: its robots.txt, its request slots, and when
// it may next be asked for a page.
struct Politeness::Host {
  explicit Host(int per_host) : slots(static_cast<std::size_t>(per_host)) {}
  Semaphore slots;
  TimePoint next_request{};
  std::shared_ptr<const RobotsRules> robots;  // null until first fetched
  TimePoint robots_expire{};                  // then fetch it again
  bool robots_unreachable = false;            // robots is disallow_all for an error
  bool robots_fetching = false;
  Event robots_ready;  // set when no fetch is under way
  // A shared crawl's first fetch, fetched here, until share_robots.
  std::optional<std::string> unshared_answer;
};

Politeness::Politeness(http::Client& client, PolitenessOptions options, Jitter& jitter)
    : client_(client), options_(std::move(options)), jitter_(jitter) {}

Politeness::~Politeness() = default;

Politeness::Host& Politeness::host_of(const UrlParts& url) {
  std::unique_ptr<Host>& host = hosts_[origin_of(url)];
  if (!host) host = std::make_unique<Host>(options_.per_host);
  return *host;
}

// robots.txt is fetched once per host, and again once it is older than
// robots_max_age: one worker fetches it, the others wait on an Event until
// it is there.
Task<RobotsLookup> Politeness::robots(UrlParts url) {
  Host& host = host_of(url);
  bool fetched_now = false;
  while (!host.robots || EventLoop::current().now() >= host.robots_expire) {
    if (host.robots_fetching) {
      co_await host.robots_ready.wait();  // another worker is fetching it
      continue;
    }
    const bool first = !host.robots;
    const bool fetched_here = co_await fetch_robots(&host, url);
    fetched_now = first && fetched_here;
  }
  co_return RobotsLookup{host.robots, fetched_now};
}

// A refetch that finds robots.txt unreachable keeps the rules the site gave
// before (RFC 9309 2.4 allows a cached copy for as long as that lasts).
// True if it was fetched here, false if another process of a shared crawl
// had fetched it.
Task<bool> Politeness::fetch_robots(Host* host, UrlParts url) {
  // However this ends (cancelled too), the waiters wake and look again.
  struct WakeWaiters {
    Host* host;
    ~WakeWaiters() {
      host->robots_fetching = false;
      host->robots_ready.set();
    }
  };
  host->robots_fetching = true;
  host->robots_ready.reset();
  const WakeWaiters wake_waiters{host};
  detail::RobotsFetchOptions options{.user_agent = options_.user_agent,
                                     .timeout = options_.timeout};
  const std::string robots_url = url.scheme + "://" + origin_of(url) + "/robots.txt";
  // Shared: another worker's answer, or ours to fetch and share. A fetch
  // takes at most six requests (five redirects), each within the timeout.
  std::optional<std::string> answer;
  if (options_.shared_robots != nullptr)
    answer = co_await options_.shared_robots->get_or_fetch(origin_of(url), options_.timeout * 6);
  detail::RobotsFetch fetch;
  if (answer) {
    fetch = detail::from_answer(*answer, options_.user_agent);
  } else {
    fetch = co_await detail::fetch_robots_txt(&client_, robots_url, options, this);
    if (options_.shared_robots != nullptr && host->robots) {
      co_await options_.shared_robots->put(origin_of(url), fetch.answer, options_.robots_max_age);
    } else if (options_.shared_robots != nullptr) {
      host->unshared_answer = fetch.answer;  // the first: see share_robots
    }
  }
  requests_ += fetch.requests;
  const bool keep_cached = fetch.unreachable && host->robots && !host->robots_unreachable;
  if (!keep_cached) {
    host->robots = std::make_shared<const RobotsRules>(std::move(fetch.rules));
    host->robots_unreachable = fetch.unreachable;
  }
  host->robots_expire = EventLoop::current().now() + options_.robots_max_age;
  co_return !answer.has_value();
}

// Until now, the other workers of a shared crawl have waited for the first
// fetch (their lock runs out after six timeouts). A worker that dies before
// this line shares nothing: the next to ask fetches robots.txt and its
// sitemaps again, so no page only a sitemap names is lost.
Task<void> Politeness::share_robots(UrlParts url) {
  Host& host = host_of(url);
  if (!host.unshared_answer || options_.shared_robots == nullptr) co_return;
  std::string answer = std::move(*host.unshared_answer);
  host.unshared_answer.reset();
  co_await options_.shared_robots->put(origin_of(url), std::move(answer), options_.robots_max_age);
}

// The turn: each caller books the next turn *before* it sleeps, so two
// callers never take the same one; in Redis when the turns are shared.
Task<HostSlot> Politeness::take_turn(UrlParts url) {
  Host& host = host_of(url);
  co_await host.slots.acquire();
  HostSlot slot(host.slots);
  Duration delay = options_.delay;
  if (host.robots && host.robots->crawl_delay())
    delay = std::max(delay, *host.robots->crawl_delay());
  if (options_.shared_turns != nullptr && delay > Duration{0}) {
    const Duration wait = co_await options_.shared_turns->book(origin_of(url), jitter_(delay));
    if (wait > Duration{0}) co_await sleep_for(wait);
    co_return slot;
  }
  const TimePoint now = EventLoop::current().now();
  const TimePoint turn = std::max(now, host.next_request);
  host.next_request = turn + jitter_(delay);
  if (turn > now) co_await sleep_until(turn);
  co_return slot;
}

}  // namespace corolab::crawler
