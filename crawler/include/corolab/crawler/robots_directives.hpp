#pragma once
// A page's own robots directives, read once the page is fetched: from
//   <meta name="robots" content="noindex, nofollow">  (or name="<our token>")
//   X-Robots-Tag: noindex                              (or "corolab: noindex")
// robots.txt says what may be fetched; these say what to do with a page
// that was: "noindex" keeps it out of the index (our --sitemap), "nofollow"
// means none of its links are followed, "none" is both. Directives are
// comma-separated and case-insensitive; others ("max-snippet: 20",
// "noarchive", ...) do not concern a crawler and are ignored. RFC 9309 does
// not define them: this is how Google documents them, and Bing agrees.

#include <string_view>

namespace corolab::crawler {

struct RobotsDirectives {
  bool noindex = false;
  bool nofollow = false;

  RobotsDirectives& operator|=(const RobotsDirectives& other) noexcept {
    noindex = noindex || other.noindex;
    nofollow = nofollow || other.nofollow;
    return *this;
  }
};

// A <meta name=... content=...>: its directives if `name` is "robots" or
// our product token (see product_token() in robots.hpp), else none.
RobotsDirectives meta_robots_directives(std::string_view name, std::string_view content,
                                        std::string_view product_token);

// One X-Robots-Tag header's value. "noindex, nofollow" is for every
// crawler; "otherbot: noindex, nofollow" only for otherbot, up to the next
// "agent:" prefix in the same value.
RobotsDirectives x_robots_tag_directives(std::string_view value, std::string_view product_token);

}  // namespace corolab::crawler
