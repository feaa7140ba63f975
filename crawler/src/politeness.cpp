// Politeness: see politeness.hpp.
#include "corolab/crawler/politeness.hpp"

#include <algorithm>
#include <optional>

#include "corolab/event.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/sleep.hpp"

namespace corolab::crawler {

// What we know about one host: its robots.txt, its request slots, and when
// it may next be asked for a page.
struct Politeness::Host {
  explicit Host(int per_host) : slots(static_cast<std::size_t>(per_host)) {}
  Semaphore slots;
  TimePoint next_request{};
  std::optional<RobotsRules> robots;
  bool robots_requested = false;
  Event robots_ready;
};

Politeness::Politeness(http::Client& client, PolitenessOptions options, Jitter& jitter)
    : client_(client), options_(std::move(options)), jitter_(jitter) {}

Politeness::~Politeness() = default;

Politeness::Host& Politeness::host_of(const UrlParts& url) {
  std::unique_ptr<Host>& host = hosts_[origin_of(url)];
  if (!host) host = std::make_unique<Host>(options_.per_host);
  return *host;
}

// robots.txt is fetched once per host: the first worker to need it fetches
// it, the others wait on an Event until it is there.
Task<RobotsLookup> Politeness::robots(UrlParts url) {
  Host& host = host_of(url);
  bool fetched_now = false;
  while (!host.robots) {
    if (host.robots_requested) {
      co_await host.robots_ready.wait();  // another worker is fetching it
      continue;
    }
    host.robots_requested = true;
    RobotsRules rules = co_await fetch_robots(url);
    host.robots = std::move(rules);
    host.robots_ready.set();
    fetched_now = true;
  }
  co_return RobotsLookup{&*host.robots, fetched_now};
}

Task<RobotsRules> Politeness::fetch_robots(UrlParts url) {
  http::RequestOptions options;
  options.user_agent = options_.user_agent;
  options.total_timeout = options_.timeout;
  options.max_body_size = 512 * 1024;
  RobotsRules rules = RobotsRules::disallow_all();  // unreachable: assume the worst
  ++requests_;
  try {
    const std::string robots_url = url.scheme + "://" + origin_of(url) + "/robots.txt";
    http::ClientResponse response = co_await client_.get(robots_url, options);
    if (response.status >= 200 && response.status < 300) {
      rules = RobotsRules::parse(response.body, options_.user_agent);
    } else if (response.status >= 400 && response.status < 500) {
      rules = RobotsRules::allow_all();  // no robots.txt: no rules
    }
  } catch (const http::HttpError& error) {
    // A failed TLS handshake (most often a certificate we do not trust) is
    // not the site saying anything: no request reached it. The pages' own
    // requests need the same handshake, so trying them costs the site
    // nothing, and their records then say what went wrong (and --cacert).
    if (error.kind() == http::ErrorKind::tls) rules = RobotsRules::allow_all();
  }
  co_return rules;
}

// The turn: each caller books the next turn *before* it sleeps, so two
// callers never take the same one.
Task<HostSlot> Politeness::take_turn(UrlParts url) {
  Host& host = host_of(url);
  co_await host.slots.acquire();
  HostSlot slot(host.slots);
  Duration delay = options_.delay;
  if (host.robots && host.robots->crawl_delay())
    delay = std::max(delay, *host.robots->crawl_delay());
  const TimePoint now = EventLoop::current().now();
  const TimePoint turn = std::max(now, host.next_request);
  host.next_request = turn + jitter_(delay);
  if (turn > now) co_await sleep_until(turn);
  co_return slot;
}

}  // namespace corolab::crawler
