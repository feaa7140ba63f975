// QueuedUrl to text and back (queued_url_text.hpp).
#include "queued_url_text.hpp"

#include <charconv>
#include <vector>

namespace corolab::crawler {

namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (true) {
    const std::size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) return lines;
    text.remove_prefix(end + 1);
  }
}

std::optional<int> number(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string to_text(const QueuedUrl& item) {
  std::string text = std::to_string(item.depth) + '\n' + std::to_string(item.redirect_hops) + '\n' +
                     item.url + '\n' + item.parent;
  for (const std::string& hop : item.redirect_chain) text += '\n' + hop;
  return text;
}

std::optional<QueuedUrl> queued_url_from_text(std::string_view text) {
  const std::vector<std::string_view> lines = lines_of(text);
  if (lines.size() < 4) return std::nullopt;
  const std::optional<int> depth = number(lines[0]);
  const std::optional<int> hops = number(lines[1]);
  std::optional<UrlParts> parts = split_url(std::string(lines[2]));
  if (!depth || !hops || !parts) return std::nullopt;
  QueuedUrl item;
  item.depth = *depth;
  item.redirect_hops = *hops;
  item.url = lines[2];
  item.parts = std::move(*parts);
  item.parent = lines[3];
  item.redirect_chain.assign(lines.begin() + 4, lines.end());
  return item;
}

}  // namespace corolab::crawler
