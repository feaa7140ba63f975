#pragma once
// Fetching a host's robots.txt, and what each answer means (RFC 9309 2.3.1):
//
//   2xx                the rules in its first 500 KiB (2.5: a larger file is
//                      cut there, not refused)
//   3xx                followed, five redirects at most, to any http(s) host
//                      (2.3.1.2); the rules found there apply to the host
//                      asked about
//   4xx                "unavailable": no rules, everything allowed (2.3.1.3)
//   429, 5xx, network  "unreachable": everything disallowed (2.3.1.4). 429
//   errors             is a 4xx, but it says "not now", not "no rules":
//                      Google's crawlers treat it as a server error, and so
//                      do we.
//   a sixth redirect,  unavailable, as 2.3.1.2 allows ("MAY") and as Google
//   or one to no       does (it reads such a chain as a 404): the site named
//   http(s) URL        no file we can read, and no error stands in the way.
//
// Private to the crawler (politeness.cpp).

#include <cstddef>
#include <string>

#include "corolab/clock.hpp"
#include "corolab/crawler/robots.hpp"
#include "corolab/http/client.hpp"
#include "corolab/task.hpp"

namespace corolab::crawler {
class Politeness;
}

namespace corolab::crawler::detail {

struct RobotsFetch {
  RobotsRules rules = RobotsRules::disallow_all();
  bool unreachable = true;   // disallow_all because of an error, not the site's word
  std::size_t requests = 0;  // one per hop
  // The answer as text, for other processes of a shared crawl
  // (shared_robots.hpp): "unreachable", "unavailable", or "rules\n" and
  // the body read.
  std::string answer = "unreachable";
};

// A fetch another process made, from its answer: the same rules, no requests.
RobotsFetch from_answer(std::string_view answer, std::string_view user_agent);

struct RobotsFetchOptions {
  std::string user_agent;
  Duration timeout{std::chrono::seconds(20)};  // per request
};

// Fetches `robots_url` ("http://host:port/robots.txt") and its redirects,
// each request in its host's turn, as `turns` gives them: robots.txt is a
// request like any other to the site. Throws only OperationCancelled.
Task<RobotsFetch> fetch_robots_txt(http::Client* client, std::string robots_url,
                                   RobotsFetchOptions options, Politeness* turns);

}  // namespace corolab::crawler::detail
