#pragma once
// Links that need no parser.
//
// Most links of a site name a page of the same site ("/a/b.html", or the
// site's own "http://host/a/b.html"), spelled as the crawler would spell
// them. Parsing those with libcurl only to get the same string back is most
// of a crawl's URL work, so they take a shorter way (plain_url.cpp);
// everything else still goes through libcurl (url.cpp). Private to the
// crawler.

#include <optional>
#include <string>
#include <string_view>

#include "corolab/crawler/url.hpp"

namespace corolab::crawler::detail {

// What the fast path needs of a canonical base URL.
struct PlainBase {
  std::string origin;     // "http://host:port"
  std::string directory;  // "/a/" of a plain path, else empty (its links go to libcurl)
};
PlainBase plain_base(const UrlParts& base);

// The link, if it names a page of the base's own site in plain spelling:
// "/a/b.html", or the base's origin and that, or a relative path such as
// "../b.html"; a plain fragment goes. std::nullopt when libcurl has to decide.
std::optional<std::string> resolve_plain(const PlainBase& base, std::string_view href);

// split_url() without libcurl, for a URL with a plain path on an origin
// that libcurl split before (remember_origin); std::nullopt otherwise.
std::optional<UrlParts> split_plain(std::string_view url);
void remember_origin(const UrlParts& parts);

}  // namespace corolab::crawler::detail
