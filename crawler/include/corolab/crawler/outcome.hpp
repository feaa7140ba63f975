#pragma once
// What happened to each URL the crawler discovered: exactly one outcome.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "corolab/clock.hpp"

namespace corolab::http {
class HttpError;
}

namespace corolab::crawler {

enum class Outcome {
  fetched,            // an HTML page, fetched and parsed for links
  http_error,         // 4xx or 5xx (after retries, for 408, 429, 500, 502, 503, 504)
  network_error,      // connect, DNS, timeout, reset (after retries)
  blocked_by_robots,  // robots.txt said no
  out_of_scope,       // another host or domain, or filtered by --include/--exclude
  too_large,          // the body exceeded the size cap
  not_html,           // fetched headers only: not a page to parse
  redirect,           // 3xx: the target was vetted and queued as a URL of its own
  duplicate,          // a link to a URL already seen (counted, not listed)
  limit_reached,      // --max-pages, --max-depth or --max-time, or interrupted
  nofollow,           // only links marked nofollow led here (not followed)
};
inline constexpr std::size_t kOutcomeCount = 11;

std::string_view to_string(Outcome outcome) noexcept;
// And back: the outcome to_string names so, or nullopt.
std::optional<Outcome> outcome_named(std::string_view name) noexcept;

// One line of output per URL.
struct PageRecord {
  std::string url;
  std::string final_url;  // where redirects led (the Location of a redirect)
  int status = 0;         // 0 when no response arrived
  std::string content_type;
  int depth = 0;
  std::string parent;  // the page that linked here ("" for seeds)
  std::size_t bytes = 0;
  Duration time{0};
  std::string error;
  Outcome outcome = Outcome::fetched;
  std::size_t links_found = 0;
  bool noindex = false;   // the page said noindex (meta robots or X-Robots-Tag)
  std::string canonical;  // its <link rel="canonical">, absolute ("" if none)
};

// A record's error for a fetch that failed: curl's words, and what to do
// when the user can do something about it (a certificate signed by a CA
// the crawler does not trust: --cacert).
std::string error_text(const http::HttpError& error);

}  // namespace corolab::crawler
