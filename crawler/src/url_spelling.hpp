#pragma once
// The spelling of a URL (RFC 3986), shared by the two ways a URL is made
// canonical: through libcurl (url.cpp) and the plain-link fast path
// (plain_url.cpp). Private to the crawler.

#include <string>
#include <string_view>

#include "corolab/crawler/url.hpp"

namespace corolab::crawler::detail {

// Characters a path or a query may contain unescaped (RFC 3986 pchar, '/'
// and '?').
bool may_appear_raw(char c);

// RFC 3986 5.2.4: "/a/./b/../c" -> "/a/c".
std::string remove_dot_segments(std::string_view input);

int default_port(std::string_view scheme);

// "http://host[:port]/path?query": the port only when it is not the default.
std::string spell(const UrlParts& parts);

// The "scheme://host[:port]" of `parts`, without its path.
std::string origin_prefix(const UrlParts& parts);

}  // namespace corolab::crawler::detail
