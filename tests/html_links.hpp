#pragma once
// Test-only: the links in the demo site's HTML, read without the site's own
// code, to hold its truth to account. It reads what the site writes (double
// and single quotes, comments, <script>, <base href>, entities, a few kinds
// of broken markup), not arbitrary HTML.

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace html_links {

struct PageLinks {
  std::string base_href;           // from <base href>; empty if none
  std::vector<std::string> hrefs;  // every <a href> as written, in order
};

// The value of ` name="..."` or ` name='...'` inside one tag.
inline std::optional<std::string> attribute(std::string_view tag, std::string_view name) {
  std::string key = " ";
  key += name;
  key += '=';
  const std::size_t at = tag.find(key);
  if (at == std::string_view::npos || at + key.size() >= tag.size()) return std::nullopt;
  const std::size_t open = at + key.size();
  const char quote = tag[open];
  const std::size_t close = tag.find(quote, open + 1);
  if ((quote != '"' && quote != '\'') || close == std::string_view::npos) return std::nullopt;
  return std::string(tag.substr(open + 1, close - open - 1));
}

inline PageLinks read_links(std::string_view html) {
  PageLinks page;
  std::size_t at = 0;
  while ((at = html.find('<', at)) != std::string_view::npos) {
    const std::string_view rest = html.substr(at);
    // Comments and scripts may hold markup, but no links.
    const std::string_view skip_to = rest.starts_with("<!--")      ? "-->"
                                     : rest.starts_with("<script") ? "</script>"
                                                                   : ">";
    const std::size_t end = html.find(skip_to, at + 1);
    if (end == std::string_view::npos) break;  // the document ends inside a tag: not a tag
    const std::string_view tag = html.substr(at, end - at);
    if (tag.starts_with("<a ")) {
      if (auto href = attribute(tag, "href")) page.hrefs.push_back(*href);
    } else if (tag.starts_with("<base ")) {
      if (auto href = attribute(tag, "href")) page.base_href = *href;
    }
    at = end + 1;
  }
  return page;
}

// The character references the site writes, back to characters.
inline std::string decode_entities(std::string_view text) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
  std::string decoded;
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    for (const auto& [entity, character] : kEntities) {
      if (text.substr(i).starts_with(entity)) {
        decoded += character;
        i += entity.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) decoded += text[i++];
  }
  return decoded;
}

// mailto: and javascript: hrefs go nowhere a crawler can fetch.
inline bool is_followable(std::string_view href) {
  return !href.starts_with("mailto:") && !href.starts_with("javascript:");
}

// "/a/b/../c/./d" -> "/a/c/d" (RFC 3986 5.2.4, for the paths the site writes).
inline std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> kept;
  std::size_t start = 1;  // after the leading '/'
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    const std::string_view segment = path.substr(start, slash - start);
    const bool last = slash == path.size();
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
      if (last) kept.push_back("");  // ".." at the end still names a folder
    } else if (segment == ".") {
      if (last) kept.push_back("");
    } else {
      kept.push_back(segment);
    }
    start = slash + 1;
  }
  std::string result;
  for (const std::string_view segment : kept) {
    result += '/';
    result += segment;
  }
  return result.empty() ? "/" : result;
}

// `reference` (entities already decoded) against the absolute URL `base`;
// the fragment is dropped. Handles absolute, root-relative and relative
// references; enough for the site.
inline std::string resolve(std::string_view base, std::string_view reference) {
  reference = reference.substr(0, reference.find('#'));
  if (reference.starts_with("http://") || reference.starts_with("https://"))
    return std::string(reference);
  const std::size_t path_start = base.find('/', base.find("://") + 3);
  const std::string origin(base.substr(0, path_start));
  if (reference.starts_with("/")) return origin + std::string(reference);

  std::string_view base_path = path_start == std::string_view::npos ? "/" : base.substr(path_start);
  base_path = base_path.substr(0, base_path.find('?'));
  const std::string_view base_directory = base_path.substr(0, base_path.rfind('/') + 1);
  const std::string merged = std::string(base_directory) + std::string(reference);
  const std::size_t query = merged.find('?');
  const std::string path = remove_dot_segments(std::string_view(merged).substr(0, query));
  return origin + path + (query == std::string::npos ? "" : merged.substr(query));
}

// Every followable link on a page, as absolute URLs without fragments.
inline std::vector<std::string> absolute_links(std::string_view html, std::string_view page_url) {
  const PageLinks page = read_links(html);
  const std::string base =
      page.base_href.empty() ? std::string(page_url) : decode_entities(page.base_href);
  std::vector<std::string> urls;
  for (const std::string& href : page.hrefs) {
    const std::string reference = decode_entities(href);
    if (is_followable(reference)) urls.push_back(resolve(base, reference));
  }
  return urls;
}

}  // namespace html_links
