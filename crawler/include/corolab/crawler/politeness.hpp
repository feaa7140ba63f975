#pragma once
// Politeness: what a crawler owes each host. Its robots.txt, obeyed, and
// fetched again once it is a day old (RFC 9309 2.4); at most `per_host`
// requests at once; and a pause between requests (--delay, or the site's
// Crawl-delay if longer), jittered. A host is "host:port" (origin_of).
// How each answer to a robots.txt request is read: robots_fetch.hpp.

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

#include "corolab/clock.hpp"
#include "corolab/crawler/host_turns.hpp"
#include "corolab/crawler/jitter.hpp"
#include "corolab/crawler/robots.hpp"
#include "corolab/crawler/shared_robots.hpp"
#include "corolab/crawler/url.hpp"
#include "corolab/http/client.hpp"
#include "corolab/semaphore.hpp"
#include "corolab/task.hpp"

namespace corolab::crawler {

struct PolitenessOptions {
  int per_host = 4;                            // requests in flight on one host
  Duration delay{0};                           // between requests to one host, at least
  std::string user_agent;                      // for robots.txt: its requests, and its groups
  Duration timeout{std::chrono::seconds(20)};  // for fetching robots.txt
  // A host's robots.txt is fetched again when older than this, on the
  // loop's clock (RFC 9309 2.4: a cached copy SHOULD NOT serve longer than
  // 24 hours). If the new fetch finds it unreachable, the old rules stay.
  Duration robots_max_age{std::chrono::hours(24)};
  // Turns shared with the other workers of a crawl (redis_turns.hpp); null:
  // this process's own.
  HostTurns* shared_turns = nullptr;
  // robots.txt shared with the other workers of a crawl (redis_robots.hpp);
  // null: fetched by this process for itself.
  SharedRobots* shared_robots = nullptr;
};

// One of a host's request slots, held while its request lasts: a permit of
// the host's Semaphore, given back when it goes out of scope.
using HostSlot = Semaphore::Permit;

// A host's robots.txt rules. Shared: a refetch may replace the host's
// rules while a caller still reads these.
struct RobotsLookup {
  std::shared_ptr<const RobotsRules> rules;
  // The host's first fetch, by this caller, here (in a shared crawl, not
  // another process's answer): the caller looks at its sitemaps.
  bool fetched_now = false;
};

class Politeness {
 public:
  Politeness(http::Client& client, PolitenessOptions options, Jitter& jitter);
  ~Politeness();

  // The rules of `url`'s host. The first caller fetches robots.txt (and
  // the first after robots_max_age fetches it again); the others wait.
  Task<RobotsLookup> robots(UrlParts url);
  // In a shared crawl, the robots.txt this process fetched first for `url`'s
  // host goes to the other workers only now: once the caller has committed
  // the pages its sitemaps name (see politeness.cpp). Otherwise nothing.
  Task<void> share_robots(UrlParts url);

  // A slot on `url`'s host, then its turn: hold the slot for the request.
  // Every request to a site takes one: pages, robots.txt, sitemaps.
  Task<HostSlot> take_turn(UrlParts url);

  std::size_t requests() const noexcept { return requests_; }  // robots.txt fetches

 private:
  struct Host;
  Host& host_of(const UrlParts& url);
  Task<bool> fetch_robots(Host* host, UrlParts url);

  http::Client& client_;
  PolitenessOptions options_;
  Jitter& jitter_;
  std::unordered_map<std::string, std::unique_ptr<Host>> hosts_;  // by origin_of
  std::size_t requests_ = 0;
};

}  // namespace corolab::crawler
