#pragma once
// robots.txt, as RFC 9309 defines it.
//
// A site says which paths crawlers may fetch. Rules come in groups, each for
// one or more user agents; a crawler obeys the group that names it (product
// token, case-insensitive), or else the "*" group. Within the group the
// longest matching rule wins, and Allow wins a tie. Patterns may use "*"
// (any characters) and a final "$" (end of the path). Rules and paths are
// compared with their percent-escapes in one spelling: "/%7Ea" and "/~a" are
// one path, and so are "?u=https://x" and "?u=https%3A%2F%2Fx" (robots.cpp).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "corolab/clock.hpp"

namespace corolab::crawler {

// "corolab-crawl/0.1 (+https://...)" -> "corolab-crawl": robots.txt (and
// <meta name> / X-Robots-Tag) name crawlers by the product token, compared
// case-insensitively (RFC 9309 2.2.1); it comes back lowercase.
std::string product_token(std::string_view user_agent);

class RobotsRules {
 public:
  // parse() reads this much and no more: RFC 9309 2.5 asks for at least
  // 500 KiB. A line the limit cuts in half is dropped.
  static constexpr std::size_t kMaxBytes = 500 * 1024;

  // The rules for `user_agent` (its product token, e.g. "corolab") in a
  // robots.txt body. Unparseable lines are ignored, as the RFC asks.
  static RobotsRules parse(std::string_view robots_txt, std::string_view user_agent);

  // No robots.txt (4xx): everything is allowed.
  static RobotsRules allow_all();
  // robots.txt unreachable or 5xx: assume everything is disallowed.
  static RobotsRules disallow_all();

  // `path_and_query` as in UrlParts: "/a/b?x=1". "/robots.txt" is always allowed.
  bool allows(std::string_view path_and_query) const;

  // Crawl-delay of the chosen group: not in RFC 9309 (which says nothing
  // about pacing), an extension that Bing and Yandex obey and Google ignores.
  std::optional<Duration> crawl_delay() const noexcept { return crawl_delay_; }
  // Sitemap: lines (they belong to no group).
  const std::vector<std::string>& sitemaps() const noexcept { return sitemaps_; }

  struct Rule {
    bool allow;
    std::string pattern;  // as compared: in the spelling of robots.cpp
  };

 private:
  std::vector<Rule> rules_;
  bool disallow_everything_ = false;
  std::optional<Duration> crawl_delay_;
  std::vector<std::string> sitemaps_;
};

}  // namespace corolab::crawler
