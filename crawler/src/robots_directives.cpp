// Page-level robots directives: see robots_directives.hpp.
#include "corolab/crawler/robots_directives.hpp"

#include <algorithm>
#include <array>

#include "corolab/text.hpp"

namespace corolab::crawler {
namespace {

using text::iequals;
using text::trim;

// The directives Google lists that carry a value after a colon: their
// colon does not introduce a user agent ("unavailable_after: 2030-01-01").
bool takes_a_value(std::string_view name) {
  constexpr std::array<std::string_view, 4> kWithValue = {"unavailable_after", "max-snippet",
                                                          "max-image-preview", "max-video-preview"};
  return std::any_of(kWithValue.begin(), kWithValue.end(),
                     [name](std::string_view known) { return iequals(trim(name), known); });
}

void apply(std::string_view directive, RobotsDirectives& directives) {
  directive = trim(directive);
  const bool none = iequals(directive, "none");
  if (none || iequals(directive, "noindex")) directives.noindex = true;
  if (none || iequals(directive, "nofollow")) directives.nofollow = true;
}

// Calls `each` with every comma-separated item of `list`.
template <typename Each>
void for_each_item(std::string_view list, Each each) {
  while (true) {
    const std::size_t comma = list.find(',');
    each(list.substr(0, comma));
    if (comma == std::string_view::npos) return;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

RobotsDirectives meta_robots_directives(std::string_view name, std::string_view content,
                                        std::string_view product_token) {
  RobotsDirectives directives;
  name = trim(name);
  const bool for_us =
      iequals(name, "robots") || (!product_token.empty() && iequals(name, product_token));
  if (for_us) for_each_item(content, [&](std::string_view item) { apply(item, directives); });
  return directives;
}

RobotsDirectives x_robots_tag_directives(std::string_view value, std::string_view product_token) {
  RobotsDirectives directives;
  bool for_us = true;  // until an "agent:" prefix says otherwise
  for_each_item(value, [&](std::string_view item) {
    const std::size_t colon = item.find(':');
    if (colon != std::string_view::npos && !takes_a_value(item.substr(0, colon))) {
      const std::string_view agent = trim(item.substr(0, colon));
      for_us = !product_token.empty() && iequals(agent, product_token);
      item.remove_prefix(colon + 1);
    }
    if (for_us) apply(item, directives);
  });
  return directives;
}

}  // namespace corolab::crawler
