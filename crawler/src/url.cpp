// URL resolution and normalization: libcurl parses and resolves, we make the
// spelling canonical. See url.hpp for the rules. Links in plain spelling
// take a shorter way (plain_url.cpp).
#include "corolab/crawler/url.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <new>
#include <unordered_map>

#include "corolab/text.hpp"
#include "plain_url.hpp"
#include "url_spelling.hpp"

namespace corolab::crawler {
namespace {

using detail::default_port;
using detail::spell;

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// --- what browsers do to an href before parsing it (WHATWG URL) ---

// Leading and trailing spaces and control characters go, and so do tabs and
// newlines anywhere: an href wrapped over two lines in the HTML still works.
std::string without_ignored_whitespace(std::string_view text) {
  const auto is_space_or_control = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  while (!text.empty() && is_space_or_control(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space_or_control(text.back())) text.remove_suffix(1);
  std::string kept;
  for (char c : text) {
    if (c != '\t' && c != '\n' && c != '\r') kept += c;
  }
  return kept;
}

// "http:g" against an http base is the relative "g" (browsers read it so;
// RFC 3986 5.4.2 calls it the backward-compatible reading). curl rejects it.
std::string_view without_base_scheme(std::string_view href, std::string_view base_scheme) {
  if (base_scheme.empty() || href.size() <= base_scheme.size() || href[base_scheme.size()] != ':')
    return href;
  if (!text::iequals(href.substr(0, base_scheme.size()), base_scheme)) return href;
  std::string_view rest = href.substr(base_scheme.size() + 1);
  return rest.starts_with("//") ? href : rest;  // "http://x" is absolute
}

// --- libcurl's URL handle ---

struct CurlUrlCleanup {
  void operator()(CURLU* url) const noexcept { curl_url_cleanup(url); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlCleanup>;

// Spaces are escaped by us (CURLU_URLENCODE would turn them into '+' in the
// query); credentials in a link are refused outright.
constexpr unsigned kSetFlags = CURLU_ALLOW_SPACE | CURLU_DISALLOW_USER;

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

// IPv6 has many spellings ("::1", "0:0::1"); inet_ntop knows the canonical one.
std::optional<std::string> canonical_ipv6(std::string_view bracketed) {
  const std::string address(bracketed.substr(1, bracketed.size() - 2));
  in6_addr binary{};
  if (inet_pton(AF_INET6, address.c_str(), &binary) != 1) return std::nullopt;
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(AF_INET6, &binary, text, sizeof text) == nullptr) return std::nullopt;
  return std::string(text);
}

// curl turns IPv4 numbers such as "127.1" into "127.0.0.1", but only as
// written: "%31%32%37.1" is decoded to "127.1" and left so. Reading the
// decoded host once more finishes the job.
std::optional<std::string> reread_host(std::string_view host) {
  const CurlUrl url(curl_url());
  if (!url || !set_url(url.get(), "http://" + std::string(host) + "/")) return std::nullopt;
  return get_part(url.get(), CURLUPART_HOST);
}

// curl has decoded escapes in the host. What is left for us: IPv6, IPv4
// numbers (above), case, and refusing names that are not plain ASCII (curl
// 7.88 can only punycode them in a UTF-8 locale; the crawler cannot depend
// on the locale).
std::optional<std::string> canonical_host_uncached(std::string_view host) {
  if (host.starts_with('[') && host.ends_with(']')) return canonical_ipv6(host);
  const auto is_host_char = [](char c) {
    return is_alpha(c) || text::is_digit(c) || c == '-' || c == '.' || c == '_';
  };
  if (host.empty() || !std::all_of(host.begin(), host.end(), is_host_char)) return std::nullopt;
  return reread_host(text::to_lower(host));
}

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

// Every link of a crawl names one of a few hosts, and rereading a host is a
// whole URL parse: remember the answers.
std::optional<std::string> canonical_host(const std::string& host) {
  thread_local Memo memo;
  if (const std::optional<std::string>* known = memo.recall(host)) return *known;
  return memo.remember(host, canonical_host_uncached(host));
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

// Does the href start with a scheme ("mailto:", "https:")? Then libcurl
// reads it without the base. (RFC 3986 3.1: a letter, then letters, digits,
// '+', '-', '.'; a long one is left to the general way.)
bool names_its_scheme(std::string_view href) {
  constexpr std::size_t kMaxSchemeLength = 16;
  const std::size_t colon = href.find(':');
  if (colon == 0 || colon > kMaxSchemeLength || colon == std::string_view::npos ||
      !is_alpha(href[0]))
    return false;
  return std::all_of(href.begin(), href.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
    return is_alpha(c) || text::is_digit(c) || c == '+' || c == '-' || c == '.';
  });
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
  base_->text = without_ignored_whitespace(base);
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
  const std::string cleaned = without_ignored_whitespace(href);
  const std::string_view relative = without_base_scheme(cleaned, base_->scheme);
  if (names_its_scheme(relative)) return resolve_absolute(relative);
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
