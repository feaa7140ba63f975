#pragma once
// A QueuedUrl, and a nofollow URL's record, as one string: how the shared
// frontier stores them in Redis (a stream entry's value, a hash's value).
// Lines: numbers first, then the URLs, which (normalized) hold no newline.

#include <optional>
#include <string>
#include <string_view>

#include "corolab/crawler/frontier.hpp"

namespace corolab::crawler {

// "depth\nredirect_hops\nurl\nparent\nchain...": its parts are parsed again
// by from_text (split_url), not stored.
std::string to_text(const QueuedUrl& item);
std::optional<QueuedUrl> queued_url_from_text(std::string_view text);

// A nofollow URL's record holds its URL, parent and depth only
// (page_links.cpp): "depth\nurl\nparent".
std::string nofollow_to_text(const PageRecord& record);
std::optional<PageRecord> nofollow_from_text(std::string_view text);

}  // namespace corolab::crawler
