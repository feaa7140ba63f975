// Links that need no parser: see plain_url.hpp.
#include "plain_url.hpp"

#include <algorithm>
#include <vector>

#include "url_spelling.hpp"

namespace corolab::crawler::detail {
namespace {

// Characters that need no escaping and no decoding: not even '%'.
bool are_plain_characters(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c != '%' && may_appear_raw(c); });
}

// Is `segment` a dot segment, which remove_dot_segments() would change?
bool is_dot_segment(std::string_view segment) { return segment == "." || segment == ".."; }

// Longer links are left to libcurl (it has a limit).
constexpr std::size_t kMaxPlainLength = 4096;

// A path and query ("/a/b?x=1") that normalization leaves as it is and
// every URL parser reads alike: only characters that appear raw (no '%',
// so no escapes; no '#', space, control or non-ASCII byte), no dot
// segments, no empty query, not too long.
bool is_plain_path_and_query(std::string_view text) {
  if (!text.starts_with('/') || text.starts_with("//") || text.size() > kMaxPlainLength)
    return false;
  if (!are_plain_characters(text)) return false;
  const std::size_t question = text.find('?');
  if (question + 1 == text.size()) return false;  // "/a?": the empty query would go
  for (std::string_view path = text.substr(0, question); !path.empty();) {
    path.remove_prefix(1);  // the '/'
    const std::size_t slash = std::min(path.find('/'), path.size());
    if (is_dot_segment(path.substr(0, slash))) return false;
    path.remove_prefix(slash);
  }
  return true;
}

// libcurl 7.88 takes a leading "./" and "../"s off a relative path before
// it merges, which goes wrong when a '/' or '?' follows them: against
// "/a/b/c", ".//x" gives "/a/b/x" and "../?q" "/a?q" (RFC 3986 says
// "/a/b//x" and "/a/?q"). Such paths are left to it, to keep its answers.
bool hits_libcurl_dot_quirk(std::string_view text) {
  if (text.starts_with("./")) text.remove_prefix(2);
  while (text.starts_with("../")) text.remove_prefix(3);
  return text.starts_with('/') || text.starts_with('?');
}

// A relative path ("page.html", "../a/b.html?x=1") in plain characters.
// Not "", "?q" (they keep the base's path, a case of their own), nor a
// first segment with a ':' ("mailto:x" names a scheme).
bool is_plain_relative_path(std::string_view text) {
  if (text.empty() || text.starts_with('/') || text.starts_with('?') ||
      text.size() > kMaxPlainLength)
    return false;
  const std::string_view first_segment = text.substr(0, text.find_first_of("/?"));
  return first_segment.find(':') == std::string_view::npos && are_plain_characters(text) &&
         !hits_libcurl_dot_quirk(text);
}

// "/a/b.html?x=1" -> "/a/": what a relative path is resolved against.
// Empty when the base's path is not plain, which leaves its links to libcurl.
std::string directory_of(std::string_view path_and_query) {
  const std::string_view path = path_and_query.substr(0, path_and_query.find('?'));
  const std::string_view directory = path.substr(0, path.rfind('/') + 1);
  return are_plain_characters(directory) ? std::string(directory) : std::string();
}

// RFC 3986 5.2.2 and 5.2.3: the relative path goes after the base's
// directory, then the dot segments go. Its query is kept as written.
std::string merge_paths(std::string_view directory, std::string_view relative) {
  const std::size_t question = std::min(relative.find('?'), relative.size());
  std::string merged =
      remove_dot_segments(std::string(directory).append(relative.substr(0, question)));
  return merged.append(relative.substr(question));
}

// "../b.html" against the base's directory. The merged path must be plain
// as well ("..//b" could make "//b"); if not, libcurl decides.
std::optional<std::string> resolve_plain_relative(const PlainBase& base,
                                                  std::string_view relative) {
  if (base.directory.empty()) return std::nullopt;
  const std::string path_and_query = merge_paths(base.directory, relative);
  if (!is_plain_path_and_query(path_and_query)) return std::nullopt;
  return base.origin + path_and_query;
}

// The origins of URLs split_url() has split with libcurl: a URL of one of
// them with a plain path splits without it (a bounded memo, per thread; a
// crawl visits few sites).
struct KnownOrigin {
  std::string prefix;  // "http://host:port"
  UrlParts parts;      // its scheme, host and port
};

std::vector<KnownOrigin>& known_origins() {
  thread_local std::vector<KnownOrigin> known;
  return known;
}

}  // namespace

PlainBase plain_base(const UrlParts& base) {
  return {origin_prefix(base), directory_of(base.path_and_query)};
}

std::optional<std::string> resolve_plain(const PlainBase& base, std::string_view href) {
  if (base.origin.empty()) return std::nullopt;
  const std::size_t hash = std::min(href.find('#'), href.size());
  if (!are_plain_characters(href.substr(std::min(hash + 1, href.size())))) return std::nullopt;
  std::string_view path_and_query = href.substr(0, hash);
  if (is_plain_relative_path(path_and_query)) return resolve_plain_relative(base, path_and_query);
  if (path_and_query.starts_with(base.origin)) path_and_query.remove_prefix(base.origin.size());
  if (!is_plain_path_and_query(path_and_query)) return std::nullopt;
  return base.origin + std::string(path_and_query);
}

void remember_origin(const UrlParts& parts) {
  constexpr std::size_t kMaxRemembered = 64;
  std::vector<KnownOrigin>& known = known_origins();
  std::string prefix = origin_prefix(parts);
  if (std::any_of(known.begin(), known.end(),
                  [&](const KnownOrigin& k) { return k.prefix == prefix; }))
    return;
  if (known.size() == kMaxRemembered) known.clear();
  known.push_back({std::move(prefix), {parts.scheme, parts.host, parts.port, {}}});
}

std::optional<UrlParts> split_plain(std::string_view url) {
  for (const KnownOrigin& known : known_origins()) {
    if (!url.starts_with(known.prefix)) continue;
    const std::string_view path_and_query = url.substr(known.prefix.size());
    if (!is_plain_path_and_query(path_and_query)) continue;
    UrlParts parts = known.parts;
    parts.path_and_query = path_and_query;
    return parts;
  }
  return std::nullopt;
}

}  // namespace corolab::crawler::detail
