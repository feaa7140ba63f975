// Fetching robots.txt as RFC 9309 2.3.1 says: see robots_fetch.hpp.
#include "robots_fetch.hpp"

#include <algorithm>
#include <optional>

#include "corolab/crawler/politeness.hpp"
#include "corolab/crawler/url.hpp"

namespace corolab::crawler::detail {
namespace {

constexpr int kMaxRedirects = 5;  // RFC 9309 2.3.1.2: follow at least five

http::RequestOptions request_for(const RobotsFetchOptions& options) {
  http::RequestOptions request;
  request.user_agent = options.user_agent;
  request.total_timeout = options.timeout;
  request.connect_timeout = std::min(options.timeout, Duration{std::chrono::seconds(10)});
  // One byte more than the parser reads, so that it sees the file went on
  // and drops the line the limit cut in half (a cut in a UTF-8 character
  // goes with it).
  request.max_body_size = RobotsRules::kMaxBytes + 1;
  request.truncate_body = true;
  // Redirects are followed below, not by curl (follow_redirects stays off),
  // as the crawler follows a page's: each hop is counted and vetted by us,
  // and "more than five" is told apart from other failures. (curl would
  // refuse hops to other schemes too, but report both as one error.)
  return request;
}

RobotsFetch unavailable(std::size_t requests) {
  return RobotsFetch{RobotsRules::allow_all(), false, requests, "unavailable"};
}

RobotsFetch with_rules(const std::string& body, std::string_view user_agent, std::size_t requests) {
  return RobotsFetch{RobotsRules::parse(body, user_agent), false, requests, "rules\n" + body};
}

}  // namespace

Task<RobotsFetch> fetch_robots_txt(http::Client* client, std::string robots_url,
                                   RobotsFetchOptions options, Politeness* turns) {
  const http::RequestOptions request = request_for(options);
  RobotsFetch fetch;  // unreachable until an answer says otherwise
  std::string url = std::move(robots_url);
  try {
    for (int redirects = 0;; ++redirects) {
      const std::optional<UrlParts> host = split_url(url);  // normalized: always splits
      if (!host) break;
      const HostSlot slot = co_await turns->take_turn(*host);
      ++fetch.requests;
      const http::ClientResponse response = co_await client->get(url, request);
      const int status = response.status;
      if (status >= 300 && status < 400) {
        std::optional<std::string> next;
        if (response.location) next = normalize_url(*response.location);  // http(s) only
        if (!next || redirects == kMaxRedirects) {
          fetch = unavailable(fetch.requests);
          break;
        }
        url = std::move(*next);
        continue;
      }
      if (status >= 200 && status < 300) {
        fetch = with_rules(response.body, options.user_agent, fetch.requests);
      } else if (status >= 400 && status < 500 && status != 429) {
        fetch = unavailable(fetch.requests);
      }
      break;  // 429, 5xx: unreachable, as `fetch` says already
    }
  } catch (const http::HttpError& error) {
    // Unreachable: DNS, connection refused, timeout, reset. But a failed TLS
    // handshake (most often a certificate we do not trust) is not the site
    // saying anything: no request reached it. The pages' own requests need
    // the same handshake, so trying them costs the site nothing, and their
    // records then say what went wrong (and suggest --cacert).
    if (error.kind() == http::ErrorKind::tls) fetch = unavailable(fetch.requests);
  }
  co_return fetch;
}

RobotsFetch from_answer(std::string_view answer, std::string_view user_agent) {
  if (answer.starts_with("rules\n"))
    return with_rules(std::string(answer.substr(6)), user_agent, 0);
  if (answer == "unavailable") return unavailable(0);
  return RobotsFetch{};  // unreachable
}

}  // namespace corolab::crawler::detail
