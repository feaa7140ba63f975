#pragma once
// A host's robots.txt, fetched once for all the workers of a crawl, in
// whatever process, and shared for its cache lifetime. Politeness
// (politeness.hpp) asks here before fetching when it is given one;
// otherwise each process fetches every host's robots.txt itself.
//
// The answer is text (robots_fetch.hpp's RobotsFetch::answer): each worker
// parses it for its own user agent.

#include <optional>
#include <string>

#include "corolab/clock.hpp"
#include "corolab/task.hpp"

namespace corolab::crawler {

class SharedRobots {
 public:
  virtual ~SharedRobots() = default;
  // The answer stored for `origin` ("host:port"), waiting while another
  // worker fetches it. Or nullopt: then this worker is to fetch it and put()
  // the answer; the others wait for it up to `fetch_time`, after which one
  // of them fetches it instead.
  virtual Task<std::optional<std::string>> get_or_fetch(std::string origin,
                                                        Duration fetch_time) = 0;
  // Shares a fetched answer for `max_age`.
  virtual Task<void> put(std::string origin, std::string answer, Duration max_age) = 0;
};

}  // namespace corolab::crawler
