// URL resolution and normalization: an href is first read as a browser
// reads it (url_input.cpp), then libcurl parses and resolves it, and we make
// the spelling canonical (the host in url_host.cpp). See url.hpp for the
// rules. Links in plain spelling take a shorter way (plain_url.cpp).
#include "corolab/crawler/url.hpp"

#include <curl/curl.h>

#include <charconv>
#include <memory>
#include <new>
#include <unordered_map>

#include "corolab/text.hpp"
#include "plain_url.hpp"
#include "url_host.hpp"
#include "url_input.hpp"
#include "url_spelling.hpp"

namespace corolab::crawler {
namespace {

using detail::default_port;
using detail::spell;

// --- libcurl's URL handle ---

struct CurlUrlCleanup {
  void operator()(CURLU* url) const noexcept { curl_url_cleanup(url); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlCleanup>;

// Spaces are escaped by us (CURLU_URLENCODE would turn them into '+' in the
// query). Credentials are read, to tell empty ones from the others.
constexpr unsigned kSetFlags = CURLU_ALLOW_SPACE;

// Parses `text` as an absolute URL, or as one relative to the URL already in
// `url`. curl reads C strings, so a NUL byte would silently cut the URL short.
bool set_url(CURLU* url, std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return false;
  const std::string terminated(text);
  return curl_url_set(url, CURLUPART_URL, terminated.c_str(), kSetFlags) == CURLUE_OK;
}

// One part of the URL, or std::nullopt if it has none.
std::optional<std::string> get_part(CURLU* url, CURLUPart part, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, flags) != CURLUE_OK) return std::nullopt;
  std::string copy(value);
  curl_free(value);
  return copy;
}

// --- the canonical form of each part ---

// Answers that do not depend on the page, remembered. Bounded: when full, it
// forgets everything at once (simpler than least-recently-used, and a crawl
// asks about the same few hosts and links again and again). One per thread.
class Memo {
 public:
  const std::optional<std::string>* recall(const std::string& question) const {
    const auto found = answers_.find(question);
    return found == answers_.end() ? nullptr : &found->second;
  }
  const std::optional<std::string>& remember(const std::string& question,
                                             std::optional<std::string> answer) {
    if (answers_.size() == kCapacity) answers_.clear();
    return answers_.emplace(question, std::move(answer)).first->second;
  }

 private:
  static constexpr std::size_t kCapacity = 4096;
  std::unordered_map<std::string, std::optional<std::string>> answers_;
};

// Every link of a crawl names one of a few hosts, and a host may go through
// IDNA: remember the answers.
std::optional<std::string> canonical_host(const std::string& host) {
  thread_local Memo memo;
  if (const std::optional<std::string>* known = memo.recall(host)) return *known;
  return memo.remember(host, detail::canonical_host(host));
}

// A crawler does not send credentials it found in a page to a server, and
// "user@host" would make a second copy of a page for every user name. Empty
// ones ("http://@host/", "http://:@host/") mean nothing: they go, as in
// browsers.
bool has_credentials(CURLU* url) {
  return !get_part(url, CURLUPART_USER).value_or("").empty() ||
         !get_part(url, CURLUPART_PASSWORD).value_or("").empty();
}

std::optional<int> parse_port(std::string_view text) {
  int port = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return port;
}

std::string canonical_path(std::string_view path) {
  std::string canonical = detail::remove_dot_segments(normalize_percent_escapes(path));
  if (!canonical.starts_with('/')) canonical.insert(0, 1, '/');
  return canonical;
}

// Our canonical form of the URL in `url`, or std::nullopt if the crawler
// does not want it.
std::optional<UrlParts> canonical_parts(CURLU* url) {
  const std::optional<std::string> scheme = get_part(url, CURLUPART_SCHEME);
  const std::optional<std::string> host = get_part(url, CURLUPART_HOST);
  if (!scheme || !host) return std::nullopt;
  UrlParts parts;
  parts.scheme = text::to_lower(*scheme);
  if (parts.scheme != "http" && parts.scheme != "https") return std::nullopt;
  if (get_part(url, CURLUPART_ZONEID)) return std::nullopt;  // link-local IPv6: not on the web
  if (has_credentials(url)) return std::nullopt;

  const std::optional<std::string> canonical = canonical_host(*host);
  if (!canonical) return std::nullopt;
  parts.host = *canonical;

  parts.port = default_port(parts.scheme);
  if (const std::optional<std::string> port = get_part(url, CURLUPART_PORT)) {
    const std::optional<int> number = parse_port(*port);
    if (!number) return std::nullopt;
    parts.port = *number;
  }

  parts.path_and_query = canonical_path(get_part(url, CURLUPART_PATH).value_or("/"));
  const std::string query = get_part(url, CURLUPART_QUERY).value_or("");
  if (!query.empty()) parts.path_and_query += "?" + normalize_percent_escapes(query);
  return parts;
}

std::optional<std::string> canonical_url(CURLU* url) {
  const std::optional<UrlParts> parts = canonical_parts(url);
  if (!parts) return std::nullopt;
  return spell(*parts);
}

// An href that names its scheme means the same on every page: the links to
// other sites, mailto: and javascript: come back page after page, so their
// answers are remembered.
std::optional<std::string> resolve_absolute(std::string_view href) {
  thread_local Memo memo;
  const std::string question(href);
  if (const std::optional<std::string>* known = memo.recall(question)) return *known;
  const CurlUrl url(curl_url());
  if (!url) return std::nullopt;  // out of memory: not an answer to remember
  return memo.remember(question,
                       set_url(url.get(), href) ? canonical_url(url.get()) : std::nullopt);
}

}  // namespace

struct UrlResolver::Parsed {
  std::string text;
  CurlUrl url{curl_url()};
  bool has_base = false;  // without a usable base, an absolute href still resolves (to itself)
  bool has_zone_id = false;
  std::string scheme;
  detail::PlainBase plain;  // for the fast path: empty if the base is not canonical

  // A handle holding the base, to resolve an href against. curl 7.88's
  // curl_url_dup() loses an IPv6 zone id, so such a base is parsed afresh.
  CurlUrl copy() const {
    if (!has_zone_id) return CurlUrl(curl_url_dup(url.get()));
    CurlUrl fresh(curl_url());
    if (fresh) set_url(fresh.get(), text);
    return fresh;
  }
};

UrlResolver::UrlResolver(std::string_view base) : base_(std::make_unique<Parsed>()) {
  if (!base_->url) throw std::bad_alloc();
  base_->text = detail::as_browsers_read(base, "");
  base_->has_base = set_url(base_->url.get(), base_->text);
  if (base_->has_base) {
    base_->scheme = get_part(base_->url.get(), CURLUPART_SCHEME).value_or("");
    base_->has_zone_id = get_part(base_->url.get(), CURLUPART_ZONEID).has_value();
  }
  if (const std::optional<UrlParts> parts = split_url(base_->text)) {
    base_->plain = detail::plain_base(*parts);
  }
}

UrlResolver::~UrlResolver() = default;

std::optional<std::string> UrlResolver::resolve(std::string_view href) const {
  if (std::optional<std::string> plain = detail::resolve_plain(base_->plain, href)) return plain;
  const std::string relative = detail::as_browsers_read(href, base_->scheme);
  if (!detail::scheme_of(relative).empty()) return resolve_absolute(relative);
  // "" and "#top" mean the base itself; curl 7.88 would drop its last segment.
  const bool means_base = relative.empty() || relative.starts_with('#');
  if (means_base && !base_->has_base) return std::nullopt;
  // A copy of the parsed base: cheaper than parsing it again.
  const CurlUrl url = base_->copy();
  if (!url) return std::nullopt;
  if (!means_base && !set_url(url.get(), relative)) return std::nullopt;
  return canonical_url(url.get());
}

std::optional<std::string> resolve_url(std::string_view base, std::string_view href) {
  return UrlResolver(base).resolve(href);
}

std::optional<std::string> normalize_url(std::string_view url) { return resolve_url(url, ""); }

std::optional<UrlParts> split_url(std::string_view url) {
  if (std::optional<UrlParts> parts = detail::split_plain(url)) return parts;
  const CurlUrl handle(curl_url());
  if (!handle || !set_url(handle.get(), url)) return std::nullopt;
  std::optional<UrlParts> parts = canonical_parts(handle.get());
  // Only a URL already in canonical form splits: the parts must spell it.
  if (!parts || spell(*parts) != url) return std::nullopt;
  detail::remember_origin(*parts);
  return parts;
}

}  // namespace corolab::crawler
