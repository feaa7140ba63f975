#pragma once
// Politeness: what a crawler owes each host. Its robots.txt, fetched once
// and obeyed; at most `per_host` requests at once; and a pause between
// requests (--delay, or the site's Crawl-delay if longer), jittered.
// A host is "host:port" (origin_of).

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

#include "corolab/clock.hpp"
#include "corolab/crawler/jitter.hpp"
#include "corolab/crawler/robots.hpp"
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
};

// One of a host's request slots, held while its request lasts: a permit of
// the host's Semaphore, given back when it goes out of scope.
using HostSlot = Semaphore::Permit;

// A host's robots.txt rules (they live as long as the Politeness).
struct RobotsLookup {
  const RobotsRules* rules = nullptr;
  bool fetched_now = false;  // by this caller: the first to ask about the host
};

class Politeness {
 public:
  Politeness(http::Client& client, PolitenessOptions options, Jitter& jitter);
  ~Politeness();

  // The rules of `url`'s host. The first caller fetches robots.txt; the
  // others wait for it.
  Task<RobotsLookup> robots(UrlParts url);

  // A slot on `url`'s host, then its turn: hold the slot for the request.
  Task<HostSlot> take_turn(UrlParts url);

  std::size_t requests() const noexcept { return requests_; }  // robots.txt fetches

 private:
  struct Host;
  Host& host_of(const UrlParts& url);
  Task<RobotsRules> fetch_robots(UrlParts url);

  http::Client& client_;
  PolitenessOptions options_;
  Jitter& jitter_;
  std::unordered_map<std::string, std::unique_ptr<Host>> hosts_;  // by origin_of
  std::size_t requests_ = 0;
};

}  // namespace corolab::crawler
