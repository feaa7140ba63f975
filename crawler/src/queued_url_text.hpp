#pragma once
// A QueuedUrl as one string: how the shared frontier keeps it in Redis (a
// stream entry's value). Lines: numbers first, then the URLs, which
// (normalized) hold no newline.

#include <optional>
#include <string>
#include <string_view>

#include "corolab/crawler/frontier.hpp"

namespace corolab::crawler {

// "depth\nredirect_hops\nurl\nparent\nchain...": its parts are parsed again
// by from_text (split_url), not stored.
std::string to_text(const QueuedUrl& item);
std::optional<QueuedUrl> queued_url_from_text(std::string_view text);

}  // namespace corolab::crawler
